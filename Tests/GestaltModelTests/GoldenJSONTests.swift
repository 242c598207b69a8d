import Foundation
import GestaltModel
import Testing

/// The wire shape cannot drift: each type's JSON is compared byte for byte
/// with a golden file, and the golden file decodes back to the same value.
@Suite struct GoldenJSONTests {
    @Test func entity() throws {
        #expect(Fixtures.pod.jsonString() == (try Fixtures.golden("entity")))
        let decoded = try JSONDecoder().decode(Entity.self, from: Data(try Fixtures.golden("entity").utf8))
        #expect(decoded == Fixtures.pod)
    }

    @Test func connection() throws {
        #expect(Fixtures.connection.jsonString() == (try Fixtures.golden("connection")))
        let decoded = try JSONDecoder().decode(Connection.self, from: Data(try Fixtures.golden("connection").utf8))
        #expect(decoded == Fixtures.connection)
    }

    @Test func event() throws {
        #expect(Fixtures.event.jsonString() == (try Fixtures.golden("event")))
        let decoded = try JSONDecoder().decode(InfraEvent.self, from: Data(try Fixtures.golden("event").utf8))
        #expect(decoded == Fixtures.event)
    }

    @Test func connectionUpdate() throws {
        let update = TopologyUpdate(
            kind: .connAdd, revision: 4712, timestamp: Fixtures.updated, connection: Fixtures.connection)
        #expect(update.jsonString() == (try Fixtures.golden("update")))
        let decoded = try JSONDecoder().decode(TopologyUpdate.self, from: Data(try Fixtures.golden("update").utf8))
        #expect(decoded == update)
    }

    @Test func fullUpdate() throws {
        let topology = Topology(
            revision: 4711, timestamp: Fixtures.updated, entities: [Fixtures.pod], connections: [],
            summary: TopologySummary(totalEntities: 1, healthyCount: 1)
        )
        let update = TopologyUpdate(kind: .full, revision: 4711, timestamp: Fixtures.updated, topology: topology)
        #expect(update.jsonString() == (try Fixtures.golden("full")))
        let decoded = try JSONDecoder().decode(TopologyUpdate.self, from: Data(try Fixtures.golden("full").utf8))
        #expect(decoded == update)
    }

    @Test func everyKindHasItsWireName() {
        #expect(
            EntityKind.allCases.map(\.rawValue) == [
                "namespace", "pod", "service", "deployment", "container", "nats_subject", "nats_stream", "database",
                "volume", "configmap", "secret", "ingress", "node", "network", "replicaset", "statefulset", "daemonset",
                "job",
                "cronjob", "custom",
            ])
        #expect(
            EntityStatus.allCases.map(\.rawValue) == [
                "running", "pending", "failed", "terminating", "unknown", "processing",
            ])
        #expect(
            ConnectionKind.allCases.map(\.rawValue) == ["network", "http", "grpc", "nats", "volume", "depends", "owns"])
        #expect(
            UpdateKind.allCases.map(\.rawValue) == [
                "full", "add", "update", "remove", "conn_add", "conn_update", "conn_remove",
            ])
        #expect(Severity.allCases.map(\.rawValue) == ["info", "warning", "error", "critical"])
    }

    @Test func stringsNeverCarryRawNewlines() {
        var entity = Fixtures.pod
        entity.name = "line\none\r\"quoted\"\\ \u{1}"
        let json = entity.jsonString()
        #expect(!json.contains("\n") && !json.contains("\r"))
        let decoded = try? JSONDecoder().decode(Entity.self, from: Data(json.utf8))
        #expect(decoded?.name == entity.name)
    }

    @Test func nonFiniteNumbersStayValidJSON() throws {
        var entity = Fixtures.pod
        entity.cpuPercent = .nan
        entity.health = .infinity
        let object = try JSONSerialization.jsonObject(with: Data(entity.jsonBytes())) as? [String: Any]
        #expect(object?["cpu_percent"] as? Double == 0)
    }
}
