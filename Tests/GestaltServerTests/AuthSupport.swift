import Foundation
import GestaltConfig
import GestaltEngine
import GestaltModel
import GestaltServer
import JWTKit
import Logging

/// Tokens and keys for the auth tests: static tokens with each scope and
/// restriction, and one JWT key of each algorithm, with the private halves
/// kept here to mint tokens.
struct AuthFixture: Sendable {
    static let reader = "reader-token-0123456789"
    static let writer = "writer-token-0123456789"
    static let shopOnly = "shop-only-token-0123456789"
    static let prodOnly = "prod-only-token-0123456789"
    static let writeOnly = "write-only-token-0123456789"
    static let hmacSecret = "an-hs256-secret-of-at-least-32-bytes!"

    let settings: AuthSettings
    let signers: JWTKeyCollection

    static func make() async throws -> AuthFixture {
        let ecdsa = ES256PrivateKey()
        let rsaPEM = try Self.rsaPrivateKeyPEM()
        let rsa = try Insecure.RSA.PrivateKey(pem: rsaPEM)
        let settings = AuthSettings(
            tokens: [
                .init(name: "reader", token: reader, scopes: [.read]),
                .init(name: "writer", token: writer, scopes: [.read, .write]),
                .init(name: "shop-only", token: shopOnly, scopes: [.read], namespaces: ["shop"]),
                .init(name: "prod-only", token: prodOnly, scopes: [.read], clusters: ["prod"]),
                .init(name: "write-only", token: writeOnly, scopes: [.write]),
            ],
            jwtKeys: [
                .init(algorithm: .hs256, kid: "hs", material: hmacSecret),
                .init(algorithm: .rs256, kid: "rs", material: rsa.publicKey.pemRepresentation),
                .init(algorithm: .es256, kid: "es", material: ecdsa.publicKey.pemRepresentation),
            ]
        )
        let signers = JWTKeyCollection()
        await signers.add(hmac: HMACKey(from: hmacSecret), digestAlgorithm: .sha256, kid: "hs")
        await signers.add(rsa: rsa, digestAlgorithm: .sha256, kid: "rs")
        await signers.add(ecdsa: ecdsa, kid: "es")
        return AuthFixture(settings: settings, signers: signers)
    }

    /// A JWT signed by the key `kid` (hs, rs, es).
    func jwt(
        kid: String, scope: String = "read", expiresIn: TimeInterval = 600, namespaces: [String]? = nil,
        clusters: [String]? = nil
    ) async throws -> String {
        let claims = Claims(
            sub: .init(value: "jwt-\(kid)"), exp: .init(value: Date().addingTimeInterval(expiresIn)),
            scope: scope, namespaces: namespaces, clusters: clusters
        )
        return try await signers.sign(claims, kid: JWKIdentifier(string: kid))
    }

    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var scope: String
        var namespaces: [String]?
        var clusters: [String]?
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// A fresh 2048-bit key from openssl: the test holds no key material.
    static func rsaPrivateKeyPEM() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// A server with this fixture's auth, and the map the tests look at:
    /// shop and ops namespaces across the prod and dev clusters.
    func server() async throws -> GestaltServer {
        let verifier = try await TokenVerifier.make(settings)
        let server = makeServer { configuration, _ in configuration.auth = verifier }
        server.store.apply(Self.map.map { .upsertEntity($0) })
        return server
    }

    static let map: [Entity] = [
        clustered("shop-prod", namespace: "shop", cluster: "prod"),
        clustered("shop-dev", namespace: "shop", cluster: "dev"),
        clustered("ops-prod", namespace: "ops", cluster: "prod"),
    ]

    static func clustered(_ name: String, namespace: String, cluster: String) -> Entity {
        Entity(
            id: Entity.kubernetesID(kind: .pod, namespace: namespace, name: name, cluster: cluster), kind: .pod,
            name: name,
            namespace: namespace, source: "kubernetes@\(cluster)"
        )
    }

    static func event(about entity: Entity) -> InfraEvent {
        InfraEvent(
            type: "Warning", reason: "BackOff", message: "restarting", entityID: entity.id, entityKind: entity.kind,
            entityName: entity.name, severity: .warning)
    }
}
