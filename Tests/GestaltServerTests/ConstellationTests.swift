import Foundation
import GestaltEngine
import GestaltModel
import GestaltServer
import GestaltStreaming
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import NIOCore
import Testing

/// Constellation's dashboard (design doc 003) against our server, unchanged:
/// `GET /state` and `/ws` with its enum as serde encodes it.
@Suite(.timeLimit(.minutes(1))) struct ConstellationTests {
    /// namespace shop: deployment web owning pods web-1 and web-2, service web routing to both.
    static func seed(_ store: TopologyStore) {
        let namespace = Entity(
            id: Entity.kubernetesID(kind: .namespace, namespace: nil, name: "shop"), kind: .namespace, name: "shop",
            namespace: nil, source: "test")
        let deployment = entity("web", kind: .deployment), service = entity("web", kind: .service)
        let pods = [entity("web-1"), entity("web-2")]
        store.apply(
            [.upsertEntity(namespace), .upsertEntity(deployment), .upsertEntity(service)]
                + pods.map { .upsertEntity($0) })
        store.apply(
            [.upsertConnection(Connection(sourceID: namespace.id, targetID: deployment.id, kind: .owns))]
                + pods.flatMap { pod in
                    [
                        .upsertConnection(Connection(sourceID: deployment.id, targetID: pod.id, kind: .owns)),
                        .upsertConnection(Connection(sourceID: service.id, targetID: pod.id, kind: .network)),
                    ]
                }
        )
    }

    static let pod1 = #"{"kind":"Pod","name":"web-1","relatives":[]}"#
    static let pod2 = #"{"kind":"Pod","name":"web-2","relatives":[]}"#
    static let shop =
        #"{"kind":"Namespace","name":"shop","relatives":[{"kind":"Deployment","name":"web","relatives":[\#(pod1),\#(pod2)]},{"kind":"Service","name":"web","relatives":[\#(pod1),\#(pod2)]}]}"#

    @Test func stateIsTheHierarchy() async throws {
        let server = makeServer()
        Self.seed(server.store)
        try await server.application().test(.router) { client in
            let response = try await client.execute(uri: "/state", method: .get)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == "[\(Self.shop)]")
        }
    }

    /// Reads text messages from Constellation's `/ws`.
    static func connect(
        port: Int, query: String = "",
        _ body:
            @escaping @Sendable (inout WebSocketInboundMessageStream.AsyncIterator, WebSocketOutboundWriter)
            async throws -> Void
    ) async throws {
        var logger = Logger(label: "constellation-test")
        logger.logLevel = .warning
        _ = try await WebSocketClient.connect(
            url: "ws://127.0.0.1:\(port)/ws\(query)", configuration: .init(maxFrameSize: 1 << 20), logger: logger
        ) { inbound, outbound, _ in
            var iterator = inbound.messages(maxSize: 1 << 24).makeAsyncIterator()
            try await body(&iterator, outbound)
        }
    }

    static func text(_ iterator: inout WebSocketInboundMessageStream.AsyncIterator) async throws -> String {
        while let message = try await iterator.next() {
            if case .text(let text) = message { return text }
        }
        throw SSEEnded()
    }

    @Test func webSocketSendsFullStateThenTheEnumsMessages() async throws {
        try await withLiveServer { server, port in
            Self.seed(server.store)
            try await Self.connect(port: port) { messages, outbound in
                #expect(try await Self.text(&messages) == #"{"FullState":{"hierarchy":[\#(Self.shop)]}}"#)

                let deployment = entity("web", kind: .deployment), pod = entity("web-3")
                server.store.apply([
                    .upsertEntity(pod),
                    .upsertConnection(Connection(sourceID: deployment.id, targetID: pod.id, kind: .owns)),
                ])
                #expect(
                    try await Self.text(&messages)
                        == #"{"ResourceAdded":{"namespace":"shop","resource":{"kind":"Pod","name":"web-3","relatives":[]}}}"#
                )
                let relinked = try await Self.text(&messages)
                #expect(
                    relinked.hasPrefix(
                        #"{"RelationshipUpdated":{"namespace":"shop","hierarchy":[{"kind":"Namespace","name":"shop","relatives":[{"kind":"Deployment","name":"web","relatives":[\#(Self.pod1),\#(Self.pod2),{"kind":"Pod","name":"web-3","relatives":[]}]}"#
                    ))

                // A layout move changes nothing Constellation shows: no message.
                server.store.apply([.moveEntity(id: pod.id, x: 1, y: 2, z: 3)])
                var failed = pod
                failed.status = .failed
                server.store.apply([.upsertEntity(failed)])
                #expect(
                    try await Self.text(&messages)
                        == #"{"ResourceUpdated":{"namespace":"shop","resource":{"kind":"Pod","name":"web-3","relatives":[]}}}"#
                )

                server.store.apply([.removeEntity(id: pod.id)])
                #expect(
                    try await Self.text(&messages)
                        == #"{"ResourceDeleted":{"namespace":"shop","resource_name":"web-3","resource_kind":"Pod"}}"#)
                #expect(
                    try await Self.text(&messages)
                        == #"{"RelationshipUpdated":{"namespace":"shop","hierarchy":[\#(Self.shop)]}}"#)

                // Unit variants are bare strings under external tagging.
                try await outbound.write(.text(#""Ping""#))
                #expect(try await Self.text(&messages) == #""Pong""#)
            }
        }
    }

    /// Our churn notices in the enum's churn variants.
    @Test func churnNoticesBecomeTheEnumsChurnMessages() async throws {
        try await withLiveServer { server, port in
            Self.seed(server.store)
            try await Self.connect(port: port) { messages, _ in
                _ = try await Self.text(&messages)
                _ = server.registry.broadcast(
                    BroadcastMessage(
                        type: "namespace_summary",
                        payload: Array(
                            #"{"namespace":"shop","total":3,"ready":2,"pending":1,"terminating":0,"failed":0,"churning":false}"#
                                .utf8
                        )))
                #expect(
                    try await Self.text(&messages)
                        == #"{"NamespaceSummaryUpdate":{"namespace":"shop","pod_summary":{"total":3,"ready":2,"pending":1,"terminating":0,"failed":0},"individual_pods":null}}"#
                )
                _ = server.registry.broadcast(
                    BroadcastMessage(
                        type: "high_churn_warning",
                        payload: Array(
                            #"{"namespace":"shop","affected_services":["web"],"churn_rate_pods_per_minute":42.5}"#.utf8
                        )))
                #expect(
                    try await Self.text(&messages)
                        == #"{"HighChurnWarning":{"namespace":"shop","affected_services":["web"],"churn_rate":42.5}}"#)
            }
        }
    }

    /// The doc's TypeScript hook reads `message.type`: serde's internal tagging.
    @Test func internalTaggingForTheTypeScriptHook() async throws {
        try await withLiveServer { server, port in
            Self.seed(server.store)
            try await Self.connect(port: port, query: "?tagging=internal") { messages, outbound in
                #expect(try await Self.text(&messages) == #"{"type":"FullState","hierarchy":[\#(Self.shop)]}"#)
                try await outbound.write(.text(#"{"type":"Ping"}"#))
                #expect(try await Self.text(&messages) == #"{"type":"Pong"}"#)
            }
        }
    }
}
