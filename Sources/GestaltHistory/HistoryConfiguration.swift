/// Where and how history is kept, with its defaults in one place.
package struct HistoryConfiguration: Sendable {
    /// The directory holding the SQLite file; created when missing.
    package var directory: String = "./gestalt-data"
    package var fileName: String = "history.sqlite"
    /// A `postgres://user[:password]@host[:port]/database` URL: history is
    /// kept there instead of the SQLite file (`HistoryStore.connect`).
    package var url: String?
    /// Older records are deleted (nil: kept forever). A checkpoint at or
    /// before the cut is kept, so the oldest retained revision still rebuilds.
    package var retention: Duration? = .seconds(7 * 86_400)
    /// The file's used pages are kept under this (nil: no bound), by dropping
    /// whole checkpoint intervals from the oldest end.
    package var maxBytes: Int64?
    /// How often retention runs.
    package var retentionInterval: Duration = .seconds(60)
    /// A checkpoint is written once this many updates, or as many updates as
    /// the topology has items, whichever is more, were recorded since the
    /// last one: a rebuild then decodes at most about two topologies' worth
    /// of JSON, and checkpoints take at most about half of the disk.
    package var minimumCheckpointInterval: Int = 1_000
    /// The most updates (and events) written in one transaction.
    package var batchLimit: Int = 5_000
    /// An entity's metrics are sampled at most once per this many milliseconds.
    package var sampleIntervalMilliseconds: Int64 = 1_000
    /// The most points a metrics query may ask for (per metric).
    package var maxMetricPoints: Int = 10_000

    package init(directory: String = "./gestalt-data") {
        self.directory = directory
    }

    package var path: String { directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName }
}
