import AsyncHTTPClient
import Foundation

/// The server's own fan-out delay histogram (`fanout_delay_ms` of
/// `/api/infra/subscriptions`): store → client socket, without the network
/// or the load tool's reading. Read before and after the measured window.
struct ServerDelay {
    var counts: [UInt64]
    var bounds: [Int64?]

    static func fetch(_ target: LoadTarget) async -> ServerDelay? {
        let request = HTTPClientRequest(url: "http://\(target.host):\(target.port)/api/infra/subscriptions")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)),
              let body = try? await response.body.collect(upTo: 1 << 28),
              let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
              let delay = object["fanout_delay_ms"] as? [String: Any], let buckets = delay["buckets"] as? [[String: Any]]
        else { return nil }
        return ServerDelay(
            counts: buckets.map { ($0["count"] as? NSNumber)?.uint64Value ?? 0 },
            bounds: buckets.map { ($0["le"] as? NSNumber)?.int64Value }
        )
    }

    /// "p50 ≤ 1 ms, p90 ≤ 2 ms, p99 ≤ 5 ms (n=…)" for what came after `earlier`.
    func describe(since earlier: ServerDelay?) -> String {
        let counts = zip(counts, earlier?.counts ?? Array(repeating: 0, count: counts.count)).map { $0 - $1 }
        let total = counts.reduce(0, +)
        guard total > 0 else { return "no samples" }
        func quantile(_ q: Double) -> String {
            let rank = max(1, UInt64((Double(total) * q).rounded(.up)))
            var seen: UInt64 = 0
            for (index, count) in counts.enumerated() {
                seen += count
                if seen >= rank { return bounds[index].map { "≤ \($0) ms" } ?? "> \(bounds.compactMap { $0 }.last ?? 0) ms" }
            }
            return "?"
        }
        return "p50 \(quantile(0.5)), p90 \(quantile(0.9)), p99 \(quantile(0.99)) (n=\(total))"
    }
}
