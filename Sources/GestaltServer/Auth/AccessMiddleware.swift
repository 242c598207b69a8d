public import Hummingbird
public import HummingbirdAuth
import HummingbirdWebSocket
import Logging
import NIOWebSocket

/// Authentication and authorization in front of every route (docs/AUTH.md):
/// finds the bearer token, checks it, sets `context.identity`, and refuses
/// with 401 (no or bad token) or 403 (a scope or restriction the route
/// does not allow) before any route runs.
///
/// Browsers' EventSource and WebSocket cannot set headers, so the token may
/// also come as the `access_token` query parameter; the header wins.
///
/// On the WebSocket upgrade router a refusal cannot be an HTTP answer:
/// hummingbird-websocket answers every refused upgrade with an empty 400. So
/// there the socket is opened and at once closed with 4401 or 4403 (the
/// HTTP status plus 4000, as graphql-ws does) and the message as the reason,
/// before any data; browsers see that code, where they never see a status.
public struct AccessMiddleware: AuthenticatorMiddleware {
    public typealias Context = GestaltRequestContext
    public typealias Identity = Principal
    let verifier: TokenVerifier
    let upgrades: Bool

    /// `upgrades`: this middleware sits on the WebSocket upgrade router.
    public init(verifier: TokenVerifier, upgrades: Bool = false) {
        self.verifier = verifier
        self.upgrades = upgrades
    }

    public func authenticate(request: Request, context: Context) async throws -> Principal? {
        guard let token = Self.token(in: request) else { return nil }
        return try await verifier.verify(token)
    }

    public func handle(
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
            // The client's name is logged, its token never.
            context.logger.notice(
                "request refused",
                metadata: [
                    "path": .string(request.uri.path), "status": .stringConvertible(failure.status.code),
                    "reason": .string(failure.code), "client": .string(context.identity?.name ?? "-"),
                ])
            return upgrades
                ? try await Self.refuseSocket(failure, request: request, context: context, next: next)
                : failure.response
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
                "a token limited to namespaces or clusters may use only the topology, events and WebSocket routes; this one could show more than it allows"
            )
        }
    }

    private static func refuseSocket(
        _ failure: AuthFailure, request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let code = WebSocketErrorCode(codeNumber: 4000 + Int(failure.status.code))
        let closer = WebSocketUpgradeMiddleware<Context> { _, _ in
            .upgrade([:])
        } onUpgrade: { _, outbound, _ in
            try await outbound.close(code, reason: failure.code)
        }
        return try await closer.handle(request, context: context, next: next)
    }

    /// `Authorization: Bearer …`, else `?access_token=`.
    static func token(in request: Request) -> String? {
        if let bearer = request.headers.bearer, !bearer.token.isEmpty { return bearer.token }
        if let token = request.uri.queryParameters.get("access_token"), !token.isEmpty { return token }
        return nil
    }
}
