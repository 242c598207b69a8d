package import GestaltEngine
package import GestaltModel

/// Turns logged updates into what one filtered view should see.
///
/// Stateless: whether an entity was visible is decided from the state the log
/// kept with each update, so any reader at any revision gets the same answer.
/// When an update moves an entity into the view, the view sees `add` and the
/// connections to visible peers; when it moves out, their `conn_remove`s and
/// a `remove`.
package struct TopologyView: Sendable {
    package let filter: TopologyFilter
    /// How an entity `update` the view keeps is sent (`DeltaForm`).
    package let delta: DeltaForm
    /// `filter`'s hash, taken once: a fan-out pass looks its batch up by
    /// filter for every client, and hashing the filter's sets each time was
    /// 8 % of the pass's own CPU (docs/BENCHMARKS.md, stop 32).
    let filterHash: Int

    package init(filter: TopologyFilter, delta: DeltaForm = .entity) {
        self.filter = filter
        self.delta = delta
        filterHash = filter.hashValue
    }

    /// One message for the view: either the log's own JSON, or a re-encoded
    /// update when the view sees a different kind than the log recorded.
    package enum Message {
        case logged([UInt8])
        case synthesized([UInt8])

        package var json: [UInt8] {
            switch self {
            case .logged(let json), .synthesized(let json): json
            }
        }
    }

    /// - Parameter whole: send an `update` as the whole entity even in the
    ///   `patch` form (it stands for coalesced updates whose patches are gone).
    package func messages(for logged: LoggedUpdate, whole: Bool = false, into out: inout [Message]) {
        if filter.isEverything { out.append(kept(logged, whole: whole)); return }
        switch logged.kind {
        case .add, .remove:
            if let entity = logged.entity, filter.matches(entity) { out.append(.logged(logged.json)) }
        case .connAdd, .connUpdate, .connRemove:
            if let ends = logged.ends, filter.matches(ends.source), filter.matches(ends.target) {
                out.append(.logged(logged.json))
            }
        case .update:
            guard let entity = logged.entity else { return }
            let was = logged.previous.map(filter.matches) ?? false
            let now = filter.matches(entity)
            switch (was, now) {
            case (true, true):
                out.append(kept(logged, whole: whole))
            case (false, true):
                out.append(.synthesized(encode(.add, logged, entity: entity)))
                for (connection, peer) in logged.neighbours where filter.matches(peer) {
                    out.append(.synthesized(encode(.connAdd, logged, connection: connection)))
                }
            case (true, false):
                for (connection, peer) in logged.neighbours where filter.matches(peer) {
                    out.append(.synthesized(encode(.connRemove, logged, connection: connection)))
                }
                out.append(.synthesized(encode(.remove, logged, entity: entity)))
            case (false, false):
                break
            }
        case .full:
            break
        }
    }

    /// An update the view passes on as it happened: the log's JSON, or in
    /// the `patch` form an entity `update`'s changed fields.
    private func kept(_ logged: LoggedUpdate, whole: Bool) -> Message {
        guard delta == .patch, !whole, logged.kind == .update, let entity = logged.entity,
            let previous = logged.previous
        else { return .logged(logged.json) }
        return .synthesized(
            TopologyUpdate.patchJSON(
                revision: logged.revision, timestamp: logged.timestamp, previous: previous, entity: entity))
    }

    private func encode(
        _ kind: UpdateKind, _ logged: LoggedUpdate, entity: Entity? = nil, connection: Connection? = nil
    ) -> [UInt8] {
        TopologyUpdate(
            kind: kind, revision: logged.revision, timestamp: logged.timestamp, entity: entity, connection: connection
        ).jsonBytes()
    }
}
