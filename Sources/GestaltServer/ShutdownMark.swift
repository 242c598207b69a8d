import Synchronization

/// Whether graceful shutdown of the enclosing server has begun.
///
/// A service group shuts its services down one at a time, in reverse. Work
/// whose input closes when an earlier service stops (a loop that sees the
/// store's signals close when the stream closer runs) therefore ends before
/// its own turn, while `Task.isShuttingDownGracefully` is still false for it.
/// That is shutdown, not a loop that stopped by mistake, and this mark lets
/// `BackgroundService` tell the two apart. It is a task-local so that each
/// server in a process (the tests run many) has its own.
package final class ShutdownMark: Sendable {
    @TaskLocal package static var current: ShutdownMark?

    private let began = Atomic<Bool>(false)

    package init() {}

    package func begin() { began.store(true, ordering: .relaxed) }

    package var hasBegun: Bool { began.load(ordering: .relaxed) }
}
