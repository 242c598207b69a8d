import Foundation
import GestaltEngine
import GestaltHistory
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import NIOFoundationEssentialsCompat
import TestPeers
import Testing

/// An `export` job at a recorded revision downloads the map as it was then:
/// exactly what `GET /api/infra/topology?at=` answers for that revision.
@Suite(.timeLimit(.minutes(2))) struct ExportAtRevisionTests {
    @Test func anExportAtAnOlderRevisionEqualsTheTopologyAtThatRevision() async throws {
        let store = TopologyStore()
        try await withRecordedHistory(store, name: "export") { history in
            // Once this first change is durable the recorder has its first
            // checkpoint, and every change after it is recorded one by one.
            store.apply([.upsertEntity(entity("seed"))])
            let seeded = store.revision
            try await waitUntil("the recorder's first checkpoint") { try await history.durableRevision() >= seeded }

            store.apply([.upsertEntity(entity("web-1", cpu: 10)), .upsertEntity(entity("web-2", cpu: 20))])
            let then = store.revision
            // After `then`: one pod changes, one goes, one comes.
            store.apply([.upsertEntity(entity("web-1", cpu: 90))])
            store.apply([.removeEntity(id: entity("web-2").id)])
            store.apply([.upsertEntity(entity("web-3"))])
            let now = store.revision
            try await waitUntil("revision \(now) durable") { try await history.durableRevision() >= now }

            let server = GestaltServer(
                store: store, statusBoard: SourceStatusBoard(),
                configuration: ServerConfiguration(host: "127.0.0.1", port: 0), history: history
            )
            try await server.application().test(.router) { client in
                let id = try await client.execute(
                    uri: "/api/jobs", method: .post, body: ByteBuffer(string: #"{"kind":"export","at":\#(then)}"#)
                ) { response in
                    #expect(response.status == .accepted)
                    return try #require(try Self.object(response.body)["job_id"] as? String)
                }
                try await waitUntil("the export completes") { server.jobs.job(id)?.state.isFinished == true }
                #expect(server.jobs.job(id)?.state == .completed, "\(String(describing: server.jobs.job(id)?.error))")

                let exported = try await client.execute(uri: "/api/jobs/\(id)/result", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentDisposition]?.contains("attachment") == true)
                    return try Self.object(response.body)
                }
                let recorded = try await client.execute(uri: "/api/infra/topology?at=\(then)", method: .get) {
                    response in
                    #expect(response.status == .ok)
                    return try Self.object(response.body)
                }
                // The same document; the order of the entities in it is not part of the contract.
                #expect(NSDictionary(dictionary: Self.sorted(exported)).isEqual(to: Self.sorted(recorded)))

                // It is the past, not the present: web-2 is there, web-3 is not, web-1 at 10 %.
                let topology = try JSONDecoder().decode(
                    Topology.self, from: JSONSerialization.data(withJSONObject: exported))
                #expect(topology.revision == then)
                #expect(topology.entities.map(\.name).sorted() == ["seed", "web-1", "web-2"])
                #expect(topology.entities.first { $0.name == "web-1" }?.cpuPercent == 10)
            }
        }
    }

    /// The topology with its entities and connections in id order.
    static func sorted(_ topology: [String: Any]) -> [String: Any] {
        var topology = topology
        for key in ["entities", "connections"] {
            let items = topology[key] as? [[String: Any]] ?? []
            topology[key] = items.sorted { ($0["id"] as? String ?? "") < ($1["id"] as? String ?? "") }
        }
        return topology
    }

    static func object(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }
}
