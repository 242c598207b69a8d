import AsyncHTTPClient
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import HummingbirdTesting
import NIOHTTP1
import TestPeers
import Testing

@Suite struct SSETopologyTests {
    @Test func connectedThenFullThenDeltas() async throws {
        let server = makeServer()
        let store = server.store
        store.apply([.upsertEntity(entity("a")), .upsertEntity(entity("web", kind: .service))])
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(port: try #require(client.port), path: "/api/infra/topology/stream")
            #expect(sse.response.headers["content-type"].first == "text/event-stream")
            #expect(sse.response.headers["cache-control"].first == "no-cache, no-transform")
            #expect(sse.response.headers["x-accel-buffering"].first == "no")
            #expect(try await sse.next().retry != nil)
            let connected = try await sse.next()
            #expect(connected.event == "connected")
            #expect(try connected.json()["revision"] as? Int == 2)
            #expect(try connected.json()["resumed"] as? Bool == false)
            let full = try await sse.next()
            #expect(full.id == "2")
            let update = try full.update()
            #expect(update.kind == .full)
            #expect(update.topology?.entities.count == 2)

            let connection = Connection(
                sourceID: entity("web", kind: .service).id, targetID: entity("a").id, kind: .network)
            store.apply([
                .upsertEntity(entity("b")), .upsertConnection(connection), .upsertEntity(entity("a", cpu: 50)),
            ])
            let deltas = try await sse.dataMessages(3)
            #expect(deltas.map(\.id) == ["3", "4", "5"])
            #expect(try deltas.map { try $0.update().kind } == [.add, .connAdd, .update])
            #expect(try deltas[2].update().entity?.cpuPercent == 50)
        }
    }

    @Test func resumeGivesExactlyTheMissedUpdates() async throws {
        let server = makeServer()
        let store = server.store
        store.apply((0..<10).map { .upsertEntity(entity("p\($0)")) })
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(
                port: try #require(client.port), path: "/api/infra/topology/stream", headers: [("Last-Event-ID", "7")])
            _ = try await sse.next()
            let connected = try await sse.next()
            #expect(try connected.json()["resumed"] as? Bool == true)
            let missed = try await sse.dataMessages(3)
            #expect(missed.map(\.id) == ["8", "9", "10"])
            #expect(try missed.map { try $0.update().entity?.name } == ["p7", "p8", "p9"])
            store.apply([.upsertEntity(entity("p10"))])
            #expect(try await sse.dataMessages(1).first?.id == "11")
        }
    }

    @Test func queryParameterResumesAndHeaderWins() async throws {
        let server = makeServer()
        server.store.apply((0..<5).map { .upsertEntity(entity("p\($0)")) })
        try await server.application().test(.live) { client in
            let port = try #require(client.port)
            let byQuery = try await SSEClient(port: port, path: "/api/infra/topology/stream?last_event_id=3")
            _ = try await byQuery.next()
            #expect(try await byQuery.next().json()["resumed"] as? Bool == true)
            #expect(try await byQuery.dataMessages(2).map(\.id) == ["4", "5"])

            let both = try await SSEClient(
                port: port, path: "/api/infra/topology/stream?last_event_id=1", headers: [("Last-Event-ID", "4")])
            _ = try await both.next()
            _ = try await both.next()
            #expect(try await both.dataMessages(1).map(\.id) == ["5"])
        }
    }

    @Test(arguments: ["1", "999", "not-a-number"])
    func staleOrUnknownIdGetsAFull(id: String) async throws {
        let server = makeServer { _, store in store.retainedUpdates = 5 }
        server.store.apply((0..<20).map { .upsertEntity(entity("p\($0)")) })
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(
                port: try #require(client.port), path: "/api/infra/topology/stream", headers: [("Last-Event-ID", id)])
            _ = try await sse.next()
            #expect(try await sse.next().json()["resumed"] as? Bool == false)
            let full = try await sse.dataMessages(1)[0].update()
            #expect(full.kind == .full)
            #expect(full.revision == 20)
            #expect(full.topology?.entities.count == 20)
        }
    }

    @Test func filteredStreamSeesAddAndRemoveAsEntitiesMove() async throws {
        let server = makeServer()
        let store = server.store
        let web = entity("web", kind: .service, labels: ["app": "web"])
        store.apply([
            .upsertEntity(entity("a", labels: ["app": "web"])), .upsertEntity(entity("b", labels: ["app": "db"])),
            .upsertEntity(web),
        ])
        store.apply([.upsertConnection(Connection(sourceID: web.id, targetID: entity("b").id, kind: .network))])
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(
                port: try #require(client.port), path: "/api/infra/topology/stream?label=app%3Dweb")
            let full = try await sse.dataMessages(1)[0].update()
            #expect(Set(full.topology?.entities.map(\.name) ?? []) == ["a", "web"])
            #expect(full.topology?.connections.isEmpty == true)

            // b moves into the view: add, then its connection to a visible peer.
            store.apply([.upsertEntity(entity("b", labels: ["app": "web"]))])
            let entered = try await sse.dataMessages(2).map { try $0.update() }
            #expect(entered.map(\.kind) == [.add, .connAdd])
            #expect(entered[0].entity?.name == "b")

            // Changes outside the view are not sent; a leaves the view.
            store.apply([
                .upsertEntity(entity("zzz", labels: ["app": "other"])),
                .upsertEntity(entity("a", labels: ["app": "db"])),
            ])
            let left = try await sse.dataMessages(1)[0].update()
            #expect(left.kind == .remove)
            #expect(left.entity?.name == "a")

            // b leaves: its visible connection goes first.
            store.apply([.upsertEntity(entity("b", labels: [:]))])
            let gone = try await sse.dataMessages(2).map { try $0.update() }
            #expect(gone.map(\.kind) == [.connRemove, .remove])
        }
    }

    @Test func kindFilterStream() async throws {
        let server = makeServer()
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(
                port: try #require(client.port), path: "/api/infra/topology/stream?kinds=service&namespaces=shop")
            #expect(try await sse.dataMessages(1)[0].update().topology?.entities.isEmpty == true)
            server.store.apply([
                .upsertEntity(entity("a")), .upsertEntity(entity("web", kind: .service)),
                .upsertEntity(entity("x", kind: .service, namespace: "other")),
            ])
            let only = try await sse.dataMessages(1)[0].update()
            #expect(only.entity?.name == "web")
        }
    }

    @Test func keepaliveWhenIdle() async throws {
        let server = makeServer { server, _ in server.stream.keepalive = .milliseconds(300) }
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(port: try #require(client.port), path: "/api/infra/topology/stream")
            _ = try await sse.dataMessages(1)
            #expect(try await sse.next().comment == "keepalive")
        }
    }

    @Test func disconnectedClientLeavesNothingBehind() async throws {
        let server = makeServer()
        try await server.application().test(.live) { client in
            do {
                let sse = try await SSEClient(port: try #require(client.port), path: "/api/infra/topology/stream")
                _ = try await sse.dataMessages(1)
                #expect(server.stats.snapshot.activeTopologyStreams == 1)
            }
            // The client object is gone and its connection closed.
            try await waitUntil("the server drops the stream") { server.stats.snapshot.activeTopologyStreams == 0 }
            #expect(server.stats.snapshot.activeTopologyStreams == 0)
            #expect(server.store.topologySignal.waiterCount == 0)
            #expect(server.fanout.clientCount == 0)
        }
    }

    @Test func getAndStreamAgree() async throws {
        let server = makeServer()
        let store = server.store
        try await server.application().test(.live) { client in
            let sse = try await SSEClient(port: try #require(client.port), path: "/api/infra/topology/stream")
            var state = try #require(try await sse.dataMessages(1)[0].update().topology)
            store.apply((0..<50).map { .upsertEntity(entity("p\($0)", cpu: Double($0))) })
            store.apply((0..<50).map { .upsertEntity(entity("p\($0)", cpu: Double($0) + 2)) })  // below threshold
            store.apply((0..<25).map { .removeEntity(id: entity("p\($0)").id) })
            while state.revision < store.revision {
                let update = try await sse.dataMessages(1)[0].update()
                state.revision = update.revision
                switch update.kind {
                case .add, .update:
                    state.entities.removeAll { $0.id == update.entity?.id }; state.entities.append(update.entity!)
                case .remove: state.entities.removeAll { $0.id == update.entity?.id }
                default: break
                }
            }
            let stored = store.snapshot().entities
            #expect(Set(state.entities) == Set(stored))
        }
    }
}
