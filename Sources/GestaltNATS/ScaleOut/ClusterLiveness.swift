/// Whether each cluster's collector is alive, judged by its heartbeats
/// against a deadline; no I/O and no clock of its own (the edge feeds it
/// instants, tests feed made-up ones).
///
/// A cluster is `stale` once `deadline` passes with no beat since the last
/// one (or since the edge started watching it), and `current` again at its
/// next beat. Each turn is said once, as an `Action` naming the last beat
/// seen: every edge that saw the same beats names it the same, which is what
/// lets them publish the same marks under the same JetStream message ids
/// (the stream keeps one of each, `ClusterReplica+Liveness`).
package struct ClusterLiveness<Instant: InstantProtocol>: Sendable where Instant.Duration == Swift.Duration {
    package enum Action: Equatable, Sendable {
        /// Mark the cluster's entities stale; `epoch` names the last beat heard ("" for none).
        case stale(cluster: String, epoch: String)
        /// Clear the cluster's stale marks; `epoch` names the beat that came back.
        case current(cluster: String, epoch: String)
    }

    struct Watch: Sendable {
        var heard: Instant
        var lastBeat: String
        var stale: Bool
    }

    package let deadline: Swift.Duration
    var clusters: [String: Watch] = [:]

    package init(deadline: Swift.Duration) { self.deadline = deadline }

    /// A cluster the edge holds entities of, from `now` on; a beat is due by
    /// `now + deadline`. Watching a watched cluster changes nothing.
    package mutating func watch(_ cluster: String, now: Instant) {
        if clusters[cluster] == nil { clusters[cluster] = Watch(heard: now, lastBeat: "", stale: false) }
    }

    /// A beat from `cluster`'s collector (its text, `<process>-<n>`).
    package mutating func heartbeat(_ cluster: String, beat: String, now: Instant) -> Action? {
        let wasStale = clusters[cluster]?.stale ?? false
        clusters[cluster] = Watch(heard: now, lastBeat: beat, stale: false)
        return wasStale ? .current(cluster: cluster, epoch: beat) : nil
    }

    /// The clusters whose deadline passed at `now`, each once per outage.
    package mutating func tick(now: Instant) -> [Action] {
        var actions: [Action] = []
        for (cluster, watch) in clusters.sorted(by: { $0.key < $1.key })
        where !watch.stale && watch.heard.advanced(by: deadline) <= now {
            clusters[cluster]?.stale = true
            actions.append(.stale(cluster: cluster, epoch: watch.lastBeat))
        }
        return actions
    }

    /// When the next `tick` can have something to say; nil when nothing is watched or all are stale.
    package var nextDeadline: Instant? {
        clusters.values.filter { !$0.stale }.map { $0.heard.advanced(by: deadline) }.min()
    }

    package func isStale(_ cluster: String) -> Bool { clusters[cluster]?.stale ?? false }

    /// The clusters stale now, by name.
    package var staleClusters: [String] { clusters.filter(\.value.stale).map(\.key).sorted() }
}
