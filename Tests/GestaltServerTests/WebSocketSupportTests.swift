import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import HummingbirdWSCompression
import Logging
import TestPeers
import Testing

// Helpers for the WebSocket tests (the file name keeps to the WebSocket*Tests pattern).

/// One envelope as a client sees it.
struct Envelope {
    let type: String
    let id: String?
    let payload: [String: Any]
    let raw: String

    init(_ text: String) throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        type = try #require(object["type"] as? String)
        id = object["id"] as? String
        payload = object["payload"] as? [String: Any] ?? [:]
        raw = text
        // Validation in both directions: every message the server sends is checked here too.
        #expect(
            WebSocketMessageValidator.problems(in: Array(text.utf8)).isEmpty,
            "invalid server message: \(text.prefix(200))")
    }

    func update() throws -> TopologyUpdate {
        struct Wrapper: Decodable { let payload: TopologyUpdate }
        return try JSONDecoder().decode(Wrapper.self, from: Data(raw.utf8)).payload
    }
}

/// A WebSocket client's view of one connection: reads envelopes, sends JSON.
struct WSProbe {
    var iterator: WebSocketInboundMessageStream.AsyncIterator
    let outbound: WebSocketOutboundWriter

    init(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter) {
        iterator = inbound.messages(maxSize: 1 << 26).makeAsyncIterator()
        self.outbound = outbound
    }

    /// The next envelope; nil when the server closed.
    mutating func next() async throws -> Envelope? {
        while let message = try await iterator.next() {
            guard case .text(let text) = message else { continue }
            return try Envelope(text)
        }
        return nil
    }

    /// The next envelope that is not a server `ping`.
    mutating func nextSkippingPings() async throws -> Envelope {
        while true {
            let envelope = try #require(try await next())
            if envelope.type != "ping" { return envelope }
        }
    }

    func send(_ json: String) async throws { try await outbound.write(.text(json)) }

    func subscribe(_ payload: String = #"{"channels":["topology"]}"#) async throws {
        try await send(#"{"type":"subscribe","payload":\#(payload)}"#)
    }
}

/// A topology built the way a client builds it from `topology` messages.
struct AppliedTopology {
    var entities: [String: Entity] = [:]
    var connections: [String: Connection] = [:]
    var revision: UInt64 = 0

    mutating func apply(_ update: TopologyUpdate) {
        revision = update.revision
        switch update.kind {
        case .full:
            entities = Dictionary(uniqueKeysWithValues: (update.topology?.entities ?? []).map { ($0.id, $0) })
            connections = Dictionary(uniqueKeysWithValues: (update.topology?.connections ?? []).map { ($0.id, $0) })
        case .add, .update:
            if let entity = update.entity { entities[entity.id] = entity }
        case .remove:
            if let entity = update.entity { entities[entity.id] = nil }
        case .connAdd, .connUpdate:
            if let connection = update.connection { connections[connection.id] = connection }
        case .connRemove:
            if let connection = update.connection { connections[connection.id] = nil }
        }
    }

    /// Whether this equals the store's state, compared on the wire encoding.
    func matches(_ topology: Topology) -> Bool {
        guard entities.count == topology.entities.count, connections.count == topology.connections.count else {
            return false
        }
        for entity in topology.entities where entities[entity.id]?.jsonString() != entity.jsonString() { return false }
        for connection in topology.connections where connections[connection.id]?.jsonString() != connection.jsonString()
        { return false }
        return true
    }
}

/// Runs `body` against a live server on an ephemeral port.
func withLiveServer(
    configure: (inout ServerConfiguration, inout StoreConfiguration) -> Void = { _, _ in },
    _ body: @escaping @Sendable (GestaltServer, Int) async throws -> Void
) async throws {
    let server = makeServer(configure: configure)
    try await server.application().test(.live) { client in
        try await body(server, try #require(client.port))
    }
}

/// Connects to `/api/infra/ws` and runs `handler` on the connection; returns the close frame.
@discardableResult
func connectWS(
    port: Int, deflate: Bool = false, query: String = "",
    _ handler: @escaping @Sendable (inout WSProbe) async throws -> Void
) async throws -> WebSocketCloseFrame? {
    var logger = Logger(label: "ws-test")
    logger.logLevel = .warning
    return try await WebSocketClient.connect(
        url: "ws://127.0.0.1:\(port)/api/infra/ws\(query)",
        configuration: .init(maxFrameSize: 1 << 20, extensions: deflate ? [.perMessageDeflate()] : []),
        logger: logger
    ) { inbound, outbound, _ in
        var probe = WSProbe(inbound, outbound)
        try await handler(&probe)
    }
}

/// Kept only so branches written before the shared helper still build; new tests call `waitUntil`.
@Suite struct WebSocketSupportTests {
    @Test func validatorRejectsMissingFields() {
        #expect(
            WebSocketMessageValidator.problems(
                in: Array(#"{"type":"error","payload":{"code":"x"},"timestamp":"t"}"#.utf8)) == [
                    "error: payload lacks 'message'"
                ])
        #expect(
            !WebSocketMessageValidator.problems(
                in: Array(
                    #"{"type":"topology","payload":{"kind":"add","revision":1,"timestamp":"t"},"timestamp":"t","id":"1"}"#
                        .utf8)
            ).isEmpty)
        #expect(
            WebSocketMessageValidator.problems(in: Array(#"{"type":"pong","payload":{},"timestamp":"t"}"#.utf8)).isEmpty
        )
        #expect(
            WebSocketMessageValidator.problems(in: Array(#"{"type":"nope","payload":{},"timestamp":"t"}"#.utf8)) == [
                "unknown type 'nope'"
            ])
    }
}
