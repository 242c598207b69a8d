import ArgumentParser
import AsyncHTTPClient
import FakeKubeAPI
import Foundation
import GestaltEngine
import GestaltKubernetes
import GestaltModel
import GestaltServer
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
import GestaltStreaming
import NIOCore
import Hummingbird
#endif

/// `gestalt-bench kubernetes`: the Kubernetes source against a large fake
/// cluster, all in this process. Times the initial sync and the memory it
/// takes, then changes pods in the fake at a steady rate and times each
/// change from the write into the fake to the SSE message that carries it.
struct KubernetesBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kubernetes",
        abstract:
            "Initial sync and watch event → SSE latency of the Kubernetes source on a fake cluster (targets: sync < 3 s, p99 < 50 ms).",
        discussion: """
            The fake API server, the source, the gestalt server and its SSE clients share this process (and its cores). \
            Each pod change writes a sequence number into the pod's `bench-seq` label and flips its container's readiness; \
            latency runs from just before that write to the SSE message that shows the new label.
            """
    )

    @Option(help: "Pods in the fake cluster.") var pods = 10_000
    @Option(help: "Namespaces the pods are spread over.") var namespaces = 50
    @Option(help: "Deployments per namespace (each with a service, a config map and a secret).") var appsPerNamespace =
        10
    @Option(help: "Pod changes per second written into the fake.") var rate = 50
    @Option(help: "Seconds of pod changes.") var seconds = 20
    @Option(help: "SSE clients (all of them time every change).") var clients = 3
    @Option(help: "Loopback port for the gestalt server.") var port = 18187
    @Option(help: "The source's projection batching window in ms (default: the source's own default, as `serve` uses).")
    var coalesceMs: Int?
    @Flag(help: "Only measure the initial sync.") var syncOnly = false

    func run() async throws {
        trimHeap()
        let rssStart = residentBytes()
        var fakeLogger = Logger(label: "fake-kube-api")
        fakeLogger.logLevel = .critical
        let fake = FakeKubeServer(logger: fakeLogger)
        let seedStart = ContinuousClock.now
        let plan = try KubeBenchCluster(pods: pods, namespaces: namespaces, appsPerNamespace: appsPerNamespace)
        try plan.seed(fake.cluster)
        let fakePort = try await fake.start()
        trimHeap()
        let rssSeeded = residentBytes()
        print(
            String(
                format:
                    "fake cluster: %d pods, %d namespaces, %d nodes, %d deployments, %d objects in all; seeded in %.1f s; rss %d MiB → %d MiB",
                plan.podCount, namespaces, plan.nodeCount, plan.deploymentCount, plan.objectCount,
                milliseconds(.now - seedStart) / 1000, rssStart >> 20, rssSeeded >> 20
            ))

        let store = TopologyStore()
        let board = SourceStatusBoard()
        var tuning = KubernetesTuning()
        if let coalesceMs { tuning.coalesce = .milliseconds(coalesceMs) }
        let configuration = KubernetesConfiguration(
            server: "http://127.0.0.1:\(fakePort)", contextName: "bench", tuning: tuning)
        var logger = Logger(label: "bench-kubernetes")
        logger.logLevel = .error
        let source = KubernetesSource(configuration: configuration, logger: logger)
        let context = SourceContext(instance: source.instance, sink: store, store: store, statusBoard: board)

        // Initial sync: from run() until the status is ready, and until the store holds every entity.
        let cpuStart = processCPUSeconds()
        let start = ContinuousClock.now
        let sourceTask = Task { try? await source.run(in: context) }
        var readyAt: ContinuousClock.Instant?
        var storedAt: ContinuousClock.Instant?
        let deadline = start + .seconds(120)
        while storedAt == nil || readyAt == nil, ContinuousClock.now < deadline {
            if readyAt == nil, board.status(of: "kubernetes")?.state == .ready { readyAt = .now }
            if storedAt == nil, store.entityCount >= plan.entityCount { storedAt = .now }
            try await Task.sleep(for: .milliseconds(1))
        }
        let syncCPU = processCPUSeconds() - cpuStart
        guard let readyAt, let storedAt else {
            sourceTask.cancel()
            throw BenchError(
                "no sync within 120 s: status \(board.status(of: "kubernetes").map { "\($0.state) \($0.message)" } ?? "none"), \(store.entityCount) of \(plan.entityCount) entities"
            )
        }
        trimHeap()
        let rssSynced = residentBytes()
        print(
            String(
                format:
                    "initial sync: status ready after %.0f ms; store holds all %d entities (%d connections) after %.0f ms; process CPU %.2f s",
                milliseconds(readyAt - start), store.entityCount, store.connectionCount, milliseconds(storedAt - start),
                syncCPU
            ))
        print(
            String(
                format:
                    "rss: %d MiB before the source, %d MiB after the sync: +%d MiB (source cache, store, HTTP client, and the fake's transient answers; heap trimmed before each reading)",
                rssSeeded >> 20, rssSynced >> 20, (rssSynced - rssSeeded) >> 20
            ))

        if !syncOnly {
            try await stream(store: store, board: board, plan: plan, cluster: fake.cluster)
            trimHeap()
            print("rss at the end: \(residentBytes() >> 20) MiB")
        }
        sourceTask.cancel()
        await sourceTask.value
        await fake.stop()
    }

    /// The streaming phase: a gestalt server on the store, SSE clients, and pod changes at `rate`.
    private func stream(
        store: TopologyStore, board: SourceStatusBoard, plan: KubeBenchCluster, cluster: FakeCluster
    ) async throws {
        let server = GestaltServer(
            store: store, statusBoard: board, configuration: ServerConfiguration(host: "127.0.0.1", port: port))
        let probe = SequenceProbe()
        var httpConfiguration = HTTPClient.Configuration()
        httpConfiguration.timeout.read = nil
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfiguration)
        var logger = Logger(label: "bench")
        // Hummingbird logs its own shutdown at error level; nothing here is worth printing.
        logger.logLevel = .critical
        let app = server.makeApplication(logger: logger)
        let port = port, clients = clients, rate = rate, seconds = seconds
        let total = rate * seconds
        var writeTimes: [Double] = []
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            try await waitForServer("http://127.0.0.1:\(port)/healthz", client: http)
            for index in 0..<clients {
                group.addTask { try await probe.client(http, port: port, index: index) }
            }
            let connectDeadline = ContinuousClock.now + .seconds(60)
            while probe.connected.load(ordering: .relaxed) < clients, ContinuousClock.now < connectDeadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            print(
                "\(probe.connected.load(ordering: .relaxed)) SSE clients connected and received the full topology; rss \(residentBytes() >> 20) MiB"
            )
            let cpuStart = processCPUSeconds()
            let interval = Duration.seconds(1) / rate
            let started = ContinuousClock.now
            var next = started
            for seq in 0..<total {
                next += interval
                try await Task.sleep(until: next)
                let pod = plan.pod(at: seq)
                let before = ContinuousClock.now
                probe.sent(seq, at: before)
                try cluster.modify(.pods, namespace: pod.namespace, name: pod.name) { object in
                    KubeBenchCluster.stamp(&object, seq: seq)
                }
                writeTimes.append(milliseconds(.now - before))
            }
            let elapsed = milliseconds(.now - started) / 1000
            // Let the last changes arrive.
            let drainDeadline = ContinuousClock.now + .seconds(5)
            while probe.minimumReceived < total, ContinuousClock.now < drainDeadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let cpu = processCPUSeconds() - cpuStart
            print(
                String(
                    format: "pod changes: %d written in %.1f s (%.1f/s); process CPU %.2f s over the phase", total,
                    elapsed, Double(total) / elapsed, cpu))
            print(
                "  fake's own write (JSON decode, change, encode, fan-out): \(Percentiles(writeTimes).describe(unit: "ms"))"
            )
            print("  received per client: \(probe.receivedCounts.map(String.init).joined(separator: ", ")) of \(total)")
            print("watch event → SSE client latency: \(Percentiles(probe.latencies).describe(unit: "ms"))")
            let split = probe.storeLatencies
            if !split.isEmpty {
                print(
                    "  of which write → store apply (wall clock, 1 ms resolution): \(Percentiles(split).describe(unit: "ms"))"
                )
            }
            let stats = server.stats.snapshot
            print(
                "server sent \(stats.messagesSent) messages (\(stats.coalesced) coalesced, \(stats.resyncs) resyncs); store revision \(store.revision)"
            )
            group.cancelAll()
        }
        try await http.shutdown()
    }
}

/// Hands glibc's free pages back to the kernel, so that RSS readings show
/// live memory rather than what an earlier burst left in the allocator.
private func trimHeap() {
    #if canImport(Glibc)
    // malloc_trim is not in the Glibc module map; look it up (RTLD_DEFAULT is a null handle on Linux).
    typealias Trim = @convention(c) (Int) -> Int32
    if let symbol = dlsym(nil, "malloc_trim") { _ = unsafeBitCast(symbol, to: Trim.self)(0) }
    #endif
}

/// Matches pod changes written into the fake to the SSE messages that carry them.
final class SequenceProbe: Sendable {
    private struct State {
        var sentAt: [Int: ContinuousClock.Instant] = [:]
        var sentWall: [Int: Int64] = [:]
        var latencies: [Double] = []
        var storeLatencies: [Double] = []
        var received: [Int: Int] = [:]
    }

    private let state = Mutex(State())
    let connected = Atomic<Int>(0)

    static let key: [UInt8] = Array("\"\(KubeBenchCluster.sequenceLabel)\":\"".utf8)

    func sent(_ seq: Int, at instant: ContinuousClock.Instant) {
        let wall = Timestamp.now().millisecondsSince1970
        state.withLock {
            $0.sentAt[seq] = instant
            $0.sentWall[seq] = wall
        }
    }

    var latencies: [Double] { state.withLock { $0.latencies } }
    var storeLatencies: [Double] { state.withLock { $0.storeLatencies } }
    var receivedCounts: [Int] { state.withLock { s in s.received.keys.sorted().map { s.received[$0] ?? 0 } } }
    var minimumReceived: Int { state.withLock { s in s.received.values.min() ?? 0 } }

    /// One SSE client: counts as connected once its first message (the full topology) is in,
    /// then times every sequence number it sees for the first time.
    func client(_ http: HTTPClient, port: Int, index: Int) async throws {
        let response = try await http.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/infra/topology/stream"), timeout: .seconds(60))
        var scanner = SSEScanner()
        var seen = Set<Int>()
        var first = true
        state.withLock { $0.received[index] = 0 }
        for try await chunk in response.body {
            let now = ContinuousClock.now
            var found: [(seq: Int, stamp: Int64?)] = []
            scanner.feed(chunk) { id, bytes in
                guard id != nil else { return }
                if first {
                    first = false
                    connected.add(1, ordering: .relaxed)
                    return
                }
                let stamp = SSEScanner.timestampMilliseconds(in: bytes)
                for seq in Self.sequences(in: bytes) where seen.insert(seq).inserted { found.append((seq, stamp)) }
            }
            guard !found.isEmpty else { continue }
            state.withLock { s in
                for (seq, stamp) in found {
                    guard let sentAt = s.sentAt[seq] else { continue }
                    s.latencies.append(milliseconds(now - sentAt))
                    s.received[index, default: 0] += 1
                    // One client is enough for the split.
                    if index == 0, let stamp, let wall = s.sentWall[seq] {
                        s.storeLatencies.append(Double(stamp - wall))
                    }
                }
            }
        }
    }

    /// Every `"bench-seq":"<n>"` in a message.
    static func sequences(in bytes: ArraySlice<UInt8>) -> [Int] {
        var result: [Int] = []
        var i = bytes.startIndex
        let last = bytes.endIndex - key.count
        while i < last {
            if bytes[i] == key[0], bytes[(i + 1)..<(i + key.count)].elementsEqual(key.dropFirst()) {
                var j = i + key.count
                var value = 0
                while j < bytes.endIndex, bytes[j] >= 48, bytes[j] <= 57 {
                    value = value * 10 + Int(bytes[j] - 48); j += 1
                }
                if j > i + key.count { result.append(value) }
                i = j
            } else {
                i += 1
            }
        }
        return result
    }
}

/// A deterministic, realistic cluster for the fake: namespaces of
/// deployments, each with a current and an old replica set, pods owned by
/// the current one, a service selecting them, a config map and a secret the
/// pods reference, plus nodes, each namespace's `kube-root-ca.crt` config
/// map (projected into every pod, as in a real cluster) and a few events.
struct KubeBenchCluster {
    static let sequenceLabel = "bench-seq"
    static let appNames = [
        "web", "api", "worker", "cache", "auth", "search", "billing", "notify", "report", "gateway", "ledger", "media",
    ]

    struct App {
        var namespace: String
        var name: String
        var pods: [String]
    }

    let namespaceNames: [String]
    let apps: [App]
    let nodeCount: Int
    /// Every pod, interleaved across namespaces and apps so consecutive changes land in different places.
    let podOrder: [(namespace: String, name: String)]

    var podCount: Int { podOrder.count }
    var deploymentCount: Int { apps.count }
    /// Entities the source should show: namespaces, nodes, and per app a deployment, two replica sets,
    /// a service, a config map, a secret and the pods; per namespace the root CA config map.
    var entityCount: Int { namespaceNames.count + nodeCount + apps.count * 6 + namespaceNames.count + podCount }
    var objectCount: Int { entityCount + namespaceNames.count * Self.eventsPerNamespace }
    static let eventsPerNamespace = 10

    init(pods: Int, namespaces: Int, appsPerNamespace: Int) throws {
        guard pods > 0, namespaces > 0, appsPerNamespace > 0 else {
            throw BenchError("pods, namespaces and apps must be positive")
        }
        namespaceNames = (0..<namespaces).map { String(format: "team-%02d", $0) }
        var apps: [App] = []
        var podIndex = 0
        for (n, namespace) in namespaceNames.enumerated() {
            let inNamespace = pods / namespaces + (n < pods % namespaces ? 1 : 0)
            let appCount = max(1, min(appsPerNamespace, inNamespace))
            for a in 0..<appCount {
                let base = Self.appNames[a % Self.appNames.count]
                let name = a < Self.appNames.count ? base : "\(base)-\(a / Self.appNames.count)"
                let count = inNamespace / appCount + (a < inNamespace % appCount ? 1 : 0)
                let hash = Self.hash(namespace + name)
                let podNames = (0..<count).map { i -> String in
                    podIndex += 1
                    return "\(name)-\(hash)-\(Self.suffix(podIndex))"
                }
                apps.append(App(namespace: namespace, name: name, pods: podNames))
            }
        }
        self.apps = apps
        nodeCount = max(3, (pods + 99) / 100)
        // Round-robin over apps so that a run of changes touches every namespace.
        var order: [(namespace: String, name: String)] = []
        order.reserveCapacity(pods)
        let longest = apps.map(\.pods.count).max() ?? 0
        for i in 0..<longest {
            for app in apps where i < app.pods.count { order.append((app.namespace, app.pods[i])) }
        }
        podOrder = order
    }

    func pod(at seq: Int) -> (namespace: String, name: String) { podOrder[seq % podOrder.count] }

    func seed(_ cluster: FakeCluster) throws {
        for n in 0..<nodeCount { try cluster.create(.nodes, Self.node(Self.nodeName(n))) }
        for namespace in namespaceNames {
            try cluster.create(
                .namespaces,
                [
                    "metadata": ["name": namespace, "labels": ["kubernetes.io/metadata.name": namespace]],
                    "status": ["phase": "Active"],
                ])
            try cluster.create(
                .configMaps,
                [
                    "metadata": ["name": "kube-root-ca.crt", "namespace": namespace],
                    "data": [
                        "ca.crt":
                            "-----BEGIN CERTIFICATE-----\nMIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\n-----END CERTIFICATE-----\n"
                    ],
                ])
        }
        var podNumber = 0
        for app in apps {
            let hash = Self.hash(app.namespace + app.name)
            let oldHash = Self.hash(app.namespace + app.name + "old")
            let replicas = app.pods.count
            try cluster.create(
                .deployments, Self.workload(app, name: app.name, replicas: replicas, owner: nil, revision: 2))
            try cluster.create(
                .replicaSets,
                Self.workload(
                    app, name: "\(app.name)-\(hash)", replicas: replicas, owner: ("Deployment", app.name), revision: 2))
            try cluster.create(
                .replicaSets,
                Self.workload(
                    app, name: "\(app.name)-\(oldHash)", replicas: 0, owner: ("Deployment", app.name), revision: 1))
            try cluster.create(
                .services,
                [
                    "metadata": ["name": app.name, "namespace": app.namespace, "labels": ["app": app.name]],
                    "spec": [
                        "selector": ["app": app.name], "type": "ClusterIP",
                        "clusterIP": "10.96.\(podNumber % 250).\(podNumber / 250 % 250)",
                        "ports": [["name": "http", "port": 80, "targetPort": 8080, "protocol": "TCP"]],
                    ] as [String: Any],
                ])
            try cluster.create(
                .configMaps,
                [
                    "metadata": [
                        "name": "\(app.name)-config", "namespace": app.namespace, "labels": ["app": app.name],
                    ],
                    "data": ["app.properties": "log.level=info\nfeature.flags=a,b,c\n", "LISTEN_PORT": "8080"],
                ])
            try cluster.create(
                .secrets,
                [
                    "metadata": ["name": "\(app.name)-creds", "namespace": app.namespace, "labels": ["app": app.name]],
                    "type": "Opaque", "data": ["username": "YXBw", "password": "c3VwZXItc2VjcmV0LXZhbHVl"],
                ])
            for pod in app.pods {
                try cluster.create(
                    .pods,
                    Self.pod(app, name: pod, hash: hash, node: Self.nodeName(podNumber % nodeCount), number: podNumber))
                podNumber += 1
            }
        }
        for namespace in namespaceNames {
            let app = apps.first { $0.namespace == namespace }
            for e in 0..<Self.eventsPerNamespace {
                let pod = app?.pods[e % max(1, app?.pods.count ?? 1)] ?? "none"
                try cluster.create(
                    .events,
                    [
                        "metadata": ["name": "\(pod).\(String(format: "%016x", e + 1))", "namespace": namespace],
                        "involvedObject": ["kind": "Pod", "name": pod, "namespace": namespace],
                        "type": "Normal", "reason": e % 2 == 0 ? "Scheduled" : "Started",
                        "message": "event \(e) for \(pod)",
                        "count": 1, "lastTimestamp": "2026-11-23T10:00:\(String(format: "%02d", e))Z",
                        "source": ["component": "kubelet"],
                    ] as [String: Any])
            }
        }
    }

    /// The change a watch event carries: the sequence number in a label, and a readiness flip.
    static func stamp(_ object: inout [String: Any], seq: Int) {
        var metadata = object["metadata"] as? [String: Any] ?? [:]
        var labels = metadata["labels"] as? [String: Any] ?? [:]
        labels[sequenceLabel] = String(seq)
        metadata["labels"] = labels
        object["metadata"] = metadata
        if var status = object["status"] as? [String: Any],
            var containers = status["containerStatuses"] as? [[String: Any]], !containers.isEmpty
        {
            containers[0]["ready"] = !(containers[0]["ready"] as? Bool ?? true)
            status["containerStatuses"] = containers
            object["status"] = status
        }
    }

    static func nodeName(_ n: Int) -> String { String(format: "node-%03d", n) }

    static func hash(_ text: String) -> String {
        var value: UInt64 = 1_469_598_103_934_665_603
        for byte in text.utf8 { value = (value ^ UInt64(byte)) &* 1_099_511_628_211 }
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return String((0..<10).map { i in alphabet[Int((value >> (i * 5)) % UInt64(alphabet.count))] })
    }

    static func suffix(_ n: Int) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        // An affine map mod 27^5 with a multiplier prime to 27: a bijection, so names never collide.
        var value = (UInt64(n) &* 7919 &+ 12345) % 14_348_907
        return String(
            (0..<5).map { _ in
                defer { value /= UInt64(alphabet.count) }
                return alphabet[Int(value % UInt64(alphabet.count))]
            })
    }

    static func node(_ name: String) -> [String: Any] {
        [
            "metadata": [
                "name": name,
                "labels": [
                    "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
                    "node.kubernetes.io/instance-type": "m5.2xlarge",
                ],
            ],
            "spec": ["podCIDR": "10.244.0.0/24"],
            "status": [
                "conditions": [
                    ["type": "MemoryPressure", "status": "False"], ["type": "DiskPressure", "status": "False"],
                    ["type": "PIDPressure", "status": "False"], ["type": "Ready", "status": "True"],
                ],
                "capacity": ["cpu": "8", "memory": "32Gi", "pods": "110"],
                "allocatable": ["cpu": "7910m", "memory": "31Gi", "pods": "110"],
                "nodeInfo": [
                    "kubeletVersion": "v1.31.2", "osImage": "Ubuntu 24.04 LTS",
                    "containerRuntimeVersion": "containerd://1.7.22",
                ],
            ] as [String: Any],
        ]
    }

    static func workload(
        _ app: App, name: String, replicas: Int, owner: (String, String)?, revision: Int
    ) -> [String: Any] {
        var metadata: [String: Any] = [
            "name": name, "namespace": app.namespace, "labels": ["app": app.name], "generation": revision,
            "annotations": ["deployment.kubernetes.io/revision": String(revision)],
        ]
        if let owner {
            metadata["ownerReferences"] = [
                [
                    "apiVersion": "apps/v1", "kind": owner.0, "name": owner.1, "uid": "uid-\(app.namespace)-\(owner.1)",
                    "controller": true, "blockOwnerDeletion": true,
                ]
            ]
        }
        return [
            "metadata": metadata,
            "spec": ["replicas": replicas, "selector": ["matchLabels": ["app": app.name]]] as [String: Any],
            "status": [
                "observedGeneration": revision, "replicas": replicas, "readyReplicas": replicas,
                "updatedReplicas": replicas, "availableReplicas": replicas,
            ],
        ]
    }

    static func pod(_ app: App, name: String, hash: String, node: String, number: Int) -> [String: Any] {
        let image = "registry.example.com/\(app.namespace)/\(app.name):1.\(number % 7).0"
        let container: [String: Any] = [
            "name": app.name, "image": image, "imagePullPolicy": "IfNotPresent",
            "ports": [["name": "http", "containerPort": 8080, "protocol": "TCP"]],
            "env": [
                ["name": "POD_NAME", "valueFrom": ["fieldRef": ["fieldPath": "metadata.name"]]],
                [
                    "name": "DB_PASSWORD",
                    "valueFrom": ["secretKeyRef": ["name": "\(app.name)-creds", "key": "password"]],
                ],
            ] as [[String: Any]],
            "envFrom": [["configMapRef": ["name": "\(app.name)-config"]]],
            "resources": [
                "requests": ["cpu": "100m", "memory": "128Mi"], "limits": ["cpu": "500m", "memory": "512Mi"],
            ],
            "volumeMounts": [
                ["name": "config", "mountPath": "/etc/app"],
                [
                    "name": "kube-api-access", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                    "readOnly": true,
                ],
            ] as [[String: Any]],
            "readinessProbe": ["httpGet": ["path": "/ready", "port": 8080], "periodSeconds": 10],
        ]
        let volumes: [[String: Any]] = [
            ["name": "config", "configMap": ["name": "\(app.name)-config"]],
            [
                "name": "kube-api-access",
                "projected": [
                    "sources": [
                        ["serviceAccountToken": ["path": "token", "expirationSeconds": 3607]],
                        ["configMap": ["name": "kube-root-ca.crt", "items": [["key": "ca.crt", "path": "ca.crt"]]]],
                    ] as [[String: Any]]
                ],
            ],
        ]
        let ip = "10.244.\(number / 250 % 250).\(number % 250 + 2)"
        return [
            "metadata": [
                "name": name, "namespace": app.namespace, "generateName": "\(app.name)-\(hash)-",
                "labels": ["app": app.name, "pod-template-hash": hash, sequenceLabel: "init"],
                "ownerReferences": [
                    [
                        "apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "\(app.name)-\(hash)",
                        "uid": "uid-\(app.namespace)-\(app.name)-\(hash)", "controller": true,
                        "blockOwnerDeletion": true,
                    ]
                ],
                "managedFields": [
                    [
                        "manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
                        "fieldsType": "FieldsV1", "fieldsV1": ["f:metadata": ["f:labels": ["f:app": [String: Any]()]]],
                    ]
                ],
            ] as [String: Any],
            "spec": [
                "nodeName": node, "serviceAccountName": "default", "restartPolicy": "Always",
                "dnsPolicy": "ClusterFirst",
                "containers": [container], "volumes": volumes,
                "tolerations": [
                    [
                        "key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
                        "tolerationSeconds": 300,
                    ]
                ],
            ] as [String: Any],
            "status": [
                "phase": "Running", "hostIP": "192.168.0.\(number % 250 + 1)", "podIP": ip, "qosClass": "Burstable",
                "startTime": "2026-11-23T10:00:00Z",
                "conditions": [
                    ["type": "Initialized", "status": "True"], ["type": "Ready", "status": "True"],
                    ["type": "ContainersReady", "status": "True"], ["type": "PodScheduled", "status": "True"],
                ],
                "containerStatuses": [
                    [
                        "name": app.name, "image": image,
                        "imageID": "\(image)@sha256:\(String(repeating: "ab", count: 32))",
                        "containerID": "containerd://\(String(repeating: "cd", count: 32))", "ready": true,
                        "started": true,
                        "restartCount": 0, "state": ["running": ["startedAt": "2026-11-23T10:00:05Z"]],
                    ] as [String: Any]
                ],
            ] as [String: Any],
        ]
    }
}
