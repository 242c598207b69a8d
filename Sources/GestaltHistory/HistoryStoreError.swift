/// Why the history file could not be opened or written.
package enum HistoryStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file was written by a newer gestalt; this one does not know its
    /// schema and will not touch it.
    case newerSchema(path: String, unknownMigrations: [String])
    case cannotOpen(path: String, reason: String)
    /// A stored record could not be read back.
    case corrupt(String)

    package var description: String {
        switch self {
        case .newerSchema(let path, let unknown):
            "history \(path) was written by a newer gestalt (unknown schema migrations: \(unknown.joined(separator: ", "))); "
                + "upgrade gestalt, or point \(path.hasPrefix("postgres") ? "--history-url" : "--data-dir") elsewhere"
        case .cannotOpen(let path, let reason):
            "cannot open history \(path.hasPrefix("postgres") ? "database" : "file") \(path): \(reason)"
        case .corrupt(let what): "history record unreadable: \(what)"
        }
    }
}
