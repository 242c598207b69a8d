package import AsyncHTTPClient
import Foundation
package import NIOCore
package import NIOHTTP1

/// The HTTP side of the source: whole GETs for lists, and long-lived GETs
/// whose bodies are newline-delimited JSON (`/events`, stats). It knows no
/// containers; the session decodes what it returns.
package final class DockerClient: Sendable {
    private let http: HTTPClient
    private let base: String
    private let version: String

    /// A list of a few thousand containers is a few MiB; this only stops a runaway peer.
    static let maxBodyBytes = 256 * 1024 * 1024

    package init(configuration: DockerSourceConfiguration, streams: Int = 4096) throws(DockerError) {
        base = try configuration.baseURL()
        version = configuration.apiVersion
        var http = HTTPClient.Configuration()
        // Streams stay open for hours: no read timeout. A dead engine closes
        // the socket, which ends them.
        http.timeout = .init(connect: .seconds(5), read: nil)
        // One connection per stats stream plus the events stream; AHC's
        // default of 8 per host would queue the rest behind them forever.
        http.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = streams
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: http)
    }

    package func shutdown() async {
        try? await http.shutdown()
    }

    /// The whole body of a GET, decoded.
    package func get<T: Decodable>(_ type: T.Type, _ path: String, query: [(String, String)] = []) async throws -> T {
        let response = try await send(path, query: query, deadline: .seconds(30))
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            throw DockerError.transport("reading \(path): \(error)")
        }
        return try Self.decode(type, from: body, what: path)
    }

    /// Opens a stream and returns once its head arrived: from then on the
    /// engine delivers everything that happens, which lets the session open
    /// `/events` before it lists and so miss nothing in between.
    package func stream(_ path: String, query: [(String, String)] = []) async throws -> HTTPClientResponse.Body {
        try await send(path, query: query, deadline: .seconds(10)).body
    }

    /// A request that changes something (create, start, remove), for the
    /// benchmark and tools; the source itself only ever reads. Returns the body.
    @discardableResult
    package func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], json: String? = nil
    ) async throws -> ByteBuffer {
        let response = try await send(path, query: query, deadline: .seconds(60), method: method, json: json)
        return try await response.body.collect(upTo: Self.maxBodyBytes)
    }

    package static func decode<T: Decodable>(
        _ type: T.Type, from buffer: ByteBuffer, what: String
    ) throws(DockerError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch {
            let start = String(decoding: buffer.readableBytesView.prefix(120), as: UTF8.self)
            throw .malformed("\(what): \(error) in \(start)")
        }
    }

    private func send(
        _ path: String, query: [(String, String)], deadline: Duration, method: HTTPMethod = .GET, json: String? = nil
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: base + "/v" + version + path + Self.encode(query))
        request.method = method
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        request.headers.add(name: "User-Agent", value: "gestalt-live")
        // AHC sends no Host over a unix socket, and Go's server rejects an
        // HTTP/1.1 request without one (400 "missing required Host header").
        if base.hasPrefix("http+unix://") { request.headers.replaceOrAdd(name: "Host", value: "docker") }
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .init(deadline))
        } catch let error as CancellationError {
            throw error
        } catch {
            throw DockerError.transport("\(path): \(error)")
        }
        guard response.status.code >= 300 else { return response }
        // Error bodies are `{"message": "..."}`.
        struct Message: Decodable { var message: String }
        let body = (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer()
        let message =
            (try? JSONDecoder().decode(Message.self, from: Data(body.readableBytesView)))?.message
            ?? String(decoding: body.readableBytesView.prefix(200), as: UTF8.self)
        throw DockerError.status(code: Int(response.status.code), path: path, message: message)
    }

    private static func encode(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return "?"
            + query.map { name, value in
                "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
            }.joined(separator: "&")
    }
}
