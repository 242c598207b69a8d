package import AsyncHTTPClient
package import Foundation
package import NIOCore
import NIOHTTP1

/// `WebhookPoster` over AsyncHTTPClient, with a per-request timeout so a
/// receiver that never answers costs one timeout, not a stuck queue.
package struct HTTPWebhookPoster: WebhookPoster {
    private let client: HTTPClient
    private let timeout: TimeAmount

    package init(client: HTTPClient = .shared, timeout: TimeAmount = .seconds(10)) {
        self.client = client
        self.timeout = timeout
    }

    package func post(_ body: [UInt8], to url: URL) async throws -> Int {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "gestalt-alerts")
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: timeout)
        // Read (and drop) the body so the connection goes back to the pool.
        _ = try await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }
}
