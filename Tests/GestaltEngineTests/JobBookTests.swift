import GestaltEngine
import GestaltModel
import Testing

/// The job state machine, driven with explicit instants (no clock, no tasks).
@Suite struct JobBookTests {
    func at(_ seconds: Int64) -> Timestamp { Timestamp(millisecondsSince1970: 1_000_000 + seconds * 1000) }

    @Test func atMostMaxRunningRunTheRestWaitInOrder() throws {
        var limits = JobLimits()
        limits.maxRunning = 2
        var book = JobBook(limits: limits)
        let ids = try (0..<3).map { _ in try book.submit(JobRequest(kind: .rescan), now: at(0)).id }
        #expect(book.startNext(now: at(1)).map(\.id) == Array(ids.prefix(2)))
        #expect(book.job(ids[2])?.state == .queued)
        #expect(book.finish(ids[0], now: at(2))?.state == .completed)
        #expect(book.startNext(now: at(2)).map(\.id) == [ids[2]])
        #expect(book.job(ids[0])?.progress == 100)
        #expect(book.job(ids[0])?.finishedAt == at(2))
    }

    @Test func tooManyQueuedIsRefused() throws {
        var limits = JobLimits()
        limits.maxQueued = 1
        var book = JobBook(limits: limits)
        _ = try book.submit(JobRequest(kind: .export), now: at(0))
        #expect(throws: JobBookError.tooManyQueued(1)) { try book.submit(JobRequest(kind: .export), now: at(0)) }
    }

    @Test func aCancelledJobIgnoresItsLateStepsAndCannotBeCancelledTwice() throws {
        var book = JobBook()
        let id = try book.submit(JobRequest(kind: .rescan), now: at(0)).id
        _ = book.startNext(now: at(0))
        #expect(book.update(id) { $0.progress = 40 }?.progress == 40)
        #expect(try book.cancel(id, now: at(1)).state == .cancelled)
        #expect(book.update(id) { $0.progress = 90 } == nil)
        #expect(book.finish(id, now: at(2)) == nil)
        #expect(book.job(id)?.progress == 40)
        #expect(book.job(id)?.state == .cancelled)
        #expect(throws: JobBookError.alreadyFinished(id, .cancelled)) { try book.cancel(id, now: at(3)) }
        #expect(throws: JobBookError.notFound("job-99")) { try book.cancel("job-99", now: at(3)) }
    }

    @Test func aFailedJobKeepsItsError() throws {
        var book = JobBook()
        let id = try book.submit(JobRequest(kind: .rescan), now: at(0)).id
        _ = book.startNext(now: at(0))
        let failed = book.finish(id, error: "every source failed to rescan", now: at(1))
        #expect(failed?.state == .failed)
        #expect(failed?.error == "every source failed to rescan")
    }

    @Test func finishedJobsAreKeptForAWhileAndUpToACount() throws {
        var limits = JobLimits()
        limits.keepFinishedMilliseconds = 60_000
        limits.maxFinished = 2
        var book = JobBook(limits: limits)
        var ids: [String] = []
        for second in Int64(0)..<3 {
            let id = try book.submit(JobRequest(kind: .export), now: at(second)).id
            _ = book.startNext(now: at(second))
            _ = book.finish(id, now: at(second))
            ids.append(id)
        }
        book.prune(now: at(3))
        #expect(book.all.map(\.id) == [ids[2], ids[1]], "the oldest finished job goes past the count")
        book.prune(now: at(62))
        #expect(book.all.map(\.id) == [ids[2]], "a job finished over a minute ago is gone")
        let running = try book.submit(JobRequest(kind: .rescan), now: at(62)).id
        _ = book.startNext(now: at(62))
        book.prune(now: at(10_000))
        #expect(book.all.map(\.id) == [running], "unfinished jobs are never pruned")
    }
}
