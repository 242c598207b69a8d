import Foundation
import GestaltEngine
import GestaltModel
import GestaltNATS
import NATSClient
import TestPeers
import Testing

/// Graph events over a real nats-server: the subjects and payloads a raw
/// subscriber sees, and a second server's log filled only through NATS.
@Suite struct GraphEventsNATSTests {
    @Test func publishesTheSeedsSubjectsAndASecondServerSeesThem() async throws {
        let port = try PeerProcess.freePort()
        let nats = try PeerProcess.start("nats-server", ["-a", "127.0.0.1", "-p", "\(port)"], name: "nats")
        defer { nats.stop() }
        try await nats.waitForPort(port)

        let raw = try await NATSConnection.connect(NATSConnectionOptions(port: port, name: "raw"))
        let rawSubscription = try await raw.subscribe(to: "graph.>")
        try await raw.flush()

        let first = GraphEventsNATS(), second = GraphEventsNATS()
        let runs = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await first.run(options: NATSConnectionOptions(port: port, name: "first")) }
                group.addTask { await second.run(options: NATSConnectionOptions(port: port, name: "second")) }
            }
        }
        defer { runs.cancel() }
        // Both are subscribed once a probe from each shows up in both logs.
        try await waitUntil("a probe from each bridge in both logs") {
            first.emit(.invalidated(projectID: "probe", reason: "probe"))
            return first.log.seq > 0 && second.log.seq > 0
        }
        // Late probes may still arrive; they are skipped by their project.
        var rawIterator = rawSubscription.makeAsyncIterator()
        func nextReal() async -> NATSMessage? {
            while let message = await rawIterator.next() {
                if !message.string.contains("probe") { return message }
            }
            return nil
        }

        let billing = Entity(id: "api:billing", kind: .service, name: "billing", namespace: "shop", source: "api")
        first.emit(.nodeCreated(billing))
        first.emit(.invalidated(projectID: "shop", reason: "resync"))

        let created = try #require(await nextReal())
        #expect(created.subject == "graph.node.created")
        let payload = try #require(
            try JSONSerialization.jsonObject(with: Data(created.string.utf8)) as? [String: String])
        #expect(
            payload == ["project_id": "shop", "node_type": "service", "node_id": "api:billing", "label": "billing"])
        let invalidated = try #require(await nextReal())
        #expect(invalidated.subject == "graph.invalidated")
        #expect(
            try JSONSerialization.jsonObject(with: Data(invalidated.string.utf8)) as? [String: String] == [
                "project_id": "shop", "reason": "resync",
            ])

        func real() -> [GraphEventLog.Logged] {
            (second.log.events(after: 0) ?? []).filter { $0.event.projectID != "probe" }
        }
        try await waitUntil("both real events in the second log") { real().count >= 2 }
        let seen = real()
        #expect(seen.map(\.event.subject) == ["graph.node.created", "graph.invalidated"])
        #expect(seen[0].event.projectID == "shop")
        #expect(first.dropped == 0)
        await raw.close()
    }

    @Test func emitNeverWaitsAndCountsWhatItCannotKeep() {
        let events = GraphEventsNATS(bufferLimit: 2)
        for i in 0..<5 { events.emit(.invalidated(projectID: "p", reason: "r\(i)")) }
        #expect(events.dropped == 3, "nothing runs the outbox, so all past the bound are dropped")
    }
}
