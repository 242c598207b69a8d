import NIOCore

/// Runs a task's jobs on one NIO event loop: a connection's task, preferring
/// its own channel's loop, reads the request, runs the handler and writes
/// the answer on the thread that does the channel's I/O. On Swift's global
/// executor each request crossed threads four times (the read wakes a pool
/// thread, the answer goes back by `EventLoop.execute`, both sleep again),
/// and on two cores those wake-ups cost more than the handler itself
/// (docs/BENCHMARKS.md, "Graph API PATCH and a trivial GET").
///
/// The request path holds no actor, so nothing hops off the loop; the price
/// is that a slow handler delays the other channels of its loop, as it does
/// in any event-loop server.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) { self.loop = loop }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
