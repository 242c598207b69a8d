import Foundation
package import NIOCore

/// Writes the client's protocol operations into a `ByteBuffer`. Everything a
/// caller supplies that lands in a control line is checked first, so no
/// subject can smuggle a CRLF and a second operation onto the wire.
package enum NATSClientOps {
    package static func validateSubject(_ subject: String, wildcardsAllowed: Bool = true) throws(NATSError) {
        // One pass over the contiguous bytes: this runs on every publish, and
        // iterating `utf8` was ~7% of a publish in `perf`.
        var bytes = subject
        let (blank, wildcard) = bytes.withUTF8 { bytes -> (Bool, Bool) in
            var wildcard = false
            for byte in bytes {
                if byte <= 32 || byte == 127 { return (true, wildcard) }
                if byte == UInt8(ascii: "*") || byte == UInt8(ascii: ">") { wildcard = true }
            }
            return (bytes.isEmpty, wildcard)
        }
        guard !blank else {
            throw NATSError(.invalidArgument, "subject \(subject.debugDescription) is empty or contains white space")
        }
        if !wildcardsAllowed, wildcard {
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
            buffer.writeImmutableBuffer(payload)
            buffer.writeStaticString("\r\n")
        } else {
            writePlainPublish(subject: subject, replyTo: replyTo, payload: payload, into: &buffer)
        }
    }

    /// `PUB subject [reply] n\r\n<payload>\r\n` as one copy into reserved
    /// space: every publish comes here, and ByteBuffer's per-call writes
    /// (each a capacity and uniqueness check) were most of its cost in `perf`.
    /// Plain loops and pointer copies only: the `stride` and nested-function
    /// version ran unspecialized generic code per message.
    package static func writePlainPublish(
        subject: String, replyTo: String?, payload: ByteBuffer, into buffer: inout ByteBuffer
    ) {
        var subject = subject
        var reply = replyTo ?? ""
        let size = payload.readableBytes
        var digits = 1
        var rest = size / 10
        while rest > 0 {
            digits += 1
            rest /= 10
        }
        subject.withUTF8 { subject in
            reply.withUTF8 { reply in
                let replyLength = replyTo == nil ? 0 : reply.count + 1
                let total = 4 + subject.count + replyLength + 1 + digits + 2 + size + 2
                buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: total) { out in
                    let base = out.baseAddress!
                    base.storeBytes(of: UInt8(ascii: "P"), as: UInt8.self)
                    (base + 1).storeBytes(of: UInt8(ascii: "U"), as: UInt8.self)
                    (base + 2).storeBytes(of: UInt8(ascii: "B"), as: UInt8.self)
                    (base + 3).storeBytes(of: UInt8(ascii: " "), as: UInt8.self)
                    var at = 4
                    if let start = subject.baseAddress {
                        (base + at).copyMemory(from: start, byteCount: subject.count)
                        at += subject.count
                    }
                    if replyLength > 0 {
                        (base + at).storeBytes(of: UInt8(ascii: " "), as: UInt8.self)
                        if let start = reply.baseAddress {
                            (base + at + 1).copyMemory(from: start, byteCount: reply.count)
                        }
                        at += replyLength
                    }
                    (base + at).storeBytes(of: UInt8(ascii: " "), as: UInt8.self)
                    at += digits + 1
                    var value = size
                    var position = at - 1
                    for _ in 0..<digits {
                        (base + position).storeBytes(of: UInt8(truncatingIfNeeded: 48 + value % 10), as: UInt8.self)
                        value /= 10
                        position -= 1
                    }
                    (base + at).storeBytes(of: 13, as: UInt8.self)
                    (base + at + 1).storeBytes(of: 10, as: UInt8.self)
                    at += 2
                    payload.withUnsafeReadableBytes { bytes in
                        if let start = bytes.baseAddress { (base + at).copyMemory(from: start, byteCount: bytes.count) }
                    }
                    at += size
                    (base + at).storeBytes(of: 13, as: UInt8.self)
                    (base + at + 1).storeBytes(of: 10, as: UInt8.self)
                    return at + 2
                }
            }
        }
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
}
