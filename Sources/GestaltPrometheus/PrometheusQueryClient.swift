package import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression

/// Runs instant queries against Prometheus' HTTP API.
package struct PrometheusQueryClient: Sendable {
    package let endpoint: String
    package let timeout: Duration
    private let http: HTTPClient
    /// One query's answer for 10k pods is a few MiB; far more is a wrong query.
    static let maxBodyBytes = 64 << 20

    /// Prometheus gzips its answers, and thousands of near-identical series
    /// compress beyond the ratio `HTTPClient.shared` accepts (it failed at
    /// 500 pods); this client caps the decompressed size instead. Like
    /// `.shared`, it lives as long as the process.
    package static let sharedHTTP: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.decompression = .enabled(limit: .size(maxBodyBytes))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    package init(
        endpoint: String, timeout: Duration = .seconds(10), http: HTTPClient = PrometheusQueryClient.sharedHTTP
    ) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.timeout = timeout
        self.http = http
    }

    /// Evaluates `promQL` at `time` (unix seconds): one POST to `/api/v1/query`.
    /// POST keeps long expressions out of the URL.
    package func query(_ promQL: String, at time: Double) async throws(PrometheusError) -> [VectorSample] {
        var request = HTTPClientRequest(url: "\(endpoint)/api/v1/query")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "query=\(Self.formEncode(promQL))&time=\(time)"))
        let status: Int
        let body: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout / .nanoseconds(1))))
            status = Int(response.status.code)
            body = try await response.body.collect(upTo: Self.maxBodyBytes)
        } catch {
            throw .unreachable(String(reflecting: error))
        }
        return try InstantVector.decode(body.readableBytesView, httpStatus: status)
    }

    /// `application/x-www-form-urlencoded`: everything but unreserved characters escaped.
    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
