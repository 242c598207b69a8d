import GestaltEngine
import TestPeers
import Testing

/// The hand-off between a job and a running plugin's own task.
@Suite struct CycleRequestsTests {
    struct Broken: Error {}

    @Test func aRequestWithNoRunServingItFailsAtOnce() async throws {
        let requests = CycleRequests<Int>(name: "nats")
        await #expect(throws: CycleRequestError.notRunning("nats")) { try await requests.request() }
    }

    @Test func aRequestWakesThePauseAndGetsTheAnswerOfTheNextCycle() async throws {
        let requests = CycleRequests<Int>(name: "test")
        let (cycles, counted) = AsyncStream<Int>.makeStream()
        let loop = Task {
            try await requests.serving { () async throws -> Void in
                var cycle = 0
                while true {
                    let batch = requests.take()
                    cycle += 1
                    counted.yield(cycle)
                    requests.answer(batch, .success(cycle))
                    // An hour: only a request ends this pause.
                    try await requests.pause(until: .now + .seconds(3600))
                }
            }
        }
        var seen = cycles.makeAsyncIterator()
        #expect(await seen.next() == 1)
        // Asked after cycle 1 began, so cycle 2 answers.
        #expect(try await requests.request() == 2)
        #expect(try await requests.request() == 3)
        loop.cancel()
        await #expect(throws: CancellationError.self) { try await loop.value }
        await #expect(throws: CycleRequestError.notRunning("test")) { try await requests.request() }
    }

    @Test func aFailedCycleFailsItsRequestsAndAnEndedRunFailsTheRest() async throws {
        let requests = CycleRequests<Int>(name: "test")
        let loop = Task {
            try await requests.serving { () async throws -> Void in
                try await requests.pauseUntilRequested()
                requests.answer(requests.take(), .failure(Broken()))
                // The second request is never served: the run ends first.
                try await requests.pauseUntilRequested()
            }
        }
        try await waitUntil("the run serves") { requests.isServing }
        await #expect(throws: Broken.self) { try await requests.request() }
        let second = Task { try await requests.request() }
        loop.cancel()
        await #expect(throws: (any Error).self) { try await second.value }
    }

    @Test func aCancelledRequestStopsWaiting() async throws {
        let requests = CycleRequests<Int>(name: "test")
        let loop = Task { try await requests.serving { try await Task.sleep(for: .seconds(3600)) } }
        defer { loop.cancel() }
        try await waitUntil("the run serves") { requests.isServing }
        let asking = Task { try await requests.request() }
        asking.cancel()
        await #expect(throws: CancellationError.self) { try await asking.value }
    }
}
