package import GestaltModel
import Synchronization

/// What a source is doing, as shown at `/api/infra/sources`.
package struct SourceStatus: Sendable, Hashable {
    package enum State: String, Sendable, Hashable, CaseIterable {
        /// Connecting or listing for the first time.
        case syncing
        /// Caught up and watching.
        case ready
        /// Working, with some parts missing (a forbidden resource, no metrics API).
        case degraded
        /// Not working; the message says why, and the source keeps retrying.
        case error
        case stopped
    }

    package var name: String
    package var state: State
    package var message: String
    /// Per-part notes, e.g. resource → "forbidden (403)".
    package var details: [String: String]
    package var updatedAt: Timestamp
    /// The message of the last `error`, kept after the source recovers.
    package var lastError: String?
    package var lastErrorAt: Timestamp?
    /// When the source was last `ready` or `degraded`: its last good cycle.
    package var lastGoodAt: Timestamp?

    package init(
        name: String, state: State, message: String = "", details: [String: String] = [:], updatedAt: Timestamp = .now()
    ) {
        self.name = name
        self.state = state
        self.message = message
        self.details = details
        self.updatedAt = updatedAt
    }

    /// Whether the source's entities are current: down sources' entities are stale.
    package var isDown: Bool { state == .error || state == .stopped }
}

extension SourceStatus: JSONWritable {
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("name"); w.string(name)
        w.key("state"); w.string(state.rawValue)
        w.key("message"); w.string(message)
        w.key("details"); w.stringMap(details)
        w.key("updated_at"); w.timestamp(updatedAt)
        w.key("last_error"); if let lastError { w.string(lastError) } else { w.null() }
        w.key("last_error_at"); if let lastErrorAt { w.timestamp(lastErrorAt) } else { w.null() }
        w.key("last_good_at"); if let lastGoodAt { w.timestamp(lastGoodAt) } else { w.null() }
        w.endObject()
    }
}

/// Every source's current status. Sources write, the HTTP layer and the
/// source supervisors read; `signal` wakes them on every change.
package final class SourceStatusBoard: Sendable {
    private let statuses = Mutex<(version: UInt64, byName: [String: SourceStatus])>((0, [:]))
    /// Published with a version number after every `set`.
    package let signal = ChangeSignal()

    package init() {}

    package func set(_ status: SourceStatus) {
        let version = statuses.withLock { s in
            var status = status
            let previous = s.byName[status.name]
            status.lastError = previous?.lastError
            status.lastErrorAt = previous?.lastErrorAt
            status.lastGoodAt = previous?.lastGoodAt
            switch status.state {
            case .error:
                status.lastError = status.message
                status.lastErrorAt = status.updatedAt
            case .ready, .degraded:
                status.lastGoodAt = status.updatedAt
            case .syncing, .stopped:
                break
            }
            s.byName[status.name] = status
            s.version += 1
            return s.version
        }
        signal.publish(version)
    }

    package func set(_ name: String, _ state: SourceStatus.State, message: String = "", details: [String: String] = [:])
    {
        set(SourceStatus(name: name, state: state, message: message, details: details))
    }

    package func status(of name: String) -> SourceStatus? { statuses.withLock { $0.byName[name] } }

    package var all: [SourceStatus] { statuses.withLock { $0.byName.values.sorted { $0.name < $1.name } } }
}
