import Foundation
import GestaltEngine
import GestaltModel
import GestaltStreaming
import Logging
import Testing

@testable import GestaltServer

/// A source that collects but cannot rescan on demand: a rescan skips it with a warning.
struct WatchOnlySource: TopologySource {
    let instance = SourceInstance(kind: "docker", name: "idle")
    func run(in context: SourceContext) async throws {}
}

/// The `jobs` channel's `warning` and `error` messages, over a real socket,
/// with their exact envelopes; and the gate that checks every job message in
/// every build before it is broadcast.
@Suite struct WebSocketJobFailureTests {
    @Test func aRescanWithAFailingAndASkippedSourceSendsItsWarningAndErrors() async throws {
        try await withLiveServer { server, port in
            let failing = ListedSource()
            failing.fail("peer unreachable")
            server.jobs.attach(
                sources: [failing, WatchOnlySource()], sink: server.store, statusBoard: server.statusBoard)
            try await connectWS(port: port) { probe in
                let (job, seen) = try await probe.rescanMessages(server.jobs, until: "failed")
                let skipped = "docker@idle cannot rescan on demand; its own cycle keeps it current"
                let reported = seen.filter { $0.type == "warning" || $0.type == "error" }
                #expect(reported.map(\.type) == ["error", "warning", "error"])
                try Self.expectEnvelope(
                    reported[0], type: "error",
                    payload: [
                        "code": "plugin_failed", "message": "docker@lab: peer unreachable", "job_id": job.id,
                        "plugin": "docker@lab",
                    ])
                try Self.expectEnvelope(
                    reported[1], type: "warning",
                    payload: ["job_id": job.id, "plugin": "docker@idle", "message": skipped])
                try Self.expectEnvelope(
                    reported[2], type: "error",
                    payload: [
                        "code": "job_failed", "message": "every source failed to rescan: docker@lab: peer unreachable",
                        "job_id": job.id, "plugin": NSNull(),
                    ])
                // Each comes after its plugin started and before it ended; the job's error before its last progress.
                let order = seen.map { "\($0.type) \($0.payload["plugin"] ?? $0.payload["state"] ?? "")" }
                let index = { (text: String) in try #require(order.firstIndex(of: text), "\(text) in \(order)") }
                #expect(try index("plugin_status docker@lab") < index("error docker@lab"))
                #expect(try index("error docker@lab") < index("warning docker@idle"))
                #expect(try index("warning docker@idle") < index("error <null>"))
                #expect(order.last == "progress failed")
                let statuses = seen.filter { $0.type == "plugin_status" }.map {
                    "\($0.payload["plugin"]!) \($0.payload["status"]!)"
                }
                #expect(
                    statuses == [
                        "docker@lab started", "docker@lab failed", "docker@idle started", "docker@idle completed",
                        "health started", "health completed",
                    ])
                #expect(seen.filter { $0.type == "progress" }.compactMap { $0.payload["progress"] as? Int }.last == 100)
            }
        }
    }

    /// The envelope holds exactly `type`, `payload` and an RFC 3339 `timestamp`, and the payload exactly these fields.
    static func expectEnvelope(_ envelope: Envelope, type: String, payload: [String: Any]) throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(envelope.raw.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["type", "payload", "timestamp"])
        #expect(object["type"] as? String == type)
        let timestamp = try #require(object["timestamp"] as? String)
        #expect(ISO8601DateFormatter.withFraction.date(from: timestamp) != nil, "timestamp \(timestamp)")
        #expect(
            NSDictionary(dictionary: envelope.payload).isEqual(to: payload), "\(envelope.payload) is not \(payload)")
    }

    @Test func theGateDropsAnInvalidJobMessageAndPassesAValidOne() {
        let gate = JobChannelGate(logger: .init(label: "test"))
        func check(_ type: String, _ payload: String) -> BroadcastMessage? {
            gate.checked(type: type, payload: Array(payload.utf8))
        }
        #expect(check("progress", #"{"job_id":"j","progress":150}"#) == nil)
        #expect(check("progress", #"{"job_id":"j"}"#) == nil)
        #expect(check("plugin_status", #"{"job_id":"j","plugin":"nats","status":"done"}"#) == nil)
        #expect(check("error", #"{"message":"no code"}"#) == nil)
        #expect(check("not_a_type", "{}") == nil)
        let valid = check("progress", #"{"job_id":"j","kind":"rescan","state":"running","progress":50,"stage":null}"#)
        #expect(valid?.type == "progress")
        #expect(valid?.channel == .jobs)
        #expect(check("plugin_status", #"{"job_id":"j","plugin":"nats","status":"running","seconds":null}"#) != nil)
    }

    @Test func theValidatorKnowsEveryJobPluginStatus() {
        #expect(Set(Job.PluginStatus.allCases.map(\.rawValue)) == WebSocketMessageValidator.pluginStatuses)
    }
}

extension ISO8601DateFormatter {
    fileprivate static var withFraction: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
