/// Writes compact JSON into a byte array.
///
/// This is the project's one JSON output path for wire types: hand-rolled so
/// a 100k-entity snapshot encodes in tens of milliseconds, and so that no raw
/// CR or LF can appear inside an SSE `data:` line.
package struct JSONWriter: Sendable {
    package private(set) var bytes: [UInt8] = []
    private var needsComma: [Bool] = [false]

    package init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    package mutating func beginObject() { separate(); bytes.append(UInt8(ascii: "{")); needsComma.append(false) }
    package mutating func endObject() { needsComma.removeLast(); bytes.append(UInt8(ascii: "}")) }
    package mutating func beginArray() { separate(); bytes.append(UInt8(ascii: "[")); needsComma.append(false) }
    package mutating func endArray() { needsComma.removeLast(); bytes.append(UInt8(ascii: "]")) }

    /// Writes `"name":`; the value written next completes the member.
    package mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    package mutating func key(_ name: String) {
        string(name)
        bytes.append(UInt8(ascii: ":"))
        needsComma[needsComma.count - 1] = false
    }

    package mutating func string(_ value: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, names, labels) need no escaping: one copy, not a byte at a time.
        let plain = value.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard !utf8.contains(where: { $0 < 32 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                return false
            }
            bytes.append(contentsOf: utf8)
            return true
        }
        if plain == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
            case 10: bytes.append(contentsOf: [92, 110])
            case 13: bytes.append(contentsOf: [92, 114])
            case 9: bytes.append(contentsOf: [92, 116])
            case 0..<32:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    package mutating func number(_ value: Double) {
        separate()
        guard value.isFinite else { bytes.append(contentsOf: Array("0".utf8)); return }
        if value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value), separated: true)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    package mutating func number(_ value: Int64) { integer(value, separated: false) }
    package mutating func number(_ value: Int) { integer(Int64(value), separated: false) }
    package mutating func number(_ value: UInt64) { separate(); unsigned(value) }

    package mutating func bool(_ value: Bool) { separate(); bytes.append(contentsOf: (value ? "true" : "false").utf8) }
    package mutating func null() { separate(); bytes.append(contentsOf: "null".utf8) }

    package mutating func timestamp(_ value: Timestamp) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        value.appendRFC3339(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Splices bytes that already hold one complete JSON value.
    package mutating func raw(_ json: [UInt8]) { separate(); bytes.append(contentsOf: json) }

    package mutating func value(_ value: some JSONWritable) { value.write(to: &self) }

    package mutating func stringMap(_ map: [String: String]) {
        beginObject()
        // Keys sorted, so equal maps give equal bytes; a map of one needs no sort.
        if map.count == 1, let (key, value) = map.first {
            self.key(key); string(value)
        } else {
            for (key, value) in map.sorted(by: { $0.key < $1.key }) { self.key(key); string(value) }
        }
        endObject()
    }

    package mutating func numberMap(_ map: [String: Double]) {
        beginObject()
        if map.count == 1, let (key, value) = map.first {
            self.key(key); number(value)
        } else {
            for (key, value) in map.sorted(by: { $0.key < $1.key }) { self.key(key); number(value) }
        }
        endObject()
    }

    private mutating func integer(_ value: Int64, separated alreadySeparated: Bool) {
        if !alreadySeparated { separate() }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    /// Decimal digits straight into the buffer (no String in between).
    private mutating func unsigned(_ value: UInt64) {
        guard value >= 10 else {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var divisor: UInt64 = 1
        while value / divisor >= 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    private mutating func separate() {
        let depth = needsComma.count - 1
        if needsComma[depth] { bytes.append(UInt8(ascii: ",")) }
        needsComma[depth] = true
    }
}

/// A value with a canonical JSON form on the wire.
package protocol JSONWritable {
    func write(to writer: inout JSONWriter)
}

extension JSONWritable {
    /// The compact JSON of this value.
    package func jsonBytes() -> [UInt8] {
        // An entity is about 450 bytes: one allocation, not a regrowth.
        var writer = JSONWriter(reservingCapacity: 512)
        write(to: &writer)
        return writer.bytes
    }

    package func jsonString() -> String { String(decoding: jsonBytes(), as: UTF8.self) }
}
