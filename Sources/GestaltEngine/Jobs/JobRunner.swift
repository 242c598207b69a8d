public import GestaltModel
import Synchronization

/// Why a job cannot be started or changed; the HTTP layer maps each to a 4xx.
public enum JobError: Error, Equatable, Sendable {
    case book(JobBookError)
    case unknownSources([String], known: [String])
    case historyUnavailable
}

/// Runs the jobs of a `JobBook`: a rescan takes a fresh list from each chosen
/// source, diffs it into the store and scores health; an export writes the
/// topology now or at a recorded revision. Each step is timed as a plugin run
/// and announced through `messages` (the WebSocket `jobs` channel).
public final class JobRunner: Sendable {
    private struct Wiring: Sendable {
        var sources: [any TopologySource] = []
        var sink: (any ChangeSink)?
        var statusBoard: SourceStatusBoard?
        var messages: (@Sendable (JobMessage) -> Void)?
    }

    public let store: TopologyStore
    private let history: (any HistoryQueries)?
    private let now: @Sendable () -> Timestamp
    private let book: Mutex<JobBook>
    private let tasks = Mutex<[String: Task<Void, Never>]>([:])
    private let wiring = Mutex(Wiring())

    public init(
        store: TopologyStore, history: (any HistoryQueries)? = nil, limits: JobLimits = JobLimits(),
        now: @escaping @Sendable () -> Timestamp = { .now() }
    ) {
        self.store = store
        self.history = history
        self.now = now
        self.book = Mutex(JobBook(limits: limits))
    }

    /// The running sources a rescan may ask, and where their changes go.
    public func attach(sources: [any TopologySource], sink: any ChangeSink, statusBoard: SourceStatusBoard) {
        wiring.withLock { $0.sources = sources; $0.sink = sink; $0.statusBoard = statusBoard }
    }

    /// Where job messages go: the server broadcasts them on the `jobs` channel.
    public func onMessage(_ deliver: @escaping @Sendable (JobMessage) -> Void) {
        wiring.withLock { $0.messages = deliver }
    }

    public var limits: JobLimits { book.withLock { $0.limits } }
    public func job(_ id: String) -> Job? { book.withLock { $0.job(id) } }
    public var all: [Job] { book.withLock { $0.prune(now: now()); return $0.all } }

    /// The source instances a rescan can name (not the enricher).
    public var sourceNames: [String] {
        wiring.withLock { $0.sources }.filter { $0.pluginMetadata.stage == .source }.map(\.instance.description).sorted()
    }

    public func submit(_ request: JobRequest) throws(JobError) -> Job {
        if let names = request.sources {
            let known = sourceNames
            let unknown = names.filter { !known.contains($0) }
            guard unknown.isEmpty else { throw .unknownSources(unknown, known: known) }
        }
        if request.at != nil, history == nil { throw .historyUnavailable }
        let job: Job
        do { job = try book.withLock { b throws(JobBookError) in try b.submit(request, now: now()) } } catch { throw .book(error) }
        launch()
        return book.withLock { $0.job(job.id) } ?? job
    }

    public func cancel(_ id: String) throws(JobError) -> Job {
        let job: Job
        do { job = try book.withLock { b throws(JobBookError) in try b.cancel(id, now: now()) } } catch { throw .book(error) }
        tasks.withLock { $0[id] }?.cancel()
        send(.progress(job))
        launch()
        return job
    }

    /// Starts what the limits allow. A task's entry is made under the lock its
    /// own cleanup takes, so a task that ends at once cannot leave it behind.
    private func launch() {
        let started = book.withLock { $0.startNext(now: now()) }
        for job in started {
            tasks.withLock { tasks in
                tasks[job.id] = Task {
                    await self.execute(job)
                    self.tasks.withLock { $0[job.id] = nil }
                    self.launch()
                }
            }
        }
    }

    private func execute(_ job: Job) async {
        send(.progress(job))
        let error: String?
        switch job.kind {
        case .rescan: error = await rescan(job)
        case .export: error = await export(job)
        }
        guard let finished = book.withLock({ $0.finish(job.id, error: error, now: now()) }) else { return }
        if let error { send(.error(finished, plugin: nil, message: error)) }
        send(.progress(finished))
    }

    // MARK: Steps

    /// Applies `change` to the job while it runs; false once it was cancelled.
    @discardableResult
    private func update(_ id: String, _ change: (inout Job) -> Void) -> Job? {
        guard !Task.isCancelled else { return nil }
        return book.withLock { $0.update(id, change) }
    }

    private func send(_ message: JobMessage) {
        wiring.withLock { $0.messages }?(message)
    }

    private func rescan(_ job: Job) async -> String? {
        let wired = wiring.withLock { $0 }
        let chosen = wired.sources.filter { source in
            source.pluginMetadata.stage == .source && (job.request.sources?.contains(source.instance.description) ?? true)
        }
        let steps = chosen.count + 1
        send(.metadata(job, plugins: chosen.map { PluginReport(metadata: $0.pluginMetadata) } + [PluginReport(metadata: .health)]))
        var failures: [String] = []
        var attempted = 0
        for (index, source) in chosen.enumerated() {
            let name = source.instance.description
            guard let running = update(job.id, { $0.stage = name; $0.pluginStatus[name] = .started }) else { return nil }
            send(.pluginStatus(running, plugin: name, status: .started))
            send(.progress(running))
            guard let rescannable = source as? any RescannableSource, let sink = wired.sink, let board = wired.statusBoard else {
                let text = "\(name) cannot rescan on demand; its own cycle keeps it current"
                guard let skipped = update(job.id, { $0.warnings.append(text); $0.pluginStatus[name] = .completed }) else { return nil }
                send(.warning(skipped, plugin: name, message: text))
                send(.pluginStatus(skipped, plugin: name, status: .completed))
                continue
            }
            attempted += 1
            let context = SourceContext(instance: source.instance, sink: sink, store: store, statusBoard: board)
            let started = ContinuousClock.now
            var failure: String?
            do {
                let fresh = try await rescannable.rescan(in: context)
                // Diffed against what the store holds now: unchanged items are
                // not sent, so nothing is duplicated and nothing flickers.
                let changes = SnapshotDiff.changes(from: context.ownedSnapshot(), to: fresh)
                if !changes.isEmpty, !Task.isCancelled { sink.apply(changes, now: now()) }
            } catch {
                failure = "\(name): \(error)"
            }
            let seconds = started.secondsAgo
            context.recordRun(startedAt: started, error: failure)
            guard let done = update(job.id, { job in
                job.pluginTimings[name] = seconds
                job.pluginStatus[name] = failure == nil ? .completed : .failed
                if let failure { job.warnings.append(failure) }
                job.progress = (index + 1) * 100 / steps
            }) else { return nil }
            if let failure { failures.append(failure); send(.error(done, plugin: name, message: failure)) }
            send(.pluginStatus(done, plugin: name, status: failure == nil ? .completed : .failed, seconds: seconds))
            send(.progress(done))
        }
        guard await scoreHealth(job) else { return nil }
        if attempted > 0, failures.count == attempted { return "every source failed to rescan: " + failures.joined(separator: "; ") }
        let (revision, topology) = store.snapshotJSON(asFullUpdate: true)
        if let current = book.withLock({ $0.job(job.id) }), current.state == .running {
            send(.frame(current, revision: revision, topology: topology))
        }
        return nil
    }

    /// Health is scored as changes arrive; the job times a full report of it.
    private func scoreHealth(_ job: Job) async -> Bool {
        let name = PluginMetadata.health.name
        guard let running = update(job.id, { $0.stage = name; $0.pluginStatus[name] = .started }) else { return false }
        send(.pluginStatus(running, plugin: name, status: .started))
        let started = ContinuousClock.now
        let report = store.health()
        let seconds = started.secondsAgo
        let critical = report.summary.criticalCount
        let warnings = critical > 0 ? ["\(critical) entities are critical"] : []
        store.plugins.record(name, PluginRun(seconds: seconds, warnings: warnings))
        guard let done = update(job.id, { job in
            job.pluginTimings[name] = seconds
            job.pluginStatus[name] = .completed
            job.warnings += warnings
            job.progress = 100
        }) else { return false }
        for text in warnings { send(.warning(done, plugin: name, message: text)) }
        send(.pluginStatus(done, plugin: name, status: .completed, seconds: seconds))
        return true
    }

    private func export(_ job: Job) async -> String? {
        let name = "export"
        guard update(job.id, { $0.stage = name; $0.pluginStatus[name] = .started }) != nil else { return nil }
        let started = ContinuousClock.now
        var w = JSONWriter()
        if let revision = job.request.at, let history {
            do {
                let topology = try await history.topology(at: .revision(revision))
                topology.write(to: &w)
            } catch {
                update(job.id) { $0.pluginStatus[name] = .failed }
                return "cannot read revision \(revision) from history: \(error)"
            }
        } else {
            store.snapshot().write(to: &w)
        }
        let seconds = started.secondsAgo
        guard let done = update(job.id, { job in
            job.result = w.bytes
            job.pluginTimings[name] = seconds
            job.pluginStatus[name] = .completed
            job.progress = 100
        }) else { return nil }
        send(.pluginStatus(done, plugin: name, status: .completed, seconds: seconds))
        return nil
    }
}
