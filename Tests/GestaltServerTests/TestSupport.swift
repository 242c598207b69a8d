import AsyncHTTPClient
import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOHTTP1

/// A server over a fresh store, on an ephemeral port for live tests.
func makeServer(configure: (inout ServerConfiguration, inout StoreConfiguration) -> Void = { _, _ in }) -> GestaltServer
{
    var server = ServerConfiguration(host: "127.0.0.1", port: 0)
    var store = StoreConfiguration()
    configure(&server, &store)
    return GestaltServer(
        store: TopologyStore(configuration: store), statusBoard: SourceStatusBoard(), configuration: server)
}

extension GestaltServer {
    func application() -> some ApplicationProtocol {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return makeApplication(logger: logger)
    }
}

/// One parsed EventSource message.
struct SSEMessage: Equatable {
    var event: String?
    var id: String?
    var data: String?
    var retry: String?
    var comment: String?

    func update() throws -> TopologyUpdate {
        try JSONDecoder().decode(TopologyUpdate.self, from: Data((data ?? "").utf8))
    }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data((data ?? "").utf8)) as? [String: Any] ?? [:]
    }
}

/// A real SSE client over AsyncHTTPClient: reads frames as the server writes them.
final class SSEClient {
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var pending = ""
    let response: HTTPClientResponse

    init(port: Int, path: String, headers: [(String, String)] = []) async throws {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        // The deadline covers the whole body too: long enough for any test's stream.
        response = try await HTTPClient.shared.execute(request, timeout: .seconds(150))
        iterator = response.body.makeAsyncIterator()
    }

    /// The next message, waiting up to `timeout`.
    func next(timeout: Duration = .seconds(10)) async throws -> SSEMessage {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let range = pending.range(of: "\n\n") {
                let block = String(pending[..<range.lowerBound])
                pending = String(pending[range.upperBound...])
                return Self.parse(block)
            }
            guard ContinuousClock.now < deadline else { throw SSETimeout() }
            guard let chunk = try await iterator.next() else { throw SSEEnded() }
            pending += String(buffer: chunk)
        }
    }

    /// Messages until `count` default-type (data) messages were read; comments and named events are skipped.
    func dataMessages(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [SSEMessage] {
        var result: [SSEMessage] = []
        while result.count < count {
            let message = try await next(timeout: timeout)
            if message.data != nil, message.event == nil { result.append(message) }
        }
        return result
    }

    static func parse(_ block: String) -> SSEMessage {
        var message = SSEMessage()
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") {
                message.comment = String(line.dropFirst()).trimmingCharacters(in: .whitespaces); continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = String(line[..<colon])
            var value = line[line.index(after: colon)...]
            if value.first == " " { value = value.dropFirst() }
            switch field {
            case "event": message.event = String(value)
            case "id": message.id = String(value)
            case "data": message.data = (message.data.map { $0 + "\n" } ?? "") + value
            case "retry": message.retry = String(value)
            default: break
            }
        }
        return message
    }
}

struct SSETimeout: Error {}
struct SSEEnded: Error {}

func entity(
    _ name: String, kind: EntityKind = .pod, namespace: String = "shop", labels: [String: String] = [:], cpu: Double = 0
) -> Entity {
    Entity(
        id: Entity.kubernetesID(kind: kind, namespace: namespace, name: name), kind: kind, name: name,
        namespace: namespace, source: "test", labels: labels, cpuPercent: cpu
    )
}

/// Runs long synchronous work (thousands of store changes) on a thread of
/// its own. On two cores the cooperative pool has two threads, and a test
/// holding one for seconds starved the other suites' clients and servers,
/// which then missed heartbeats they would never miss in production.
func offThePool(_ work: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        Thread.detachNewThread {
            work()
            done.resume()
        }
    }
}
