package import Foundation

/// Recording the topology's history for replay.
package struct HistorySettings: Sendable, Hashable {
    package enum Storage: Sendable, Hashable {
        /// Files in a local directory (an absolute path; created if missing).
        case directory(String)
        /// A PostgreSQL database (`postgres://...`).
        case database(URL)
    }

    package var storage: Storage
    /// How long history is kept.
    package var retention: Duration
    /// Most bytes kept; the oldest history goes first. Nil: bounded by retention only.
    package var maxBytes: Int64?

    package init(storage: Storage, retention: Duration = .seconds(7 * 86_400), maxBytes: Int64? = nil) {
        self.storage = storage
        self.retention = retention
        self.maxBytes = maxBytes
    }
}

extension HistorySettings {
    static let sectionKeys = ["enabled", "data_dir", "url", "retention", "max_bytes"]

    /// `history`; nil when it is disabled.
    static func read(_ node: ConfigNode) throws -> HistorySettings? {
        let section = try node.mapping(keys: sectionKeys)
        let enabled = try section.enabled()
        var storage: Storage?
        if let node = section["data_dir"] { storage = .directory(try node.filePath()) }
        if let node = section["url"] {
            if storage != nil { throw node.error("give data_dir or url, not both") }
            storage = .database(try node.url(schemes: ["postgres", "postgresql"]))
        }
        var retention = Duration.seconds(7 * 86_400)
        if let node = section["retention"] {
            retention = try node.duration()
            guard retention >= .seconds(60) else { throw node.error("must be at least a minute, got \(node.written)") }
        }
        let maxBytes = try section["max_bytes"]?.byteSize()
        guard enabled else { return nil }
        guard let storage else {
            throw section.missing("data_dir", "history needs data_dir (a directory) or url (postgres://...)")
        }
        return HistorySettings(storage: storage, retention: retention, maxBytes: maxBytes)
    }
}
