import GestaltServer
import Logging
import ServiceLifecycle
import TestPeers
import Testing

/// A background service that stops by mistake says so; one that stops
/// because shutdown began does not (`BackgroundService.run`).
@Suite(.timeLimit(.minutes(1))) struct BackgroundServiceTests {
    @Test func endingBeforeShutdownIsLogged() async throws {
        let log = CapturedLog()
        let quits = BackgroundService(name: "quits", logger: log.logger()) {}
        let group = ServiceGroup(services: [quits], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await waitUntil("the early end is logged") { log.text.contains("background service ended") }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(log.text.contains("warning"))
        #expect(log.text.contains("quits"))
    }

    @Test func endingDuringShutdownIsQuiet() async throws {
        let log = CapturedLog()
        let started = Flag()
        // Like a loop that sees the store's signals close: it ends by itself
        // once shutdown has begun, and does not heed cancellation.
        let follows = BackgroundService(name: "follows", logger: log.logger()) {
            started.set()
            try? await gracefulShutdown()
        }
        let group = ServiceGroup(services: [follows], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await waitUntil("the service runs") { started.isSet }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(!log.text.contains("background service ended"))
    }
}
