import Logging
import Synchronization
import Testing

@testable import GestaltServer

/// The server's log handler writes what `StreamLogHandler` writes, only
/// renders metadata when a line goes out.
@Suite struct ServerLogHandlerTests {
    final class Lines: TextOutputStream, Sendable {
        private let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
        var written: String { text.withLock { $0 } }
    }

    /// A line without its timestamp (the first field), which differs between two handlers.
    static func untimed(_ text: String) -> [Substring] {
        text.split(separator: "\n").map { $0.drop { $0 != " " } }
    }

    @Test func writesTheLinesStreamLogHandlerWrites() {
        let ours = Lines(), theirs = Lines()
        var server = Logger(label: "gestalt.test") { ServerLogHandler(label: $0, stream: ours) }
        var stream = Logger(label: "gestalt.test") { StreamLogHandler(label: $0, stream: theirs) }
        server.logLevel = .info
        stream.logLevel = .info
        server[metadataKey: "hb.request.id"] = "42"
        stream[metadataKey: "hb.request.id"] = "42"
        server[metadataKey: "b"] = "2"
        stream[metadataKey: "b"] = "2"
        for logger in [server, stream] {
            logger.debug("not written")
            logger.info("plain")
            logger.warning("with more", metadata: ["a": "1"])
        }
        #expect(server[metadataKey: "b"] == "2")
        #expect(Self.untimed(ours.written) == Self.untimed(theirs.written))
        #expect(Self.untimed(ours.written).count == 2)
        #expect(ours.written.contains("b=2 hb.request.id=42 [GestaltServerTests] plain"))
        #expect(ours.written.contains("a=1 b=2 hb.request.id=42"))
    }
}
