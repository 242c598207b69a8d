import Clocks
import GestaltEngine
import GestaltStreaming
import Synchronization
import TestPeers
import Testing

/// The ticker on a test clock: ticks come from advancing time, never from waiting.
@Suite struct KeepaliveTickerTests {
    /// Counts the ticks a signal delivers to its observers.
    final class TickCounter: Sendable {
        private let count = Mutex(0)
        var value: Int { count.withLock { $0 } }
        func observe(_ signal: ChangeSignal) -> ChangeSignal.Observation {
            signal.observe { wake in if wake == .tick { self.count.withLock { $0 += 1 } } }
        }
    }

    /// Returns once the ticker sleeps on the clock, so the next `advance`
    /// counts from the sleep it is in (`checkSuspension` throws while one is).
    private func untilAsleep(on clock: TestClock<Duration>) async {
        for _ in 0..<100_000 {
            do { try await clock.checkSuspension() } catch { return }
        }
        Issue.record("the ticker never slept on the clock")
    }

    @Test func ticksEveryThirdOfTheKeepaliveInterval() async throws {
        let clock = TestClock()
        let signal = ChangeSignal()
        let ticks = TickCounter()
        let observation = ticks.observe(signal)
        defer { observation.cancel() }
        let task = Task { await KeepaliveTicker(signals: [signal], keepalive: .seconds(15), clock: clock).run() }
        defer { task.cancel() }

        await untilAsleep(on: clock)
        await clock.advance(by: .milliseconds(4_999))
        await untilAsleep(on: clock)
        #expect(ticks.value == 0, "no tick before a third of the interval")
        await clock.advance(by: .milliseconds(1))
        try await waitUntil("tick 1 reaches the observer") { ticks.value == 1 }
        #expect(ticks.value == 1)
        for expected in 2...3 {
            await untilAsleep(on: clock)
            await clock.advance(by: .seconds(5))
            try await waitUntil("tick \(expected) reaches the observer") { ticks.value == expected }
        }
        #expect(ticks.value == 3, "three ticks per keepalive interval")
    }

    @Test func ticksEverySignal() async throws {
        let clock = TestClock()
        let signals = [ChangeSignal(), ChangeSignal()]
        let counters = [TickCounter(), TickCounter()]
        let observations = zip(counters, signals).map { $0.observe($1) }
        defer { observations.forEach { $0.cancel() } }
        let task = Task { await KeepaliveTicker(signals: signals, keepalive: .seconds(3), clock: clock).run() }
        defer { task.cancel() }
        await untilAsleep(on: clock)
        await clock.advance(by: .seconds(1))
        try await waitUntil("a tick on every signal") { counters.allSatisfy { $0.value == 1 } }
        #expect(counters.map(\.value) == [1, 1])
    }

    @Test func stopsWhenCancelled() async throws {
        let clock = TestClock()
        let signal = ChangeSignal()
        let ticks = TickCounter()
        let observation = ticks.observe(signal)
        defer { observation.cancel() }
        let task = Task { await KeepaliveTicker(signals: [signal], keepalive: .seconds(3), clock: clock).run() }
        await untilAsleep(on: clock)
        await clock.advance(by: .seconds(1))
        try await waitUntil("tick 1 reaches the observer") { ticks.value == 1 }
        await untilAsleep(on: clock)
        task.cancel()
        await task.value
        await clock.advance(by: .seconds(10))
        #expect(ticks.value == 1, "a cancelled sleep ends the ticker without one more tick")
    }
}
