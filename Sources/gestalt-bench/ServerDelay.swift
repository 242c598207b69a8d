import AsyncHTTPClient
import Foundation
import GestaltStreaming
import NIOCore
import NIOFoundationEssentialsCompat

/// The server's own fan-out delay histogram (`fanout_delay_ms` of
/// `/api/infra/subscriptions`): store → client socket, without the network
/// or the load tool's reading. Read before and after the measured window.
enum ServerDelay {
    static func fetch(_ target: LoadTarget) async -> DelayHistogram? {
        let request = HTTPClientRequest(url: "http://\(target.host):\(target.port)/api/infra/subscriptions")
        guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)),
            let body = try? await response.body.collect(upTo: 1 << 28),
            let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
            let delay = object["fanout_delay_ms"] as? [String: Any], let buckets = delay["buckets"] as? [[String: Any]]
        else { return nil }
        return DelayHistogram(counts: buckets.map { ($0["count"] as? NSNumber)?.uint64Value ?? 0 })
    }

    /// "p50 ≤ 1 ms, p90 ≤ 2 ms, p99 ≤ 5 ms (n=…)" for what `now` holds beyond `earlier`.
    static func describe(_ now: DelayHistogram, since earlier: DelayHistogram?) -> String {
        let window = earlier.map(now.subtracting) ?? now
        guard window.count > 0 else { return "no samples" }
        func quantile(_ q: Double) -> String {
            window.quantile(q).map { "≤ \($0) ms" } ?? "> \(DelayHistogram.bounds.last!) ms"
        }
        return "p50 \(quantile(0.5)), p90 \(quantile(0.9)), p99 \(quantile(0.99)) (n=\(window.count))"
    }
}
