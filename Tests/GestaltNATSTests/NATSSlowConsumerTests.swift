import Foundation
import GestaltEngine
import GestaltModel
import GestaltNATS
import NATSClient
import TestPeers
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A real slow consumer: a subscriber that never reads, on a nats-server with
/// a small `max_pending`, so the server cuts it off as nats-server does in
/// production. The source must notice (a SlowConsumer event on the server).
@Suite struct NATSSlowConsumerTests {
    @Test func aSlowConsumerCutOffByTheServerIsReported() async throws {
        let port = try PeerProcess.freePort(), monitorPort = try PeerProcess.freePort()
        let directory = try PeerProcess.makeDirectory("nats-slow")
        let config = directory.appendingPathComponent("nats.conf")
        try "max_payload: 32768\nmax_pending: 65536\nwrite_deadline: \"500ms\"\n".write(
            to: config, atomically: true, encoding: .utf8)
        let server = try PeerProcess.start(
            "nats-server", ["-a", "127.0.0.1", "-p", "\(port)", "-m", "\(monitorPort)", "-c", config.path],
            name: "nats", directory: directory)
        defer { server.stop() }
        try await server.waitForPort(port)
        try await server.waitForPort(monitorPort)

        let store = TopologyStore()
        let board = SourceStatusBoard()
        let instance = SourceInstance(kind: "nats")
        let context = SourceContext(instance: instance, sink: store, store: store, statusBoard: board)
        let source = NATSSource(
            instance: instance,
            configuration: NATSSourceConfiguration(
                url: "nats://127.0.0.1:\(port)", monitorURL: "http://127.0.0.1:\(monitorPort)",
                pollInterval: .milliseconds(100)))
        let run = Task { try await source.run(in: context) }
        defer { run.cancel() }
        try await waitUntil("the source's first sample") { board.status(of: "nats")?.state == .ready }

        let stuck = try StuckSubscriber(port: port, subject: "flood")
        defer { stuck.close() }
        let publisher = try await NATSConnection.connect(NATSConnectionOptions(port: port, name: "flooder"))
        let chunk = String(repeating: "x", count: 16 * 1024)
        try await waitUntil("a SlowConsumer event") {
            for _ in 0..<64 { try? await publisher.publish(chunk, to: "flood") }
            try? await publisher.flush()
            return store.events(limit: 100).contains { $0.reason == "SlowConsumer" }
        }
        let event = try #require(store.events(limit: 100).first { $0.reason == "SlowConsumer" })
        #expect(event.severity == .warning)
        #expect(event.entityID.hasPrefix("nats:server/"))
        await publisher.close()
    }
}

/// A client that subscribes and then never reads, with a tiny receive buffer.
private final class StuckSubscriber: Sendable {
    let fd: Int32

    init(port: Int, subject: String) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PeerError("socket() failed") }
        var small: Int32 = 4096
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else { Glibc.close(fd); throw PeerError("connect to \(port) failed") }
        let hello = Array("CONNECT {\"verbose\":false,\"name\":\"stuck\"}\r\nSUB \(subject) 1\r\n".utf8)
        _ = hello.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }

    func close() { Glibc.close(fd) }
}
