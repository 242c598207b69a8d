package import Foundation

/// A UTC instant with millisecond precision, written as RFC 3339
/// (`2026-11-23T10:00:05.120Z`). Formatting is hand-rolled because it runs
/// for every entity of every snapshot.
package struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    package var millisecondsSince1970: Int64

    package init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    package init(_ date: Date) {
        self.millisecondsSince1970 = Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    package static func now() -> Timestamp { Timestamp(Date()) }

    package var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    package var description: String { String(decoding: rfc3339Bytes, as: UTF8.self) }

    /// RFC 3339 with three fractional digits, always in UTC.
    package var rfc3339Bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(24)
        appendRFC3339(to: &out)
        return out
    }

    /// The same bytes, appended: a JSON writer needs no array of its own per timestamp.
    package func appendRFC3339(to out: inout [UInt8]) {
        var ms = millisecondsSince1970
        var days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        ms -= days * 86_400_000
        let millis = Int(ms % 1000)
        let secondsOfDay = Int(ms / 1000)
        // Civil-from-days (Howard Hinnant's algorithm).
        days += 719_468
        let era = (days >= 0 ? days : days - 146_096) / 146_097
        let doe = days - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        var year = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        if month <= 2 { year += 1 }

        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var v = value
            while divisor > 0 {
                out.append(UInt8(48 + (v / divisor) % 10))
                v %= divisor
                divisor /= 10
            }
        }
        digits(Int(year), 4); out.append(45)
        digits(month, 2); out.append(45)
        digits(day, 2); out.append(84)
        digits(secondsOfDay / 3600, 2); out.append(58)
        digits(secondsOfDay / 60 % 60, 2); out.append(58)
        digits(secondsOfDay % 60, 2); out.append(46)
        digits(millis, 3); out.append(90)
    }

    /// Parses RFC 3339 (`Z` or `±hh:mm` offsets, any number of fractional digits).
    package init?(rfc3339 text: String) {
        let b = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= b.count else { return nil }
            var v = 0
            for i in range {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 20,
            let year = number(0..<4), b[4] == 45, let month = number(5..<7), b[7] == 45,
            let day = number(8..<10), b[10] == 84 || b[10] == 116 || b[10] == 32,
            let hour = number(11..<13), b[13] == 58, let minute = number(14..<16), b[16] == 58,
            let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var i = 19
        var millis = 0
        if i < b.count, b[i] == 46 {
            i += 1
            var scale = 100
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                millis += Int(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offsetSeconds = 0
        switch b[i] {
        case 90, 122:
            guard i + 1 == b.count else { return nil }
        case 43, 45:
            guard b.count == i + 6, let oh = number(i + 1..<i + 3), b[i + 3] == 58, let om = number(i + 4..<i + 6)
            else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 43 ? 1 : -1)
        default:
            return nil
        }
        // Days-from-civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - offsetSeconds
        self.millisecondsSince1970 = Int64(seconds) * 1000 + Int64(millis)
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Timestamp(rfc3339: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "not an RFC 3339 timestamp: \(text)")
        }
        self = value
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
