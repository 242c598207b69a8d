import GestaltEngine
import GestaltModel

/// Pod lifecycle smoothing (solution 2): pending pods wait before they are
/// shown, terminating pods stay a while before they go.
extension ChurnSmoother {
    mutating func upsertPod(_ entity: Entity, health: HealthOrigin, now: ContinuousClock.Instant) {
        guard var track = pods[entity.id] else {
            addPod(entity, health: health, now: now)
            return
        }
        if track.removalRequested {
            // Removed and created again under the same name (a StatefulSet
            // pod) while the removal waited: the new pod replaces the old.
            track.removalRequested = false
            deferredRemovals.remove(entity.id)
            noteTurnover(of: entity, now: now)
            namespaces[entity.namespace ?? ""]?.tally.add(entity.status)
        } else {
            namespaces[entity.namespace ?? ""]?.tally.remove(track.entity.status)
            namespaces[entity.namespace ?? ""]?.tally.add(entity.status)
        }
        track.entity = entity
        track.health = health
        switch track.phase {
        case .hidden where PodTrack.hidesWhenNew(entity.status):
            pods[entity.id] = track
        case .hidden:
            track.phase = .shown
            pods[entity.id] = track
            show(entity.id, now: now)
        case .terminating where entity.status == .terminating:
            pods[entity.id] = track
            enqueue(track.change, now: now)
        case .shown, .terminating:
            track.phase = entity.status == .terminating ? .terminating(shownAt: nil) : .shown
            pods[entity.id] = track
            enqueue(track.change, now: now)
        }
    }

    private mutating func addPod(_ entity: Entity, health: HealthOrigin, now: ContinuousClock.Instant) {
        let namespace = entity.namespace ?? ""
        if namespaces[namespace] == nil {
            namespaces[namespace] = NamespaceChurn(namespace: namespace, podID: entity.id)
        }
        namespaces[namespace]?.tally.add(entity.status)
        // Every new Kubernetes pod starts pending. One first seen in another
        // phase already existed (an initial list, a relist): loading a
        // cluster is not churn.
        if entity.status == .pending { noteTurnover(of: entity, now: now) }
        var track = PodTrack(entity: entity, health: health, phase: .shown)
        if PodTrack.hidesWhenNew(entity.status), configuration.pendingHide > .zero {
            track.phase = .hidden(since: now)
            pods[entity.id] = track
            hiddenPods.insert(entity.id)
            return
        }
        if entity.status == .terminating { track.phase = .terminating(shownAt: nil) }
        pods[entity.id] = track
        enqueue(track.change, now: now)
    }

    mutating func removePod(id: String, now: ContinuousClock.Instant) {
        guard var track = pods[id], !track.removalRequested else { return }
        namespaces[track.entity.namespace ?? ""]?.tally.remove(track.entity.status)
        noteTurnover(of: track.entity, now: now)
        switch track.phase {
        case .hidden:
            // Never shown, so nothing to take back: not the pod, not its connections.
            pods[id] = nil
            hiddenPods.remove(id)
            dropHeldConnections(touching: id)
        case .terminating(let shownAt?) where shownAt + configuration.terminatingHold <= now:
            pods[id] = nil
            enqueue(.removeEntity(id: id), now: now)
        case .shown where configuration.terminatingHold <= .zero:
            pods[id] = nil
            enqueue(.removeEntity(id: id), now: now)
        case .terminating:
            track.removalRequested = true
            pods[id] = track
            deferredRemovals.insert(id)
        case .shown:
            // Removed without a terminating phase: show one, so the pod fades
            // out instead of blinking away.
            track.entity.status = .terminating
            track.phase = .terminating(shownAt: nil)
            track.removalRequested = true
            pods[id] = track
            deferredRemovals.insert(id)
            enqueue(track.change, now: now)
        }
    }

    /// Shows the pods whose pending wait is over, in their latest state.
    mutating func releaseHiddenPods(now: ContinuousClock.Instant) {
        guard !hiddenPods.isEmpty else { return }
        for id in hiddenPods.sorted() {
            guard var track = pods[id], case .hidden(let since) = track.phase,
                since + configuration.pendingHide <= now
            else { continue }
            track.phase = track.entity.status == .terminating ? .terminating(shownAt: nil) : .shown
            pods[id] = track
            show(id, now: now)
        }
    }

    /// Lets the removals through whose terminating hold is over.
    mutating func releaseDeferredRemovals(now: ContinuousClock.Instant) {
        guard !deferredRemovals.isEmpty else { return }
        for id in deferredRemovals.sorted() {
            guard let track = pods[id], case .terminating(let shownAt?) = track.phase,
                shownAt + configuration.terminatingHold <= now
            else { continue }
            pods[id] = nil
            deferredRemovals.remove(id)
            enqueue(.removeEntity(id: id), now: now)
        }
    }

    /// Starts the terminating hold of the pods whose terminating phase has
    /// just been released to the store.
    mutating func noteTerminatingShown(in changes: [TopologyChange], now: ContinuousClock.Instant) {
        for case .upsertEntity(let entity, _) in changes where entity.kind == .pod && entity.status == .terminating {
            guard case .terminating(shownAt: nil) = pods[entity.id]?.phase else { continue }
            pods[entity.id]?.phase = .terminating(shownAt: now)
        }
    }

    /// Queues a pod that leaves the hidden phase, then its held connections.
    private mutating func show(_ id: String, now: ContinuousClock.Instant) {
        guard let track = pods[id] else { return }
        hiddenPods.remove(id)
        enqueue(track.change, now: now)
        releaseHeldConnections(of: id, now: now)
    }

    private mutating func noteTurnover(of pod: Entity, now: ContinuousClock.Instant) {
        namespaces[pod.namespace ?? ""]?.note(at: now, service: pod.labels["app"])
    }
}
