import Foundation

/// A parsed JSON document, so request bodies can be checked field by field
/// with messages that name the field and the expected type.
enum JSONValue: Decodable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Parses a request body that must be one JSON object.
    static func object(from bytes: [UInt8]) throws -> [String: JSONValue] {
        guard !bytes.isEmpty else { throw APIError.invalidBody("the request body is empty; send a JSON object") }
        let value: JSONValue
        do {
            value = try JSONValueParser.parse(bytes)
        } catch {
            throw APIError.invalidBody("the request body is not valid JSON")
        }
        guard case .object(let object) = value else {
            throw APIError.invalidBody("the request body must be a JSON object, not \(value.typeName)")
        }
        return object
    }

    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Typed access to the fields of a body object; every mismatch is a 400
/// naming the field.
struct BodyFields {
    let object: [String: JSONValue]

    func has(_ key: String) -> Bool { object[key] != nil }

    func string(_ key: String) throws -> String? {
        switch object[key] {
        case nil: return nil
        case .string(let value): return value
        case let other?: throw mismatch(key, "a string", other)
        }
    }

    /// Like `string`, but JSON null is allowed and means "none".
    func optionalString(_ key: String) throws -> String?? {
        if case .null? = object[key] { return .some(nil) }
        return try string(key).map { .some($0) }
    }

    func number(_ key: String, in range: ClosedRange<Double>? = nil) throws -> Double? {
        switch object[key] {
        case nil: return nil
        case .number(let value):
            guard value.isFinite else { throw APIError.invalidBody("field '\(key)' must be a finite number") }
            if let range, !range.contains(value) {
                throw APIError.invalidBody(
                    "field '\(key)' must be between \(range.lowerBound.clean) and \(range.upperBound.clean); got \(value.clean)"
                )
            }
            return value
        case let other?: throw mismatch(key, "a number", other)
        }
    }

    func integer(_ key: String, minimum: Int64 = 0) throws -> Int64? {
        guard let value = try number(key) else { return nil }
        guard value == value.rounded(), value >= Double(minimum), value < 9.2e18 else {
            throw APIError.invalidBody(
                "field '\(key)' must be a whole number of at least \(minimum); got \(value.clean)")
        }
        return Int64(value)
    }

    func stringMap(_ key: String) throws -> [String: String]? {
        switch object[key] {
        case nil: return nil
        case .object(let entries):
            return try entries.mapValues { value in
                guard case .string(let text) = value else {
                    throw APIError.invalidBody("field '\(key)' must map names to strings; a value is \(value.typeName)")
                }
                return text
            }
        case let other?: throw mismatch(key, "an object of strings", other)
        }
    }

    func numberMap(_ key: String) throws -> [String: Double]? {
        switch object[key] {
        case nil: return nil
        case .object(let entries):
            return try entries.mapValues { value in
                guard case .number(let number) = value, number.isFinite else {
                    throw APIError.invalidBody("field '\(key)' must map names to numbers; a value is \(value.typeName)")
                }
                return number
            }
        case let other?: throw mismatch(key, "an object of numbers", other)
        }
    }

    /// A raw-value enum field such as `kind` or `status`.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, as type: T.Type) throws -> T?
    where T.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = T(rawValue: text) else {
            let known = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw APIError.invalidBody("field '\(key)' has unknown value '\(text)'; expected one of: \(known)")
        }
        return value
    }

    private func mismatch(_ key: String, _ expected: String, _ got: JSONValue) -> APIError {
        APIError.invalidBody("field '\(key)' must be \(expected), not \(got.typeName)")
    }
}

private extension Double {
    var clean: String { self == rounded() && abs(self) < 1e15 ? String(Int64(self)) : String(self) }
}
