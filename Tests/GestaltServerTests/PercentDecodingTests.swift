import Foundation
import Testing

@testable import GestaltServer

/// The path decoder answers as Foundation's `removingPercentEncoding`, which
/// it replaced, except for bytes that are not UTF-8, which it always refuses.
@Suite struct PercentDecodingTests {
    @Test func answersAsFoundationDoes() {
        for text in [
            "", "plain", "my%2Fown:id", "a%2fb", "%41%42", "%", "%4", "%G1", "%4G", "a%", "%%41", "%00",
            "%C3%A9t%C3%A9", "%FF", "%E2%82%AC", "é%20x", "+%2B", "%25", "%2525",
        ] {
            #expect(PercentDecoding.decode(text) == text.removingPercentEncoding, "\(text.debugDescription)")
        }
    }

    @Test func bytesThatAreNotUTF8AreRefused() {
        for text in ["%A9", "g%a9", "%C3", "%C3%28", "%FF", "%ED%A0%80", "%F8%88%80%80%80"] {
            #expect(PercentDecoding.decode(text) == nil, "\(text.debugDescription)")
        }
    }

    /// Random strings over an alphabet dense in escapes, from a fixed seed.
    @Test func randomStringsAnswerAsFoundationDoes() {
        let alphabet = Array("%%%0123456789abcdefABCDEFGg/é:+ ")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        for _ in 0..<5_000 {
            let text = String((0..<next(12)).map { _ in alphabet[next(alphabet.count)] })
            let foundation = text.removingPercentEncoding
            if foundation?.contains("\u{FFFD}") == true {
                #expect(PercentDecoding.decode(text) == nil, "\(text.debugDescription): not UTF-8")
            } else {
                #expect(PercentDecoding.decode(text) == foundation, "\(text.debugDescription)")
            }
        }
    }
}
