package import GestaltEngine

extension HistoryStore {
    /// What history holds: the ends (a rebuild starts at the oldest
    /// checkpoint, so that is the oldest revision that rebuilds), the
    /// checkpoint count and the live bytes, from whichever backend is open.
    package func range() async throws(HistoryError) -> HistoryRange {
        do {
            return try await backend.range()
        } catch {
            throw .unavailable("history could not be read: \(error)")
        }
    }
}
