import Foundation
package import NIOCore

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
        if line.readableBytes > 0, line.getInteger(at: line.readerIndex + line.readableBytes - 1, as: UInt8.self) == 13
        {
            line.moveWriterIndex(to: line.writerIndex - 1)
        }
        let op = try parseControlLine(line)
        guard case .message(let pending) = op else { return op.immediate }
        if let message = try readPayload(of: pending, from: &buffer) { return .message(message) }
        awaitingPayload = pending
        return nil
    }

    /// With a MSG's payload still incomplete in `buffer`, how many more bytes
    /// finish it (payload and CRLF); nil when no payload is awaited.
    package func bytesMissing(from buffer: ByteBuffer) -> Int? {
        awaitingPayload.map { Swift.max(1, $0.totalLength + 2 - buffer.readableBytes) }
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
                let hit = memchr(base, 10, limit)
            else { return nil }
            return base.distance(to: UnsafeRawPointer(hit))
        }
        if let found { return found }
        if buffer.readableBytes > maxControlLineLength + 1 {
            throw NATSError(.protocolViolation, "control line longer than \(maxControlLineLength) bytes")
        }
        return nil
    }

    private func parseControlLine(_ line: ByteBuffer) throws(NATSError) -> ControlOp {
        // MSG and HMSG come once per message: they are split in place over the
        // raw bytes, with no field array and no String but the subject and reply.
        let split: Result<ControlOp, NATSError>? = line.withUnsafeReadableBytes { bytes in
            guard let op = MessageLine(bytes) else { return nil }
            return Result { () throws(NATSError) in try message(op, bytes, line) }
        }
        if let split { return try split.get() }
        return try parseOtherLine(line)
    }

    /// `MSG <subject> <sid> [reply-to] <#bytes>` or `HMSG <subject> <sid> [reply-to] <#header bytes> <#total bytes>`.
    private func message(
        _ op: MessageLine, _ bytes: UnsafeRawBufferPointer, _ line: ByteBuffer
    ) throws(NATSError) -> ControlOp {
        let count = op.fieldCount
        let withHeaders = op.isHMSG
        guard withHeaders ? (count == 5 || count == 6) : (count == 4 || count == 5) else { throw malformed(line) }
        func text(_ field: Int) -> String {
            String(decoding: UnsafeRawBufferPointer(rebasing: bytes[op.field(field)]), as: UTF8.self)
        }
        func value(_ field: Int) throws(NATSError) -> UInt64 {
            let range = op.field(field)
            guard range.count <= 19 else { throw malformed(line) }
            var value: UInt64 = 0
            for index in range {
                let byte = bytes[index]
                guard byte >= 48, byte <= 57 else { throw malformed(line) }
                value = value * 10 + UInt64(byte - 48)
            }
            return value
        }
        let size = try value(count - 1)
        guard size <= maxPayloadLength else { throw tooLarge(size) }
        let headerSize = withHeaders ? try value(count - 2) : 0
        guard headerSize <= size else {
            throw NATSError(.protocolViolation, "HMSG header size \(headerSize) exceeds total \(size)")
        }
        let hasReply = count == (withHeaders ? 6 : 5)
        return .message(
            PendingMessage(
                subject: text(1), sid: try value(2), replyTo: hasReply ? text(3) : nil,
                headerLength: Int(headerSize), totalLength: Int(size)))
    }

    private func parseOtherLine(_ line: ByteBuffer) throws(NATSError) -> ControlOp {
        let view = line.readableBytesView
        var fields: [Range<ByteBufferView.Index>] = []
        var index = view.startIndex
        while index < view.endIndex, fields.count < 8 {
            while index < view.endIndex, view[index] == 32 || view[index] == 9 { index += 1 }
            let start = index
            while index < view.endIndex, view[index] != 32, view[index] != 9 { index += 1 }
            if start < index { fields.append(start..<index) }
        }
        guard let first = fields.first else { throw NATSError(.protocolViolation, "empty control line") }
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

        if name(is: "MSG") || name(is: "HMSG") { throw malformed(line) }  // MessageLine takes every well-split one
        if name(is: "PING"), fields.count == 1 { return .immediate(.ping) }
        if name(is: "PONG"), fields.count == 1 { return .immediate(.pong) }
        if name(is: "+OK"), fields.count == 1 { return .immediate(.ok) }
        if name(is: "-ERR") {
            let text = String(decoding: view[first.upperBound...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            let unquoted =
                text.count >= 2 && text.hasPrefix("'") && text.hasSuffix("'")
                ? String(text.dropFirst().dropLast()) : text
            return .immediate(.error(unquoted))
        }
        if name(is: "INFO") {
            guard fields.count >= 2 else { throw malformed(line) }
            do {
                return .immediate(
                    .info(try JSONDecoder().decode(NATSServerInfo.self, from: Data(view[first.upperBound...]))))
            } catch {
                throw NATSError(.protocolViolation, "INFO is not the JSON the protocol describes: \(error)")
            }
        }
        throw malformed(line)
    }

    private func readPayload(
        of pending: PendingMessage, from buffer: inout ByteBuffer
    ) throws(NATSError) -> NATSMessage? {
        guard buffer.readableBytes >= pending.totalLength + 2 else { return nil }
        let end = buffer.readerIndex + pending.totalLength
        guard buffer.getInteger(at: end, as: UInt8.self) == 13, buffer.getInteger(at: end + 1, as: UInt8.self) == 10
        else {
            throw NATSError(
                .protocolViolation,
                "payload of \(pending.totalLength) bytes on \(pending.subject) is not followed by CRLF")
        }
        var headers: NATSHeaders?
        if pending.headerLength > 0 {
            headers = try NATSHeaders.parse(buffer.getSlice(at: buffer.readerIndex, length: pending.headerLength)!)
        }
        // A slice of the read buffer, no copy: the channel handler packs a
        // read's payloads into storage of their own (`NATSPayloadPacking`), so
        // a kept message never pins the whole read.
        let payload = buffer.getSlice(
            at: buffer.readerIndex + pending.headerLength, length: pending.totalLength - pending.headerLength)!
        buffer.moveReaderIndex(forwardBy: pending.totalLength + 2)
        return NATSMessage(
            subject: pending.subject, sid: pending.sid, replyTo: pending.replyTo, headers: headers, payload: payload)
    }

    private func malformed(_ line: ByteBuffer) -> NATSError {
        let text = String(decoding: line.readableBytesView.prefix(120), as: UTF8.self)
        return NATSError(.protocolViolation, "malformed server line \(text.debugDescription)")
    }

    private func tooLarge(_ size: UInt64) -> NATSError {
        NATSError(
            .protocolViolation, "server announced a \(size)-byte payload, above the \(maxPayloadLength)-byte bound")
    }
}

/// The fields of a MSG/HMSG control line as offsets into its bytes, found in
/// one pass without allocating (at most 6 fields; a 7th makes it malformed).
private struct MessageLine {
    var isHMSG = false
    var fieldCount = 0
    private var starts: (Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0)
    private var ends: (Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0)

    /// Nil unless the line starts with MSG or HMSG (any case) and a separator.
    init?(_ bytes: UnsafeRawBufferPointer) {
        func upper(_ byte: UInt8) -> UInt8 { byte >= 97 && byte <= 122 ? byte - 32 : byte }
        var index = 0
        while index < bytes.count, bytes[index] == 32 || bytes[index] == 9 { index += 1 }
        let rest = bytes.count - index
        if rest > 4, upper(bytes[index]) == 72, upper(bytes[index + 1]) == 77, upper(bytes[index + 2]) == 83,
            upper(bytes[index + 3]) == 71, bytes[index + 4] == 32 || bytes[index + 4] == 9
        {
            isHMSG = true
        } else if rest > 3, upper(bytes[index]) == 77, upper(bytes[index + 1]) == 83, upper(bytes[index + 2]) == 71,
            bytes[index + 3] == 32 || bytes[index + 3] == 9
        {
            isHMSG = false
        } else {
            return nil
        }
        withUnsafeMutableBytes(of: &starts) { starts in
            withUnsafeMutableBytes(of: &ends) { ends in
                let starts = starts.bindMemory(to: Int.self), ends = ends.bindMemory(to: Int.self)
                while index < bytes.count {
                    while index < bytes.count, bytes[index] == 32 || bytes[index] == 9 { index += 1 }
                    let start = index
                    while index < bytes.count, bytes[index] != 32, bytes[index] != 9 { index += 1 }
                    guard start < index else { break }
                    if fieldCount < 7 {
                        starts[fieldCount] = start
                        ends[fieldCount] = index
                    }
                    fieldCount += 1
                }
            }
        }
    }

    func field(_ number: Int) -> Range<Int> {
        withUnsafeBytes(of: starts) { starts in
            withUnsafeBytes(of: ends) { ends in
                starts.load(
                    fromByteOffset: number * 8, as: Int.self)..<ends.load(fromByteOffset: number * 8, as: Int.self)
            }
        }
    }
}
