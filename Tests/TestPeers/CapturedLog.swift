package import Logging
import Synchronization

/// Keeps every log line a logger writes (`level message metadata`), for
/// tests that check what was logged: that no secret reaches the log, or
/// that a failure was reported.
package final class CapturedLog: Sendable {
    private let kept = Mutex<[String]>([])

    package init() {}

    package var lines: [String] { kept.withLock { $0 } }
    package var text: String { lines.joined(separator: "\n") }

    /// How many lines hold `fragment`.
    package func count(containing fragment: String) -> Int { lines.filter { $0.contains(fragment) }.count }

    package func logger(label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(log: self) }
        logger.logLevel = .trace
        return logger
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            log.kept.withLock { $0.append("\(event.level) \(event.message) \(merged)") }
        }
    }
}
