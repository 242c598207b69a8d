import AsyncHTTPClient
import Foundation
import NIOCore

/// Runs instant queries against Prometheus' HTTP API.
public struct PrometheusQueryClient: Sendable {
    public let endpoint: String
    public let timeout: Duration
    private let http: HTTPClient
    /// A whole cycle of series for 10k pods is a few MiB; far more is a wrong query.
    private let maxBodyBytes = 64 << 20

    public init(endpoint: String, timeout: Duration = .seconds(10), http: HTTPClient = .shared) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.timeout = timeout
        self.http = http
    }

    /// Evaluates `promQL` at `time` (unix seconds): one POST to `/api/v1/query`.
    /// POST keeps long expressions out of the URL.
    public func query(_ promQL: String, at time: Double) async throws(PrometheusError) -> [VectorSample] {
        var request = HTTPClientRequest(url: "\(endpoint)/api/v1/query")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: "query=\(Self.formEncode(promQL))&time=\(time)"))
        let status: Int
        let body: ByteBuffer
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout / .nanoseconds(1))))
            status = Int(response.status.code)
            body = try await response.body.collect(upTo: maxBodyBytes)
        } catch {
            throw .unreachable("\(error)")
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
