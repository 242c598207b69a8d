package import GestaltEngine
package import GestaltModel

/// The history questions, on either backend: arguments are checked here,
/// once, so both backends refuse the same things with the same words, and
/// a storage failure becomes `unavailable` (a 503, never a crash).
extension HistoryStore {
    package func topology(at point: HistoryPoint) async throws(HistoryError) -> Topology {
        if case .revision(let revision) = point, revision > UInt64(Int64.max) {
            throw .badRequest("revision \(revision) is out of range")
        }
        return try await read { backend in try await backend.topology(at: point) }
    }

    package func changes(after: UInt64, through: UInt64, limit: Int) async throws(HistoryError) -> HistoryChanges {
        guard after <= through else { throw .badRequest("'from' (\(after)) is after 'to' (\(through))") }
        guard through <= UInt64(Int64.max), limit >= 1 else { throw .badRequest("revision or limit out of range") }
        return try await read { backend in try await backend.changes(after: after, through: through, limit: limit) }
    }

    package func metrics(
        entityID: String, names: [String], since: Timestamp, until: Timestamp, stepMilliseconds: Int64
    ) async throws(HistoryError) -> [MetricSeries] {
        guard since <= until else { throw .badRequest("'since' (\(since)) is after 'until' (\(until))") }
        guard stepMilliseconds >= 1 else { throw .badRequest("'step' must be positive") }
        guard !names.isEmpty else { throw .badRequest("name at least one metric") }
        let span = until.millisecondsSince1970 - since.millisecondsSince1970
        let points = span / stepMilliseconds + 1
        guard points <= configuration.maxMetricPoints else {
            throw .badRequest(
                "\(points) points asked for; at most \(configuration.maxMetricPoints) per metric: widen 'step' or narrow the range"
            )
        }
        return try await read { backend in
            try await backend.metrics(
                entityID: entityID, names: names, since: since, until: until, stepMilliseconds: stepMilliseconds)
        }
    }

    package func events(
        since: Timestamp, until: Timestamp, filter: EventFilter, limit: Int
    ) async throws(HistoryError) -> [InfraEvent] {
        guard since <= until else { throw .badRequest("'since' (\(since)) is after 'until' (\(until))") }
        return try await read { backend in
            try await backend.events(since: since, until: until, filter: filter, limit: limit)
        }
    }

    /// From the checkpoints, on both backends (not the protocol's bisecting default).
    package func oldestRebuildable(through: UInt64) async throws(HistoryError) -> UInt64? {
        guard through <= UInt64(Int64.max) else { throw .badRequest("revision \(through) is out of range") }
        return try await read { backend in try await backend.oldestCheckpoint(through: through) }
    }

    /// Runs a read, turning storage failures into `unavailable`.
    private func read<T: Sendable>(_ body: (any HistoryBackend) async throws -> T) async throws(HistoryError) -> T {
        do {
            return try await body(backend)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw .unavailable("history could not be read: \(error)")
        }
    }
}
