package import Logging

/// swift-log's `StreamLogHandler` (same lines, same place), rendering a
/// logger's metadata only when a line is written.
///
/// `StreamLogHandler` renders its metadata into a string each time a key is
/// set, and Hummingbird sets the request id on every request's logger: that
/// was 3 % of a graph API PATCH's server CPU (perf, docs/BENCHMARKS.md), for
/// lines that are almost never written at the default level.
package struct ServerLogHandler: LogHandler {
    private var stream: StreamLogHandler
    package var metadata: Logger.Metadata = [:]

    package init(label: String, stream: any TextOutputStream & Sendable) {
        self.stream = StreamLogHandler(label: label, stream: stream)
    }

    /// Writes to standard error, as `StreamLogHandler.standardError` does.
    package static func standardError(label: String) -> ServerLogHandler {
        ServerLogHandler(stream: .standardError(label: label))
    }

    private init(stream: StreamLogHandler) { self.stream = stream }

    package var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    package var metadataProvider: Logger.MetadataProvider? {
        get { stream.metadataProvider }
        set { stream.metadataProvider = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var stream = stream
        if !metadata.isEmpty { stream.metadata = metadata }
        stream.log(event: event)
    }
}
