import GestaltEngine
import GestaltModel

/// What the smoother knows of one pod: the source's latest version, and
/// where it stands between the source and the store.
struct PodTrack: Sendable {
    enum Phase: Sendable, Hashable {
        /// New and still pending (or already terminating) since `since`:
        /// not given to the store, and neither are its connections.
        case hidden(since: ContinuousClock.Instant)
        /// Given to the store (or queued for it) in a phase other than terminating.
        case shown
        /// Queued as terminating; `shownAt` is when that reached the store,
        /// from which the terminating hold counts.
        case terminating(shownAt: ContinuousClock.Instant?)
    }

    var entity: Entity
    var health: HealthOrigin
    var phase: Phase
    /// The source removed the pod; the removal waits out the terminating
    /// hold. Such a pod is no longer counted in its namespace's summary.
    var removalRequested = false

    var isHidden: Bool {
        if case .hidden = phase { true } else { false }
    }

    var change: TopologyChange { .upsertEntity(entity, health: health) }

    /// New pods in these phases wait before they are shown: most of them
    /// run (or go) within a second during a rollout.
    static func hidesWhenNew(_ status: EntityStatus) -> Bool {
        status == .pending || status == .terminating
    }
}
