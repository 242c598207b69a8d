import Foundation
import GestaltEngine
import GestaltHistory

/// Runs `body` with a history file of its own in a temporary directory,
/// recording `store` (retention off), then stops the recorder before the
/// file is closed and the directory goes, whether `body` threw or not.
func withRecordedHistory<T>(
    _ store: TopologyStore, name: String, _ body: (HistoryStore) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "gestalt-\(name)-\(UUID().uuidString)"
    ).path
    defer { try? FileManager.default.removeItem(atPath: directory) }
    var configuration = HistoryConfiguration(directory: directory)
    configuration.retention = nil
    let history = try HistoryStore.open(configuration)
    let recorder = Task { try await HistoryRecorder(history: history, store: store).run() }
    func end() async {
        recorder.cancel()
        _ = await recorder.result
        await history.close()
    }
    do {
        let value = try await body(history)
        await end()
        return value
    } catch {
        await end()
        throw error
    }
}
