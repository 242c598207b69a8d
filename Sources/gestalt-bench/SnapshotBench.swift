import ArgumentParser
import Foundation
import GestaltEngine
import GestaltModel

/// Encodes a `full` snapshot of N entities, as a new SSE client gets it.
struct SnapshotBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot", abstract: "Encode a full snapshot (target: 100k entities < 100 ms).")

    @Option(help: "Entities in the topology.") var entities = 100_000
    @Option(help: "Encodings to time.") var iterations = 20

    func run() {
        let store = TopologyStore()
        let list = FlatTopology.entities(entities)
        let loadStart = ContinuousClock.now
        store.apply(list.map { .upsertEntity($0) })
        store.apply(FlatTopology.connections(for: list).map { .upsertConnection($0) })
        print(
            "loaded \(store.entityCount) entities, \(store.connectionCount) connections in \(String(format: "%.1f", milliseconds(.now - loadStart))) ms"
        )
        var times: [Double] = []
        var bytes = 0
        for iteration in 0..<iterations {
            // A new revision each time: the store shares one encoding per
            // revision, and this measures the encoding, not the sharing.
            store.apply([.moveEntity(id: list[0].id, x: Double(iteration), y: 0, z: 0)])
            let start = ContinuousClock.now
            let (_, json) = store.snapshotJSON(asFullUpdate: true)
            times.append(milliseconds(.now - start))
            bytes = json.count
        }
        print("full snapshot: \(bytes / 1024) KiB; encode \(Percentiles(times).describe(unit: "ms"))")
    }
}

/// Diffs two full snapshots of N entities with the poll-source helper.
struct DiffBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Diff two N-entity snapshots (linear time check).")

    @Option(help: "Entity counts to diff, comma-separated.") var entities = "10000,100000"

    func run() {
        for count in entities.split(separator: ",").compactMap({ Int($0) }) {
            let old = FlatTopology.entities(count)
            var new = old
            for i in stride(from: 0, to: count, by: 20) { new[i].cpuPercent += 10 }
            let before = SourceSnapshot(entities: old, connections: FlatTopology.connections(for: old))
            let after = SourceSnapshot(entities: new, connections: FlatTopology.connections(for: new))
            var times: [Double] = []
            var changes = 0
            for _ in 0..<5 {
                let start = ContinuousClock.now
                changes = SnapshotDiff.changes(from: before, to: after).count
                times.append(milliseconds(.now - start))
            }
            let best = times.min() ?? 0
            print(
                "diff \(count) entities: \(changes) changes, best \(String(format: "%.2f", best)) ms (\(String(format: "%.1f", best * 1e6 / Double(count))) ns per entity)"
            )
        }
    }
}
