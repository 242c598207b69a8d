import GestaltEngine
import GestaltModel
import GestaltStreaming
import NIOEmbedded
import Testing

@testable import GestaltServer

/// Constellation's `/ws` on the event-loop session (`ConstellationFeed` in
/// the `DirectWebSocketSession`): what a browser-like client, with
/// permessage-deflate negotiated, gets; and the upgrades it refuses.
@Suite struct ConstellationSessionTests {
    @Test func aCompressingClientGetsFullStateChangesAndPong() throws {
        let store = TopologyStore()
        ConstellationTests.seed(store)
        let client = try DirectWebSocketDeflateTests.Client(store: store, constellation: .external)
        let opening = try client.messages()
        #expect(opening.map(\.text) == [#"{"FullState":{"hierarchy":[\#(ConstellationTests.shop)]}}"#])
        #expect(opening.first?.compressed == true)

        // Binary is not Constellation's: ignored, the socket stays open.
        try client.sendFrame(0x2, [1, 2, 3])
        try client.send(#""Ping""#, compressed: true)
        try client.send(#"{"type":"Ping"}"#, compressed: false)
        try client.send("anything else", compressed: false)
        #expect(try client.messages().map(\.text) == [#""Pong""#, #""Pong""#])

        store.apply([.upsertEntity(entity("web-3"))])
        client.channel.embeddedEventLoop.run()
        #expect(
            try client.messages().map(\.text) == [
                #"{"ResourceAdded":{"namespace":"shop","resource":{"kind":"Pod","name":"web-3","relatives":[]}}}"#
            ])
        #expect(client.closeCode() == nil)
        #expect(client.fanout.clientCount == 1)
    }

    @Test func internalTaggingOnTheSession() throws {
        let store = TopologyStore()
        ConstellationTests.seed(store)
        let client = try DirectWebSocketDeflateTests.Client(store: store, deflate: nil, constellation: .internal)
        #expect(try client.messages().first?.text.hasPrefix(#"{"type":"FullState","hierarchy":["#) == true)
        try client.send(#""Ping""#, compressed: false)
        #expect(try client.messages().map(\.text) == [#"{"type":"Pong"}"#])
    }

    @Test func anUnknownTaggingIsTheRoutersRefusal() async throws {
        let text = try await DirectStreamTests.errorAnswer(
            to: "GET /ws?tagging=yaml HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
        #expect(text.hasPrefix("HTTP/1.1 426"))
        #expect(text.contains("\"code\":\"upgrade_required\""))
    }
}
