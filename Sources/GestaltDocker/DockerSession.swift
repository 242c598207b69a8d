import AsyncHTTPClient
import Foundation
import GestaltEngine
import GestaltModel
import NIOCore

/// One run of the Docker source. Everything it knows lives in this value
/// and only its `run` loop touches it: the events watcher, the stats
/// streams and the resync ticker are tasks that only post messages to it,
/// so there is no lock and no actor hop per event.
struct DockerSession {
    enum Message: Sendable {
        case event(DockerEvent)
        case stats(containerID: String, ContainerMetrics)
        case statsEnded(containerID: String, token: UInt64)
        case resync
        /// A rescan job asked for a full re-list now.
        case rescan
        case failed(any Error)
    }

    /// The container actions that may change what a container looks like;
    /// others (exec_*, attach, resize, top, kill before die…) change nothing listed.
    static let refreshingActions: Set<String> = [
        "create", "start", "restart", "die", "stop", "pause", "unpause", "rename", "update",
    ]

    private let configuration: DockerSourceConfiguration
    private let client: DockerClient
    private let context: SourceContext
    private let requests: CycleRequests<SourceSnapshot>
    private let mapping: DockerMapping
    private var inventory = DockerInventory()
    /// What the sink was last given, the left side of every diff.
    private var published = SourceSnapshot()
    private var eventMapper: DockerEventMapper
    private var stats: [String: (token: UInt64, task: Task<Void, Never>)] = [:]
    private var nextToken: UInt64 = 0
    private var mailbox: AsyncStream<Message>.Continuation?

    init(
        instance: SourceInstance, configuration: DockerSourceConfiguration, client: DockerClient,
        context: SourceContext,
        requests: CycleRequests<SourceSnapshot>
    ) {
        self.configuration = configuration
        self.client = client
        self.context = context
        self.requests = requests
        self.mapping = DockerMapping(instance: instance)
        self.eventMapper = DockerEventMapper(mapping: mapping)
    }

    mutating func run() async throws {
        context.setStatus(.syncing, message: "connecting to \(configuration.socket)")
        let (messages, mailbox) = AsyncStream<Message>.makeStream()
        self.mailbox = mailbox
        requests.onRequest { mailbox.yield(.rescan) }
        // Events first: once the stream's head is back the engine queues every
        // change for us, so the list that follows misses nothing in between.
        let openedAt = Int64(Date().timeIntervalSince1970 * 1e9)
        let firstStream = try await client.stream("/events")
        let client = self.client
        let interval = configuration.pollInterval
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                await Self.watchEvents(
                    client: client, first: firstStream, cursor: EventCursor(openedAtNano: openedAt), mailbox: mailbox)
            }
            group.addTask {
                while true {
                    try await Task.sleep(for: interval)
                    mailbox.yield(.resync)
                }
            }
            // A rerun starts from what the store still holds for this
            // instance, so the first diff removes what vanished meanwhile.
            published = context.ownedSnapshot()
            try await resyncAnswering()
            // An event handled and a re-list are each a run of this source's
            // plugin (docs/SOURCES.md); a stats line changes one entity and is
            // not, so recording stays one lock per batch, never per entity.
            for await message in messages {
                let started = ContinuousClock.now
                switch message {
                case .event(let event):
                    try await handle(event)
                    context.recordRun(startedAt: started)
                case .stats(let id, let metrics): update(id, metrics)
                case .statsEnded(let id, let token): if stats[id]?.token == token { stats[id] = nil }
                case .resync:
                    try await resyncAnswering()
                    context.recordRun(startedAt: started)
                // Several requests may share one re-list; a message that finds none waiting was served already.
                case .rescan:
                    guard requests.hasRequests else { break }
                    try await resyncAnswering()
                    context.recordRun(startedAt: started)
                case .failed(let error): throw error
                }
            }
            // Only cancellation ends the message stream.
            group.cancelAll()
        }
    }

    // MARK: Lists

    /// A resync that also answers the rescan jobs waiting for one.
    private mutating func resyncAnswering() async throws {
        let asked = requests.take()
        do { try await resync() } catch { requests.answer(asked, .failure(error)); throw error }
        requests.answer(asked, .success(published))
    }

    /// Lists everything and publishes the difference: the first picture of
    /// a run, and the periodic safety net.
    private mutating func resync() async throws {
        async let containers = client.get([ContainerSummary].self, "/containers/json", query: [("all", "true")])
        async let networks = client.get([NetworkSummary].self, "/networks")
        async let volumes = client.get(VolumeList.self, "/volumes")
        inventory.replace(
            with: DockerInventory(
                containers: try await containers, networks: try await networks, volumes: try await volumes.volumes))
        for id in stats.keys where inventory.containers[id]?.state != "running" { stopStats(id) }
        for (id, container) in inventory.containers where container.state == "running" { startStats(id) }
        publish()
        let running = inventory.containers.values.count { $0.state == "running" }
        context.setStatus(
            .ready, message: "\(inventory.containers.count) containers (\(running) running)",
            details: [
                "socket": configuration.socket, "networks": "\(inventory.networks.count)",
                "volumes": "\(inventory.volumes.count)",
            ]
        )
    }

    private mutating func refreshContainer(_ id: String) async throws {
        let filter = #"{"id":["\#(id)"]}"#
        let found = try await client.get(
            [ContainerSummary].self, "/containers/json", query: [("all", "true"), ("filters", filter)])
        // The id filter matches prefixes; keep the exact one.
        if let container = found.first(where: { $0.id == id }) {
            inventory.containers[id] = container
            if container.state == "running" { startStats(id) } else { stopStats(id); inventory.metrics[id] = nil }
        } else {
            forget(id)
        }
    }

    private mutating func forget(_ id: String) {
        inventory.containers[id] = nil
        inventory.metrics[id] = nil
        stopStats(id)
    }

    // MARK: Events

    private mutating func handle(_ event: DockerEvent) async throws {
        var oomKilled = false
        if event.type == "container", event.action == "die", event.attributes["exitCode"] == "137" {
            // 137 is SIGKILL: the OOM killer's, or an operator's. Only the
            // container's state tells which, when no `oom` event came.
            struct Inspect: Decodable { struct State: Decodable { var OOMKilled: Bool? }; var State: State? }
            oomKilled =
                (try? await client.get(Inspect.self, "/containers/\(event.actorID)/json"))?.State?.OOMKilled ?? false
        }
        if let infraEvent = eventMapper.infraEvent(for: event, oomKilled: oomKilled) { context.sink.record(infraEvent) }
        switch event.type {
        case "container":
            if event.action == "destroy" {
                forget(event.actorID)
            } else if Self.refreshingActions.contains(event.action) || event.action.hasPrefix("health_status") {
                try await refreshContainer(event.actorID)
            } else {
                return
            }
        case "network":
            if event.action == "connect" || event.action == "disconnect" {
                guard let container = event.attributes["container"] else { return }
                if event.action == "connect" || inventory.containers[container] != nil {
                    try await refreshContainer(container)
                }
            } else if event.action == "create" || event.action == "destroy" {
                inventory.networks = Dictionary(
                    try await client.get([NetworkSummary].self, "/networks").map { ($0.name, $0) },
                    uniquingKeysWith: { _, last in last }
                )
            } else {
                return
            }
        case "volume":
            guard event.action == "create" || event.action == "destroy" else { return }
            inventory.volumes = Dictionary(
                try await client.get(VolumeList.self, "/volumes").volumes.map { ($0.name, $0) },
                uniquingKeysWith: { _, last in last }
            )
        default:
            return
        }
        publish()
    }

    /// Diffs the inventory's picture against what was published and sends the difference.
    private mutating func publish() {
        let next = mapping.snapshot(of: inventory)
        let changes = SnapshotDiff.changes(from: published, to: next)
        published = next
        if !changes.isEmpty { context.sink.apply(changes, now: .now()) }
    }

    // MARK: Stats

    /// A stats line changes one entity; it is sent alone, not by re-diffing everything.
    private mutating func update(_ id: String, _ metrics: ContainerMetrics) {
        guard let container = inventory.containers[id], container.state == "running" else { return }
        inventory.metrics[id] = metrics
        let entity = mapping.entity(for: container, metrics: metrics)
        guard published.entities[entity.id] != entity else { return }
        published.entities[entity.id] = entity
        context.sink.apply([.upsertEntity(entity)], now: .now())
    }

    private mutating func startStats(_ id: String) {
        guard stats[id] == nil, let mailbox else { return }
        nextToken += 1
        let token = nextToken
        let client = self.client
        // Unstructured because each stream ends on its own schedule (its
        // container stops) and a task group cannot cancel one child; the
        // session cancels every one of them when it ends (stopAllStats).
        let task = Task {
            await Self.streamStats(client: client, id: id, mailbox: mailbox)
            mailbox.yield(.statsEnded(containerID: id, token: token))
        }
        stats[id] = (token, task)
    }

    private mutating func stopStats(_ id: String) {
        stats.removeValue(forKey: id)?.task.cancel()
    }

    mutating func stopAllStats() {
        for (_, entry) in stats { entry.task.cancel() }
        stats = [:]
        mailbox?.finish()
    }

    private static func streamStats(client: DockerClient, id: String, mailbox: AsyncStream<Message>.Continuation) async
    {
        var rates = StatsRates()
        var framer = LineFramer()
        do {
            let body = try await client.stream("/containers/\(id)/stats", query: [("stream", "true")])
            for try await chunk in body {
                for line in try framer.append(chunk) {
                    let sample = try DockerClient.decode(
                        StatsSample.self, from: line, what: "stats of \(id.prefix(12))")
                    mailbox.yield(.stats(containerID: id, rates.metrics(for: sample, at: .now)))
                }
            }
        } catch {
            // The container stopped, the engine went away (the events
            // watcher reports that), or a sample was malformed: this
            // container shows no new figures until the next resync restarts it.
        }
    }

    // MARK: Events stream

    /// Reads `/events` and posts each new event. A stream that ends or breaks
    /// is reopened with `since=` the last event; when it cannot be reopened
    /// within a few tries the engine is gone, and the session fails.
    private static func watchEvents(
        client: DockerClient, first: HTTPClientResponse.Body, cursor: EventCursor,
        mailbox: AsyncStream<Message>.Continuation
    ) async {
        var cursor = cursor
        var body: HTTPClientResponse.Body? = first
        var failures = 0
        while !Task.isCancelled {
            var lastError: any Error = DockerError.transport("the events stream ended")
            do {
                let stream: HTTPClientResponse.Body
                if let body {
                    stream = body
                } else {
                    stream = try await client.stream("/events", query: cursor.resumeQuery)
                }
                body = nil
                failures = 0
                var framer = LineFramer()
                for try await chunk in stream {
                    for line in try framer.append(chunk) {
                        let event = try DockerClient.decode(DockerEvent.self, from: line, what: "/events")
                        if cursor.admit(event) { mailbox.yield(.event(event)) }
                    }
                }
            } catch let error as DockerError {
                // A peer that sends garbage will send it again: no retry.
                if case .malformed = error { mailbox.yield(.failed(error)); return }
                lastError = error
            } catch {
                lastError = error
            }
            body = nil
            if Task.isCancelled { return }
            failures += 1
            guard failures <= 3 else {
                mailbox.yield(
                    .failed(DockerError.transport("the events stream broke and could not be reopened: \(lastError)")))
                return
            }
            try? await Task.sleep(for: .milliseconds(100 << failures))
        }
    }
}
