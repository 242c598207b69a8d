import Foundation
import GestaltModel
import GestaltStreaming
import HTTPTypes
import Logging
import NIOCore

/// The WebSocket upgrade's token check on the direct path, the same rule
/// `AccessMiddleware` applies on the router: the token from
/// `Authorization: Bearer`, else `?access_token=`. It gives the session its
/// token's restriction; a refusal is the HTTP 401/403 `UpgradeGate` sends.
enum DirectUpgradeAuth {
    /// The token a request head carries, as `AccessMiddleware.token(in:)` finds it.
    static func token(in head: RequestHead, queryToken: String?) -> String? {
        if let authorization = head.header("authorization"), authorization.lowercased().hasPrefix("bearer ") {
            let token = authorization.dropFirst(7).trimmingCharacters(in: .whitespaces)
            if !token.isEmpty { return token }
        }
        if let token = queryToken, !token.isEmpty { return token }
        return nil
    }

    /// The token's restriction when it may open the socket at `path`.
    static func check(
        _ token: String?, path: String, verifier: TokenVerifier, logger: Logger
    ) async -> Result<AccessRestriction, AuthFailure> {
        var client = "-"
        do throws(AuthFailure) {
            guard let token else { throw AuthFailure.missing }
            let principal = try await verifier.verify(token)
            client = principal.name
            try AccessMiddleware.check(principal, against: AccessRule.of(method: .get, path: path))
            return .success(principal.restriction)
        } catch {
            // The client's name is logged, its token never.
            logger.notice(
                "request refused",
                metadata: [
                    "path": .string(path), "status": .stringConvertible(error.status.code),
                    "reason": .string(error.code), "client": .string(client),
                ])
            return .failure(error)
        }
    }
}
