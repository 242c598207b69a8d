import GestaltEngine
import GestaltModel
import GestaltServer
import Testing

/// `/metrics` exposes stream totals as real counters, so `rate()` works on them.
@Suite struct MetricsPageTests {
    /// The value of an unlabelled sample line `name value`.
    static func value(of name: String, in text: String) -> Double? {
        text.split(separator: "\n").first { $0.hasPrefix("\(name) ") }.flatMap { Double($0.split(separator: " ")[1]) }
    }

    @Test func streamTotalsAreCountersThatGrow() async throws {
        try await withLiveServer { server, port in
            server.store.apply([.upsertEntity(entity("a"))])
            let sse = try await SSEClient(port: port, path: "/api/infra/topology/stream")
            _ = try await sse.dataMessages(1)
            let first = try await HTTPClientRequestForTests.text(port: port, path: "/metrics")
            for name in ["messages_sent", "bytes_sent", "coalesced", "resyncs", "disconnects"] {
                #expect(first.contains("# TYPE gestalt_stream_\(name)_total counter"), "\(name)")
            }
            #expect(!first.contains("# TYPE gestalt_stream_messages_sent gauge"))
            #expect(first.contains("# TYPE gestalt_topology_entities gauge"))
            #expect(first.contains(#"gestalt_stream_disconnects_total{reason="stuck"} 0"#))
            let messages = try #require(Self.value(of: "gestalt_stream_messages_sent_total", in: first))
            let bytes = try #require(Self.value(of: "gestalt_stream_bytes_sent_total", in: first))
            #expect(messages >= 1)
            #expect(bytes > 0)

            server.store.apply([.upsertEntity(entity("b"))])
            server.store.apply([.upsertEntity(entity("c"))])
            _ = try await sse.dataMessages(2)
            let second = try await HTTPClientRequestForTests.text(port: port, path: "/metrics")
            #expect(try #require(Self.value(of: "gestalt_stream_messages_sent_total", in: second)) >= messages + 2)
            #expect(try #require(Self.value(of: "gestalt_stream_bytes_sent_total", in: second)) > bytes)
            // A scrape with no traffic in between leaves the counter where it was: nothing is added twice.
            let third = try await HTTPClientRequestForTests.text(port: port, path: "/metrics")
            #expect(
                Self.value(of: "gestalt_stream_messages_sent_total", in: third)
                    == Self.value(of: "gestalt_stream_messages_sent_total", in: second))
        }
    }
}
