import NIOCore

/// The header block of an HPUB/HMSG: a `NATS/1.0` status line (with an
/// optional status code, which is how the server says "503 no responders" or
/// JetStream says "404 no messages"), then `Name: value` lines. Names keep
/// their case on the wire and are looked up case-insensitively.
package struct NATSHeaders: Sendable, Equatable {
    package struct Field: Sendable, Equatable {
        package var name: String
        package var value: String
    }

    /// The status code of the status line, when the server set one.
    package var status: Int?
    package var statusDescription: String?
    package private(set) var fields: [Field] = []

    package init(_ fields: [(String, String)] = []) {
        for (name, value) in fields { self.fields.append(Field(name: name, value: value)) }
    }

    /// The first value for `name`, or nil; setting replaces every value for it.
    package subscript(name: String) -> String? {
        get { fields.first { $0.name.lowercased() == name.lowercased() }?.value }
        set {
            fields.removeAll { $0.name.lowercased() == name.lowercased() }
            if let newValue { fields.append(Field(name: name, value: newValue)) }
        }
    }

    package func values(for name: String) -> [String] {
        fields.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    package mutating func append(_ value: String, for name: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Writes the block, ending in the empty line; returns how many bytes it wrote.
    @discardableResult
    func write(to buffer: inout ByteBuffer) throws(NATSError) -> Int {
        var written = buffer.writeString("NATS/1.0")
        if let status {
            written += buffer.writeString(" \(status)")
            if let statusDescription { written += buffer.writeString(" \(statusDescription)") }
        }
        written += buffer.writeString("\r\n")
        for field in fields {
            // A name with ':' or white space, or a CR/LF anywhere, would let a
            // caller inject protocol lines.
            guard !field.name.isEmpty,
                !field.name.utf8.contains(where: { $0 == UInt8(ascii: ":") || $0 <= 32 || $0 == 127 }),
                !field.value.utf8.contains(where: { $0 == 13 || $0 == 10 })
            else { throw NATSError(.invalidArgument, "header \(field.name.debugDescription) is not valid on the wire") }
            written += buffer.writeString(field.name)
            written += buffer.writeString(": ")
            written += buffer.writeString(field.value)
            written += buffer.writeString("\r\n")
        }
        written += buffer.writeString("\r\n")
        return written
    }

    /// Parses a header block exactly as the server sent it (status line through the empty line).
    static func parse(_ block: ByteBuffer) throws(NATSError) -> NATSHeaders {
        guard let text = block.getString(at: block.readerIndex, length: block.readableBytes) else {
            throw NATSError(.protocolViolation, "header block is not text")
        }
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)[...]
        guard let statusLine = lines.popFirst(), statusLine.hasPrefix("NATS/1.0") else {
            throw NATSError(.protocolViolation, "header block does not start with NATS/1.0")
        }
        var headers = NATSHeaders()
        let rest = statusLine.dropFirst("NATS/1.0".count).drop { $0 == " " }
        if !rest.isEmpty {
            let code = rest.prefix { $0 != " " }
            guard let status = Int(code), code.count == 3 else {
                throw NATSError(
                    .protocolViolation, "header status \(String(rest).debugDescription) is not a 3-digit code")
            }
            headers.status = status
            let description = rest.dropFirst(code.count).drop { $0 == " " }
            if !description.isEmpty { headers.statusDescription = String(description) }
        }
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else {
                throw NATSError(.protocolViolation, "header line \(String(line).debugDescription) has no ':'")
            }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" })
            headers.append(value, for: name)
        }
        return headers
    }
}
