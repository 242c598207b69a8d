/// Where the events stream is, so a reconnect resumes with `since=` and
/// loses nothing. `since` is inclusive and has one-second granularity on
/// some engines, so a resumed stream replays the last instant: the cursor
/// remembers the events of that instant and lets each through only once.
package struct EventCursor: Sendable {
    package private(set) var lastTimeNano: Int64?
    private var seenAtLast: Set<String> = []
    /// When the first stream opened, by this host's clock: where a stream
    /// that drops before its first event resumes. Never used to drop
    /// events, as the engine's clock may differ from ours.
    private let openedAtNano: Int64?

    package init(openedAtNano: Int64? = nil) {
        self.openedAtNano = openedAtNano
    }

    /// Whether `event` is new; records it when it is.
    package mutating func admit(_ event: DockerEvent) -> Bool {
        if let last = lastTimeNano {
            if event.timeNano < last { return false }
            if event.timeNano == last { return seenAtLast.insert(event.key).inserted }
        }
        lastTimeNano = event.timeNano
        seenAtLast = [event.key]
        return true
    }

    /// The query that resumes after what was admitted; from the opening time before the first event.
    package var resumeQuery: [(String, String)] {
        guard let last = lastTimeNano ?? openedAtNano else { return [] }
        return [("since", DockerEvent.sinceParameter(timeNano: last))]
    }
}
