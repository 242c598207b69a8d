import GestaltEngine
import GestaltModel
import GestaltStreaming
import HummingbirdWebSocket
import Logging
import NIOCore
import NIOWebSocket

/// One WebSocket connection on `/api/infra/ws`: a reader that parses and
/// checks client messages, and a writer that alone writes to the socket. The
/// store's signals and the shared heartbeat ring the writer through its
/// inbox, so a session runs two tasks.
///
/// The handler never throws (a throwing handler would close with 1011): every
/// ending is a chosen close code.
struct WebSocketSession {
    let store: TopologyStore
    let history: (any HistoryQueries)?
    let registry: StreamRegistry
    let configuration: ServerConfiguration
    let network: any Channel
    let heartbeat: WebSocketHeartbeat
    let sessionID: String?
    let logger: Logger
    /// The token's limits (none when auth is off).
    var restriction = AccessRestriction.none

    private var options: WebSocketOptions { configuration.webSocket }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async {
        let inbox = SessionInbox(maxRequests: options.maxPendingRequests, maxBroadcasts: options.maxPendingBroadcasts)
        let network = network
        let connection = registry.register(
            transport: .websocket, channels: [], sessionID: sessionID,
            closer: { reason in
                inbox.close(reason)
                // A stuck or silent peer cannot take a close frame: drop the
                // socket, which also releases a write blocked on it.
                if reason == .stuck || reason == .heartbeatTimeout { network.close(promise: nil) }
            },
            // Broadcasts (churn notices, alerts, job messages) name entities
            // and namespaces that no filter narrows: a restricted token gets none.
            deliver: { [restricted = !restriction.isNone] message in if !restricted { inbox.broadcast(message) } }
        )
        let observations = [store.topologySignal, store.eventSignal].map { signal in
            signal.observe { wake in
                switch wake {
                case .changed: inbox.ring()
                case .tick: break
                case .closed: inbox.close(.serverShutdown)
                }
            }
        }
        // Everything the peer sends, control pongs included (swift-websocket
        // consumes those itself), and its socket draining are signs of life.
        try? await network.pipeline.addHandler(InboundActivity(inbox: inbox), position: .first)
        let heartbeatToken = heartbeat.join(inbox)
        defer {
            heartbeat.leave(heartbeatToken)
            for observation in observations { observation.cancel() }
        }
        let reason = await withTaskGroup(of: Ending.self) { group in
            group.addTask { .writer(await runWriter(inbox: inbox, connection: connection, outbound: outbound)) }
            group.addTask { .reader(await read(inbound, outbound: outbound, inbox: inbox)) }
            // The first of reader and writer to end decides the reason.
            var reason: DisconnectReason?
            while let ending = await group.next() {
                switch ending {
                case .reader(let why):
                    if reason == nil { reason = connection.disconnectReason ?? why }
                    group.cancelAll()
                case .writer(let why):
                    guard reason == nil else { continue }
                    let chosen = connection.disconnectReason ?? why
                    reason = chosen
                    await closeAfterWriter(chosen, outbound: outbound)
                    // The reader ends when the client answers our close frame; don't wait forever.
                    group.addTask {
                        try? await Task.sleep(for: options.closeTimeout); return .closeTimedOut
                    }
                case .closeTimedOut:
                    group.cancelAll()
                }
            }
            return reason ?? .clientClosed
        }
        connection.deregister(reason)
    }

    private enum Ending: Sendable {
        case reader(DisconnectReason)
        case writer(DisconnectReason)
        case closeTimedOut
    }

    private func runWriter(
        inbox: SessionInbox, connection: StreamConnection, outbound: WebSocketOutboundWriter
    ) async -> DisconnectReason {
        var writer = SessionWriter(
            store: store, history: history, stream: configuration.stream, options: options, stats: registry.stats,
            inbox: inbox, connection: connection, outbound: outbound, eventLoop: network.eventLoop,
            restriction: restriction
        )
        return await writer.run()
    }

    private func closeAfterWriter(_ reason: DisconnectReason, outbound: WebSocketOutboundWriter) async {
        switch reason {
        case .heartbeatTimeout:
            try? await outbound.close(.goingAway, reason: "heartbeat timeout: no answer to 2 pings")
            network.close(promise: nil)
        case .serverShutdown:
            try? await outbound.close(.goingAway, reason: "server shutting down")
        case .stuck:
            network.close(promise: nil)
        case .transportError:
            try? await outbound.close(.unexpectedServerError, reason: nil)
        case .clientClosed, .policyViolation, .messageTooBig:
            break
        }
    }

    /// Sends a close frame, but drops the TCP connection when the socket does
    /// not take it within the close timeout: a client that sends without
    /// reading has a full socket, and the close frame would wait behind what
    /// it never reads (until the stuck-client sweep, which would also
    /// misreport why it went).
    private func closeBounded(_ outbound: WebSocketOutboundWriter, _ code: WebSocketErrorCode, reason: String) async {
        let network = network
        let drop = network.eventLoop.scheduleTask(in: TimeAmount(options.closeTimeout)) { network.close(promise: nil) }
        try? await outbound.close(code, reason: reason)
        if network.isActive { drop.cancel() }
    }

    /// Reads client messages until the client closes; invalid ones get an
    /// `error`, a flood of them closes with 1008.
    private func read(
        _ inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, inbox: SessionInbox
    ) async -> DisconnectReason {
        var budget = InvalidMessageBudget(limit: options.invalidMessageLimit, window: options.invalidMessageWindow)
        do {
            for try await message in inbound.messages(maxSize: options.maxMessageBytes) {
                let request: SessionInbox.Request
                switch message {
                case .text(let text):
                    guard let answer = SessionInbox.Request(text: text) else { continue }
                    request = answer
                case .binary:
                    request = .binaryNotSupported
                }
                if case .error = request, budget.spend() {
                    await closeBounded(outbound, .policyViolation, reason: "too many invalid messages")
                    return .policyViolation
                }
                guard inbox.post(request) else {
                    await closeBounded(
                        outbound, .policyViolation, reason: "too many unanswered requests; read the socket")
                    return .policyViolation
                }
            }
            return .clientClosed
        } catch {
            // swift-websocket reports an over-long fragmented message through
            // an error of its own (package-internal) type; its description
            // names the close code it sent.
            let text = String(describing: error)
            return text.contains("messageTooLarge") || text.contains("invalidFrameLength")
                ? .messageTooBig : .transportError
        }
    }
}
