import AsyncHTTPClient
import Foundation
import GestaltEngine
import Logging
import Synchronization

/// Lists and watches one resource (in one namespace, or cluster-wide) into
/// the cache, following client-go's reflector: paged list, watch from the
/// list's resourceVersion with bookmarks, relist on 410 (diffed, so nothing
/// visible is cleared), re-watch with backoff after failures.
struct Reflector: Sendable {
    let resource: ResourceKind
    let namespace: String?
    let client: KubernetesClient
    let cache: ObjectCache
    let board: SyncBoard
    let tuning: KubernetesTuning
    let logger: Logger

    var name: String { namespace.map { "\(resource.rawValue)/\($0)" } ?? resource.rawValue }
    private var decoder: ObjectDecoder { ObjectDecoder(resource: resource) }
    private var path: String { resource.path(namespace: namespace) }

    /// Runs until the task is cancelled.
    func run() async {
        var backoff = Backoff(
            initial: tuning.backoffInitial, maximum: tuning.backoffMax, resetAfter: tuning.backoffResetAfter)
        var resourceVersion: String?
        var watchListUsable = tuning.useWatchList
        while !Task.isCancelled {
            do {
                if let from = resourceVersion {
                    let progress = WatchProgress(resourceVersion: from, synced: true)
                    // Whatever ends the watch, the next one resumes from the last resourceVersion seen.
                    defer { resourceVersion = progress.resourceVersion }
                    try await watch(progress: progress, initialSync: false)
                } else if watchListUsable {
                    let progress = WatchProgress(resourceVersion: "", synced: false)
                    defer { if progress.synced { resourceVersion = progress.resourceVersion } }
                    do {
                        try await watch(progress: progress, initialSync: true)
                    } catch let error where !(error is CancellationError) && !progress.synced {
                        // As client-go's reflector: any failure of the WatchList attempt (refused with
                        // 400/422, or a server or proxy that ignores sendInitialEvents and never sends
                        // the initial-events-end bookmark) falls back to list+watch, at once and from
                        // now on, because making progress beats retrying a request that cannot sync.
                        logger.info(
                            "WatchList failed, falling back to list+watch",
                            metadata: ["resource": "\(name)", "reason": "\(error)"])
                        watchListUsable = false
                        resourceVersion = try await list()
                    }
                } else {
                    resourceVersion = try await list()
                }
            } catch is CancellationError {
                return
            } catch let error as KubernetesError {
                if Task.isCancelled { return }
                if case .gone(let message) = error {
                    // Relist at once; the diff against the cache keeps the map steady.
                    logger.info(
                        "resourceVersion too old, relisting", metadata: ["resource": "\(name)", "reason": "\(message)"])
                    resourceVersion = nil
                    continue
                }
                if error.isForbidden {
                    logger.warning(
                        "forbidden; other resources keep working",
                        metadata: ["resource": "\(name)", "error": "\(error)"])
                    board.set(name, .forbidden(Self.shortMessage(error)))
                } else {
                    logger.warning(
                        "list/watch failed; retrying", metadata: ["resource": "\(name)", "error": "\(error)"])
                    board.set(name, .failing(error.description, everSynced: false))
                }
                // Once access comes back, start over with a list.
                if error.isForbidden { resourceVersion = nil }
                do { try await Task.sleep(for: backoff.next()) } catch { return }
            } catch {
                if Task.isCancelled { return }
                logger.warning("watch broke; retrying", metadata: ["resource": "\(name)", "error": "\(error)"])
                board.set(name, .failing("\(error)", everSynced: false))
                do { try await Task.sleep(for: backoff.next()) } catch { return }
            }
        }
    }

    /// A paged list into the cache; returns the list's resourceVersion.
    private func list() async throws -> String {
        let listed = try await ListPager(
            resource: resource, namespace: namespace, client: client, pageSize: tuning.pageSize
        ).fetch()
        let changed = cache.replace(
            resource, namespace: namespace, with: listed.items, eventLimit: tuning.initialEventLimit)
        logger.debug(
            "listed",
            metadata: [
                "resource": "\(name)", "items": "\(listed.items.count)", "changed": "\(changed)",
                "rv": "\(listed.resourceVersion)",
            ])
        board.set(name, .synced)
        return listed.resourceVersion
    }

    /// Watches from the progress's resourceVersion until the stream ends,
    /// advancing it as events and bookmarks arrive. With `initialSync`, this is a WatchList: the
    /// initial ADDED events are gathered and replace the cache at the
    /// initial-events-end bookmark, exactly as a list would.
    private func watch(progress: WatchProgress, initialSync: Bool) async throws {
        let timeout = Int.random(in: tuning.watchTimeoutSeconds)
        var query: [(String, String)] = [
            ("allowWatchBookmarks", "true"), ("timeoutSeconds", String(timeout)),
        ]
        if initialSync {
            query += [("sendInitialEvents", "true"), ("resourceVersionMatch", "NotOlderThan"), ("resourceVersion", "")]
        } else {
            query.append(("resourceVersion", progress.resourceVersion))
        }
        let body = try await client.watch(path: path, query: query, accept: resource.accept(watch: true))
        progress.touch()
        if progress.synced { board.set(name, .synced) }
        let stallTimeout = tuning.stallTimeout ?? .seconds(timeout + 30)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await consume(body, progress: progress, initialSync: initialSync) }
            group.addTask { try await progress.watchdog(stallTimeout: stallTimeout) }
            if initialSync {
                let limit = tuning.watchListSyncTimeout
                group.addTask {
                    try await Task.sleep(for: limit)
                    guard progress.synced else {
                        throw KubernetesError.transport(
                            "no initial-events-end bookmark within \(limit) (sendInitialEvents ignored?)")
                    }
                    // Synced in time: this task must not end the watch.
                    while true { try await Task.sleep(for: .seconds(3600)) }
                }
            }
            // The first to finish decides: a clean end, an error, or a stall.
            try await group.next()
            group.cancelAll()
        }
    }

    private func consume(_ body: HTTPClientResponse.Body, progress: WatchProgress, initialSync: Bool) async throws {
        var splitter = LineSplitter()
        var initial: [KubeObject]? = initialSync ? [] : nil
        do {
            for try await buffer in body {
                progress.touch()
                for line in splitter.append(buffer) {
                    let event: ObjectDecoder.WatchEvent
                    do {
                        event = try decoder.decodeEvent(line)
                    } catch {
                        throw KubernetesError.malformed(
                            "watch line of \(name): \(String(decoding: line.prefix(120), as: UTF8.self))")
                    }
                    try apply(event, progress: progress, initial: &initial)
                }
            }
        } catch let error as KubernetesError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw KubernetesError.transport("watch of \(name) broke: \(error)")
        }
        if initial != nil { throw KubernetesError.transport("watch of \(name) ended before its initial events did") }
    }

    private func apply(_ event: ObjectDecoder.WatchEvent, progress: WatchProgress, initial: inout [KubeObject]?) throws
    {
        switch event {
        case .added(let object), .modified(let object):
            if initial != nil { initial?.append(object) } else { cache.upsert(object) }
            progress.resourceVersion = object.metadata.resourceVersion
        case .deleted(let object):
            cache.delete(object)
            progress.resourceVersion = object.metadata.resourceVersion
        case .bookmark(let resourceVersion, let initialEventsEnd):
            progress.resourceVersion = resourceVersion
            if initialEventsEnd, let items = initial {
                cache.replace(resource, namespace: namespace, with: items, eventLimit: tuning.initialEventLimit)
                initial = nil
                progress.synced = true
                board.set(name, .synced)
            }
        case .error(let code, let reason, let message):
            if code == 410 { throw KubernetesError.gone(message) }
            throw KubernetesError.status(code: code, reason: reason, message: message)
        }
    }

    private static func shortMessage(_ error: KubernetesError) -> String {
        if case .status(_, _, let message) = error { return message }
        return error.description
    }
}

/// What one watch has reached, shared between its reader and its watchdog.
final class WatchProgress: Sendable {
    private let state: Mutex<(resourceVersion: String, lastActivity: ContinuousClock.Instant, synced: Bool)>

    init(resourceVersion: String, synced: Bool) {
        state = Mutex((resourceVersion, .now, synced))
    }

    /// Whether the cache holds this reflector's full state (after a list, or a WatchList's initial events).
    var synced: Bool {
        get { state.withLock { $0.synced } }
        set { state.withLock { $0.synced = newValue } }
    }

    var resourceVersion: String {
        get { state.withLock { $0.resourceVersion } }
        set { state.withLock { $0.resourceVersion = newValue } }
    }

    func touch() { state.withLock { $0.lastActivity = .now } }

    /// Throws `stalled` once nothing has arrived for `stallTimeout`.
    func watchdog(stallTimeout: Duration) async throws {
        let tick = min(stallTimeout / 4, .seconds(5))
        while true {
            try await Task.sleep(for: tick)
            let idle = ContinuousClock.now - state.withLock { $0.lastActivity }
            if idle > stallTimeout { throw KubernetesError.stalled }
        }
    }
}
