/// `%XX` escapes of a URL's path, decoded.
///
/// Nil for a `%` without two hex digits after it, or for bytes that are not
/// UTF-8. That is Foundation's `removingPercentEncoding`, which this replaced
/// (through CFString it took 4 % of a graph API PATCH's server CPU: perf,
/// docs/BENCHMARKS.md), except that Foundation turns some bytes that are not
/// UTF-8 (a lone `%A9`) into U+FFFD while refusing others (`%FF`); an id
/// made of such bytes is refused here every time.
enum PercentDecoding {
    static func decode(_ text: some StringProtocol) -> String? {
        let percent = UInt8(ascii: "%")
        guard text.utf8.contains(percent) else { return String(text) }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var bytes = text.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == percent else {
                out.append(byte)
                continue
            }
            guard let high = bytes.next().flatMap(hexValue), let low = bytes.next().flatMap(hexValue) else {
                return nil
            }
            out.append(high << 4 | low)
        }
        return String(validating: out, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
