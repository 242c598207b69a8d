import Foundation
import GestaltModel
import GestaltStreaming
import HummingbirdCore
import Metrics
import NIOCore
import NIOHTTP1

/// Answers a connection whose first request opens the topology SSE stream
/// without Hummingbird: the fan-out writes it from the event loop, so the
/// connection keeps no task and only a short pipeline. That is what holds an
/// idle stream to a few KiB of server memory (issue 5 asks ≤ 10 KiB).
///
/// Only a plain, valid request is taken: HTTP/1.1, no body, no upgrade, a
/// query that parses. Everything else, errors included, goes to the router,
/// which answers it as before; so do later requests on a kept-alive
/// connection, which the router's own topology stream route serves.
struct DirectStreams: Sendable {
    let registry: StreamRegistry
    let fanout: TopologyFanout
    let options: StreamOptions

    static let route = "/api/infra/topology/stream"
    private static let requestLine = Array("GET \(route)".utf8)

    /// Whether a request starting with `bytes` may be one to serve directly;
    /// nil until enough has arrived to tell.
    func wants(_ bytes: ByteBufferView) -> Bool? {
        let line = Self.requestLine
        let known = min(bytes.count, line.count + 1)
        guard bytes.prefix(min(known, line.count)).elementsEqual(line.prefix(known)) else { return false }
        guard known > line.count else { return nil }
        let next = bytes[bytes.startIndex + line.count]
        return next == UInt8(ascii: " ") || next == UInt8(ascii: "?")
    }

    /// Starts serving `head` on `channel` and returns true, or returns false
    /// to leave the request to the router. Called on the channel's loop.
    func serve(_ head: RequestHead, channel: any Channel) -> Bool {
        guard head.method == "GET", head.version == "HTTP/1.1", head.path == Self.route,
              !head.has("upgrade"), !head.has("content-length"), !head.has("transfer-encoding")
        else { return false }
        let query = URI(head.target).queryParameters
        guard let filter = try? TopologyFilter.parse(kinds: query.get("kinds"), namespaces: query.get("namespaces"), labels: query.getAll("label"))
        else { return false }
        let resumeFrom = (head.header("last-event-id") ?? query.get("last_event_id")).flatMap(QueryParsing.eventID)
        do {
            try channel.pipeline.syncOperations.addHandler(HTTPResponseEncoder())
        } catch {
            return false
        }
        var headers = HTTPHeaders()
        for field in SSEResponse.headers { headers.add(name: field.name.rawName, value: field.value) }
        headers.add(name: "Date", value: Self.httpDate())
        headers.add(name: "Server", value: "gestalt")
        channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)), promise: nil)
        let (connection, ended) = SSEResponse.startTopology(
            channel: channel, sessionID: query.get("session_id"), registry: registry, fanout: fanout,
            filter: filter, resumeFrom: resumeFrom, options: options,
            write: { buffer in channel.write(HTTPServerResponsePart.body(.byteBuffer(buffer)), promise: nil) }
        )
        ended.whenComplete { result in
            connection.deregister((try? result.get()) ?? .transportError)
            Self.served.increment()
            // The stream ends only when the server or the registry ends it;
            // the connection goes with it.
            channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
        }
        return true
    }

    /// Now, as the `Date` header wants it (RFC 9110, IMF-fixdate).
    static func httpDate() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: Date())
    }

    /// Counted like the router's requests (MetricsMiddleware's `hb.requests`).
    private static let served = Counter(
        label: "hb.requests",
        dimensions: [("http.route", route), ("http.request.method", "GET"), ("http.response.status_code", "200")]
    )
}
