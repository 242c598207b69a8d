import Foundation
import GestaltModel
import Testing

@testable import GestaltHistory

/// The rebuild's hand-written reader gives exactly what `JSONDecoder` gives
/// for everything the server writes, and declines (nil, so the decoder
/// decides) what it does not expect.
@Suite struct ItemReaderTests {
    @Test func readsEveryEntityTheWriterWritesAsTheDecoderDoes() throws {
        var random = SeededRandom(state: 5)
        let texts = ["plain", "quote \" and \\ backslash", "tab\tnew\nline\u{1}", "café ☕️ 𝄞", "", "/slash"]
        for index in 0..<500 {
            func text() -> String { texts.randomElement(using: &random)! + "\(index)" }
            let created = Timestamp(millisecondsSince1970: Int64.random(in: 0...2_000_000_000_000, using: &random))
            let entity = Entity(
                id: "test:pod/\(text())", kind: EntityKind.allCases.randomElement(using: &random)!, name: text(),
                namespace: Bool.random(using: &random) ? text() : nil, source: text(),
                status: EntityStatus.allCases.randomElement(using: &random)!,
                labels: [text(): text(), "app": text()], annotations: Bool.random(using: &random) ? [:] : [text(): ""],
                health: Double.random(in: 0...1, using: &random),
                cpuPercent: [0, 1e-9, 12.5, 1e300, -3.25].randomElement(using: &random)!,
                memoryBytes: Int64.random(in: Int64.min...Int64.max, using: &random),
                memoryLimit: Int64.random(in: 0...(1 << 40), using: &random), networkRxBytes: -5,
                networkTxBytes: Int64.max, customMetrics: ["queue_depth": Double(index), text(): -0.5],
                x: Double.random(in: -1e6...1e6, using: &random), y: 0, z: -1.5, createdAt: created,
                updatedAt: Timestamp(millisecondsSince1970: created.millisecondsSince1970 + 1234),
                stale: Bool.random(using: &random))
            var w = JSONWriter()
            entity.write(to: &w)
            let decoded = try JSONDecoder().decode(Entity.self, from: Data(w.bytes))
            var reader = ItemReader(ArraySlice(w.bytes))
            #expect(reader.entity() == decoded, "entity \(index)")

            let connection = Connection(
                sourceID: entity.id, targetID: text(), kind: ConnectionKind.allCases.randomElement(using: &random)!,
                requestsPerSec: Double(index) / 7, bytesPerSec: 1e12, errorRate: 0.015, latencyMs: 3)
            var c = JSONWriter()
            connection.write(to: &c)
            var connectionReader = ItemReader(ArraySlice(c.bytes))
            #expect(
                connectionReader.connection() == (try JSONDecoder().decode(Connection.self, from: Data(c.bytes))))
        }
    }

    @Test func readsAnItemInsideALargerBufferAndOtherKeyOrders() {
        let json = Array(
            #"[{"z":2,"unknown":[1,{"a":null}],"created_at":"2026-01-02T03:04:05.678Z","name":"n","kind":"pod","id":"\u00e9\ud834\udd1e"}]"#
                .utf8)
        var reader = ItemReader(json[1..<(json.count - 1)])
        let entity = reader.entity()
        #expect(entity?.id == "é𝄞" && entity?.z == 2 && entity?.name == "n" && entity?.source == "")
        #expect(entity?.updatedAt == entity?.createdAt)
    }

    @Test(arguments: [
        #"{"id":"a","kind":"pod","name":"n"}"#,  // no created_at: the decoder's default is "now"
        #"{"id":"a","kind":"pod","name":"n","created_at":"2026-01-02T03:04:05Z","memory_bytes":1.5}"#,
        #"{"id":"a","kind":"nope","name":"n","created_at":"2026-01-02T03:04:05Z"}"#,
        #"{"id":"a\q","kind":"pod","name":"n","created_at":"2026-01-02T03:04:05Z"}"#,
        #"{"id":"a","kind":"pod","name":"n","created_at":"2026-01-02T03:04:05Z""#,
    ])
    func declinesWhatItDoesNotExpect(json: String) {
        var reader = ItemReader(ArraySlice(Array(json.utf8)))
        #expect(reader.entity() == nil)
    }
}
