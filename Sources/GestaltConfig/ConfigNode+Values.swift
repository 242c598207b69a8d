import Foundation
import Yams

/// Reads of the project's value types: intervals, fractions, URLs, names, paths, sizes.
extension ConfigNode {
    /// A poll interval: a positive number of seconds, at most a day.
    func pollInterval() throws -> Duration {
        let seconds = try number("a number of seconds")
        guard seconds > 0, seconds <= 86_400 else {
            throw error("must be more than 0 and at most 86400 seconds, got \(written)")
        }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// A span of time: a number of seconds, or a number with a unit
    /// (`90s`, `15m`, `6h`, `7d`, `2w`). Zero is allowed; negative is not.
    func duration() throws -> Duration {
        let what = "a duration (seconds, or a number with s, m, h, d or w)"
        if tagName == .int || tagName == .float {
            let seconds = try number(what)
            guard seconds >= 0 else { throw error("must not be negative, got \(written)") }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        let text = try string(what).trimmingCharacters(in: .whitespaces)
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        guard let unit = text.last, let scale = units[unit], let value = Double(text.dropLast()), value.isFinite else {
            throw expected(what)
        }
        guard value >= 0 else { throw error("must not be negative, got \(written)") }
        return .milliseconds(Int64((value * scale * 1000).rounded()))
    }

    /// A size in bytes: an integer, or a number with a unit
    /// (`KB`, `MB`, `GB`, `TB` by 1000; `KiB`, `MiB`, `GiB`, `TiB` by 1024).
    func byteSize() throws -> Int64 {
        let what = "a size in bytes (an integer, or a number with KB, MB, GB, KiB, MiB or GiB)"
        let bytes: Double
        if tagName == .int {
            bytes = Double(try integer(what))
        } else {
            let text = try string(what).trimmingCharacters(in: .whitespaces)
            let units: [(String, Double)] = [
                ("KiB", 0x1p10), ("MiB", 0x1p20), ("GiB", 0x1p30), ("TiB", 0x1p40),
                ("KB", 1e3), ("MB", 1e6), ("GB", 1e9), ("TB", 1e12), ("B", 1),
            ]
            guard let (unit, scale) = units.first(where: { text.hasSuffix($0.0) }),
                let value = Double(text.dropLast(unit.count).trimmingCharacters(in: .whitespaces)), value.isFinite
            else { throw expected(what) }
            bytes = value * scale
        }
        guard bytes > 0, bytes < 9e18 else { throw error("must be more than 0 bytes, got \(written)") }
        return Int64(bytes.rounded())
    }

    /// A fraction in 0...1 (a threshold on CPU or memory use, a health score).
    func fraction() throws -> Double {
        let value = try number("a fraction from 0 to 1")
        guard (0...1).contains(value) else { throw error("must be from 0 to 1, got \(written)") }
        return value
    }

    func integer(in range: ClosedRange<Int>, _ what: String) throws -> Int {
        let value = try integer(what)
        guard range.contains(value) else {
            throw error("must be from \(range.lowerBound) to \(range.upperBound), got \(written)")
        }
        return value
    }

    /// An absolute URL with one of `schemes` and a host (or, for unix sockets, a path).
    func url(schemes: [String]) throws -> URL {
        let what = "a URL (\(schemes.map { "\($0)://" }.joined(separator: ", ")))"
        let text = try nonEmptyString(what)
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased() else { throw expected(what) }
        guard schemes.contains(scheme) else {
            throw error(
                "expected a URL with scheme \(schemes.map { "\($0)://" }.joined(separator: " or ")), got \(written)")
        }
        if scheme == "unix" {
            guard !url.path.isEmpty, url.path != "/" else {
                throw error("a unix:// URL needs a socket path, got \(written)")
            }
        } else {
            guard let host = url.host, !host.isEmpty else { throw error("the URL has no host, got \(written)") }
        }
        return url
    }

    /// An instance name: lower-case letters, digits and dashes, starting with a
    /// letter or digit, as it appears in entity ids (`docker@build-host:...`).
    func instanceName() throws -> String {
        let name = try string("a name")
        let valid =
            (1...63).contains(name.count)
            && name.first.map { $0.isASCII && ($0.isLowercase || $0.isNumber) } == true
            && name.allSatisfy { $0 == "-" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }
        guard valid else {
            throw error("a name must match [a-z0-9][a-z0-9-]* (at most 63 characters), got \(written)")
        }
        return name
    }

    /// A Kubernetes namespace: an RFC 1123 label.
    func namespace() throws -> String {
        let name = try nonEmptyString("a namespace")
        let valid =
            name.count <= 63
            && name.allSatisfy { $0 == "-" || ($0.isASCII && ($0.isLowercase || $0.isNumber)) }
            && name.first != "-" && name.last != "-"
        guard valid else {
            throw error("not a Kubernetes namespace name (lower-case letters, digits, dashes), got \(written)")
        }
        return name
    }

    /// A file path with `~` expanded and relative paths taken from the
    /// configuration file's directory (so a file works from any working directory).
    func filePath() throws -> String {
        var text = try nonEmptyString("a path")
        if text == "~" || text.hasPrefix("~/") {
            let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
            text = home + text.dropFirst()
        }
        if !text.hasPrefix("/") { text = file.directory + "/" + text }
        return URL(fileURLWithPath: text).standardizedFileURL.path
    }

    /// A path to a file that must exist and be readable now.
    func readableFile() throws -> String {
        let resolved = try filePath()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else {
            throw error("no such file: \(resolved)")
        }
        guard !isDirectory.boolValue, FileManager.default.isReadableFile(atPath: resolved) else {
            throw error("not a readable file: \(resolved)")
        }
        return resolved
    }
}
