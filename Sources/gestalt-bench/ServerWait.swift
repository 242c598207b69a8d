import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Polls `url` until the server answers: with 200 when `requireOK`, with
/// anything otherwise (a peer whose only route is a stream). Every bench
/// that starts a server waits here before it measures.
func waitForServer(
    _ url: String, what: String = "server", client: HTTPClient = .shared, requireOK: Bool = true,
    within limit: Duration = .seconds(30)
) async throws {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if let response = try? await client.execute(HTTPClientRequest(url: url), timeout: .seconds(2)) {
            _ = try? await response.body.collect(upTo: 1 << 24)
            if !requireOK || response.status == .ok { return }
        }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw BenchError("\(what) did not answer \(url) within \(limit)")
}
