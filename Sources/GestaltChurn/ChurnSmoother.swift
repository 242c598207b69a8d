package import GestaltEngine
import GestaltModel

/// The pod-churn state machine between sources and the store: debounce,
/// pod lifecycle smoothing, churn detection (solutions 1, 2 and 4 of the
/// Constellation seed; the store's thresholds are solution 3).
///
/// It never reads a clock: every call takes `now`, so tests drive time and
/// the same inputs always give the same outputs. Feed it with `submit` and
/// ask `due` what is ready; `ChurnPipeline` does that against the real clock.
///
/// ```swift
/// var smoother = ChurnSmoother()
/// smoother.submit(changes, now: clock.now)
/// let output = smoother.due(now: clock.now)
/// store.apply(output.changes)
/// ```
///
/// Guarantees, given changes a store would accept in the order submitted:
/// - the released changes, applied in order, are accepted too (an entity
///   before the connections that need it, a connection's removal before its
///   end's, nothing about a pod that was never shown);
/// - a new pod that is pending (or terminating) is shown only once it has
///   existed for `pendingHide`; one that runs sooner is never shown pending,
///   one that goes sooner is never shown at all, and connections touching a
///   hidden pod wait with it;
/// - a pod shown as terminating stays in the store at least
///   `terminatingHold`; a pod removed without being terminating is first
///   shown as terminating;
/// - a removal of a pod the smoother never saw passes through as it is.
package struct ChurnSmoother: Sendable {
    package let configuration: ChurnConfiguration
    var batches = ChangeBatches()
    /// Every pod seen and not yet removed from the store.
    var pods: [String: PodTrack] = [:]
    /// Pods in the hidden phase, and pods whose removal waits: the only
    /// ones `due` has to look at.
    var hiddenPods: Set<String> = []
    var deferredRemovals: Set<String> = []
    /// Connections waiting for a hidden end, by id.
    var heldConnections: [String: Connection] = [:]
    /// Entity id → ids of the held connections touching it.
    var heldByEnd: [String: Set<String>] = [:]
    var namespaces: [String: NamespaceChurn] = [:]

    package init(configuration: ChurnConfiguration = .default) {
        self.configuration = configuration
    }

    /// Takes changes from a source, in the order the source made them.
    package mutating func submit(_ changes: [TopologyChange], now: ContinuousClock.Instant) {
        for change in changes {
            switch change {
            case .upsertEntity(let entity, let health) where entity.kind == .pod:
                upsertPod(entity, health: health, now: now)
            case .removeEntity(let id) where pods[id] != nil:
                removePod(id: id, now: now)
            case .removeEntity(let id):
                dropHeldConnections(touching: id)
                enqueue(change, now: now)
            case .upsertConnection(let connection):
                if isHidden(connection.sourceID) || isHidden(connection.targetID) {
                    hold(connection)
                } else {
                    enqueue(change, now: now)
                }
            case .removeConnection(let id):
                if heldConnections[id] != nil { unhold(id) } else { enqueue(change, now: now) }
            case .moveEntity(let id, _, _, _):
                // A hidden pod is not in the store; its position would be refused.
                if !isHidden(id) { enqueue(change, now: now) }
            case .upsertEntity:
                enqueue(change, now: now)
            }
        }
    }

    /// What is ready at `now`: hidden pods whose wait is over, removals whose
    /// hold is over, batches whose window closed, and churn notices.
    package mutating func due(now: ContinuousClock.Instant) -> ChurnOutput {
        releaseHiddenPods(now: now)
        releaseDeferredRemovals(now: now)
        let changes = batches.takeDue(now: now)
        noteTerminatingShown(in: changes, now: now)
        return ChurnOutput(changes: changes, notices: evaluateChurn(now: now))
    }

    /// The warning and the latest summary of every namespace churning now,
    /// for a client that subscribes while they churn.
    package func activeNotices() -> [ChurnNotice] {
        namespaces.keys.sorted().flatMap { name -> [ChurnNotice] in
            guard let churn = namespaces[name], let hot = churn.hot else { return [] }
            return [
                .highChurnWarning(hot.warning),
                .namespaceSummary(churn.summary(churning: true, podsPerMinute: hot.podsPerMinute)),
            ]
        }
    }

    /// Whether nothing waits: no batch, hidden pod or deferred removal.
    package var isSettled: Bool {
        batches.isEmpty && hiddenPods.isEmpty && deferredRemovals.isEmpty
    }

    // MARK: Queueing

    /// Puts a change in its namespace's batch. A connection or a removal
    /// carries no namespace, so it joins a batch already naming one of its
    /// entities, else its pod end's namespace, else the cluster-wide batch.
    mutating func enqueue(_ change: TopologyChange, now: ContinuousClock.Instant) {
        let key: String
        switch change {
        case .upsertEntity(let entity, _):
            key = entity.namespace ?? ""
        case .moveEntity(let id, _, _, _), .removeEntity(let id):
            key = batches.batchKey(naming: id) ?? pods[id]?.entity.namespace ?? ""
        case .upsertConnection(let c):
            key = batchKey(forConnectionBetween: c.sourceID, and: c.targetID)
        case .removeConnection(let id):
            let ends = ConnectionID.ends(of: id)
            key =
                batches.batchKey(naming: id) ?? ends.map { batchKey(forConnectionBetween: $0.source, and: $0.target) }
                ?? ""
        }
        batches.add(change, key: key, now: now, window: configuration.debounceWindow)
    }

    private func batchKey(forConnectionBetween source: String, and target: String) -> String {
        batches.batchKey(naming: source) ?? batches.batchKey(naming: target)
            ?? pods[target]?.entity.namespace ?? pods[source]?.entity.namespace ?? ""
    }

    func isHidden(_ id: String) -> Bool { pods[id]?.isHidden ?? false }
}
