import GestaltEngine
import GestaltModel
import Testing

@testable import GestaltSimulator

/// What a default-size cluster contains.
@Suite struct CatalogueTests {
    let entities: [Entity]
    let connections: [Connection]

    init() {
        let initial = SimulationHarness(SimulatorConfiguration(seed: 8)).load()
        entities = initial.changes.compactMap(\.entity)
        connections = initial.changes.compactMap(\.connection)
    }

    @Test func everyEntityKindIsPresent() {
        let kinds = Set(entities.map(\.kind))
        // `network` is Docker's: the simulated cluster has no Docker hosts.
        for kind in EntityKind.allCases where kind != .custom && kind != .network {
            #expect(kinds.contains(kind), "no \(kind.rawValue)")
        }
    }

    @Test func everyConnectionKindIsPresent() {
        let kinds = Set(connections.map(\.kind))
        for kind in ConnectionKind.allCases {
            #expect(kinds.contains(kind), "no \(kind.rawValue) connection")
        }
    }

    @Test func trafficConnectionsCarryTraffic() {
        for connection in connections where [.http, .grpc, .nats, .network].contains(connection.kind) {
            #expect(connection.requestsPerSec > 0, "\(connection.id)")
            #expect(connection.bytesPerSec > 0, "\(connection.id)")
            #expect(connection.latencyMs > 0, "\(connection.id)")
        }
    }

    @Test func theExpectedEdgesExist() {
        func has(_ kind: ConnectionKind, from: EntityKind, to: EntityKind) -> Bool {
            let byID = Dictionary(uniqueKeysWithValues: entities.map { ($0.id, $0.kind) })
            return connections.contains { $0.kind == kind && byID[$0.sourceID] == from && byID[$0.targetID] == to }
        }
        #expect(has(.owns, from: .deployment, to: .replicaset))
        #expect(has(.owns, from: .replicaset, to: .pod))
        #expect(has(.owns, from: .pod, to: .container))
        #expect(has(.owns, from: .statefulset, to: .pod))
        #expect(has(.owns, from: .daemonset, to: .pod))
        #expect(has(.owns, from: .cronjob, to: .job))
        #expect(has(.network, from: .service, to: .pod))
        #expect(has(.http, from: .ingress, to: .service))
        #expect(has(.http, from: .service, to: .service))
        #expect(has(.grpc, from: .service, to: .service))
        #expect(has(.depends, from: .pod, to: .configmap))
        #expect(has(.depends, from: .pod, to: .secret))
        #expect(has(.volume, from: .pod, to: .volume))
        #expect(has(.network, from: .service, to: .database))
        #expect(has(.nats, from: .service, to: .natsSubject))
        #expect(has(.nats, from: .natsSubject, to: .natsStream))
        #expect(has(.nats, from: .natsSubject, to: .service))
    }

    @Test func podsLookLikePods() {
        let pods = entities.filter { $0.kind == .pod }
        #expect(pods.count >= 20)
        for pod in pods {
            #expect(pod.labels["app"] != nil, "\(pod.id)")
            #expect(pod.memoryLimit > 0, "\(pod.id)")
            #expect(pod.customMetrics["restarts"] != nil, "\(pod.id)")
            if pod.status == .running {
                #expect(pod.cpuPercent > 0, "\(pod.id)")
                #expect(pod.memoryBytes > 0 && pod.memoryBytes < pod.memoryLimit, "\(pod.id)")
            }
        }
        #expect(pods.contains { $0.labels["pod-template-hash"] != nil })
        #expect(pods.contains { $0.customMetrics["error_rate"] != nil })
    }

    @Test func oneStartsCrashLooping() {
        let failed = entities.filter { $0.kind == .pod && $0.status == .failed }
        #expect(failed.count == 1)
        #expect((failed.first?.customMetrics["restarts"] ?? 0) >= 3)
    }

    @Test func natsAndPostgresReportTheirMetrics() {
        for subject in entities where subject.kind == .natsSubject {
            #expect(subject.customMetrics["msgs_per_sec"] != nil && subject.customMetrics["pending"] != nil)
        }
        for stream in entities where stream.kind == .natsStream {
            #expect(stream.customMetrics["messages"] != nil && stream.customMetrics["msgs_per_sec"] != nil)
        }
        for database in entities where database.kind == .database {
            #expect(database.customMetrics["connections"] != nil && database.customMetrics["qps"] != nil)
        }
    }

    @Test func secretsCarryMetadataOnly() {
        for secret in entities where secret.kind == .secret {
            #expect(Set(secret.annotations.keys).isSubset(of: ["type"]), "\(secret.id)")
            #expect(Set(secret.customMetrics.keys).isSubset(of: ["keys"]), "\(secret.id)")
        }
    }
}
