import Foundation

/// What the server agreed to for permessage-deflate (RFC 7692) in a
/// WebSocket handshake, read from the client's `Sec-WebSocket-Extensions`.
///
/// The server always answers `server_no_context_takeover`: it compresses each
/// message on its own, so one deflater per event loop serves every session
/// on it (a deflater is ~256 KiB; one per client would be most of an idle
/// client's memory), and a message compresses the same for every client.
struct DeflateAgreement: Equatable, Sendable {
    /// The client resets its deflater after each message, so the server's
    /// inflater need not keep a window between messages.
    var clientNoContextTakeover = false
    /// The window the client compresses with (2^bits bytes); the inflater's.
    var clientWindowBits = 15
    /// The largest window the server may compress with.
    var serverWindowBits = 15

    /// The response header's value.
    var responseHeader: String {
        var header = "permessage-deflate; server_no_context_takeover"
        if clientNoContextTakeover { header += "; client_no_context_takeover" }
        if serverWindowBits < 15 { header += "; server_max_window_bits=\(serverWindowBits)" }
        return header
    }

    /// The first offer in `headers` (the values of every `Sec-WebSocket-Extensions`
    /// line, in order) the server accepts; nil when there is none, and the
    /// socket then runs without compression. An offer with an unknown or
    /// repeated parameter, or a value out of range, is declined (RFC 7692 §5).
    static func negotiate(_ headers: [String]) -> DeflateAgreement? {
        for offer in headers.flatMap({ $0.split(separator: ",") }) {
            var parts = offer.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.first?.lowercased() == "permessage-deflate" else { continue }
            parts.removeFirst()
            if let agreement = accept(parts) { return agreement }
        }
        return nil
    }

    private static func accept(_ parameters: [String]) -> DeflateAgreement? {
        var agreement = DeflateAgreement()
        var seen: Set<String> = []
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
            guard let name = pair.first?.lowercased(), seen.insert(name).inserted else { return nil }
            let value = pair.count == 2 ? pair[1] : nil
            switch name {
            case "server_no_context_takeover", "client_no_context_takeover":
                guard value == nil else { return nil }
                if name == "client_no_context_takeover" { agreement.clientNoContextTakeover = true }
            case "server_max_window_bits":
                // zlib cannot make a raw deflate stream with a 256-byte window
                // (it uses 512): an offer asking for 8 is declined.
                guard let value, let bits = Int(value), (9...15).contains(bits) else { return nil }
                agreement.serverWindowBits = bits
            case "client_max_window_bits":
                // No value: the client may be told a limit; the server sets none.
                guard let value else { continue }
                guard let bits = Int(value), (8...15).contains(bits) else { return nil }
                agreement.clientWindowBits = bits
            default:
                return nil
            }
        }
        return agreement
    }
}
