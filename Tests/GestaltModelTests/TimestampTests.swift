import Foundation
import GestaltModel
import Testing

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-11-23T10:00:05.120Z", Int64(1_795_428_005_120)),
        ("1970-01-01T00:00:00.000Z", Int64(0)),
        ("2000-02-29T23:59:59.999Z", Int64(951_868_799_999)),
    ])
    func roundTrip(text: String, millis: Int64) {
        let timestamp = Timestamp(rfc3339: text)
        #expect(timestamp?.millisecondsSince1970 == millis)
        #expect(timestamp?.description == text)
    }

    @Test func parsesOffsetsAndShortForms() {
        #expect(Timestamp(rfc3339: "2026-11-23T10:00:05Z")?.description == "2026-11-23T10:00:05.000Z")
        #expect(Timestamp(rfc3339: "2026-11-23T12:00:05.5+02:00")?.description == "2026-11-23T10:00:05.500Z")
        #expect(Timestamp(rfc3339: "2026-11-23T10:00:05.123456789Z")?.description == "2026-11-23T10:00:05.123Z")
    }

    @Test(arguments: ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-23T10:00:05", "2026-11-23T10:00:05.Z"])
    func rejectsGarbage(text: String) {
        #expect(Timestamp(rfc3339: text) == nil)
    }

    @Test func matchesFoundationFormatting() {
        let date = Date(timeIntervalSince1970: 1_795_428_005.12)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(Timestamp(date).description == formatter.string(from: date))
    }
}
