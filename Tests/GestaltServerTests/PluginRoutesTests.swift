import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import Hummingbird
import HummingbirdTesting
import NIOFoundationEssentialsCompat
import Testing

@Suite struct PluginRoutesTests {
    @Test func listsThePluginsWithMetadataAndLastRun() async throws {
        let server = makeServer()
        server.store.plugins.register(
            PluginMetadata(name: "nats", stage: .source, capabilities: ["collect", "rescan"], instance: "nats"))
        server.store.plugins.record("nats", PluginRun(seconds: 0.5, warnings: ["flow sampler reconnecting"]))
        try await server.application().test(.router) { client in
            try await client.execute(uri: "/api/plugins", method: .get) { response in
                #expect(response.status == .ok)
                let list = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]])
                #expect(list.map { $0["name"] as? String } == ["nats", "health"])
                let nats = list[0]
                #expect(nats["stage"] as? String == "source")
                #expect(nats["version"] as? String == "1")
                #expect(nats["capabilities"] as? [String] == ["collect", "rescan"])
                #expect(nats["instance"] as? String == "nats")
                #expect(nats["runs"] as? Int == 1)
                let last = try #require(nats["last_run"] as? [String: Any])
                #expect(last["seconds"] as? Double == 0.5)
                #expect(last["warnings"] as? [String] == ["flow sampler reconnecting"])
                #expect(last["error"] is NSNull)
                #expect(list[1]["last_run"] is NSNull)
            }
        }
    }
}
