import GestaltModel

/// Reads one entity or connection from the JSON the server wrote
/// (`Entity.write`, `Connection.write`), without the `Decoder` machinery,
/// which was most of a rebuild's time (docs/BENCHMARKS.md, "History").
/// It answers nil for anything it does not expect (another key order is
/// fine; a missing required key, a fraction where an integer belongs, a
/// malformed escape are not), and the caller then asks `JSONDecoder`,
/// which reads it or says why not.
struct ItemReader {
    private let b: ArraySlice<UInt8>
    private var i: Int

    init(_ bytes: ArraySlice<UInt8>) {
        b = bytes
        i = bytes.startIndex
    }

    static func entity(_ bytes: ArraySlice<UInt8>) -> Entity? {
        var reader = ItemReader(bytes)
        return reader.entity()
    }

    static func connection(_ bytes: ArraySlice<UInt8>) -> Connection? {
        var reader = ItemReader(bytes)
        return reader.connection()
    }

    mutating func entity() -> Entity? {
        var id: String?, kind: EntityKind?, name: String?, namespace: String?, source = ""
        var status = EntityStatus.unknown
        var labels: [String: String] = [:], annotations: [String: String] = [:], metrics: [String: Double] = [:]
        var health = 1.0, cpu = 0.0, x = 0.0, y = 0.0, z = 0.0
        var memory: Int64 = 0, limit: Int64 = 0, rx: Int64 = 0, tx: Int64 = 0
        var created: Timestamp?, updated: Timestamp?, stale = false
        let read = object { reader, key in
            switch key {
            case "id": id = reader.string()
            case "kind": kind = reader.string().flatMap(EntityKind.init(rawValue:))
            case "name": name = reader.string()
            case "namespace":
                if reader.null() { namespace = nil } else { namespace = reader.string(); return namespace != nil }
            case "source": guard let value = reader.string() else { return false }; source = value
            case "status":
                guard let value = reader.string().flatMap(EntityStatus.init(rawValue:)) else { return false }
                status = value
            case "labels": guard let value = reader.stringMap() else { return false }; labels = value
            case "annotations": guard let value = reader.stringMap() else { return false }; annotations = value
            case "health": guard let value = reader.double() else { return false }; health = value
            case "cpu_percent": guard let value = reader.double() else { return false }; cpu = value
            case "memory_bytes": guard let value = reader.int64() else { return false }; memory = value
            case "memory_limit": guard let value = reader.int64() else { return false }; limit = value
            case "network_rx_bytes": guard let value = reader.int64() else { return false }; rx = value
            case "network_tx_bytes": guard let value = reader.int64() else { return false }; tx = value
            case "custom_metrics": guard let value = reader.numberMap() else { return false }; metrics = value
            case "x": guard let value = reader.double() else { return false }; x = value
            case "y": guard let value = reader.double() else { return false }; y = value
            case "z": guard let value = reader.double() else { return false }; z = value
            case "created_at": created = reader.string().flatMap(Timestamp.init(rfc3339:)); return created != nil
            case "updated_at": updated = reader.string().flatMap(Timestamp.init(rfc3339:)); return updated != nil
            case "stale": guard let value = reader.bool() else { return false }; stale = value
            default: return reader.skip()
            }
            return true
        }
        // Without `created_at` the decoder's default is "now": leave that to it.
        guard read, let id, let kind, let name, let created else { return nil }
        return Entity(
            id: id, kind: kind, name: name, namespace: namespace, source: source, status: status, labels: labels,
            annotations: annotations, health: health, cpuPercent: cpu, memoryBytes: memory, memoryLimit: limit,
            networkRxBytes: rx, networkTxBytes: tx, customMetrics: metrics, x: x, y: y, z: z, createdAt: created,
            updatedAt: updated ?? created, stale: stale)
    }

    mutating func connection() -> Connection? {
        var sourceID: String?, targetID: String?, kind: ConnectionKind?
        var rps = 0.0, bps = 0.0, errors = 0.0, latency = 0.0
        let read = object { reader, key in
            switch key {
            case "source_id": sourceID = reader.string()
            case "target_id": targetID = reader.string()
            case "kind": kind = reader.string().flatMap(ConnectionKind.init(rawValue:))
            case "requests_per_sec": guard let value = reader.double() else { return false }; rps = value
            case "bytes_per_sec": guard let value = reader.double() else { return false }; bps = value
            case "error_rate": guard let value = reader.double() else { return false }; errors = value
            case "latency_ms": guard let value = reader.double() else { return false }; latency = value
            default: return reader.skip()
            }
            return true
        }
        guard read, let sourceID, let targetID, let kind else { return nil }
        return Connection(
            sourceID: sourceID, targetID: targetID, kind: kind, requestsPerSec: rps, bytesPerSec: bps,
            errorRate: errors, latencyMs: latency)
    }

    // MARK: Values

    /// Calls `member` with each key (short keys are small strings: no
    /// allocation); `member` reads the value and says whether it could.
    private mutating func object(_ member: (inout ItemReader, String) -> Bool) -> Bool {
        guard consume(UInt8(ascii: "{")) else { return false }
        if consume(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = string(), consume(UInt8(ascii: ":")) else { return false }
            space()
            guard member(&self, key) else { return false }
        } while consume(UInt8(ascii: ","))
        return consume(UInt8(ascii: "}"))
    }

    private mutating func stringMap() -> [String: String]? {
        var map: [String: String] = [:]
        let read = object { reader, key in
            guard let value = reader.string() else { return false }
            map[key] = value
            return true
        }
        return read ? map : nil
    }

    private mutating func numberMap() -> [String: Double]? {
        var map: [String: Double] = [:]
        let read = object { reader, key in
            guard let value = reader.double() else { return false }
            map[key] = value
            return true
        }
        return read ? map : nil
    }

    private mutating func string() -> String? {
        space()
        guard i < b.endIndex, b[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        let start = i
        while i < b.endIndex {
            let byte = b[i]
            if byte == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: b[start..<(i - 1)], as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") { i = start; return escapedString() }
            i += 1
        }
        return nil
    }

    /// The slow path, from just past the opening quote.
    private mutating func escapedString() -> String? {
        var out: [UInt8] = []
        while i < b.endIndex {
            let byte = b[i]
            i += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard i < b.endIndex else { return nil }
                let escape = b[i]
                i += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")), let low = hex4(),
                            (0xDC00..<0xE000).contains(low)
                        else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { return nil }
                    out.append(contentsOf: String(Character(unicode)).utf8)
                default: return nil
                }
            default:
                out.append(byte)
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard i + 4 <= b.endIndex else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = b[i]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
            i += 1
        }
        return value
    }

    private mutating func double() -> Double? {
        space()
        let start = i
        while i < b.endIndex, Self.isNumberByte(b[i]) { i += 1 }
        guard i > start else { return nil }
        return Double(String(decoding: b[start..<i], as: UTF8.self))
    }

    private mutating func int64() -> Int64? {
        space()
        let negative = consume(UInt8(ascii: "-"))
        let start = i
        var value: Int64 = 0
        while i < b.endIndex, b[i] >= UInt8(ascii: "0"), b[i] <= UInt8(ascii: "9") {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(Int64(b[i] - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
            i += 1
        }
        // A fraction or an exponent: leave it to the decoder.
        guard i > start, i == b.endIndex || !Self.isNumberByte(b[i]) else { return nil }
        return negative ? -value : value
    }

    private mutating func bool() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    private mutating func null() -> Bool { literal("null") }

    private mutating func literal(_ word: StaticString) -> Bool {
        space()
        let count = word.utf8CodeUnitCount
        guard i + count <= b.endIndex else { return false }
        let matches = word.withUTF8Buffer { word in
            for (offset, byte) in word.enumerated() where b[i + offset] != byte { return false }
            return true
        }
        if matches { i += count }
        return matches
    }

    /// Any value (a key this reader does not know).
    private mutating func skip() -> Bool {
        space()
        guard i < b.endIndex else { return false }
        switch b[i] {
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "{"): return object { reader, _ in reader.skip() }
        case UInt8(ascii: "["):
            i += 1
            if consume(UInt8(ascii: "]")) { return true }
            repeat { guard skip() else { return false } } while consume(UInt8(ascii: ","))
            return consume(UInt8(ascii: "]"))
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return bool() != nil
        case UInt8(ascii: "n"): return null()
        default: return double() != nil
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        space()
        guard i < b.endIndex, b[i] == byte else { return false }
        i += 1
        return true
    }

    private mutating func space() {
        while i < b.endIndex, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
            || byte == UInt8(ascii: "E")
    }
}
