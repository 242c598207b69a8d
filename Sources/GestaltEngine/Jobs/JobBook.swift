package import GestaltModel

/// How many jobs may run and wait, and how long finished ones are kept.
package struct JobLimits: Sendable, Hashable {
    /// Jobs running at once; more wait `queued`.
    package var maxRunning = 2
    /// Jobs waiting; past this `POST /api/jobs` answers 429.
    package var maxQueued = 16
    /// A finished job (and an export's result) is kept this long...
    package var keepFinishedMilliseconds: Int64 = 10 * 60 * 1000
    /// ...and at most this many finished jobs, the oldest dropped first.
    package var maxFinished = 100

    package init() {}
}

/// Why the book refused.
package enum JobBookError: Error, Equatable, Sendable {
    case notFound(String)
    case alreadyFinished(String, Job.State)
    case tooManyQueued(Int)
}

/// The jobs and their states: a state machine with no I/O and no clock of its
/// own (every call is given `now`), so its rules are tested directly.
package struct JobBook: Sendable {
    package let limits: JobLimits
    private var jobs: [String: Job] = [:]
    /// Ids in creation order.
    private var order: [String] = []
    private var nextNumber: UInt64 = 1

    package init(limits: JobLimits = JobLimits()) { self.limits = limits }

    package func job(_ id: String) -> Job? { jobs[id] }

    /// Newest first.
    package var all: [Job] { order.reversed().compactMap { jobs[$0] } }

    package var runningCount: Int { jobs.values.count { $0.state == .running } }

    package mutating func submit(_ request: JobRequest, now: Timestamp) throws(JobBookError) -> Job {
        prune(now: now)
        guard jobs.values.count(where: { $0.state == .queued }) < limits.maxQueued else {
            throw .tooManyQueued(limits.maxQueued)
        }
        let job = Job(id: "job-\(nextNumber)", request: request, createdAt: now)
        nextNumber += 1
        jobs[job.id] = job
        order.append(job.id)
        return job
    }

    /// Moves queued jobs to `running`, oldest first, while there is room; returns them.
    package mutating func startNext(now: Timestamp) -> [Job] {
        var started: [Job] = []
        for id in order where runningCount < limits.maxRunning {
            guard var job = jobs[id], job.state == .queued else { continue }
            job.state = .running
            job.startedAt = now
            jobs[id] = job
            started.append(job)
        }
        return started
    }

    /// Changes a running job; a job no longer running (cancelled meanwhile) is
    /// left alone and nil is returned, so a late step changes nothing.
    package mutating func update(_ id: String, _ change: (inout Job) -> Void) -> Job? {
        guard var job = jobs[id], job.state == .running else { return nil }
        change(&job)
        jobs[id] = job
        return job
    }

    /// Ends a running job as `completed` or `failed`.
    package mutating func finish(_ id: String, error: String? = nil, now: Timestamp) -> Job? {
        update(id) { job in
            job.state = error == nil ? .completed : .failed
            job.error = error
            job.finishedAt = now
            if error == nil { job.progress = 100 }
        }
    }

    /// Cancels a queued or running job at once; the runner stops its work.
    package mutating func cancel(_ id: String, now: Timestamp) throws(JobBookError) -> Job {
        guard var job = jobs[id] else { throw .notFound(id) }
        guard !job.state.isFinished else { throw .alreadyFinished(id, job.state) }
        job.state = .cancelled
        job.finishedAt = now
        job.error = "cancelled"
        jobs[id] = job
        return job
    }

    /// Forgets finished jobs older than the limit, and the oldest past the count.
    package mutating func prune(now: Timestamp) {
        let cutoff = now.millisecondsSince1970 - limits.keepFinishedMilliseconds
        var finished = order.filter { jobs[$0]?.state.isFinished == true }
        let expired = Set(finished.filter { (jobs[$0]?.finishedAt?.millisecondsSince1970 ?? .max) < cutoff })
        finished.removeAll { expired.contains($0) }
        let dropped = expired.union(finished.dropLast(limits.maxFinished))
        guard !dropped.isEmpty else { return }
        for id in dropped { jobs[id] = nil }
        order.removeAll { dropped.contains($0) }
    }
}
