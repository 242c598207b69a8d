import Foundation
import GestaltModel
import GestaltStreaming
import HTTPTypes
import Logging
import NIOCore

/// The WebSocket upgrade's token check on the direct path, the same rule
/// `AccessMiddleware` applies on the router: the token from
/// `Authorization: Bearer`, else `?access_token=`; a refusal becomes close
/// code 4401 or 4403 right after the 101 (browsers never see an upgrade's
/// HTTP status; docs/AUTH.md).
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

    /// The close frame a refused socket gets: the HTTP status plus 4000, the error code as the reason.
    static func refusal(_ failure: AuthFailure) -> ByteBuffer {
        var payload = ByteBuffer()
        payload.writeInteger(UInt16(4000 + failure.status.code))
        payload.writeString(failure.code)
        var framed = ByteBuffer()
        WebSocketWire.writeFrame(.close, payload: payload.readableBytesView, into: &framed)
        return framed
    }
}
