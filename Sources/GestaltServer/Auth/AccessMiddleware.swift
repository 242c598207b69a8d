import GestaltConfig
import GestaltModel
import Hummingbird
import HummingbirdAuth
package import HummingbirdCore
import Logging

/// Authentication and authorization in front of every route (docs/AUTH.md):
/// finds the bearer token, checks it, sets `context.identity`, and refuses
/// with 401 (no or bad token) or 403 (a scope or restriction the route
/// does not allow) before any route runs.
///
/// Browsers' EventSource and WebSocket cannot set headers, so the token may
/// also come as the `access_token` query parameter; the header wins.
///
/// A WebSocket upgrade is judged earlier, by `UpgradeGate` and
/// `DirectUpgradeAuth`, so that a refusal is an HTTP answer; an upgrade the
/// direct path does not take reaches the router as a plain GET (426).
package struct AccessMiddleware: AuthenticatorMiddleware {
    package typealias Context = GestaltRequestContext
    package typealias Identity = Principal
    let verifier: TokenVerifier

    package init(verifier: TokenVerifier) {
        self.verifier = verifier
    }

    package func authenticate(request: Request, context: Context) async throws -> Principal? {
        guard let token = Self.token(in: request) else { return nil }
        return try await verifier.verify(token)
    }

    package func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let rule = AccessRule.of(method: request.method, path: request.uri.path)
        if rule == .open { return try await next(request, context) }
        var context = context
        do {
            guard let principal = try await authenticate(request: request, context: context) else {
                throw AuthFailure.missing
            }
            context.identity = principal
            try Self.check(principal, against: rule)
        } catch let failure as AuthFailure {
            Self.logRefusal(failure, path: request.uri.path, client: context.identity?.name, logger: context.logger)
            return failure.response
        }
        return try await next(request, context)
    }

    static func check(_ principal: Principal, against rule: AccessRule) throws(AuthFailure) {
        guard case .scope(let scope, let restrictable) = rule else { return }
        guard principal.scopes.contains(scope) else {
            throw .forbidden("insufficient_scope", "this route needs a token with scope '\(scope.rawValue)'")
        }
        if !restrictable, !principal.restriction.isNone {
            throw .forbidden(
                "restricted_token",
                "this route cannot narrow its answer to the namespaces or clusters the token is limited to"
            )
        }
    }

    /// One `notice` line per refusal: the client's name, its token never.
    static func logRefusal(_ failure: AuthFailure, path: String, client: String?, logger: Logger) {
        logger.notice(
            "request refused",
            metadata: [
                "path": .string(path), "status": .stringConvertible(failure.status.code),
                "reason": .string(failure.code), "client": .string(client ?? "-"),
            ])
    }

    /// `Authorization: Bearer …`, else `?access_token=`.
    static func token(in request: Request) -> String? {
        token(headers: request.headers, uri: request.uri)
    }

    static func token(headers: HTTPFields, uri: URI) -> String? {
        if let bearer = headers.bearer, !bearer.token.isEmpty { return bearer.token }
        if let token = uri.queryParameters.get("access_token"), !token.isEmpty { return token }
        return nil
    }
}
