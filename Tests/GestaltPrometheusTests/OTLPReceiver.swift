import Hummingbird
import Synchronization

/// A tiny OTLP/HTTP receiver: it answers every POST to `/v1/traces` and
/// `/v1/metrics` with an empty 200 (an empty export response in protobuf)
/// and keeps what arrived, for the test to look into.
final class OTLPReceiver: Sendable {
    struct Post: Sendable {
        var contentType: String
        var body: [UInt8]
    }

    private let posts = Mutex<[String: [Post]]>([:])

    func received(_ signal: String) -> [Post] { posts.withLock { $0[signal] ?? [] } }

    /// Whether some POST of `signal` holds `text` (protobuf carries strings as plain UTF-8).
    func received(_ signal: String, containing text: String) -> Bool {
        let needle = Array(text.utf8)
        return received(signal).contains { post in
            post.body.count >= needle.count
                && (0...(post.body.count - needle.count)).contains { start in
                    post.body[start..<(start + needle.count)].elementsEqual(needle)
                }
        }
    }

    func application() -> some ApplicationProtocol {
        let router = Router()
        for signal in ["traces", "metrics"] {
            router.post("v1/\(signal)") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 16 << 20)
                let post = Post(contentType: request.headers[.contentType] ?? "", body: Array(buffer: body))
                self.posts.withLock { $0[signal, default: []].append(post) }
                // The exporter checks the answer's type before it decodes it.
                return Response(status: .ok, headers: [.contentType: "application/x-protobuf"])
            }
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }
}
