import NIOCore
import Synchronization

/// The fan-out's clients on one event loop; used only on that loop.
final class LoopClients {
    private var clients: [FanoutClient] = []
    /// Read off the loop for `TopologyFanout.clientCount`.
    let count = ClientCount()

    func add(_ client: FanoutClient) {
        client.index = clients.count
        clients.append(client)
        count.value.store(clients.count, ordering: .relaxed)
    }

    func remove(_ client: FanoutClient) {
        guard let index = client.index, index < clients.count, clients[index] === client else { return }
        clients.swapAt(index, clients.count - 1)
        clients[index].index = index
        clients.removeLast()
        client.index = nil
        count.value.store(clients.count, ordering: .relaxed)
    }

    /// One pass: every client writes what it has not seen yet, or a keepalive.
    func pass() {
        var batches = SharedBatches()
        let now = ContinuousClock.now
        // A write can close a channel, and that removes its client: walk a copy.
        for client in clients { client.pump(batches: &batches, now: now) }
    }

    /// A single client catches up (it just joined, or its socket drained).
    func pump(_ client: FanoutClient) {
        var batches = SharedBatches()
        client.pump(batches: &batches, now: .now)
    }

    func finishAll(_ reason: DisconnectReason) {
        for client in clients { client.finish(reason) }
    }
}

final class ClientCount: Sendable {
    let value = Atomic<Int>(0)
}
