import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import Logging
import NIOFoundationEssentialsCompat
import Synchronization
import TestPeers
import Testing

@testable import GestaltHistory

/// `replay` jobs through the real router, over a real history file: the
/// topology at `from` rebuilt by history's replay, every recorded update
/// through `to`, frames at both ends and progress.
@Suite struct ReplayJobTests {
    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any])
    }

    static func pod(_ name: String) -> Entity {
        Entity(id: "test:pod/\(name)", kind: .pod, name: name, namespace: "shop", source: "test")
    }

    @Test func aReplayRebuildsTheStartAndCarriesEveryUpdateThroughTheEnd() async throws {
        let temp = try await TempHistory.make()
        defer { temp.remove() }
        let history = try await temp.open()
        let store = TopologyStore()
        let recorder = try await RunningRecorder.start(history: history, store: store)
        store.apply([.upsertEntity(Self.pod("a"))])
        let from = store.revision
        store.apply([.upsertEntity(Self.pod("b"))])
        store.apply([.removeEntity(id: "test:pod/a")])
        store.apply([.upsertEntity(Self.pod("c"))])
        let to = store.revision
        try await Wait.recorded(history, revision: to)
        await recorder.stop()
        let server = GestaltServer(
            store: store, statusBoard: SourceStatusBoard(),
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), history: history)
        let frames = FrameLog()
        server.jobs.onMessage { message in frames.append(message) }

        try await server.makeApplication(logger: Logger(label: "replay-test")).test(.router) { client in
            let body = ByteBuffer(string: #"{"kind":"replay","from":\#(from),"to":\#(to)}"#)
            let id = try await client.execute(uri: "/api/jobs", method: .post, body: body) { response in
                #expect(response.status == .accepted)
                return try #require(try Self.json(response.body)["job_id"] as? String)
            }
            try await waitUntil("the replay completes") { server.jobs.job(id)?.state == .completed }
            try await client.execute(uri: "/api/jobs/\(id)/extended", method: .get) { response in
                let body = try Self.json(response.body)
                #expect(body["kind"] as? String == "replay")
                #expect(body["progress"] as? Int == 100)
                #expect((body["plugin_timings"] as? [String: Double])?.keys.sorted() == ["history"])
                #expect(body["result_url"] as? String == "/api/jobs/\(id)/result")
            }
            try await client.execute(uri: "/api/jobs/\(id)/result", method: .get) { response in
                let body = try Self.json(response.body)
                #expect(body["from"] as? Int == Int(from))
                #expect(body["to"] as? Int == Int(to))
                let start = try #require(body["topology"] as? [String: Any])
                let startIDs = (start["entities"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
                #expect(startIDs == ["test:pod/a"], "the topology at 'from'")
                let updates = try #require(body["updates"] as? [[String: Any]])
                #expect(updates.map { $0["kind"] as? String } == ["add", "remove", "add"])
                #expect(updates.compactMap { $0["revision"] as? Int } == Array(Int(from) + 1...Int(to)))
            }
        }
        let revisions = frames.frames(of: "frame").compactMap { $0["revision"] as? Int }
        #expect(revisions == [Int(from), Int(to)], "a frame at each end")
        let last = try #require(frames.frames(of: "frame").last?["topology"] as? [String: Any])
        let endIDs = ((last["topology"] as? [String: Any])?["entities"] as? [[String: Any]])?.compactMap {
            $0["id"] as? String
        }.sorted()
        #expect(endIDs == ["test:pod/b", "test:pod/c"])
    }

    @Test(arguments: [
        (#"{"kind":"replay"}"#, "'from' is required"),
        (#"{"kind":"replay","from":9,"to":3}"#, "is after"),
        (#"{"kind":"replay","from":1,"to":999999999}"#, "not recorded yet"),
        (#"{"kind":"replay","from":-1}"#, "whole number"),
        (#"{"kind":"rescan","from":1}"#, "applies to replay jobs only"),
        (#"{"kind":"replay","from":1,"sources":["x"]}"#, "applies to rescan jobs only"),
        (#"{"kind":"rewind"}"#, "unknown value 'rewind'"),
    ])
    func badReplaysAreA400ThatChangesNothing(body: String, mentions: String) async throws {
        let temp = try await TempHistory.make()
        defer { temp.remove() }
        let store = TopologyStore()
        store.apply([.upsertEntity(Self.pod("a"))])
        let server = GestaltServer(
            store: store, statusBoard: SourceStatusBoard(),
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0), history: try await temp.open())
        try await server.makeApplication(logger: Logger(label: "replay-test")).test(.router) { client in
            try await client.execute(uri: "/api/jobs", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                let error = try #require(try Self.json(response.body)["error"] as? [String: Any])
                #expect(error["code"] as? String == "invalid_body")
                #expect((error["message"] as? String)?.contains(mentions) == true, "\(error)")
            }
        }
        #expect(server.jobs.all.isEmpty)
    }

    @Test func aReplayWithHistoryOffIsA503SayingSo() async throws {
        let server = GestaltServer(
            store: TopologyStore(), statusBoard: SourceStatusBoard(),
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0))
        try await server.makeApplication(logger: Logger(label: "replay-test")).test(.router) { client in
            try await client.execute(
                uri: "/api/jobs", method: .post, body: ByteBuffer(string: #"{"kind":"replay","from":0}"#)
            ) { response in
                #expect(response.status == .serviceUnavailable)
                let error = try #require(try Self.json(response.body)["error"] as? [String: Any])
                #expect(error["code"] as? String == "history_unavailable")
                #expect((error["message"] as? String)?.contains("replaying needs history") == true)
            }
        }
        #expect(server.jobs.all.isEmpty)
    }
}

/// The job messages a test saw, decoded.
final class FrameLog: Sendable {
    private let messages = Mutex<[(String, [UInt8])]>([])

    func append(_ message: JobMessage) { messages.withLock { $0.append((message.type, message.payload)) } }

    func frames(of type: String) -> [[String: Any]] {
        messages.withLock { $0 }.filter { $0.0 == type }.compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.1)) as? [String: Any]
        }
    }
}
