import Foundation
import GestaltEngine

/// What the recorder writes in one transaction.
struct HistoryBatch: Sendable {
    struct Update: Sendable {
        var revision: Int64
        var at: Int64
        var json: Data
    }

    struct Event: Sendable {
        var seq: Int64
        var at: Int64
        var json: Data
    }

    struct Sample: Sendable {
        var entityID: String
        var name: String
        var at: Int64
        var value: Double
    }

    struct Checkpoint: Sendable {
        var revision: Int64
        var at: Int64
        var eventSeq: Int64
        var body: Data
    }

    /// Written first: the revisions it skips were never recorded one by one.
    var gap: HistoryGap?
    var updates: [Update] = []
    var events: [Event] = []
    var samples: [Sample] = []
    /// Full states at some of this batch's revisions (or at the gap's end).
    var checkpoints: [Checkpoint] = []

    var isEmpty: Bool { gap == nil && updates.isEmpty && events.isEmpty && samples.isEmpty && checkpoints.isEmpty }
}
