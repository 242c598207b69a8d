import CompressNIO
import HummingbirdWSCompression
import HummingbirdWebSocket
import NIOWebSocket

/// permessage-deflate whose inflated-size limit closes the connection with
/// 1009 (message too big), as RFC 6455 asks. swift-websocket reports the
/// inflater's overflow as an unknown error and closes with 1011.
struct SizeCheckedDeflate: WebSocketExtensionBuilder {
    static let name = "permessage-deflate"
    let inner: any WebSocketExtensionBuilder

    static func factory(maxMessageBytes: Int) -> WebSocketExtensionFactory {
        let inner = WebSocketExtensionFactory.perMessageDeflate(maxDecompressedFrameSize: maxMessageBytes)
        return WebSocketExtensionFactory { SizeCheckedDeflate(inner: inner.build()) }
    }

    func clientRequestHeader() -> String { inner.clientRequestHeader() }

    func serverReponseHeader(to request: WebSocketExtensionHTTPParameters) -> String? {
        inner.serverReponseHeader(to: request)
    }

    func serverExtension(from request: WebSocketExtensionHTTPParameters) throws -> (any WebSocketExtension)? {
        try inner.serverExtension(from: request).map(Checked.init)
    }

    func clientExtension(from response: WebSocketExtensionHTTPParameters) throws -> (any WebSocketExtension)? {
        try inner.clientExtension(from: response)
    }

    struct Checked: WebSocketExtension {
        let inner: any WebSocketExtension
        var name: String { inner.name }
        var reservedBits: WebSocketFrame.ReservedBits { inner.reservedBits }

        func processReceivedFrame(
            _ frame: WebSocketFrame, context: WebSocketExtensionContext
        ) async throws -> WebSocketFrame {
            do {
                return try await inner.processReceivedFrame(frame, context: context)
            } catch let error as CompressNIOError where error == .bufferOverflow {
                // The one error swift-websocket maps to 1009.
                throw NIOWebSocketError.invalidFrameLength
            }
        }

        func processFrameToSend(
            _ frame: WebSocketFrame, context: WebSocketExtensionContext
        ) async throws -> WebSocketFrame {
            try await inner.processFrameToSend(frame, context: context)
        }

        func shutdown() async { await inner.shutdown() }
    }
}
