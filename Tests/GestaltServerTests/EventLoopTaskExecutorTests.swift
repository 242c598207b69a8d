import NIOCore
import NIOPosix
import Testing

@testable import GestaltServer

/// A connection's task prefers its channel's event loop (`StreamDispatchChannel`):
/// the task, after each suspension, and the child task per request
/// (`ChildTaskResponder`) all run on that loop's thread.
@Suite struct EventLoopTaskExecutorTests {
    @Test func aTaskAndItsChildrenRunOnTheLoop() async {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let onLoop = await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
            var seen = [loop.inEventLoop]
            // Resumed after a suspension: still the loop, not the global executor.
            await Task.yield()
            seen.append(loop.inEventLoop)
            let answer = try? await loop.submit { 42 }.get()
            seen.append(answer == 42 && loop.inEventLoop)
            let children = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<4 { group.addTask { loop.inEventLoop } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            return seen + children
        }
        #expect(onLoop == Array(repeating: true, count: 7))
    }
}
