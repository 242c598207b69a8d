import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Reads the monitoring endpoints. Any failure (refused, timeout, non-200,
/// JSON that is not what nats-server writes) throws `NATSSourceError`.
struct NATSMonitorClient: Sendable {
    let baseURL: String
    let http: HTTPClient
    /// A monitoring answer past this is refused, not buffered.
    static let maxBodyBytes = 32 * 1024 * 1024

    init(baseURL: String, http: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.http = http
    }

    func sample() async throws -> NATSMonitorSample {
        async let varz = get("/varz", as: NATSMonitorSample.Varz.self)
        async let connz = get("/connz?subs=1&limit=4096", as: NATSMonitorSample.Connz.self)
        async let subsz = get("/subsz?subs=1&limit=4096", as: NATSMonitorSample.Subsz.self)
        async let jsz = get("/jsz?streams=true&consumers=true&config=true", as: NATSMonitorSample.Jsz.self)
        return NATSMonitorSample(
            varz: try await varz, connz: try await connz, subsz: try await subsz, jsz: try? await jsz, takenAt: .now)
    }

    private func get<T: Decodable>(_ path: String, as type: T.Type) async throws -> T {
        let request = HTTPClientRequest(url: baseURL + path)
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: .seconds(5))
        } catch {
            throw NATSSourceError("monitoring endpoint \(baseURL + path) unreachable: \(error)")
        }
        let body = try await response.body.collect(upTo: Self.maxBodyBytes)
        guard response.status == .ok else {
            throw NATSSourceError("monitoring endpoint \(baseURL + path) answered \(response.status.code)")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(body.readableBytesView))
        } catch {
            throw NATSSourceError("monitoring endpoint \(baseURL + path) sent unexpected JSON: \(error)")
        }
    }
}

/// Why the NATS source stopped this run; the supervisor reruns it.
package struct NATSSourceError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
