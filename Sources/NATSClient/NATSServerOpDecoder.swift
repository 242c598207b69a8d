import Foundation
import NIOCore

/// Turns the server's bytes into `NATSServerOp`s. I/O-free: a control line up
/// to CRLF, and for MSG/HMSG the payload of the announced size plus CRLF.
///
/// A MSG whose control line has arrived but whose payload has not is kept as
/// `awaitingPayload`, so a large payload arriving in many reads is not
/// re-parsed each time. Every malformed input throws a `NATSError` with
/// `.protocolViolation`; nothing in here traps.
package struct NATSServerOpDecoder: ByteToMessageDecoder {
    package typealias InboundOut = NATSServerOp

    /// The longest control line accepted (nats-server's own `max_control_line`
    /// default is 4096; INFO lines carry JSON, so allow more).
    package let maxControlLineLength: Int
    /// A hard bound on an announced payload, so a lying server cannot make us buffer gigabytes.
    package let maxPayloadLength: Int

    private struct PendingMessage {
        var subject: String
        var sid: UInt64
        var replyTo: String?
        var headerLength: Int
        var totalLength: Int
    }

    private var awaitingPayload: PendingMessage?

    package init(maxControlLineLength: Int = 64 * 1024, maxPayloadLength: Int = 64 * 1024 * 1024) {
        self.maxControlLineLength = maxControlLineLength
        self.maxPayloadLength = maxPayloadLength
    }

    package mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let op = try next(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(wrapInboundOut(op))
        return .continue
    }

    package mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // A partial frame at EOF is just lost with the connection; complete ones still go up.
        try decode(context: context, buffer: &buffer)
    }

    /// The next complete operation in `buffer`, consuming its bytes, or nil when more bytes are needed.
    package mutating func next(from buffer: inout ByteBuffer) throws(NATSError) -> NATSServerOp? {
        if let pending = awaitingPayload {
            guard let message = try readPayload(of: pending, from: &buffer) else { return nil }
            awaitingPayload = nil
            return .message(message)
        }
        guard let lineLength = try controlLineLength(in: buffer) else { return nil }
        // The line without its LF (and without a CR before it).
        var line = buffer.getSlice(at: buffer.readerIndex, length: lineLength)!
        buffer.moveReaderIndex(forwardBy: lineLength + 1)
        if line.readableBytes > 0, line.getInteger(at: line.readerIndex + line.readableBytes - 1, as: UInt8.self) == 13 {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        let op = try parseControlLine(line)
        guard case .message(let pending) = op else { return op.immediate }
        if let message = try readPayload(of: pending, from: &buffer) { return .message(message) }
        awaitingPayload = pending
        return nil
    }

    private enum ControlOp {
        case message(PendingMessage)
        case immediate(NATSServerOp)

        var immediate: NATSServerOp? {
            if case .immediate(let op) = self { return op }
            return nil
        }
    }

    /// Bytes before the LF of the first line, or nil if no LF yet; throws if the line is already too long.
    private func controlLineLength(in buffer: ByteBuffer) throws(NATSError) -> Int? {
        let limit = Swift.min(buffer.readableBytes, maxControlLineLength + 2)
        let found: Int? = buffer.withUnsafeReadableBytes { bytes in
            guard limit > 0, let base = bytes.baseAddress,
                  let hit = memchr(base, 10, limit) else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        if let found { return found }
        if buffer.readableBytes > maxControlLineLength + 1 {
            throw NATSError(.protocolViolation, "control line longer than \(maxControlLineLength) bytes")
        }
        return nil
    }

    private func parseControlLine(_ line: ByteBuffer) throws(NATSError) -> ControlOp {
        let fields = line.readableBytesView.split(whereSeparator: { $0 == 32 || $0 == 9 })
        guard let first = fields.first else { throw NATSError(.protocolViolation, "empty control line") }
        let name = String(decoding: first, as: UTF8.self).uppercased()
        switch name {
        case "MSG":
            // MSG <subject> <sid> [reply-to] <#bytes>
            guard fields.count == 4 || fields.count == 5 else { throw malformed(line) }
            let size = try number(fields[fields.count - 1], line)
            guard size <= maxPayloadLength else { throw tooLarge(size) }
            return .message(PendingMessage(
                subject: String(decoding: fields[1], as: UTF8.self), sid: try number(fields[2], line),
                replyTo: fields.count == 5 ? String(decoding: fields[3], as: UTF8.self) : nil,
                headerLength: 0, totalLength: Int(size)))
        case "HMSG":
            // HMSG <subject> <sid> [reply-to] <#header bytes> <#total bytes>
            guard fields.count == 5 || fields.count == 6 else { throw malformed(line) }
            let headerSize = try number(fields[fields.count - 2], line)
            let size = try number(fields[fields.count - 1], line)
            guard size <= maxPayloadLength else { throw tooLarge(size) }
            guard headerSize <= size else { throw NATSError(.protocolViolation, "HMSG header size \(headerSize) exceeds total \(size)") }
            return .message(PendingMessage(
                subject: String(decoding: fields[1], as: UTF8.self), sid: try number(fields[2], line),
                replyTo: fields.count == 6 ? String(decoding: fields[3], as: UTF8.self) : nil,
                headerLength: Int(headerSize), totalLength: Int(size)))
        case "PING" where fields.count == 1: return .immediate(.ping)
        case "PONG" where fields.count == 1: return .immediate(.pong)
        case "+OK" where fields.count == 1: return .immediate(.ok)
        case "-ERR":
            let text = String(decoding: line.readableBytesView.dropFirst(4), as: UTF8.self)
                .trimmingCharacters(in: .whitespaces)
            let unquoted = text.count >= 2 && text.hasPrefix("'") && text.hasSuffix("'") ? String(text.dropFirst().dropLast()) : text
            return .immediate(.error(unquoted))
        case "INFO":
            guard fields.count >= 2 else { throw malformed(line) }
            let json = Data(line.readableBytesView.dropFirst(4))
            do {
                return .immediate(.info(try JSONDecoder().decode(NATSServerInfo.self, from: json)))
            } catch {
                throw NATSError(.protocolViolation, "INFO is not the JSON the protocol describes: \(error)")
            }
        default:
            throw malformed(line)
        }
    }

    private func readPayload(of pending: PendingMessage, from buffer: inout ByteBuffer) throws(NATSError) -> NATSMessage? {
        guard buffer.readableBytes >= pending.totalLength + 2 else { return nil }
        let end = buffer.readerIndex + pending.totalLength
        guard buffer.getInteger(at: end, as: UInt8.self) == 13, buffer.getInteger(at: end + 1, as: UInt8.self) == 10 else {
            throw NATSError(.protocolViolation, "payload of \(pending.totalLength) bytes on \(pending.subject) is not followed by CRLF")
        }
        var headers: NATSHeaders?
        if pending.headerLength > 0 {
            headers = try NATSHeaders.parse(buffer.getSlice(at: buffer.readerIndex, length: pending.headerLength)!)
        }
        // Copied out so a message kept by a slow subscriber holds its own bytes only,
        // not the whole read buffer it arrived in (that would defeat the byte limits).
        let bodyLength = pending.totalLength - pending.headerLength
        var payload = ByteBuffer()
        if bodyLength > 0 {
            payload.reserveCapacity(bodyLength)
            payload.writeImmutableBuffer(buffer.getSlice(at: buffer.readerIndex + pending.headerLength, length: bodyLength)!)
        }
        buffer.moveReaderIndex(forwardBy: pending.totalLength + 2)
        return NATSMessage(subject: pending.subject, sid: pending.sid, replyTo: pending.replyTo, headers: headers, payload: payload)
    }

    private func number(_ bytes: ByteBufferView, _ line: ByteBuffer) throws(NATSError) -> UInt64 {
        guard !bytes.isEmpty, bytes.count <= 19 else { throw malformed(line) }
        var value: UInt64 = 0
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { throw malformed(line) }
            value = value * 10 + UInt64(byte - 48)
        }
        return value
    }

    private func malformed(_ line: ByteBuffer) -> NATSError {
        let text = String(decoding: line.readableBytesView.prefix(120), as: UTF8.self)
        return NATSError(.protocolViolation, "malformed server line \(text.debugDescription)")
    }

    private func tooLarge(_ size: UInt64) -> NATSError {
        NATSError(.protocolViolation, "server announced a \(size)-byte payload, above the \(maxPayloadLength)-byte bound")
    }
}
