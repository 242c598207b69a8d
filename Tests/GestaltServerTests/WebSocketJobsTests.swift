import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import TestPeers
import Testing

/// The `jobs` channel streams a running job in seed 004's envelope, on
/// `/api/infra/ws` and on its alias `/v1/realtime`; every message the probe
/// reads is checked by `WebSocketMessageValidator` (`Envelope.init`).
@Suite struct WebSocketJobsTests {
    @Test(arguments: ["/api/infra/ws", "/v1/realtime"])
    func aRescanStreamsItsProgressPluginStatusesAndFrame(_ path: String) async throws {
        try await withLiveServer { server, port in
            let source = ListedSource()
            source.list(["a", "b"])
            server.jobs.attach(sources: [source], sink: server.store, statusBoard: server.statusBoard)
            var logger = Logger(label: "ws-test")
            logger.logLevel = .warning
            try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)\(path)", logger: logger) {
                inbound, outbound, _ in
                var probe = WSProbe(inbound, outbound)
                try await probe.subscribe(#"{"channels":["jobs"]}"#)
                #expect(try await probe.nextSkippingPings().type == "subscribed")
                let job = try server.jobs.submit(JobRequest(kind: .rescan))
                var seen: [Envelope] = []
                while true {
                    let envelope = try await probe.nextSkippingPings()
                    seen.append(envelope)
                    if envelope.type == "progress", envelope.payload["state"] as? String == "completed" { break }
                }
                #expect(seen.allSatisfy { $0.payload["job_id"] as? String == job.id })
                #expect(seen.first?.type == "progress")
                #expect(seen.contains { $0.type == "metadata" && ($0.payload["plugins"] as? [Any])?.count == 2 })
                let statuses = seen.filter { $0.type == "plugin_status" }.map {
                    "\($0.payload["plugin"]!) \($0.payload["status"]!)"
                }
                #expect(
                    statuses == ["docker@lab started", "docker@lab completed", "health started", "health completed"])
                let frame = try #require(seen.first { $0.type == "frame" })
                let topology = try #require(frame.payload["topology"] as? [String: Any])
                #expect(topology["kind"] as? String == "full")
                #expect(seen.last?.payload["progress"] as? Int == 100)

                // A bad client message gets an `error`, and the socket stays open.
                try await probe.send(#"{"type":"subscribe","payload":{"channels":"jobs"}}"#)
                let error = try await probe.nextSkippingPings()
                #expect(error.type == "error")
                try await probe.send(#"{"type":"launch","payload":{}}"#)
                #expect(try await probe.nextSkippingPings().payload["code"] as? String == "unknown_type")
                try await probe.send(#"{"type":"ping","payload":{}}"#)
                #expect(try await probe.nextSkippingPings().type == "pong")
            }
        }
    }

    @Test func aClientNotSubscribedToJobsGetsNoJobMessages() async throws {
        try await withLiveServer { server, port in
            server.jobs.attach(sources: [], sink: server.store, statusBoard: server.statusBoard)
            try await connectWS(port: port) { probe in
                try await probe.subscribe(#"{"channels":["events"]}"#)
                #expect(try await probe.nextSkippingPings().type == "subscribed")
                let job = try server.jobs.submit(JobRequest(kind: .export))
                try await waitUntil("the export completes") { server.jobs.job(job.id)?.state == .completed }
                // The pong is the next message: nothing of the job came before it.
                try await probe.send(#"{"type":"ping","payload":{}}"#)
                #expect(try await probe.nextSkippingPings().type == "pong")
            }
        }
    }
}
