package import GestaltModel
import Synchronization

/// Why a job cannot be started or changed; the HTTP layer maps each to a 4xx.
package enum JobError: Error, Equatable, Sendable {
    case book(JobBookError)
    case unknownSources([String], known: [String])
    case historyUnavailable
    /// A parameter that cannot be right whatever the state (a reversed range, too long a span).
    case badParameter(String)
}

/// Runs the jobs of a `JobBook`: a rescan takes a fresh list from each chosen
/// source, diffs it into the store and scores health; an export writes the
/// topology now or at a recorded revision. Each step is timed as a plugin run
/// and announced through `messages` (the WebSocket `jobs` channel).
package final class JobRunner: Sendable {
    private struct Wiring: Sendable {
        var sources: [any TopologySource] = []
        var sink: (any ChangeSink)?
        var statusBoard: SourceStatusBoard?
        var messages: (@Sendable (JobMessage) -> Void)?
        var stages: [OnDemandStage] = []
    }

    package let store: TopologyStore
    private let history: (any HistoryQueries)?
    private let now: @Sendable () -> Timestamp
    private let book: Mutex<JobBook>
    private let tasks = Mutex<[String: Task<Void, Never>]>([:])
    private let wiring = Mutex(Wiring())

    package init(
        store: TopologyStore, history: (any HistoryQueries)? = nil, limits: JobLimits = JobLimits(),
        now: @escaping @Sendable () -> Timestamp = { .now() }
    ) {
        self.store = store
        self.history = history
        self.now = now
        self.book = Mutex(JobBook(limits: limits))
    }

    /// The running sources a rescan may ask, and where their changes go.
    package func attach(sources: [any TopologySource], sink: any ChangeSink, statusBoard: SourceStatusBoard) {
        wiring.withLock {
            $0.sources = sources; $0.sink = sink; $0.statusBoard = statusBoard
        }
    }

    /// The later stages a rescan runs after health (the layout).
    package func attach(stages: [OnDemandStage]) {
        wiring.withLock { $0.stages = stages }
    }

    /// Where job messages go: the server broadcasts them on the `jobs` channel.
    package func onMessage(_ deliver: @escaping @Sendable (JobMessage) -> Void) {
        wiring.withLock { $0.messages = deliver }
    }

    package var limits: JobLimits { book.withLock { $0.limits } }
    package func job(_ id: String) -> Job? { book.withLock { $0.job(id) } }
    package var all: [Job] {
        book.withLock {
            $0.prune(now: now()); return $0.all
        }
    }

    /// The source instances a rescan can name (not the enricher).
    package var sourceNames: [String] {
        wiring.withLock { $0.sources }.filter { $0.pluginMetadata.stage == .source }.map(\.instance.description)
            .sorted()
    }

    package func submit(_ request: JobRequest) throws(JobError) -> Job {
        if let names = request.sources {
            let known = sourceNames
            let unknown = names.filter { !known.contains($0) }
            guard unknown.isEmpty else { throw .unknownSources(unknown, known: known) }
        }
        if request.at != nil || request.kind == .replay, history == nil { throw .historyUnavailable }
        if request.kind == .replay { try checkReplay(request) }
        let job: Job
        do { job = try book.withLock { b throws(JobBookError) in try b.submit(request, now: now()) } } catch {
            throw .book(error)
        }
        launch()
        return book.withLock { $0.job(job.id) } ?? job
    }

    package func cancel(_ id: String) throws(JobError) -> Job {
        let job: Job
        do { job = try book.withLock { b throws(JobBookError) in try b.cancel(id, now: now()) } } catch {
            throw .book(error)
        }
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
        case .replay: error = await replay(job)
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

    /// One step of a job's pipeline: its plugin, and what running it does.
    private struct Step {
        var metadata: PluginMetadata
        var run: () async throws -> [String]
        /// Counted towards "every source failed".
        var isSource = false
    }

    /// Sources, then enrichment, health and layout: each step timed as a plugin
    /// run, announced as it starts and ends, and counted in the progress.
    private func rescan(_ job: Job) async -> String? {
        let wired = wiring.withLock { $0 }
        let chosen = wired.sources.filter { source in
            source.pluginMetadata.stage == .source
                && (job.request.sources?.contains(source.instance.description) ?? true)
        }
        let enrichers = wired.sources.filter { $0.pluginMetadata.stage == .enrichment }
        var steps = chosen.map { source in
            Step(metadata: source.pluginMetadata, run: { try await self.rescan(source, wired: wired) }, isSource: true)
        }
        steps += enrichers.map { enricher in
            Step(metadata: enricher.pluginMetadata, run: { try await self.enrich(enricher, wired: wired) })
        }
        steps.append(Step(metadata: .health, run: { self.scoreHealth() }))
        steps += wired.stages.map { stage in Step(metadata: stage.metadata, run: stage.run) }
        send(.metadata(job, plugins: steps.map { PluginReport(metadata: $0.metadata) }))
        var failures: [String] = []
        var attempted = 0
        for (index, step) in steps.enumerated() {
            let name = step.metadata.name
            guard
                let running = update(
                    job.id,
                    {
                        $0.stage = name; $0.pluginStatus[name] = .started
                    })
            else { return nil }
            send(.pluginStatus(running, plugin: name, status: .started))
            send(.progress(running))
            let started = ContinuousClock.now
            var warnings: [String] = []
            var failure: String?
            var skipped = false
            do {
                warnings = try await step.run()
            } catch let skip as Skipped {
                warnings = [skip.description]
                skipped = true
            } catch {
                failure = "\(name): \(error)"
            }
            if Task.isCancelled { return nil }
            let seconds = started.secondsAgo
            if step.isSource, !skipped { attempted += 1 }
            if !skipped { store.plugins.record(name, PluginRun(seconds: seconds, warnings: warnings, error: failure)) }
            guard
                let done = update(
                    job.id,
                    { job in
                        job.pluginTimings[name] = seconds
                        job.pluginStatus[name] = failure == nil ? .completed : .failed
                        job.warnings += warnings
                        if let failure { job.warnings.append(failure) }
                        job.progress = (index + 1) * 100 / steps.count
                    })
            else { return nil }
            for text in warnings { send(.warning(done, plugin: name, message: text)) }
            if let failure {
                if step.isSource { failures.append(failure) }
                send(.error(done, plugin: name, message: failure))
            }
            send(.pluginStatus(done, plugin: name, status: failure == nil ? .completed : .failed, seconds: seconds))
            send(.progress(done))
        }
        if attempted > 0, failures.count == attempted {
            return "every source failed to rescan: " + failures.joined(separator: "; ")
        }
        let (revision, topology) = store.snapshotJSON(asFullUpdate: true)
        if let current = book.withLock({ $0.job(job.id) }), current.state == .running {
            send(.frame(current, revision: revision, topology: topology))
        }
        return nil
    }

    /// A step that could not run and is not a failure: its text is a warning.
    private struct Skipped: Error, CustomStringConvertible {
        let name: String
        var description: String { "\(name) cannot rescan on demand; its own cycle keeps it current" }
    }

    /// A fresh list from the source, diffed against what the store holds now:
    /// unchanged items are not sent, so nothing is duplicated and nothing flickers.
    private func rescan(_ source: any TopologySource, wired: Wiring) async throws -> [String] {
        guard let rescannable = source as? any RescannableSource, let sink = wired.sink, let board = wired.statusBoard
        else {
            throw Skipped(name: source.instance.description)
        }
        let context = SourceContext(instance: source.instance, sink: sink, store: store, statusBoard: board)
        let fresh = try await rescannable.rescan(in: context)
        let health = rescannable.rescanHealth
        let changes = SnapshotDiff.changes(from: context.ownedSnapshot(), to: fresh).map { change in
            if case .upsertEntity(let entity, _) = change { return TopologyChange.upsertEntity(entity, health: health) }
            return change
        }
        if !changes.isEmpty, !Task.isCancelled { sink.apply(changes, now: now()) }
        return []
    }

    /// An enrichment cycle now; the enricher lays its figures itself.
    private func enrich(_ enricher: any TopologySource, wired: Wiring) async throws -> [String] {
        guard let rescannable = enricher as? any RescannableSource, let sink = wired.sink, let board = wired.statusBoard
        else {
            throw Skipped(name: enricher.instance.description)
        }
        _ = try await rescannable.rescan(
            in: SourceContext(instance: enricher.instance, sink: sink, store: store, statusBoard: board))
        return []
    }

    /// Health is scored as changes arrive; the job times a full report of it.
    private func scoreHealth() -> [String] {
        let critical = store.health().summary.criticalCount
        return critical > 0 ? ["\(critical) entities are critical"] : []
    }

    private func export(_ job: Job) async -> String? {
        let name = "export"
        guard
            update(
                job.id,
                {
                    $0.stage = name; $0.pluginStatus[name] = .started
                }) != nil
        else { return nil }
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
        complete(job, stage: name, result: w.bytes, seconds: started.secondsAgo, progress: 100)
        return nil
    }

    /// A one-stage job's end: its result and timing kept, the stage
    /// marked completed and announced.
    private func complete(_ job: Job, stage: String, result: [UInt8], seconds: Double, progress: Int? = nil) {
        guard
            let done = update(
                job.id,
                { job in
                    job.result = result
                    job.pluginTimings[stage] = seconds
                    job.pluginStatus[stage] = .completed
                    if let progress { job.progress = progress }
                })
        else { return }
        send(.pluginStatus(done, plugin: stage, status: .completed, seconds: seconds))
    }

    // MARK: Replay

    /// The most revisions one replay walks: its result holds every update.
    package static let maxReplaySpan: UInt64 = 100_000
    /// Recorded updates read per page; progress moves once per page.
    static let replayPage = 1_000

    private func checkReplay(_ request: JobRequest) throws(JobError) {
        guard let from = request.from else { throw .badParameter("a replay needs 'from', the revision to start at") }
        let latest = store.revision
        let to = request.to ?? latest
        guard from <= to else { throw .badParameter("'from' (\(from)) is after 'to' (\(to))") }
        guard to <= latest else {
            throw .badParameter("'to' (\(to)) is not recorded yet; the latest revision is \(latest)")
        }
        guard to - from <= Self.maxReplaySpan else {
            throw .badParameter(
                "a replay spans at most \(Self.maxReplaySpan) revisions; \(from) to \(to) is \(to - from)")
        }
    }

    /// Rebuilds the topology at `from` from history (a checkpoint plus the
    /// updates after it: GestaltHistory's replay), sends it as the first
    /// frame, walks the recorded updates through `to` page by page with
    /// progress, and sends the topology at `to` as the last frame. The result
    /// holds the start, every update in order and the gaps, so a client can
    /// play it at any speed.
    private func replay(_ job: Job) async -> String? {
        let name = "history"
        guard let history, let from = job.request.from else {
            return "replay needs history, which is off (--no-history)"
        }
        let to = job.request.to ?? store.revision
        guard
            let running = update(
                job.id,
                {
                    $0.stage = name; $0.pluginStatus[name] = .started
                })
        else { return nil }
        send(
            .metadata(
                running,
                plugins: [PluginReport(metadata: PluginMetadata(name: name, stage: .source, capabilities: ["replay"]))])
        )
        send(.pluginStatus(running, plugin: name, status: .started))
        send(.progress(running))
        let started = ContinuousClock.now
        let start: Topology
        var updates: [[UInt8]] = []
        var gaps: [HistoryGap] = []
        do {
            start = try await history.topology(at: .revision(from))
            guard let first = update(job.id, { $0.progress = 1 }) else { return nil }
            send(.frame(first, revision: start.revision, topology: Self.fullUpdate(start)))
            var after = from
            while after < to {
                let page = try await history.changes(after: after, through: to, limit: Self.replayPage)
                updates += page.updates
                gaps += page.gaps
                guard let next = page.next else { break }
                after = next
                let progress = Int(1 + (after - from) * 97 / max(to - from, 1))
                guard let moved = update(job.id, { $0.progress = progress }) else { return nil }
                send(.progress(moved))
            }
            let end = try await history.topology(at: .revision(to))
            guard let last = update(job.id, { $0.progress = 99 }) else { return nil }
            send(.frame(last, revision: end.revision, topology: Self.fullUpdate(end)))
        } catch {
            update(job.id) { $0.pluginStatus[name] = .failed }
            return "cannot replay revisions \(from) to \(to) from history: \(error)"
        }
        let seconds = started.secondsAgo
        var w = JSONWriter()
        w.beginObject()
        w.key("from"); w.number(from)
        w.key("to"); w.number(to)
        w.key("topology"); start.write(to: &w)
        w.key("updates"); w.beginArray(); for json in updates { w.raw(json) }; w.endArray()
        w.key("gaps"); w.beginArray()
        for gap in gaps {
            w.beginObject(); w.key("after"); w.number(gap.after); w.key("resumed_at"); w.number(gap.resumedAt);
            w.endObject()
        }
        w.endArray()
        w.endObject()
        complete(job, stage: name, result: w.bytes, seconds: seconds)
        return nil
    }

    private static func fullUpdate(_ topology: Topology) -> [UInt8] {
        var w = JSONWriter()
        TopologyUpdate(kind: .full, revision: topology.revision, timestamp: topology.timestamp, topology: topology)
            .write(to: &w)
        return w.bytes
    }
}
