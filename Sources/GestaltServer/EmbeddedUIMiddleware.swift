import Foundation
import Hummingbird
import NIOCore

/// Serves the UI compiled into the binary (see the EmbedUI plugin), so it
/// works from any directory and from an installed binary.
struct EmbeddedUIMiddleware<Context: RequestContext>: RouterMiddleware {
    private let files: [String: ByteBuffer]

    init() {
        var files: [String: ByteBuffer] = [:]
        for (path, base64) in EmbeddedUI.files {
            if let data = Data(base64Encoded: base64) { files["/" + path] = ByteBuffer(bytes: data) }
        }
        self.files = files
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.method == .get || request.method == .head else { return try await next(request, context) }
        // `/gallery` is the component gallery (seed 004's stories, docs/UI.md).
        let path =
            switch request.uri.path {
            case "/": "/index.html";
            case "/gallery": "/gallery.html";
            case let other: other
            }
        guard !path.hasPrefix("/api/"), let body = files[path] else { return try await next(request, context) }
        return Response(
            status: .ok,
            headers: [.contentType: Self.contentType(for: path), .cacheControl: "no-cache"],
            body: .init(byteBuffer: body)
        )
    }

    static func contentType(for path: String) -> String {
        switch path.split(separator: ".").last ?? "" {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        default: "application/octet-stream"
        }
    }
}
