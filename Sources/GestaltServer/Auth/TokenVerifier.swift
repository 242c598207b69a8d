import Foundation
package import GestaltConfig
import GestaltModel
import JWTKit

/// Checks a bearer token: one of the file's static tokens, or a JWT signed
/// by one of its keys (HS256, RS256, ES256) that has not expired.
/// It never logs or echoes a token.
package struct TokenVerifier: Sendable {
    private let tokens: [AuthSettings.StaticToken]
    private let keys: JWTKeyCollection?
    private let issuer: String?
    private let audience: String?

    /// Reads the keys; a key that is not valid PEM for its algorithm throws,
    /// naming the key (by its place and `kid`), not its material.
    package static func make(_ settings: AuthSettings) async throws -> TokenVerifier {
        var keys: JWTKeyCollection?
        if !settings.jwtKeys.isEmpty {
            let collection = JWTKeyCollection()
            for (index, key) in settings.jwtKeys.enumerated() {
                // Every key gets a kid, so none is lost when several have
                // none; tokens without a kid are tried against each.
                let kid = JWKIdentifier(string: key.kid ?? "gestalt-key-\(index)")
                do {
                    switch key.algorithm {
                    case .hs256:
                        await collection.add(hmac: HMACKey(from: key.material), digestAlgorithm: .sha256, kid: kid)
                    case .rs256:
                        await collection.add(
                            rsa: try Insecure.RSA.PublicKey(pem: key.material), digestAlgorithm: .sha256, kid: kid)
                    case .es256:
                        await collection.add(ecdsa: try ES256PublicKey(pem: key.material), kid: kid)
                    }
                } catch {
                    throw TokenVerifierError(
                        message:
                            "auth.jwt.keys[\(index)] (\(key.algorithm.rawValue)\(key.kid.map { ", kid \($0)" } ?? "")) is not a valid public key"
                    )
                }
            }
            keys = collection
        }
        return TokenVerifier(tokens: settings.tokens, keys: keys, issuer: settings.issuer, audience: settings.audience)
    }

    func verify(_ token: String) async throws(AuthFailure) -> Principal {
        if let match = staticMatch(token) {
            return Principal(
                name: match.name, scopes: match.scopes,
                restriction: AccessRestriction(namespaces: match.namespaces, clusters: match.clusters)
            )
        }
        guard let keys, token.utf8.count(where: { $0 == UInt8(ascii: ".") }) == 2 else { throw .unknown }
        let claims: GestaltClaims
        do {
            claims = try await keys.verify(token, as: GestaltClaims.self, iteratingKeys: true)
        } catch let error as JWTError where error.errorType == .claimVerificationFailure {
            throw .unauthenticated(
                "invalid_token",
                error.reason == "expired"
                    ? "the token has expired" : "the token's claims do not check out (\(error.reason ?? "exp or nbf"))")
        } catch {
            throw .unknown
        }
        if let issuer, claims.iss?.value != issuer {
            throw .unauthenticated("invalid_token", "the token's issuer is not the one this server accepts")
        }
        if let audience, claims.aud?.value.contains(audience) != true {
            throw .unauthenticated("invalid_token", "the token's audience does not include this server")
        }
        var scopes = Set<Principal.Scope>()
        for word in (claims.scope ?? "").split(separator: " ") {
            if let scope = Principal.Scope(rawValue: String(word)) { scopes.insert(scope) }
        }
        return Principal(
            name: claims.sub.value, scopes: scopes,
            restriction: AccessRestriction(
                namespaces: claims.namespaces.map(Set.init), clusters: claims.clusters.map(Set.init))
        )
    }

    /// Compares against every static token in time that does not depend on
    /// where the bytes first differ, so response timing does not leak a prefix.
    private func staticMatch(_ token: String) -> AuthSettings.StaticToken? {
        let given = Array(token.utf8)
        var found: AuthSettings.StaticToken?
        for candidate in tokens {
            let expected = Array(candidate.token.utf8)
            var difference = UInt8(given.count == expected.count ? 0 : 1)
            for index in 0..<max(given.count, expected.count) {
                let a = index < given.count ? given[index] : 0
                let b = index < expected.count ? expected[index] : 0
                difference |= a ^ b
            }
            if difference == 0 { found = candidate }
        }
        return found
    }
}

package struct TokenVerifierError: Error, CustomStringConvertible {
    package let message: String
    package var description: String { message }
}

/// The claims gestalt reads: `sub`, `exp` (required), `nbf`, `iss`, `aud`,
/// `scope` (space-separated, OAuth 2 style: "read write"), and the
/// optional restrictions `namespaces` and `clusters`.
struct GestaltClaims: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var nbf: NotBeforeClaim?
    var iss: IssuerClaim?
    var aud: AudienceClaim?
    var scope: String?
    var namespaces: [String]?
    var clusters: [String]?

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try nbf?.verifyNotBefore()
    }
}
