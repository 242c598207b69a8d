package import GestaltEngine
package import GestaltModel

/// What the source remembers from one poll to the next, and across runs
/// (the supervisor reruns `run` after a failure, and a failure is no reason to
/// forget): each server's last sample (for rates), last picture (to show a
/// server that stopped answering as it was), when each entity was first seen,
/// and each condition's level (so an event is recorded once per crossing).
/// It does no I/O; `absorb` turns one poll's outcomes into one cycle.
package struct PostgresCollector: Sendable {
    /// One poll of one server.
    package struct Outcome: Sendable {
        package var server: String
        package var result: Result<ServerSample, PostgresSourceError>

        package init(server: String, result: Result<ServerSample, PostgresSourceError>) {
            self.server = server
            self.result = result
        }
    }

    /// What one poll of every server comes to.
    package struct Cycle: Sendable {
        /// Every server's picture together: what the source owns now.
        package var snapshot: SourceSnapshot
        /// The thresholds crossed since the last poll.
        package var events: [InfraEvent]
        /// The servers that failed, in configuration order.
        package var failures: [PostgresSourceError]
        package var answered: Int
        /// Edges from client entities owned by other sources, which the store
        /// drops when their client goes; they are upserted every poll (an
        /// unchanged one costs the store a comparison) so they come back with it.
        package var clientEdges: [Connection]
    }

    package let mapping: PostgresMapping
    private var previousSamples: [String: ServerSample] = [:]
    private var lastPictures: [String: ServerPicture] = [:]
    private var createdAt: [String: Timestamp] = [:]
    private var watch = ConditionWatch()
    private var adopted = SourceSnapshot()

    package init(mapping: PostgresMapping) {
        self.mapping = mapping
    }

    /// Takes the creation times of what the store already holds for this
    /// instance, so a restart keeps them.
    package mutating func adopt(_ owned: SourceSnapshot) {
        for (id, entity) in owned.entities where createdAt[id] == nil { createdAt[id] = entity.createdAt }
        adopted = owned
    }

    /// What the store held for `server` before this run: the last picture of
    /// a server that does not answer on a restart's first poll, so its
    /// databases stay on the map (stale) instead of being removed.
    private func adoptedPicture(of server: String) -> ServerPicture? {
        let serverID = mapping.serverID(server)
        let databases = mapping.databaseID(server: server, database: "")
        let entities = adopted.entities.values.filter { $0.id == serverID || $0.id.hasPrefix(databases) }
        guard !entities.isEmpty else { return nil }
        let ids = Set(entities.map(\.id))
        var picture = ServerPicture()
        picture.entities = entities.sorted { $0.id < $1.id }
        picture.connections = adopted.connections.values.filter {
            ids.contains($0.sourceID) && ids.contains($0.targetID)
        }
        return picture
    }

    package mutating func absorb(_ outcomes: [Outcome], matcher: ClientMatcher, now: Timestamp = .now()) -> Cycle {
        let known = createdAt
        let stamp = { (id: String) in known[id] ?? now }
        var pictures: [ServerPicture] = []
        var failures: [PostgresSourceError] = []
        for outcome in outcomes {
            let picture: ServerPicture
            switch outcome.result {
            case .success(let sample):
                picture = mapping.picture(
                    server: outcome.server, sample: sample, previous: previousSamples[outcome.server], createdAt: stamp,
                    client: matcher.entityID(for:)
                )
                previousSamples[outcome.server] = sample
                lastPictures[outcome.server] = picture
            case .failure(let error):
                // Rates restart after an outage: the gap says nothing about the rate now.
                previousSamples[outcome.server] = nil
                picture = mapping.unreachablePicture(
                    server: outcome.server, error: error,
                    last: lastPictures[outcome.server] ?? adoptedPicture(of: outcome.server),
                    createdAt: stamp
                )
                failures.append(error)
            }
            pictures.append(picture)
        }
        let entities = pictures.flatMap(\.entities)
        let ids = Set(entities.map(\.id))
        // A replica's edge to a primary this source does not collect has nothing to end at.
        let connections = pictures.flatMap(\.connections).filter {
            !(ids.contains($0.sourceID) && !ids.contains($0.targetID))
        }
        createdAt = Dictionary(uniqueKeysWithValues: ids.map { ($0, known[$0] ?? now) })
        let events = watch.crossings(pictures.flatMap(\.conditions))
        watch.keep(only: ids)
        let clientEdges = connections.filter { $0.kind == .depends && !ids.contains($0.sourceID) }
        return Cycle(
            snapshot: SourceSnapshot(entities: entities, connections: connections), events: events, failures: failures,
            answered: outcomes.count - failures.count, clientEdges: clientEdges
        )
    }
}
