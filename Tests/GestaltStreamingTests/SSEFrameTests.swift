import GestaltStreaming
import NIOCore
import Testing

/// The exact bytes of each WHATWG EventSource frame the streams write.
@Suite struct SSEFrameTests {
    private func framed(_ write: (inout ByteBuffer) -> Void) -> String {
        var buffer = ByteBuffer()
        write(&buffer)
        return String(buffer: buffer)
    }

    @Test func messageCarriesItsIdAndOneDataLine() {
        let text = framed { SSEFrame.message(id: 42, json: Array(#"{"a":1}"#.utf8), into: &$0) }
        #expect(text == "id: 42\ndata: {\"a\":1}\n\n")
    }

    @Test func namedEventHasNoId() {
        let text = framed { SSEFrame.event("connected", json: Array("{}".utf8), into: &$0) }
        #expect(text == "event: connected\ndata: {}\n\n")
    }

    @Test func retryAndKeepalive() {
        #expect(framed { SSEFrame.retry(milliseconds: 2000, into: &$0) } == "retry: 2000\n\n")
        // A comment: EventSource ignores it, proxies see traffic.
        #expect(framed { SSEFrame.keepalive(into: &$0) } == ": keepalive\n\n")
    }

    @Test func framesAppendInOrder() {
        let text = framed { buffer in
            SSEFrame.message(id: 1, json: Array("1".utf8), into: &buffer)
            SSEFrame.message(id: 2, json: Array("2".utf8), into: &buffer)
        }
        #expect(text == "id: 1\ndata: 1\n\nid: 2\ndata: 2\n\n")
    }
}
