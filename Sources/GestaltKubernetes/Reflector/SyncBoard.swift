import GestaltEngine
import Synchronization

/// Every reflector's state, folded into the "kubernetes" source status.
/// Forbidden resources and a missing metrics API degrade the source; a
/// server nobody can reach is an error; the map is never silently empty.
final class SyncBoard: Sendable {
    enum ReflectorState: Sendable, Hashable {
        case syncing
        case synced
        case forbidden(String)
        case failing(String, everSynced: Bool)
    }

    private struct State {
        var reflectors: [String: ReflectorState] = [:]
        var notes: [String: String] = [:]
    }

    /// The source's status name: `kubernetes`, or `kubernetes@<cluster>`.
    let sourceName: String

    private let state = Mutex(State())
    private let statusBoard: SourceStatusBoard
    private let server: String
    private let settledSignal: AsyncStream<Void>.Continuation
    /// Yields once every reflector has settled (synced, forbidden, or failed once).
    let settled: AsyncStream<Void>

    init(reflectors: [String], statusBoard: SourceStatusBoard, server: String, sourceName: String = "kubernetes") {
        self.statusBoard = statusBoard
        self.sourceName = sourceName
        self.server = server
        (settled, settledSignal) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        state.withLock { s in for name in reflectors { s.reflectors[name] = .syncing } }
        publish()
    }

    func set(_ reflector: String, _ new: ReflectorState) {
        let changed = state.withLock { s -> Bool in
            var new = new
            if case .failing(let message, _) = new, case .synced = s.reflectors[reflector] {
                new = .failing(message, everSynced: true)
            } else if case .failing(let message, _) = new, case .failing(_, true) = s.reflectors[reflector] {
                new = .failing(message, everSynced: true)
            }
            guard s.reflectors[reflector] != new else { return false }
            s.reflectors[reflector] = new
            return true
        }
        if changed { publish() }
    }

    /// A note that is not a failure, e.g. "metrics.k8s.io not served".
    func note(_ key: String, _ message: String?) {
        state.withLock { $0.notes[key] = message }
        publish()
    }

    var isSettled: Bool { state.withLock { s in !s.reflectors.values.contains(.syncing) } }

    private func publish() {
        let (status, settled) = state.withLock { s in
            (Self.status(of: s, server: server, sourceName: sourceName), !s.reflectors.values.contains(.syncing))
        }
        statusBoard.set(status)
        if settled { settledSignal.yield() }
    }

    private static func status(of s: State, server: String, sourceName: String) -> SourceStatus {
        var details = s.notes
        var forbidden = 0, failing = 0, syncing = 0, synced = 0
        var firstFailure: String?
        for (name, state) in s.reflectors.sorted(by: { $0.key < $1.key }) {
            switch state {
            case .syncing: syncing += 1
            case .synced: synced += 1
            case .forbidden(let message):
                forbidden += 1
                details[name] = "forbidden (403): \(message)"
            case .failing(let message, _):
                failing += 1
                details[name] = "retrying: \(message)"
                firstFailure = firstFailure ?? message
            }
        }
        let total = s.reflectors.count
        if synced == 0, failing > 0 {
            return SourceStatus(
                name: sourceName, state: .error, message: "\(server): \(firstFailure ?? "unreachable")",
                details: details)
        }
        if syncing > 0, failing == 0, forbidden == 0 {
            return SourceStatus(
                name: sourceName, state: .syncing, message: "listing \(syncing) of \(total) resources", details: details
            )
        }
        if forbidden > 0 || failing > 0 || syncing > 0 {
            var parts: [String] = []
            if forbidden > 0 { parts.append("\(forbidden) forbidden") }
            if failing > 0 { parts.append("\(failing) retrying") }
            if syncing > 0 { parts.append("\(syncing) syncing") }
            return SourceStatus(
                name: sourceName, state: .degraded,
                message: "watching \(synced) of \(total) resources (\(parts.joined(separator: ", ")))", details: details
            )
        }
        return SourceStatus(
            name: sourceName, state: .ready, message: "watching \(total) resources on \(server)", details: details)
    }
}
