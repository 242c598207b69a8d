import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import HummingbirdWSClient
import NIOCore
import Synchronization
import TestPeers
import Testing

/// The WebSocket rules docs/PROTOCOL.md states that the code once
/// contradicted: `resume_from` resumes every channel it names, and a
/// listen-only client lives on the control pongs its library sends.
/// Each runs with and without permessage-deflate.
@Suite(.timeLimit(.minutes(1))) struct WebSocketContractTests {
    static func recordEvent(_ store: TopologyStore, _ reason: String) -> InfraEvent {
        store.record(
            InfraEvent(
                type: "Warning", reason: reason, message: "m", entityID: "x", entityKind: .pod, entityName: "x",
                severity: .warning))
    }

    @Test(arguments: [false, true]) func resumeFromResumesTheEventsChannel(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            let seen = Self.recordEvent(server.store, "Seen").seq
            for i in 0..<3 { _ = Self.recordEvent(server.store, "Missed\(i)") }
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.subscribe(#"{"channels":["events"],"resume_from":"\#(seen)"}"#)
                let subscribed = try await ws.nextSkippingPings()
                #expect(subscribed.payload["events_resumed"] as? Bool == true)
                var reasons: [String] = []
                for _ in 0..<3 { reasons.append(try await ws.nextSkippingPings().payload["reason"] as? String ?? "") }
                #expect(reasons == ["Missed0", "Missed1", "Missed2"])
            }
        }
    }

    @Test(arguments: [false, true]) func resumeFromObjectResumesEveryChannelItNames(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            server.store.apply([.upsertEntity(entity("a"))])
            let revision = server.store.revision
            let seq = Self.recordEvent(server.store, "Seen").seq
            server.store.apply([.upsertEntity(entity("b"))])
            _ = Self.recordEvent(server.store, "Missed")
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.subscribe(
                    #"{"channels":["topology","events"],"resume_from":{"topology":"\#(revision)","events":\#(seq)}}"#)
                let subscribed = try await ws.nextSkippingPings()
                #expect(subscribed.payload["resumed"] as? Bool == true)
                #expect(subscribed.payload["events_resumed"] as? Bool == true)
                var got: [String] = []
                for _ in 0..<2 {
                    let message = try await ws.nextSkippingPings()
                    got.append(
                        message.type == "topology"
                            ? "topology:\(try message.update().entity?.name ?? "")"
                            : "event:\(message.payload["reason"] as? String ?? "")")
                }
                #expect(Set(got) == ["topology:b", "event:Missed"])
            }
        }
    }

    @Test(arguments: [false, true]) func resumeEventsFromStaysAnAlias(deflate: Bool) async throws {
        try await withLiveServer { server, port in
            let seen = Self.recordEvent(server.store, "Seen").seq
            _ = Self.recordEvent(server.store, "Missed")
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.subscribe(#"{"channels":["topology","events"],"resume_events_from":"\#(seen)"}"#)
                #expect(try await ws.nextSkippingPings().payload["events_resumed"] as? Bool == true)
                var types: [String] = []
                for _ in 0..<2 { types.append(try await ws.nextSkippingPings().type) }
                #expect(Set(types) == ["topology", "event"])
            }
        }
    }

    @Test(arguments: [false, true]) func oneIdForTwoChannelsIsAnError(deflate: Bool) async throws {
        try await withLiveServer { _, port in
            try await connectWS(port: port, deflate: deflate) { ws in
                try await ws.subscribe(#"{"channels":["topology","events"],"resume_from":"12"}"#)
                let error = try await ws.nextSkippingPings()
                #expect(error.type == "error")
                #expect(error.payload["code"] as? String == "invalid_field")
                #expect((error.payload["message"] as? String ?? "").contains("resume_from"))
            }
        }
    }

    /// A peer that answers nothing, control pings included (a raw socket),
    /// is closed with 1001 after two missed pings: the heartbeat end to end,
    /// on real sockets and the real clock (its rules, listen-only clients
    /// and pongs in time among them, are WebSocketHeartbeatTests').
    @Test(arguments: [false, true]) func deadPeerIsClosedWith1001(deflate: Bool) async throws {
        try await withLiveServer(configure: { server, _ in server.webSocket.pingInterval = .milliseconds(200) }) {
            server, port in
            let raw = try await RawConnection(port: port)
            defer { raw.close() }
            let extensions = deflate ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : ""
            try await raw.send(
                DirectWebSocketFrameTests.handshake.replacingOccurrences(of: "\r\n\r\n", with: "\r\n\(extensions)\r\n"))
            try await raw.read(until: { $0.contains("\r\n\r\n") })
            #expect(raw.received.hasPrefix("HTTP/1.1 101"))
            let headEnd = raw.receivedBytes.firstRange(of: Array("\r\n\r\n".utf8))!.upperBound
            let bytes = try await raw.readBytes { bytes in
                DirectWebSocketFrameTests.closeFrame(in: bytes[headEnd...]) != nil
            }
            let frames = ServerFrame.parse(bytes[headEnd...])
            #expect(frames.first { $0.opcode == 0x8 }?.closeCode == 1001)
            #expect(frames.contains { $0.opcode == 0x9 }, "the server sent control pings")
            try await waitUntil("heartbeat timeout counted") {
                server.stats.snapshot.disconnectsByReason[.heartbeatTimeout] == 1
            }
        }
    }
}
