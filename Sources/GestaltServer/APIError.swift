import Foundation
import GestaltModel
package import Hummingbird
import Logging
import NIOCore

/// Every 4xx/5xx answer: `{"error": {"code": "...", "message": "..."}}`
/// with a message a person can act on (PROTOCOL.md, Errors).
package struct APIError: HTTPResponseError, Sendable {
    package let status: HTTPResponse.Status
    package let code: String
    package let message: String

    package init(_ status: HTTPResponse.Status, code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    package var headers: HTTPFields { [.contentType: "application/json"] }

    package func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    var body: [UInt8] {
        var w = JSONWriter()
        w.beginObject()
        w.key("error"); w.beginObject()
        w.key("code"); w.string(code)
        w.key("message"); w.string(message)
        w.endObject()
        w.endObject()
        return w.bytes
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest, code: "bad_request", message) }
    static func badQuery(_ message: String) -> APIError { APIError(.badRequest, code: "bad_query_parameter", message) }
    static func invalidBody(_ message: String) -> APIError { APIError(.badRequest, code: "invalid_body", message) }
    static func notFound(_ message: String) -> APIError { APIError(.notFound, code: "not_found", message) }
    static func conflict(_ message: String) -> APIError { APIError(.conflict, code: "conflict", message) }
}

/// Turns any error escaping a handler into the JSON error shape, so a client
/// never sees an HTML or empty error body.
struct JSONErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            let response = try await next(request, context)
            // Hummingbird answers unmatched routes and methods itself, with an empty body.
            if response.status.code >= 400, response.headers[.contentType] == nil {
                return try Self.map(status: response.status).response(from: request, context: context)
            }
            return response
        } catch let error as APIError {
            throw error
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw APIError(.contentTooLarge, code: "body_too_large", "request body is over the 1 MiB limit")
        } catch let error as HTTPError {
            guard let message = error.body else { throw Self.map(status: error.status) }
            throw APIError(error.status, code: Self.code(for: error.status), message)
        } catch let error as any HTTPResponseError {
            throw APIError(error.status, code: Self.code(for: error.status), error.status.reasonPhrase)
        } catch {
            context.logger.error("unhandled error: \(error)")
            throw APIError(.internalServerError, code: "internal_error", "the server failed to answer; see its log")
        }
    }

    static func map(status: HTTPResponse.Status) -> APIError {
        switch status {
        case .notFound: APIError(.notFound, code: "not_found", "no such route; see PROTOCOL.md for the API")
        case .methodNotAllowed:
            APIError(.methodNotAllowed, code: "method_not_allowed", "this route does not take that method")
        default: APIError(status, code: code(for: status), status.reasonPhrase)
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
    }
}
