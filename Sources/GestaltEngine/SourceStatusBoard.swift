public import GestaltModel
import Synchronization

/// What a source is doing, as shown at `/api/infra/sources`.
public struct SourceStatus: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, CaseIterable {
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

    public var name: String
    public var state: State
    public var message: String
    /// Per-part notes, e.g. resource → "forbidden (403)".
    public var details: [String: String]
    public var updatedAt: Timestamp

    public init(name: String, state: State, message: String = "", details: [String: String] = [:], updatedAt: Timestamp = .now()) {
        self.name = name
        self.state = state
        self.message = message
        self.details = details
        self.updatedAt = updatedAt
    }
}

extension SourceStatus: JSONWritable {
    public func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("name"); w.string(name)
        w.key("state"); w.string(state.rawValue)
        w.key("message"); w.string(message)
        w.key("details"); w.stringMap(details)
        w.key("updated_at"); w.timestamp(updatedAt)
        w.endObject()
    }
}

/// Every source's current status. Sources write, the HTTP layer reads.
public final class SourceStatusBoard: Sendable {
    private let statuses = Mutex<[String: SourceStatus]>([:])

    public init() {}

    public func set(_ status: SourceStatus) {
        statuses.withLock { $0[status.name] = status }
    }

    public func set(_ name: String, _ state: SourceStatus.State, message: String = "", details: [String: String] = [:]) {
        set(SourceStatus(name: name, state: state, message: message, details: details))
    }

    public func status(of name: String) -> SourceStatus? { statuses.withLock { $0[name] } }

    public var all: [SourceStatus] { statuses.withLock { $0.values.sorted { $0.name < $1.name } } }
}
