import Hummingbird
import NIOCore

/// A refused request: 401 when the token is missing or does not check out,
/// 403 when it does but may not do this. The message names what is wrong
/// and never repeats the token.
struct AuthFailure: Error, Sendable, Equatable {
    enum Kind: Equatable { case unauthenticated, forbidden }
    let kind: Kind
    let code: String
    let message: String

    static func unauthenticated(_ code: String, _ message: String) -> AuthFailure {
        .init(kind: .unauthenticated, code: code, message: message)
    }
    static func forbidden(_ code: String, _ message: String) -> AuthFailure {
        .init(kind: .forbidden, code: code, message: message)
    }

    static let missing = unauthenticated(
        "unauthorized",
        "this server requires a token: send 'Authorization: Bearer <token>' (or access_token=<token> in the query for EventSource and WebSocket)"
    )
    static let unknown = unauthenticated("invalid_token", "the token is not one this server accepts")

    var status: HTTPResponse.Status { kind == .unauthenticated ? .unauthorized : .forbidden }

    /// The API's error body (`APIError`, PROTOCOL.md Errors) with the
    /// `WWW-Authenticate` challenge; a 401 also says how to authenticate.
    var error: APIError { APIError(status, code: code, message) }

    var headers: HTTPFields {
        var headers = error.headers
        switch kind {
        case .unauthenticated:
            headers[.wwwAuthenticate] =
                #"Bearer realm="gestalt", error="\#(code == "unauthorized" ? "invalid_request" : "invalid_token")""#
        case .forbidden: headers[.wwwAuthenticate] = #"Bearer realm="gestalt", error="insufficient_scope""#
        }
        return headers
    }

    var response: Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: error.body)))
    }
}
