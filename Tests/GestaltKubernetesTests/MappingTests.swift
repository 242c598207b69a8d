import FakeKubeAPI
import Foundation
import GestaltEngine
import GestaltKubernetes
import GestaltModel
import Logging
import TestPeers
import Testing

@Suite("Status, events and metrics mapping", .serialized)
struct MappingTests {
    @Test func podStatesEventsAndMetricsBecomeEntityFields() async throws {
        let fixture = try await ClusterFixture.start(prepare: { cluster in
            cluster.metricsEnabled = true
            cluster.setPodMetrics(
                namespace: "shop", name: "db-0", containers: [(name: "main", cpu: "100m", memory: "64Mi")])
        })
        defer { Task { await fixture.stop() } }
        try await fixture.waitForConvergence()
        // 100m of a 200m request is 50 %.
        try await waitUntil("db-0 has metrics") { fixture.store.entity(id: "k8s:pod/shop/db-0")?.cpuPercent == 50 }
        let memory: Int64 = 64 * 1024 * 1024
        try await waitUntil("db-0 has its memory") {
            fixture.store.entity(id: "k8s:pod/shop/db-0")?.memoryBytes == memory
        }
        try fixture.cluster.apply(.pods, Seed.pod("crashy", waiting: "CrashLoopBackOff"))
        try await waitUntil("crashy is failed") { fixture.store.entity(id: "k8s:pod/shop/crashy")?.status == .failed }
        try fixture.cluster.modify(.pods, namespace: "shop", name: "web-7d9f4-a1") { pod in
            var meta = pod["metadata"] as! [String: Any]
            meta["deletionTimestamp"] = "2026-11-23T10:00:00Z"
            pod["metadata"] = meta
        }
        try await waitUntil("a deleting pod is terminating") {
            fixture.store.entity(id: "k8s:pod/shop/web-7d9f4-a1")?.status == .terminating
        }
        try fixture.cluster.create(.events, Seed.event("crashy.1", pod: "crashy", type: "Warning", reason: "BackOff"))
        try await waitUntil("the warning event is recorded") {
            fixture.store.events().contains {
                $0.reason == "BackOff" && $0.severity == .error && $0.entityID == "k8s:pod/shop/crashy"
            }
        }
        // A repeat (count bumped) is a new occurrence; an unchanged relist is not.
        try fixture.cluster.update(
            .events, Seed.event("crashy.1", pod: "crashy", type: "Warning", reason: "BackOff", count: 2))
        try await waitUntil("the repeat is recorded") {
            fixture.store.events().filter { $0.reason == "BackOff" }.count == 2
        }
        fixture.cluster.expireWatches(.events)
        try await waitUntil("events relisted") { fixture.fullSyncCount("/api/v1/events") == 2 }
        try await fixture.waitForConvergence()
        #expect(fixture.store.events().filter { $0.reason == "BackOff" }.count == 2)
        #expect(fixture.status?.details["metrics"] == nil)
        await fixture.stop()
    }

    @Test func kubeconfigContextsTokensAndMerging() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try "secret-token\n".write(toFile: "\(directory)/token", atomically: true, encoding: .utf8)
        let first = """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - name: dev
              cluster: {server: "https://dev.example:6443", insecure-skip-tls-verify: true}
            contexts:
            - name: dev
              context: {cluster: dev, user: dev-user, namespace: shop}
            users:
            - name: dev-user
              user: {token: abc}
            """
        let second = """
            apiVersion: v1
            kind: Config
            current-context: prod
            clusters:
            - name: prod
              cluster: {server: "https://prod.example"}
            contexts:
            - name: prod
              context: {cluster: prod, user: prod-user}
            users:
            - name: prod-user
              user: {tokenFile: token}
            """
        try first.write(toFile: "\(directory)/a.yaml", atomically: true, encoding: .utf8)
        try second.write(toFile: "\(directory)/b.yaml", atomically: true, encoding: .utf8)
        let environment = [
            "KUBECONFIG": "\(directory)/a.yaml:\(directory)/missing.yaml:\(directory)/b.yaml", "HOME": directory,
        ]
        let dev = try KubernetesConfiguration.load(
            kubeconfigPath: nil, context: nil, namespaces: [], environment: environment)
        #expect(dev.server == "https://dev.example:6443")
        #expect(dev.insecureSkipTLSVerify)
        #expect(dev.credentials.token == "abc")
        let prod = try KubernetesConfiguration.load(
            kubeconfigPath: nil, context: "prod", namespaces: ["shop"], environment: environment)
        #expect(prod.server == "https://prod.example")
        #expect(prod.credentials.tokenFile == "\(directory)/token")
        #expect(prod.namespaces == ["shop"])
        #expect(throws: KubernetesError.self) {
            try KubernetesConfiguration.load(
                kubeconfigPath: nil, context: "nope", namespaces: [], environment: environment)
        }
        #expect(throws: KubernetesError.self) {
            try KubernetesConfiguration.load(
                kubeconfigPath: nil, context: nil, namespaces: [], environment: ["HOME": directory])
        }
    }

    @Test func unreachableServerIsAnErrorStatusNotACrash() async throws {
        var tuning = KubernetesTuning()
        tuning.backoffMax = .milliseconds(200)
        let store = TopologyStore()
        let board = SourceStatusBoard()
        let source = KubernetesSource(
            configuration: KubernetesConfiguration(server: "http://127.0.0.1:1", tuning: tuning),
            logger: .init(label: "test")
        )
        let context = SourceContext(instance: source.instance, sink: store, store: store, statusBoard: board)
        let task = Task { try? await source.run(in: context) }
        try await waitUntil("status is error") { board.status(of: "kubernetes")?.state == .error }
        #expect(board.status(of: "kubernetes")?.message.contains("127.0.0.1:1") == true)
        task.cancel()
        await task.value
    }
}
