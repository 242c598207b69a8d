import Foundation
import NIOCore

/// Writes the client's protocol operations into a `ByteBuffer`. Everything a
/// caller supplies that lands in a control line is checked first, so no
/// subject can smuggle a CRLF and a second operation onto the wire.
package enum NATSClientOps {
    package static func validateSubject(_ subject: String, wildcardsAllowed: Bool = true) throws(NATSError) {
        guard !subject.isEmpty, !subject.utf8.contains(where: { $0 <= 32 || $0 == 127 }) else {
            throw NATSError(.invalidArgument, "subject \(subject.debugDescription) is empty or contains white space")
        }
        if !wildcardsAllowed, subject.utf8.contains(where: { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: ">") }) {
            throw NATSError(.invalidArgument, "cannot publish to wildcard subject \(subject.debugDescription)")
        }
    }

    /// `PUB subject [reply] n` or `HPUB subject [reply] h n`, the payload and CRLF.
    package static func writePublish(
        subject: String, replyTo: String?, headers: NATSHeaders?, payload: ByteBuffer, into buffer: inout ByteBuffer
    ) throws(NATSError) {
        if let headers {
            var block = ByteBuffer()
            let headerLength = try headers.write(to: &block)
            buffer.writeStaticString("HPUB ")
            buffer.writeString(subject)
            if let replyTo { buffer.writeInteger(UInt8(ascii: " ")); buffer.writeString(replyTo) }
            buffer.writeString(" \(headerLength) \(headerLength + payload.readableBytes)\r\n")
            buffer.writeImmutableBuffer(block)
        } else {
            buffer.writeStaticString("PUB ")
            buffer.writeString(subject)
            if let replyTo { buffer.writeInteger(UInt8(ascii: " ")); buffer.writeString(replyTo) }
            buffer.writeInteger(UInt8(ascii: " "))
            writeDecimal(payload.readableBytes, into: &buffer)
            buffer.writeStaticString("\r\n")
        }
        buffer.writeImmutableBuffer(payload)
        buffer.writeStaticString("\r\n")
    }

    package static func writeSubscribe(subject: String, queue: String?, sid: UInt64, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("SUB ")
        buffer.writeString(subject)
        if let queue { buffer.writeInteger(UInt8(ascii: " ")); buffer.writeString(queue) }
        buffer.writeString(" \(sid)\r\n")
    }

    package static func writeUnsubscribe(sid: UInt64, max: Int?, into buffer: inout ByteBuffer) {
        if let max { buffer.writeString("UNSUB \(sid) \(max)\r\n") } else { buffer.writeString("UNSUB \(sid)\r\n") }
    }

    package static func writePing(into buffer: inout ByteBuffer) { buffer.writeStaticString("PING\r\n") }
    package static func writePong(into buffer: inout ByteBuffer) { buffer.writeStaticString("PONG\r\n") }

    /// The CONNECT the handshake sends: no verbose +OKs, headers and no-responders on.
    package static func writeConnect(_ options: NATSConnectionOptions, into buffer: inout ByteBuffer) {
        struct Connect: Encodable {
            var verbose = false
            var pedantic = false
            var lang = "swift"
            var version = "0.1.0"
            var `protocol` = 1
            var headers = true
            var no_responders = true
            var echo = true
            var name: String?
            var user: String?
            var pass: String?
            var auth_token: String?
        }
        var connect = Connect(name: options.name)
        switch options.auth {
        case .none: break
        case .userPassword(let user, let password): connect.user = user; connect.pass = password
        case .token(let token): connect.auth_token = token
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = (try? encoder.encode(connect)) ?? Data("{}".utf8)
        buffer.writeStaticString("CONNECT ")
        buffer.writeBytes(json)
        buffer.writeStaticString("\r\n")
    }

    private static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        // Digits without a String allocation: this is on every publish.
        if value < 10 { buffer.writeInteger(UInt8(48 + value)); return }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { bytes in
            while rest > 0 {
                bytes[19 - count] = UInt8(48 + rest % 10)
                rest /= 10
                count += 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[(20 - count)...]))
        }
    }
}
