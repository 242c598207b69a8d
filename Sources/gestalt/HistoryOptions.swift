import ArgumentParser
import GestaltEngine
import GestaltHistory
import Logging
import ServiceLifecycle

/// `gestalt serve` flags for the recorded past (docs/HISTORY.md).
struct HistoryOptions: ParsableArguments {
    @Option(help: "Directory for the history database (SQLite).") var dataDir = "./gestalt-data"
    @Flag(help: "Record no history: no database, and no ?at=, changes or metrics routes.") var noHistory = false
    @Option(help: "How long history is kept: 30m, 12h, 7d; 0 keeps it forever.") var historyRetention = "7d"
    @Option(help: "Bound on the history database's size, in bytes (K, M, G suffixes allowed); the oldest history goes first.")
    var historyMaxBytes: String?

    func validate() throws {
        _ = try configuration()
    }

    /// Nil with `--no-history`.
    func configuration() throws -> HistoryConfiguration? {
        guard !noHistory else { return nil }
        var configuration = HistoryConfiguration(directory: dataDir)
        guard let seconds = Self.seconds(historyRetention) else {
            throw ValidationError("--history-retention must be a duration such as 30m, 12h or 7d, or 0; got '\(historyRetention)'")
        }
        configuration.retention = seconds == 0 ? nil : .seconds(seconds)
        if let text = historyMaxBytes {
            guard let bytes = Self.bytes(text), bytes >= 1 << 20 else {
                throw ValidationError("--history-max-bytes must be at least 1M, such as 512M or 2G; got '\(text)'")
            }
            configuration.maxBytes = bytes
        }
        return configuration
    }

    /// Opens history and gives the counter the store must start from (the
    /// larger of the process base and what history already holds).
    func open(processBase: UInt64) async throws -> (history: HistoryStore, startingCounter: UInt64)? {
        guard let configuration = try configuration() else { return nil }
        let history = try HistoryStore.open(configuration)
        return (history, max(processBase, try await history.resumeCounter()))
    }

    static func services(history: HistoryStore?, store: TopologyStore, logger: Logger) -> [any Service] {
        guard let history else { return [] }
        return [HistoryRecorder(history: history, store: store, logger: logger), HistoryRetention(history: history, logger: logger)]
    }

    static func seconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        guard let unit = text.last.flatMap({ units[$0] }), let value = Int64(text.dropLast()), value > 0 else { return nil }
        return value.multipliedReportingOverflow(by: unit).overflow ? nil : value * unit
    }

    static func bytes(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let value = Int64(text) { return value }
        guard let unit = text.last.flatMap({ units[Character($0.uppercased())] }), let value = Int64(text.dropLast()), value > 0 else { return nil }
        return value.multipliedReportingOverflow(by: unit).overflow ? nil : value * unit
    }
}
