import Foundation
import TestPeers

/// Debian's prometheus (2.42) on 127.0.0.1, scraping the given local ports every second.
enum PrometheusPeer {
    /// Starts it over `directory` (a fresh one when nil) and waits for its port.
    /// Pass the same directory and port again to restart it with its data.
    static func start(port: Int, scraping targets: [Int], directory: URL? = nil) async throws -> PeerProcess {
        let directory = try directory ?? PeerProcess.makeDirectory("prometheus")
        let list = targets.map { "\"127.0.0.1:\($0)\"" }.joined(separator: ", ")
        let config = """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: test
                scrape_interval: 1s
                scrape_timeout: 1s
                static_configs:
                  - targets: [\(list)]
            """
        let configURL = directory.appendingPathComponent("prometheus.yml")
        try config.write(to: configURL, atomically: true, encoding: .utf8)
        let peer = try PeerProcess.start(
            "prometheus",
            [
                "--config.file=\(configURL.path)",
                "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(port)",
            ],
            name: "prometheus", directory: directory
        )
        try await peer.waitForPort(port)
        return peer
    }
}
