import NIOCore

/// The head of a connection's first request, read just far enough to tell
/// whether the server answers it directly (`DirectStreams`). Anything this
/// strict reader does not understand goes to the router, whose own HTTP
/// parser answers it properly, so this type never has to produce an error.
struct RequestHead {
    let method: String
    /// The request target as sent: path and query.
    let target: String
    let version: String
    let headers: [(name: String, value: String)]

    /// The longest head read here; longer ones go to the router.
    static let maxBytes = 16 * 1024

    /// Reads a complete head from `bytes`, which end with its blank line;
    /// nil for anything but plain `NAME: value` lines after a request line.
    init?(_ bytes: ByteBufferView) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return nil }
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard lines.count >= 3, lines.removeLast().isEmpty, lines.removeLast().isEmpty else { return nil }
        let request = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: false)
        guard request.count == 3, !request[0].isEmpty, request[1].hasPrefix("/") else { return nil }
        var headers: [(name: String, value: String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else { return nil }
            let name = line[..<colon]
            // Folded lines and names with spaces are legal only in odd corners; leave them to the router.
            guard !name.contains(" "), !name.contains("\t"), line.first != " " else { return nil }
            headers.append((String(name), line[line.index(after: colon)...].trimmingSpaces()))
        }
        method = String(request[0])
        target = String(request[1])
        version = String(request[2])
        self.headers = headers
    }

    /// The value of header `name` (any case); nil when absent or repeated.
    func header(_ name: String) -> String? {
        let matches = headers.filter { $0.name.lowercased() == name }
        return matches.count == 1 ? matches[0].value : nil
    }

    func has(_ name: String) -> Bool { headers.contains { $0.name.lowercased() == name } }

    /// The path without its query.
    var path: Substring { target.prefix { $0 != "?" } }

    /// Where the head ends in `bytes` (the index after its blank line).
    /// `scanned`: how many bytes an earlier call already looked at, so a
    /// head that arrives a byte at a time is scanned once, not once per byte.
    static func end(in bytes: ByteBufferView, scanned: Int = 0) -> ByteBufferView.Index? {
        guard bytes.count >= 4 else { return nil }
        var index = bytes.startIndex + max(3, scanned)
        while index < bytes.endIndex {
            if bytes[index] == 10, bytes[index - 1] == 13, bytes[index - 2] == 10, bytes[index - 3] == 13 {
                return index + 1
            }
            index += 1
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
