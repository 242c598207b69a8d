import Foundation
import Testing

@testable import GestaltServer

/// The body reader answers as `JSONDecoder` did for `JSONValue`: the same
/// value for what it accepted, a refusal for what it refused.
@Suite struct JSONValueParserTests {
    static let documents: [String] = [
        #"{}"#, #"[]"#, #"{"a":1}"#, #" { "a" : [ 1 , 2.5 , -3e2 , 0 , -0 ] } "#,
        #"{"labels":{"seq":"1","pad":"xxxx"},"health":0.25,"x":1E+2,"ok":true,"no":false,"none":null}"#,
        #"{"s":"\"\\\/\b\f\n\r\t\u00e9\u4e2d\ud83d\ude00"}"#, #"{"é":"ü","emoji":"😀"}"#,
        #"{"a":{"b":{"c":[{"d":[]}]}}}"#, #""text""#, #"12"#, #"true"#, #"null"#,
        #"{"n":123456789012345678901234567890}"#, #"{"n":1e308}"#, #"{"n":0.1e-320}"#,
        // Refused by both:
        #"{"a" 1}"#, #"{a:1}"#, #"{'a':1}"#, #"{"a":01}"#, #"{"a":.5}"#,
        #"{"a":5.}"#, #"{"a":+1}"#, #"{"a":1e}"#, #"{"a":-}"#, #"{"a":tru}"#, #"{"a":nul}"#,
        #"{"a":"\x"}"#, #"{"a":"\u12"}"#, #"{"a":"\ud800"}"#, #"{"a":"\udc00"}"#, #"{"a":1e400}"#,
        #"{"a":1} x"#, #"{"a":1}{}"#, #"{"a":"unterminated}"#, "{\"a\":\"tab\there\"}", #"{"a":[1,2}"#,
        #"[[["#, "", " ", #"{"a":NaN}"#, #"{"a":Infinity}"#,
    ]

    @Test(arguments: documents)
    func matchesJSONDecoder(_ document: String) {
        let decoded = try? JSONDecoder().decode(JSONValue.self, from: Data(document.utf8))
        let parsed = try? JSONValueParser.parse(Array(document.utf8))
        #expect(parsed == decoded)
    }

    /// Foundation's JSONDecoder accepts a trailing comma; RFC 8259 does not,
    /// and neither does the body reader (a 400 `invalid_body`).
    @Test(arguments: [#"{"a":1,}"#, #"[1,]"#, #"{"a":[1,2,],"b":2}"#])
    func trailingCommaIsRefused(_ document: String) {
        #expect((try? JSONValueParser.parse(Array(document.utf8))) == nil)
    }

    @Test func invalidUTF8IsRefused() {
        let bytes: [UInt8] = Array(#"{"a":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect((try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))) == nil)
        #expect((try? JSONValueParser.parse(bytes)) == nil)
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect((try? JSONValueParser.parse(Array(deep.utf8))) == nil)
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect((try? JSONValueParser.parse(Array(fine.utf8))) != nil)
    }

    /// Random documents of every kind of value, written with escapes and
    /// spacing, read back equal to what JSONDecoder reads.
    @Test func randomDocumentsMatchJSONDecoder() throws {
        var random = SplitMix(seed: 19)
        for _ in 0..<300 {
            let document = Self.document(depth: 0, random: &random)
            let decoded = try JSONDecoder().decode(JSONValue.self, from: Data(document.utf8))
            #expect(try JSONValueParser.parse(Array(document.utf8)) == decoded, "\(document)")
        }
    }

    private static func document(depth: Int, random: inout SplitMix) -> String {
        let space = [" ", "", "\n", "\t"][Int(random.next() % 4)]
        switch depth > 3 ? random.next() % 4 : random.next() % 6 {
        case 0: return ["true", "false", "null"][Int(random.next() % 3)]
        case 1:
            let whole = Int64(bitPattern: random.next()) % 1_000_000
            let fraction = random.next() % 1000
            let exponent = Int(random.next() % 40) - 20
            return [
                "\(whole)", "\(whole).\(fraction)", "\(whole).\(fraction)e\(exponent)", "\(whole)E+\(fraction % 9)",
                "-0.0",
            ][
                Int(random.next() % 5)]
        case 2, 3:
            let pieces = ["a", "é", "\\n", "\\\"", "\\u00e9", "\\ud83d\\ude00", "😀", " ", "\\/", "x"]
            let text = (0..<Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }
            return "\"" + text.joined() + "\""
        case 4:
            let items = (0..<Int(random.next() % 4)).map { _ in document(depth: depth + 1, random: &random) }
            return "[" + space + items.joined(separator: "," + space) + "]"
        default:
            let members = (0..<Int(random.next() % 4)).map { n in
                "\"k\(n)\"" + space + ":" + document(depth: depth + 1, random: &random)
            }
            return "{" + members.joined(separator: space + "," + space) + space + "}"
        }
    }
}
