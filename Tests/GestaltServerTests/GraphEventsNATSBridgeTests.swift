import AsyncHTTPClient
import Foundation
import GestaltEngine
import GestaltNATS
import GestaltServer
import HummingbirdTesting
import Metrics
import NATSClient
import NIOCore
import NIOHTTP1
import Prometheus
import Synchronization
import TestPeers
import Testing

/// `GET /api/graph/events/stream` fed by a real nats-server: events published
/// on the seed's subjects by another NATS client reach the SSE bridge, the
/// server's own graph API writes come out on NATS, the bridge rides out a
/// nats-server restart, and its counters are on `/metrics`.
@Suite struct GraphEventsNATSBridgeTests {
    /// A gestalt server whose graph events go through `events` and whose
    /// `/metrics` carries the bridge's counters.
    struct Wired: Sendable {
        let events: GraphEventsNATS
        let port: Int
    }

    /// Runs `body` with a live server wired to NATS at `natsPort` (the bridge keeps running across NATS outages).
    func withWiredServer(
        natsPort: Int, bufferLimit: Int = 1024, maxPendingOutgoingBytes: Int = 8 * 1024 * 1024,
        subscriptionLimits: NATSSubscription.Limits = .init(), run: Bool = true,
        _ body: @Sendable (Wired) async throws -> Void
    ) async throws {
        let registry = PrometheusCollectorRegistry()
        let events = GraphEventsNATS(bufferLimit: bufferLimit, metrics: PrometheusMetricsFactory(registry: registry))
        let server = GestaltServer(
            store: TopologyStore(), statusBoard: SourceStatusBoard(),
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0),
            metrics: ServerMetrics(registry: registry),
            graphEvents: GraphEventRouting(log: events.log, emit: events.emit)
        )
        let options = NATSConnectionOptions(
            port: natsPort, name: "bridge",
            reconnect: .init(initialDelay: .milliseconds(20), maxDelay: .milliseconds(200)),
            maxPendingOutgoingBytes: maxPendingOutgoingBytes, subscriptionLimits: subscriptionLimits
        )
        let bridge = run ? Task { await events.run(options: options) } : nil
        defer { bridge?.cancel() }
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            if run { try await waitUntil("the bridge subscribed") { events.isSubscribed } }
            try await body(Wired(events: events, port: port))
        }
    }

    /// nats-server on one port, which a test may stop and start again there.
    final class NATS: Sendable {
        let port: Int
        private let process = Mutex<PeerProcess?>(nil)

        init() async throws {
            port = try PeerProcess.freePort()
            try await start()
        }

        func start() async throws {
            let peer = try PeerProcess.start("nats-server", ["-a", "127.0.0.1", "-p", "\(port)"], name: "nats")
            process.withLock { $0 = peer }
            try await peer.waitForPort(port)
        }

        func stop() { process.withLock { $0 }?.stop() }
    }

    @discardableResult
    func post(_ port: Int, _ path: String, _ body: String) async throws -> HTTPResponseStatus {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.status
    }

    /// The next `count` graph events on `sse`.
    func graphEvents(_ sse: SSEClient, _ count: Int) async throws -> [SSEMessage] {
        var found: [SSEMessage] = []
        while found.count < count {
            let message = try await sse.next(timeout: .seconds(20))
            if message.event?.hasPrefix("graph.") == true { found.append(message) }
        }
        return found
    }

    /// Opens the bridge and reads past `retry` and `connected`.
    func openStream(_ port: Int, query: String = "") async throws -> SSEClient {
        let sse = try await SSEClient(port: port, path: "/api/graph/events/stream\(query)")
        #expect(try await sse.next().retry != nil)
        #expect(try await sse.next().event == "connected")
        return sse
    }

    func metric(_ port: Int, _ sample: String) async throws -> Double? {
        MetricsPageTests.value(of: sample, in: try await HTTPClientRequestForTests.text(port: port, path: "/metrics"))
    }

    @Test func eventsPublishedOnNATSByAnotherClientReachTheStream() async throws {
        let nats = try await NATS()
        let natsPort = nats.port
        defer { nats.stop() }
        try await withWiredServer(natsPort: natsPort) { wired in
            let all = try await openStream(wired.port)
            let shop = try await openStream(wired.port, query: "?project_id=shop")

            let publisher = try await NATSConnection.connect(NATSConnectionOptions(port: natsPort, name: "publisher"))
            try await publisher.publish(
                #"{"project_id":"shop","node_type":"service","node_id":"ext:billing","label":"billing"}"#,
                to: "graph.node.created")
            try await publisher.publish(
                #"{"project_id":"lab","node_type":"service","node_id":"ext:probe","label":"probe"}"#,
                to: "graph.node.created")
            // Not graph events: counted as rejected, never on the stream.
            try await publisher.publish("not json", to: "graph.node.updated")
            try await publisher.publish(#"{"project_id":"shop"}"#, to: "graph.something.else")
            try await publisher.publish(#"{"project_id":"shop","reason":"resync"}"#, to: "graph.invalidated")
            try await publisher.flush()

            let seen = try await graphEvents(all, 3)
            #expect(seen.map(\.event) == ["graph.node.created", "graph.node.created", "graph.invalidated"])
            #expect(seen.map(\.id) == ["1", "2", "3"])
            #expect(try seen[0].json()["node_id"] as? String == "ext:billing")
            #expect(try seen[2].json() as? [String: String] == ["project_id": "shop", "reason": "resync"])
            let filtered = try await graphEvents(shop, 2)
            #expect(filtered.map(\.id) == ["1", "3"], "the lab event is filtered out, the ids stay the server's")

            #expect(wired.events.rejected == 2)
            #expect(try await metric(wired.port, "gestalt_graph_events_rejected_total") == 2)
            #expect(try await metric(wired.port, "gestalt_graph_events_received_total") == 3)
            await publisher.close()
        }
    }

    @Test func theServersOwnGraphWritesGoOutOnNATS() async throws {
        let nats = try await NATS()
        let natsPort = nats.port
        defer { nats.stop() }
        try await withWiredServer(natsPort: natsPort) { wired in
            let listener = try await NATSConnection.connect(NATSConnectionOptions(port: natsPort, name: "listener"))
            let subscription = try await listener.subscribe(to: "graph.>")
            try await listener.flush()
            let sse = try await openStream(wired.port)

            #expect(
                try await post(
                    wired.port, "/api/graph/nodes",
                    #"{"id":"api:billing","name":"billing","kind":"service","namespace":"shop"}"#) == .created)
            #expect(
                try await post(
                    wired.port, "/api/graph/nodes", #"{"id":"api:ledger","name":"ledger","namespace":"shop"}"#)
                    == .created)
            #expect(
                try await post(
                    wired.port, "/api/graph/edges",
                    #"{"source_id":"api:billing","target_id":"api:ledger","kind":"http"}"#) == .created)

            var iterator = subscription.makeAsyncIterator()
            var onNATS: [NATSMessage] = []
            while onNATS.count < 3, let message = await iterator.next() { onNATS.append(message) }
            #expect(onNATS.map(\.subject) == ["graph.node.created", "graph.node.created", "graph.edge.created"])
            let created = try JSONSerialization.jsonObject(with: Data(onNATS[0].string.utf8)) as? [String: String]
            #expect(
                created == ["project_id": "shop", "node_type": "service", "node_id": "api:billing", "label": "billing"])

            // The bridge streams them as they came back from NATS.
            let streamed = try await graphEvents(sse, 3)
            #expect(streamed.map(\.event) == onNATS.map(\.subject))
            #expect(streamed.map(\.id) == ["1", "2", "3"])
            #expect(wired.events.published == 3)
            #expect(try await metric(wired.port, "gestalt_graph_events_published_total") == 3)
            await listener.close()
        }
    }

    /// During the outage the client buffers the publishes (up to its
    /// pending bound); after the restart it re-subscribes first, then sends
    /// them, so they and every later event reach the stream, in order.
    @Test func theBridgeReconnectsAfterANATSRestart() async throws {
        let nats = try await NATS()
        let natsPort = nats.port
        defer { nats.stop() }
        try await withWiredServer(natsPort: natsPort) { wired in
            let sse = try await openStream(wired.port)
            try await post(wired.port, "/api/graph/nodes", #"{"id":"api:before","name":"before"}"#)
            #expect(try await graphEvents(sse, 1).map(\.id) == ["1"])

            try await waitUntil("connected on /metrics") {
                try await metric(wired.port, "gestalt_graph_events_nats_connected") == 1
            }
            nats.stop()
            try await waitUntil("the bridge saw NATS go") { !wired.events.isSubscribed }
            try await waitUntil("disconnected on /metrics") {
                try await metric(wired.port, "gestalt_graph_events_nats_connected") == 0
            }
            // The graph API never fails for NATS being down.
            #expect(
                try await post(wired.port, "/api/graph/nodes", #"{"id":"api:during-1","name":"during-1"}"#) == .created)
            #expect(
                try await post(wired.port, "/api/graph/nodes", #"{"id":"api:during-2","name":"during-2"}"#) == .created)
            try await waitUntil("both handed to the client") { wired.events.published == 3 }

            try await nats.start()
            try await waitUntil("the bridge back on NATS") { wired.events.isSubscribed }
            try await post(wired.port, "/api/graph/nodes", #"{"id":"api:after","name":"after"}"#)

            let resumed = try await graphEvents(sse, 3)
            #expect(
                try resumed.map { try $0.json()["node_id"] as? String ?? "" } == [
                    "api:during-1", "api:during-2", "api:after",
                ])
            #expect(resumed.map(\.id) == ["2", "3", "4"])
            try await waitUntil("the reconnect on /metrics") {
                let reconnects = try await metric(wired.port, "gestalt_graph_events_nats_reconnects_total")
                let connected = try await metric(wired.port, "gestalt_graph_events_nats_connected")
                return reconnects == 1 && connected == 1
            }
            #expect(wired.events.dropped == 0)
            #expect(try await metric(wired.port, #"gestalt_graph_events_dropped_total{reason="nats_refused"}"#) == 0)
        }
    }

    /// Past the client's pending bound an outage drops events, and counts them on `/metrics`.
    @Test func anOutagePastThePendingBoundDropsAndCounts() async throws {
        let nats = try await NATS()
        let natsPort = nats.port
        defer { nats.stop() }
        // One PUB of a created node is about 150 bytes: two fit, the rest are refused.
        try await withWiredServer(natsPort: natsPort, maxPendingOutgoingBytes: 320) { wired in
            let sse = try await openStream(wired.port)
            nats.stop()
            try await waitUntil("the bridge saw NATS go") { !wired.events.isSubscribed }
            for i in 0..<6 {
                #expect(
                    try await post(wired.port, "/api/graph/nodes", #"{"id":"api:n\#(i)","name":"n\#(i)"}"#) == .created)
            }
            try await waitUntil("all six handled") { wired.events.published + wired.events.dropped == 6 }
            let kept = wired.events.published
            #expect(kept >= 1 && kept < 6)
            #expect(
                try await metric(wired.port, #"gestalt_graph_events_dropped_total{reason="nats_refused"}"#)
                    == Double(6 - kept))

            try await nats.start()
            try await waitUntil("the bridge back on NATS") { wired.events.isSubscribed }
            try await post(wired.port, "/api/graph/nodes", #"{"id":"api:after","name":"after"}"#)
            let delivered = try await graphEvents(sse, kept + 1)
            let expected = (0..<kept).map { "api:n\($0)" } + ["api:after"]
            #expect(
                try delivered.map { try $0.json()["node_id"] as? String ?? "" } == expected,
                "the first that fit, then the later event")
        }
    }

    /// A bridge that reads slower than NATS delivers loses what its
    /// subscription's pending limit drops, and says so on `/metrics`.
    @Test func aSlowBridgeCountsWhatItsSubscriptionDropped() async throws {
        let nats = try await NATS()
        defer { nats.stop() }
        try await withWiredServer(natsPort: nats.port, subscriptionLimits: .init(maxMessages: 1)) { wired in
            let publisher = try await NATSConnection.connect(NATSConnectionOptions(port: nats.port, name: "burst"))
            for i in 0..<500 {
                try await publisher.publish(#"{"project_id":"p","reason":"r\#(i)"}"#, to: "graph.invalidated")
            }
            try await publisher.flush()
            // Drops are carried over when the bridge reads its next message:
            // one more event at a time until every one is accounted for.
            var sent = 500
            try await waitUntil("every event received or dropped") {
                if wired.events.received + wired.events.dropped == sent { return true }
                try await publisher.publish(#"{"project_id":"p","reason":"more"}"#, to: "graph.invalidated")
                try await publisher.flush()
                sent += 1
                return false
            }
            #expect(wired.events.dropped > 0, "a burst of 500 past a 1-message limit drops some")
            #expect(
                try await metric(wired.port, #"gestalt_graph_events_dropped_total{reason="slow_consumer"}"#)
                    == Double(wired.events.dropped))
            #expect(
                try await metric(wired.port, "gestalt_graph_events_received_total") == Double(wired.events.received))
            await publisher.close()
        }
    }

    @Test func aFullOutboxIsCountedOnMetrics() async throws {
        // Nothing runs the bridge, so the outbox keeps the first event and drops the rest.
        try await withWiredServer(natsPort: 1, bufferLimit: 1, run: false) { wired in
            for i in 0..<3 {
                #expect(
                    try await post(wired.port, "/api/graph/nodes", #"{"id":"api:m\#(i)","name":"m\#(i)"}"#) == .created)
            }
            let page = try await HTTPClientRequestForTests.text(port: wired.port, path: "/metrics")
            #expect(page.contains("# TYPE gestalt_graph_events_dropped_total counter"))
            #expect(
                MetricsPageTests.value(of: #"gestalt_graph_events_dropped_total{reason="outbox_full"}"#, in: page) == 2)
            #expect(
                MetricsPageTests.value(of: #"gestalt_graph_events_dropped_total{reason="slow_consumer"}"#, in: page)
                    == 0)
            #expect(MetricsPageTests.value(of: "gestalt_graph_events_published_total", in: page) == 0)
            #expect(wired.events.dropped == 2)
        }
    }
}
