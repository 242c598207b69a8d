import Foundation
import NIOCore

/// Turns the server's bytes into `NATSServerOp`s. I/O-free: a control line up
/// to CRLF, and for MSG/HMSG the payload of the announced size plus CRLF.
///
/// A MSG whose control line has arrived but whose payload has not is kept as
/// `awaitingPayload`, so a large payload arriving in many reads is not
/// re-parsed each time. Every malformed input throws a `NATSError` with
/// `.protocolViolation`; nothing in here traps.
package struct NATSServerOpDecoder: NIOSingleStepByteToMessageDecoder {
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

    package mutating func decode(buffer: inout ByteBuffer) throws -> NATSServerOp? {
        try next(from: &buffer)
    }

    package mutating func decodeLast(buffer: inout ByteBuffer, seenEOF: Bool) throws -> NATSServerOp? {
        // A partial frame at EOF is just lost with the connection; complete ones still go up.
        try next(from: &buffer)
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
        // Fields split on spaces and tabs, as offsets into the line: this runs
        // for every message, so no String is made for the operation's name.
        let view = line.readableBytesView
        var fields: [Range<ByteBufferView.Index>] = []
        fields.reserveCapacity(6)
        var index = view.startIndex
        while index < view.endIndex, fields.count < 8 {
            while index < view.endIndex, view[index] == 32 || view[index] == 9 { index += 1 }
            let start = index
            while index < view.endIndex, view[index] != 32, view[index] != 9 { index += 1 }
            if start < index { fields.append(start..<index) }
        }
        guard let first = fields.first else { throw NATSError(.protocolViolation, "empty control line") }
        func string(_ field: Int) -> String { String(decoding: view[fields[field]], as: UTF8.self) }
        func name(is expected: StaticString) -> Bool {
            guard first.count == expected.utf8CodeUnitCount else { return false }
            // Operation names are case-insensitive; `expected` is upper case.
            var position = first.lowerBound
            for offset in 0..<expected.utf8CodeUnitCount {
                let want: UInt8 = expected.utf8Start[offset]
                let got: UInt8 = view[position]
                let lowered: UInt8 = want >= 65 && want <= 90 ? want + 32 : want
                guard got == want || got == lowered else { return false }
                position += 1
            }
            return true
        }

        if name(is: "MSG") {
            // MSG <subject> <sid> [reply-to] <#bytes>
            guard fields.count == 4 || fields.count == 5 else { throw malformed(line) }
            let size = try number(view[fields[fields.count - 1]], line)
            guard size <= maxPayloadLength else { throw tooLarge(size) }
            return .message(PendingMessage(
                subject: string(1), sid: try number(view[fields[2]], line),
                replyTo: fields.count == 5 ? string(3) : nil, headerLength: 0, totalLength: Int(size)))
        }
        if name(is: "HMSG") {
            // HMSG <subject> <sid> [reply-to] <#header bytes> <#total bytes>
            guard fields.count == 5 || fields.count == 6 else { throw malformed(line) }
            let headerSize = try number(view[fields[fields.count - 2]], line)
            let size = try number(view[fields[fields.count - 1]], line)
            guard size <= maxPayloadLength else { throw tooLarge(size) }
            guard headerSize <= size else { throw NATSError(.protocolViolation, "HMSG header size \(headerSize) exceeds total \(size)") }
            return .message(PendingMessage(
                subject: string(1), sid: try number(view[fields[2]], line),
                replyTo: fields.count == 6 ? string(3) : nil, headerLength: Int(headerSize), totalLength: Int(size)))
        }
        if name(is: "PING"), fields.count == 1 { return .immediate(.ping) }
        if name(is: "PONG"), fields.count == 1 { return .immediate(.pong) }
        if name(is: "+OK"), fields.count == 1 { return .immediate(.ok) }
        if name(is: "-ERR") {
            let text = String(decoding: view[first.upperBound...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            let unquoted = text.count >= 2 && text.hasPrefix("'") && text.hasSuffix("'") ? String(text.dropFirst().dropLast()) : text
            return .immediate(.error(unquoted))
        }
        if name(is: "INFO") {
            guard fields.count >= 2 else { throw malformed(line) }
            do {
                return .immediate(.info(try JSONDecoder().decode(NATSServerInfo.self, from: Data(view[first.upperBound...]))))
            } catch {
                throw NATSError(.protocolViolation, "INFO is not the JSON the protocol describes: \(error)")
            }
        }
        throw malformed(line)
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
