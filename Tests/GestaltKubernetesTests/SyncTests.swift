import FakeKubeAPI
import GestaltEngine
import GestaltModel
import TestPeers
import Testing

@Suite("Kubernetes source against the fake API server", .serialized)
struct SyncTests {
    @Test func initialSyncShowsTheWholeCluster() async throws {
        let fixture = try await ClusterFixture.start()
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        let ids = fixture.entityIDs
        #expect(ids.contains("k8s:node/worker-1"))
        #expect(ids.contains("k8s:namespace/shop"))
        #expect(ids.contains("k8s:pod/shop/web-7d9f4-a1"))
        #expect(ids.contains("k8s:volume/shop/data-db-0"))
        let connections = fixture.connectionIDs
        #expect(connections.contains("k8s:deployment/shop/web->k8s:replicaset/shop/web-7d9f4:owns"))
        #expect(connections.contains("k8s:replicaset/shop/web-7d9f4->k8s:pod/shop/web-7d9f4-a1:owns"))
        #expect(connections.contains("k8s:service/shop/web->k8s:pod/shop/web-7d9f4-b2:network"))
        #expect(connections.contains("k8s:ingress/shop/web->k8s:service/shop/web:http"))
        #expect(connections.contains("k8s:pod/shop/db-0->k8s:volume/shop/data-db-0:volume"))
        #expect(connections.contains("k8s:pod/shop/web-7d9f4-a1->k8s:configmap/shop/web-config:depends"))
        #expect(connections.contains("k8s:pod/shop/db-0->k8s:secret/shop/db-creds:depends"))
        try await waitUntil("status is ready") { fixture.status?.state == .ready }
        // managedFields are never kept and the last-applied annotation is dropped; other annotations stay.
        let deployment = try #require(fixture.store.entity(id: "k8s:deployment/shop/web"))
        #expect(deployment.annotations == ["team": "web"])
        #expect(
            fixture.store.events().contains { $0.reason == "Started" && $0.entityID == "k8s:pod/shop/web-7d9f4-a1" })
        await fixture.stop()
    }

    @Test(arguments: Expected.kinds.map(\.0))
    func createUpdateAndDeleteOfEachKind(resource: FakeResource) async throws {
        let fixture = try await ClusterFixture.start()
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence("after initial sync")
        let name = "probe-\(resource.plural)"
        var meta: [String: Any] = ["name": name, "labels": ["probe": "one"]]
        if resource.namespaced { meta["namespace"] = "shop" }
        try fixture.cluster.create(resource, ["metadata": meta])
        let kind = try #require(Expected.kinds.first { $0.0 == resource }?.1)
        let id = Entity.kubernetesID(kind: kind, namespace: resource.namespaced ? "shop" : nil, name: name)
        try await waitUntil("\(id) appears") { fixture.store.entity(id: id) != nil }
        try fixture.cluster.modify(resource, namespace: resource.namespaced ? "shop" : nil, name: name) { object in
            var meta = object["metadata"] as! [String: Any]
            meta["labels"] = ["probe": "two"]
            object["metadata"] = meta
        }
        try await waitUntil("\(id) is updated") { fixture.store.entity(id: id)?.labels["probe"] == "two" }
        try fixture.cluster.delete(resource, namespace: resource.namespaced ? "shop" : nil, name: name)
        try await waitUntil("\(id) is removed") { fixture.store.entity(id: id) == nil }
        try await fixture.waitForConvergence("at the end")
        await fixture.stop()
    }

    @Test func secretsAreOnlyEverRequestedAsMetadata() async throws {
        let fixture = try await ClusterFixture.start()
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        try fixture.cluster.modify(.secrets, namespace: "shop", name: "db-creds") { object in
            object["data"] = ["password": "bmV3LXNlY3JldA=="]
            var meta = object["metadata"] as! [String: Any]
            meta["labels"] = ["rotated": "yes"]
            object["metadata"] = meta
        }
        try await waitUntil("the rotation is seen") {
            fixture.store.entity(id: "k8s:secret/shop/db-creds")?.labels["rotated"] == "yes"
        }
        let secretRequests = fixture.cluster.requests.filter { $0.path.hasSuffix("/secrets") }
        #expect(!secretRequests.isEmpty)
        // Every request asked for PartialObjectMetadata, so the server never sent a `data` field to read.
        #expect(
            secretRequests.allSatisfy {
                $0.accept.contains("as=PartialObjectMetadata") && !$0.accept.contains(",application/json")
            })
        let secret = try #require(fixture.store.entity(id: "k8s:secret/shop/db-creds"))
        let json = String(decoding: secret.jsonBytes(), as: UTF8.self)
        #expect(!json.contains(Seed.secretValue))
        #expect(!json.contains("bmV3LXNlY3JldA=="))
        await fixture.stop()
    }

    @Test func forbiddenResourceDegradesWhileOthersKeepWorking() async throws {
        let fixture = try await ClusterFixture.start(prepare: { $0.forbid(.nodes) })
        defer { Task { await fixture.stop() } }
        try await waitUntil("status is degraded with nodes forbidden") {
            fixture.status?.state == .degraded && fixture.status?.details["nodes"]?.contains("forbidden") == true
        }
        try await waitUntil("pods are shown") { fixture.store.entity(id: "k8s:pod/shop/db-0") != nil }
        #expect(!fixture.entityIDs.contains("k8s:node/worker-1"))
        try fixture.cluster.create(.pods, Seed.pod("late", labels: ["app": "web"]))
        try await waitUntil("a new pod still arrives") { fixture.store.entity(id: "k8s:pod/shop/late") != nil }
        // Access granted later: the reflector retries, and the status recovers.
        fixture.cluster.allow(.nodes)
        try await waitUntil("nodes appear once allowed") { fixture.store.entity(id: "k8s:node/worker-1") != nil }
        try await waitUntil("status is ready again") { fixture.status?.state == .ready }
        await fixture.stop()
    }

    @Test func namespaceScopedUserWatchesOnlyItsNamespaces() async throws {
        let fixture = try await ClusterFixture.start(
            namespaces: ["shop"],
            prepare: { cluster in
                for resource in FakeResource.all where resource.namespaced { cluster.forbid(resource, .clusterWide) }
                cluster.forbid(.nodes)
                cluster.forbid(.namespaces)
            })
        defer { Task { await fixture.stop() } }
        try await waitUntil("shop is shown") {
            let expected = Expected(cluster: fixture.cluster, namespaces: ["shop"])
            let namespaced = expected.entityIDs.filter { !$0.hasPrefix("k8s:node/") && !$0.hasPrefix("k8s:namespace/") }
            return fixture.entityIDs == namespaced
        }
        #expect(fixture.status?.state == .degraded)
        #expect(!fixture.entityIDs.contains("k8s:pod/ops/log-agent-x"))
        await fixture.stop()
    }
}
