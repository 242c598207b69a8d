import GestaltEngine
import GestaltModel
import TestPeers
import Testing

@testable import GestaltSimulator

/// The runner against the real clock. Nothing here asserts a duration; the
/// waits are only upper bounds so that a broken runner fails instead of hanging.
@Suite struct RunnerTests {
    @Test func runLoadsTheStoreTicksAndStopsWhenCancelled() async throws {
        let store = TopologyStore()
        let board = SourceStatusBoard()
        let configuration = SimulatorConfiguration(seed: 71, changesPerSecond: 500, tickInterval: .milliseconds(20))
        let task = Task {
            let cluster = SimulatedCluster(configuration: configuration)
            try await cluster.run(store: store, statusBoard: board)
        }
        try await waitUntil("the simulator is ready") { board.status(of: "simulator")?.state == .ready }
        #expect(board.status(of: "simulator")?.state == .ready)
        let loaded = store.revision
        #expect(store.entityCount > 100)
        try await waitUntil("a tick changes the store") { store.revision > loaded }
        #expect(store.revision > loaded, "it keeps changing")
        task.cancel()
        try await task.value
        #expect(board.status(of: "simulator")?.state == .stopped)
    }

    @Test func aFrozenClusterLoadsAndWaits() async throws {
        let store = TopologyStore()
        let board = SourceStatusBoard()
        let task = Task {
            let cluster = SimulatedCluster(configuration: SimulatorConfiguration(seed: 72, changesPerSecond: 0))
            try await cluster.run(store: store, statusBoard: board)
        }
        try await waitUntil("the simulator is ready") { board.status(of: "simulator")?.state == .ready }
        let loaded = store.revision
        #expect(loaded > 0)
        #expect(board.status(of: "simulator")?.message.contains("frozen") == true)
        task.cancel()
        try await task.value
        #expect(store.revision == loaded)
    }
}
