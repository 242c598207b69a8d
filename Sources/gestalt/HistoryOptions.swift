import ArgumentParser
import FoundationEssentials
import GestaltConfig
import GestaltEngine
import GestaltHistory
import Logging
import ServiceLifecycle

/// `gestalt serve` flags for the recorded past (docs/HISTORY.md). A flag
/// given on the command line wins over the YAML file's `history` section,
/// which wins over the defaults (SQLite under ./gestalt-data, kept 7 days).
struct HistoryOptions: ParsableArguments {
    @Option(help: "Directory for the history database (SQLite; default ./gestalt-data).") var dataDir: String?
    @Option(
        help:
            "Keep history in this PostgreSQL database (postgres://user[:password]@host[:port]/database) instead of SQLite."
    )
    var historyUrl: String?
    @Flag(help: "Record no history: no database, and no ?at=, changes or metrics routes.") var noHistory = false
    @Option(help: "How long history is kept: 30m, 12h, 7d; 0 keeps it forever (default 7d).") var historyRetention:
        String?
    @Option(help: "Bound on the history's live bytes (K, M, G suffixes allowed); the oldest history goes first.")
    var historyMaxBytes: String?

    func validate() throws {
        _ = try configuration(file: .unset)
    }

    /// Nil with `--no-history`, or when the file turns history off and no flag turns it on.
    func configuration(file: HistoryFileSetting) throws -> HistoryConfiguration? {
        guard !noHistory else { return nil }
        if dataDir != nil && historyUrl != nil { throw ValidationError("give --data-dir or --history-url, not both") }
        if case .off = file, dataDir == nil, historyUrl == nil { return nil }
        let settings: HistorySettings? = if case .on(let settings) = file { settings } else { nil }
        var configuration = HistoryConfiguration()
        if let url = historyUrl {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw ValidationError(
                    // Only the scheme: the rest may hold a password.
                    "--history-url must be a postgres://user[:password]@host[:port]/database URL; got a '\(url.prefix { $0 != ":" })' URL"
                )
            }
            configuration.url = url
        } else if let dataDir {
            configuration.directory = dataDir
        } else if let storage = settings?.storage {
            switch storage {
            case .directory(let path): configuration.directory = path
            case .database(let url): configuration.url = url.absoluteString
            }
        }
        if let historyRetention {
            guard let seconds = Self.seconds(historyRetention) else {
                throw ValidationError(
                    "--history-retention must be a duration such as 30m, 12h or 7d, or 0; got '\(historyRetention)'")
            }
            configuration.retention = seconds == 0 ? nil : .seconds(seconds)
        } else if let settings {
            configuration.retention = settings.retention
        }
        if let text = historyMaxBytes {
            guard let bytes = Self.bytes(text), bytes >= 1 << 20 else {
                throw ValidationError("--history-max-bytes must be at least 1M, such as 512M or 2G; got '\(text)'")
            }
            configuration.maxBytes = bytes
        } else if let settings {
            configuration.maxBytes = settings.maxBytes
        }
        return configuration
    }

    /// Opens history and gives the counter the store must start from (the
    /// larger of the process base and what history already holds). A bad
    /// URL, an unreachable server or a refused login stops the server here,
    /// before anything listens.
    func open(
        processBase: UInt64, file: HistoryFileSetting
    ) async throws -> (history: HistoryStore, startingCounter: UInt64)? {
        guard let configuration = try configuration(file: file) else { return nil }
        let history: HistoryStore
        do {
            history = try await HistoryStore.connect(configuration)
        } catch {
            throw StartupError("history: \(error)")
        }
        return (history, max(processBase, try await history.resumeCounter()))
    }

    static func services(history: HistoryStore?, store: TopologyStore, logger: Logger) -> [any Service] {
        guard let history else { return [] }
        return [
            HistoryRecorder(history: history, store: store, logger: logger),
            HistoryRetention(history: history, logger: logger),
        ]
    }

    static func seconds(_ text: String) -> Int64? {
        if text == "0" { return 0 }
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800]
        guard let unit = text.last.flatMap({ units[$0] }), let value = Int64(text.dropLast()), value > 0 else {
            return nil
        }
        return value.multipliedReportingOverflow(by: unit).overflow ? nil : value * unit
    }

    static func bytes(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        if let value = Int64(text) { return value }
        guard let unit = text.last.flatMap({ units[Character($0.uppercased())] }), let value = Int64(text.dropLast()),
            value > 0
        else { return nil }
        return value.multipliedReportingOverflow(by: unit).overflow ? nil : value * unit
    }
}

/// What the YAML file says about history: nothing, off (`enabled: false`), or where and how long.
enum HistoryFileSetting {
    case unset
    case off
    case on(HistorySettings)

    init(_ file: GestaltConfiguration?) {
        if let settings = file?.history {
            self = .on(settings)
        } else {
            self = file?.historyDisabled == true ? .off : .unset
        }
    }
}
