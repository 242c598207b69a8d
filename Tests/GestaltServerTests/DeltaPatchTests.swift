import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import Testing

/// The `delta=patch` form: an entity `update` carries only the fields that
/// changed. Applied as a browser applies it (whole entities replace, a
/// patch's `set` merges), the stream must end at the state GET serves.
@Suite(.timeLimit(.minutes(3))) struct DeltaPatchTests {
    /// Random changes of a small map: field changes, moves, namespace moves
    /// (in and out of a filtered view), removals, re-additions, connections.
    struct Churn {
        var random: SplitMix
        let names = (0..<24).map { "p\($0)" }

        mutating func changes(_ store: TopologyStore) -> [TopologyChange] {
            let count = Int(random.next() % 6) + 1
            return (0..<count).map { _ in change(store) }
        }

        private mutating func change(_ store: TopologyStore) -> TopologyChange {
            let name = names[Int(random.next() % UInt64(names.count))]
            let id = entity(name).id
            guard var current = store.entity(id: id) else { return .upsertEntity(entity(name)) }
            switch random.next() % 8 {
            case 0: current.cpuPercent = Double(random.next() % 1000) / 10
            case 1:
                let statuses: [EntityStatus] = [.running, .pending, .failed]
                current.status = statuses[Int(random.next() % 3)]
            case 2: current.labels = random.next() % 2 == 0 ? [:] : ["app": "web", "v": "\(random.next() % 9)"]
            case 3:
                let moved: String? = random.next() % 2 == 0 ? "shop" : nil
                current.namespace = current.namespace == "shop" ? "ops" : moved
            case 4:
                return .moveEntity(
                    id: id, x: Double(random.next() % 100), y: Double(random.next() % 100) / 3, z: 0.5)
            case 5: return .removeEntity(id: id)
            default:
                let peer = entity(names[Int(random.next() % UInt64(names.count))]).id
                guard peer != id, store.entity(id: peer) != nil else { return .upsertEntity(current) }
                let connection = Connection(
                    sourceID: id, targetID: peer, kind: .network, requestsPerSec: Double(random.next() % 50))
                if random.next() % 3 == 0 { return .removeConnection(id: connection.id) }
                return .upsertConnection(connection)
            }
            current.memoryBytes = Int64(random.next() % 1_000_000)
            return .upsertEntity(current)
        }
    }

    /// Applies every change that the store accepts (a connection to a removed
    /// pod, or removing one that is not there, is refused as a whole batch).
    static func apply(_ changes: [TopologyChange], to store: TopologyStore) {
        for change in changes { _ = try? store.apply(change) }
    }

    @Test(arguments: [TopologyFilter.everything, TopologyFilter(namespaces: ["shop"])])
    func patchedCursorEndsAtTheStateGETServes(filter: TopologyFilter) throws {
        let store = TopologyStore()
        var churn = Churn(random: SplitMix(seed: 19))
        store.apply(churn.names.map { .upsertEntity(entity($0)) })
        var options = StreamOptions()
        options.batchLimit = 7
        var cursor = TopologyCursor(
            store: store, filter: filter, delta: .patch, options: options, stats: StreamStats())
        var applied = PatchedTopology()
        for message in cursor.start(resumeFrom: nil).messages { try applied.apply(message.json) }
        for round in 0..<400 {
            Self.apply(churn.changes(store), to: store)
            // Read only now and then, so batches hold several updates of one entity.
            if round % 3 == 0 { for message in cursor.next() { try applied.apply(message.json) } }
        }
        var batch = cursor.next()
        while !batch.isEmpty {
            for message in batch { try applied.apply(message.json) }
            batch = cursor.next()
        }
        try applied.expectMatches(store.snapshot(filter: filter))
        #expect(applied.patches > 100, "the stream sent patches, not only whole entities")
    }

    @Test func aPatchCarriesOnlyTheChangedFieldsAndCoalescedUpdatesGoWhole() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(entity("a")), .upsertEntity(entity("b"))])
        var cursor = TopologyCursor(
            store: store, filter: .everything, delta: .patch, options: StreamOptions(), stats: StreamStats())
        _ = cursor.start(resumeFrom: nil)
        var a = try #require(store.entity(id: entity("a").id))
        a.cpuPercent = 42
        store.apply([.upsertEntity(a)])
        let patch = try #require(cursor.next().first)
        let object = try #require(JSONSerialization.jsonObject(with: Data(patch.json)) as? [String: Any])
        #expect(object["kind"] as? String == "update")
        #expect(object["op"] as? String == "patch")
        #expect(object["id"] as? String == a.id)
        #expect(object["entity"] == nil)
        let set = try #require(object["set"] as? [String: Any])
        #expect(Set(set.keys).isSubset(of: ["cpu_percent", "updated_at", "health"]))
        #expect((set["cpu_percent"] as? NSNumber)?.doubleValue == 42)

        // Two updates of `b` in one batch: the earlier one's patch is dropped,
        // so the one sent stands for both and carries the whole entity.
        var b = try #require(store.entity(id: entity("b").id))
        b.cpuPercent = 50
        store.apply([.upsertEntity(b)])
        b.status = .failed
        store.apply([.upsertEntity(b)])
        let batch = cursor.next()
        #expect(batch.count == 1)
        let whole = try #require(JSONSerialization.jsonObject(with: Data(batch[0].json)) as? [String: Any])
        #expect(whole["op"] == nil)
        #expect((whole["entity"] as? [String: Any])?["status"] as? String == "failed")
    }

    @Test func patchOverSSEAndWebSocketEndsAtTheStateGETServes() async throws {
        try await withLiveServer { server, port in
            let store = server.store
            store.apply(Churn(random: SplitMix(seed: 7)).names.map { .upsertEntity(entity($0)) })
            try await connectWS(port: port) { ws in
                let sse = try await SSEClient(port: port, path: "/api/infra/topology/stream?delta=patch")
                var fromSSE = PatchedTopology()
                try fromSSE.apply(Array((try await sse.dataMessages(1)[0].data ?? "").utf8))
                try await ws.subscribe(#"{"channels":["topology"],"delta":"patch"}"#)
                var fromWS = PatchedTopology()
                while fromWS.revision == 0 {
                    let envelope = try await ws.nextSkippingPings()
                    if envelope.type == "topology" { try fromWS.apply(Self.payload(envelope)) }
                }
                let start = store.revision
                await offThePool {
                    var churn = Churn(random: SplitMix(seed: 7))
                    for _ in 0..<300 { Self.apply(churn.changes(store), to: store) }
                }
                #expect(store.revision > start)
                while !fromSSE.matches(store.snapshot()) {
                    try fromSSE.apply(Array((try await sse.dataMessages(1)[0].data ?? "").utf8))
                }
                while !fromWS.matches(store.snapshot()) {
                    let envelope = try await ws.nextSkippingPings()
                    if envelope.type == "topology" { try fromWS.apply(Self.payload(envelope)) }
                }
                #expect(fromSSE.patches > 0)
                #expect(fromWS.patches > 0)
            }
        }
    }

    @Test func anUnknownDeltaFormIsA400() async throws {
        try await withLiveServer { _, port in
            let connection = try await RawConnection(port: port)
            try await connection.send(
                "GET /api/infra/topology/stream?delta=diff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let answer = try await connection.readToEnd()
            connection.close()
            #expect(answer.hasPrefix("HTTP/1.1 400"))
            #expect(answer.contains("'delta'"))
        }
    }

    static func payload(_ envelope: Envelope) throws -> [UInt8] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(envelope.raw.utf8)) as? [String: Any])
        return Array(try JSONSerialization.data(withJSONObject: try #require(object["payload"])))
    }
}

/// A map built from TopologyUpdate JSON the way the UI builds it.
struct PatchedTopology {
    var entities: [String: [String: Any]] = [:]
    var connections: [String: [String: Any]] = [:]
    var revision: UInt64 = 0
    var patches = 0

    mutating func apply(_ json: [UInt8]) throws {
        let update = try #require(try JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
        revision = try #require((update["revision"] as? NSNumber)?.uint64Value)
        let entity = update["entity"] as? [String: Any]
        let connection = update["connection"] as? [String: Any]
        switch update["kind"] as? String ?? "" {
        case "full":
            let topology = try #require(update["topology"] as? [String: Any])
            entities = [:]
            connections = [:]
            for entity in topology["entities"] as? [[String: Any]] ?? [] { entities[entity["id"] as! String] = entity }
            for connection in topology["connections"] as? [[String: Any]] ?? [] {
                connections[connection["id"] as! String] = connection
            }
        case "update" where update["op"] as? String == "patch":
            let id = try #require(update["id"] as? String)
            var current = try #require(entities[id], "a patch of an entity the client does not have")
            for (key, value) in try #require(update["set"] as? [String: Any]) { current[key] = value }
            entities[id] = current
            patches += 1
        case "add", "update":
            let entity = try #require(entity)
            entities[entity["id"] as! String] = entity
        case "remove":
            entities[try #require(entity?["id"] as? String)] = nil
        case "conn_add", "conn_update":
            let connection = try #require(connection)
            connections[connection["id"] as! String] = connection
        case "conn_remove":
            connections[try #require(connection?["id"] as? String)] = nil
        default:
            Issue.record("unknown update kind in \(String(decoding: json, as: UTF8.self))")
        }
    }

    /// Whether this equals `topology` as GET encodes it (`stale: false` is how a patch clears the flag GET omits).
    func matches(_ topology: Topology) -> Bool {
        guard entities.count == topology.entities.count, connections.count == topology.connections.count else {
            return false
        }
        for entity in topology.entities {
            guard let mine = entities[entity.id], Self.same(mine, Self.object(entity.jsonBytes())) else { return false }
        }
        for connection in topology.connections {
            guard let mine = connections[connection.id], Self.same(mine, Self.object(connection.jsonBytes())) else {
                return false
            }
        }
        return true
    }

    func expectMatches(_ topology: Topology, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(Set(entities.keys) == Set(topology.entities.map(\.id)), sourceLocation: sourceLocation)
        #expect(matches(topology), sourceLocation: sourceLocation)
    }

    private static func object(_ json: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any]) ?? [:]
    }

    /// Equal as canonical JSON (sorted keys, one number formatting for both).
    private static func same(_ a: [String: Any], _ b: [String: Any]) -> Bool {
        var a = a, b = b
        if a["stale"] as? Bool == false { a["stale"] = nil }
        if b["stale"] as? Bool == false { b["stale"] = nil }
        let canonical = { (object: [String: Any]) in
            try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        }
        return canonical(a) == canonical(b)
    }
}

/// A seeded generator, so a failing random sequence can be replayed.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
