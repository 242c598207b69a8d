import Synchronization

/// A session the heartbeat tells when a ping is due.
protocol HeartbeatMember: Sendable {
    func pingDue()
}

/// One timer for every WebSocket session's pings, instead of a sleeping task
/// per session. A session joins and is told when a ping is due; its first
/// ping comes within one interval of connecting.
final class WebSocketHeartbeat: Sendable {
    let interval: Duration
    /// Injected so tests drive the pings (and so the pong deadlines, which
    /// are counted in pings) with a test clock instead of waiting.
    let clock: any Clock<Duration>
    private let inboxes = Mutex<(next: UInt64, all: [UInt64: any HeartbeatMember])>((0, [:]))

    init(interval: Duration, clock: any Clock<Duration> = ContinuousClock()) {
        self.interval = interval
        self.clock = clock
    }

    func join(_ inbox: any HeartbeatMember) -> UInt64 {
        inboxes.withLock { s in
            s.next += 1
            s.all[s.next] = inbox
            return s.next
        }
    }

    func leave(_ token: UInt64) {
        _ = inboxes.withLock { $0.all.removeValue(forKey: token) }
    }

    /// Runs until the task is cancelled (a cancelled sleep throws: no ping after it).
    func run() async {
        while !Task.isCancelled {
            do { try await clock.sleep(for: interval) } catch { return }
            for inbox in inboxes.withLock({ Array($0.all.values) }) { inbox.pingDue() }
        }
    }
}
