import NIOCore
import Synchronization

/// The fan-out's members on one event loop; used only on that loop.
final class LoopClients {
    private var clients: [any FanoutMember] = []
    private let stats: StreamStats
    /// Read off the loop for `TopologyFanout.clientCount`.
    let count = ClientCount()
    /// When the last pass for a change began, on the loop's clock (`LoopFanout.schedule`).
    var lastPass: NIODeadline?

    init(stats: StreamStats) { self.stats = stats }

    func add(_ client: any FanoutMember) {
        client.fanoutIndex = clients.count
        clients.append(client)
        count.value.store(clients.count, ordering: .relaxed)
    }

    func remove(_ client: any FanoutMember) {
        guard let index = client.fanoutIndex, index < clients.count, clients[index] === client else { return }
        clients.swapAt(index, clients.count - 1)
        clients[index].fanoutIndex = index
        clients.removeLast()
        client.fanoutIndex = nil
        count.value.store(clients.count, ordering: .relaxed)
    }

    /// One pass: every client writes what it has not seen yet, or a keepalive.
    /// A pass for new events only visits the members that want them.
    func pass(eventsOnly: Bool = false) {
        var pass = FanoutPass(now: .now)
        // A write can close a channel, and that removes its client: walk a copy.
        for client in clients where !eventsOnly || client.fanoutWantsEvents { client.fanoutPass(&pass) }
        stats.sent(pass.delivered)
    }

    /// A single client catches up (it just joined, or its socket drained).
    func pump(_ client: any FanoutMember) {
        var pass = FanoutPass(now: .now)
        client.fanoutPass(&pass)
        stats.sent(pass.delivered)
    }

    func finishAll(_ reason: DisconnectReason) {
        for client in clients { client.fanoutFinish(reason) }
    }
}

final class ClientCount: Sendable {
    let value = Atomic<Int>(0)
}
