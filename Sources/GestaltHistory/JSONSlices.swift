/// Just enough JSON reading for a rebuild to find items without decoding
/// them: the byte ranges of an object's members and of an array's elements.
/// It trusts its input to be JSON the server wrote (`JSONWriter`); what it
/// cannot walk it reports as nil, and the caller calls the row corrupt.
struct JSONSlices {
    let bytes: [UInt8]

    /// The members of the object at `range` (keys without their quotes, raw
    /// as written), in order; nil when it is not an object.
    func members(of range: Range<Int>) -> [(key: Range<Int>, value: Range<Int>)]? {
        var i = range.lowerBound
        skipSpace(&i, range.upperBound)
        guard i < range.upperBound, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        var members: [(key: Range<Int>, value: Range<Int>)] = []
        while true {
            skipSpace(&i, range.upperBound)
            guard i < range.upperBound else { return nil }
            if bytes[i] == UInt8(ascii: "}") { return members }
            guard let member = nextMember(&i, range.upperBound) else { return nil }
            members.append(member)
        }
    }

    /// Reads one `"key": value` member at `i`, after the comma before it if
    /// there is one, leaving `i` past the value; nil when it is malformed.
    @inline(__always)
    private func nextMember(_ i: inout Int, _ end: Int) -> (key: Range<Int>, value: Range<Int>)? {
        if bytes[i] == UInt8(ascii: ",") { i += 1; skipSpace(&i, end) }
        guard i < end, bytes[i] == UInt8(ascii: "\"") else { return nil }
        let keyStart = i + 1
        guard skipString(&i, end) else { return nil }
        let key = keyStart..<(i - 1)
        skipSpace(&i, end)
        guard i < end, bytes[i] == UInt8(ascii: ":") else { return nil }
        i += 1
        skipSpace(&i, end)
        let valueStart = i
        guard skipValue(&i, end) else { return nil }
        return (key, valueStart..<i)
    }

    /// The elements of the array at `range`; nil when it is not an array.
    func elements(of range: Range<Int>) -> [Range<Int>]? {
        var i = range.lowerBound
        skipSpace(&i, range.upperBound)
        guard i < range.upperBound, bytes[i] == UInt8(ascii: "[") else { return nil }
        i += 1
        var elements: [Range<Int>] = []
        while true {
            skipSpace(&i, range.upperBound)
            guard i < range.upperBound else { return nil }
            if bytes[i] == UInt8(ascii: "]") { return elements }
            if bytes[i] == UInt8(ascii: ",") { i += 1; skipSpace(&i, range.upperBound) }
            let start = i
            guard skipValue(&i, range.upperBound) else { return nil }
            elements.append(start..<i)
        }
    }

    /// The value of member `name` of the object at `range`. It stops at the
    /// first match and builds no list: an item's `id` is its first key, so a
    /// rebuild finds each id without walking the rest of the item.
    func member(_ name: StaticString, of range: Range<Int>) -> Range<Int>? {
        var i = range.lowerBound
        skipSpace(&i, range.upperBound)
        guard i < range.upperBound, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        while true {
            skipSpace(&i, range.upperBound)
            guard i < range.upperBound, bytes[i] != UInt8(ascii: "}"),
                let member = nextMember(&i, range.upperBound)
            else { return nil }
            if isKey(member.key, name) { return member.value }
        }
    }

    func isKey(_ key: Range<Int>, _ name: StaticString) -> Bool {
        guard key.count == name.utf8CodeUnitCount else { return false }
        return name.withUTF8Buffer { name in
            var j = key.lowerBound
            for byte in name {
                if bytes[j] != byte { return false }
                j += 1
            }
            return true
        }
    }

    /// A string value's text as written (escapes kept: only compared, never shown).
    func rawString(_ range: Range<Int>) -> String? {
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\""),
            bytes[range.upperBound - 1] == UInt8(ascii: "\"")
        else {
            return nil
        }
        return String(decoding: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)], as: UTF8.self)
    }

    func isNull(_ range: Range<Int>) -> Bool { range.count == 4 && bytes[range.lowerBound] == UInt8(ascii: "n") }

    private func skipSpace(_ i: inout Int, _ end: Int) {
        while i < end, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    /// From an opening quote to just past the closing one.
    private func skipString(_ i: inout Int, _ end: Int) -> Bool {
        i += 1
        while i < end {
            switch bytes[i] {
            case UInt8(ascii: "\""): i += 1; return true
            case UInt8(ascii: "\\"): i += 2
            default: i += 1
            }
        }
        return false
    }

    private func skipValue(_ i: inout Int, _ end: Int) -> Bool {
        guard i < end else { return false }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            return skipString(&i, end)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while i < end {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    guard skipString(&i, end) else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { i += 1; return true }
                default:
                    break
                }
                i += 1
            }
            return false
        default:
            // A number or a literal: up to the next delimiter.
            let start = i
            while i < end, bytes[i] != UInt8(ascii: ","), bytes[i] != UInt8(ascii: "}"), bytes[i] != UInt8(ascii: "]"),
                bytes[i] != 0x20, bytes[i] != 0x0A, bytes[i] != 0x0D, bytes[i] != 0x09
            { i += 1 }
            return i > start
        }
    }
}
