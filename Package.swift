// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// `GESTALT_OPTIMIZE_HOT=1 swift build` compiles the history bench's hot path (model, store, history) with -O
// inside a debug build, for figures without a release build of every dependency (docs/BENCHMARKS.md).
let hotSettings =
    swiftSettings + (Context.environment["GESTALT_OPTIMIZE_HOT"] == nil ? [] : [.unsafeFlags(["-O"])])

let package = Package(
    name: "gestalt",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gestalt", targets: ["gestalt"]),
        .executable(name: "gestalt-bench", targets: ["gestalt-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // Tests only: a TestClock to drive timers without waiting.
        .package(url: "https://github.com/pointfreeco/swift-clocks.git", from: "1.1.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
    ],
    targets: [
        // The wire model of PROTOCOL.md: value types, JSON in and out, health scoring, filters.
        .target(
            name: "GestaltModel",
            swiftSettings: hotSettings
        ),
        // The single source of truth: revisions, meaningful-change thresholds, retained update log, events.
        .target(
            name: "GestaltEngine",
            dependencies: [
                "GestaltModel",
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: hotSettings
        ),
        // Incremental 3D force-directed layout (Barnes-Hut), publishing positions through the store.
        .target(
            name: "GestaltLayout",
            dependencies: [
                "GestaltModel", "GestaltEngine",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Pod-churn smoothing between sources and the store: debounce, lifecycle holds, churn summaries.
        .target(
            name: "GestaltChurn",
            dependencies: ["GestaltModel", "GestaltEngine"],
            swiftSettings: swiftSettings
        ),
        // The embedded simulated cluster: the default source.
        .target(
            name: "GestaltSimulator",
            dependencies: ["GestaltModel", "GestaltEngine"],
            swiftSettings: swiftSettings
        ),
        // Kubernetes list+watch source (reflectors feeding one cache).
        .target(
            name: "GestaltKubernetes",
            dependencies: [
                "GestaltModel", "GestaltEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The YAML configuration file read into typed, validated values (pure data: no source depends on it).
        .target(
            name: "GestaltConfig",
            dependencies: [
                "GestaltModel",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // PostgreSQL source: servers and databases with pool use, size, rates and slow queries.
        .target(
            name: "GestaltPostgres",
            dependencies: [
                "GestaltModel", "GestaltEngine",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        // Docker Engine source: lists, the events stream and per-container stats streams over the unix socket.
        .target(
            name: "GestaltDocker",
            dependencies: [
                "GestaltModel", "GestaltEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Enrichment from Prometheus: instant queries per kind and metric, laid over entities and edges.
        .target(
            name: "GestaltPrometheus",
            dependencies: [
                "GestaltModel", "GestaltEngine",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            ],
            swiftSettings: swiftSettings
        ),
        // A faithful fake Kubernetes API server, for tests and benchmarks.
        .target(
            name: "FakeKubeAPI",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Fan-out of encoded updates to SSE (and later WebSocket) clients.
        .target(
            name: "GestaltStreaming",
            dependencies: [
                "GestaltModel", "GestaltEngine",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The recorded past: every update and event in SQLite, checkpoints, rebuilds, retention.
        .target(
            name: "GestaltHistory",
            dependencies: [
                "GestaltModel", "GestaltEngine",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
            ],
            swiftSettings: hotSettings
        ),
        // Alert rules (Prometheus-style pending/firing/resolved) and their delivery to Slack, PagerDuty, webhooks.
        .target(
            name: "GestaltAlerts",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltConfig",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The HTTP surface: routes, graph API, SSE, metrics, the embedded UI.
        .target(
            name: "GestaltServer",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltStreaming", "GestaltConfig",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedUI"]
        ),
        .executableTarget(
            name: "gestalt",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltSimulator", "GestaltKubernetes", "GestaltLayout",
                "GestaltChurn",
                "GestaltServer", "GestaltStreaming", "GestaltConfig", "GestaltHistory", "GestaltPostgres",
                "GestaltNATS", "GestaltDocker", "GestaltPrometheus",
                "GestaltAlerts", "NATSClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // A NATS client over SwiftNIO: protocol decoder, async API, reconnect, JetStream basics. No Gestalt dependency.
        .target(
            name: "NATSClient",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            // Runtime exclusivity checks cost ~5% of the publish and decode paths in
            // `perf`; they stay on: a memory-safety check is worth more than 5%.
            swiftSettings: swiftSettings
        ),
        // The NATS collector: monitoring endpoints and sampled message flow into the topology.
        .target(
            name: "GestaltNATS",
            dependencies: [
                "GestaltModel", "GestaltEngine", "NATSClient",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Benchmarks against real peers; the product links none of it.
        .executableTarget(
            name: "gestalt-bench",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltKubernetes", "GestaltLayout", "GestaltServer",
                "GestaltStreaming",
                "FakeKubeAPI", "GestaltPostgres", "GestaltHistory", "NATSClient", "GestaltDocker", "GestaltPrometheus",
                "TestPeers", "GestaltNATS",
                "GestaltAlerts", "GestaltConfig",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                // The load client's permessage-deflate (`load --ws-deflate`).
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // Turns ui/ into one Swift source of base64 literals, so the binary carries its UI.
        .executableTarget(name: "ui-embedder", path: "Plugins/UIEmbedderTool", swiftSettings: swiftSettings),
        .plugin(name: "EmbedUI", capability: .buildTool(), dependencies: ["ui-embedder"]),

        // Starts real peers (nats-server, postgres, prometheus, dockerd) for the tests.
        .target(
            name: "TestPeers", dependencies: [.product(name: "Logging", package: "swift-log")], path: "Tests/TestPeers",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "NATSClientTests",
            dependencies: [
                "NATSClient", "TestPeers",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltNATSTests",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltNATS", "NATSClient", "TestPeers",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltModelTests", dependencies: ["GestaltModel"], exclude: ["Golden"], swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltEngineTests", dependencies: ["GestaltModel", "GestaltEngine", "TestPeers"],
            swiftSettings: swiftSettings),
        // A fan-out client on an EmbeddedChannel, for the streaming and server tests.
        .target(
            name: "StreamingTestSupport",
            dependencies: [
                "GestaltEngine", "GestaltStreaming",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                "GestaltModel",
            ],
            path: "Tests/StreamingTestSupport",
            swiftSettings: swiftSettings
        ),
        // The streaming core without a server: framing, cursors, ticks on a test clock.
        .testTarget(
            name: "GestaltStreamingTests",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltStreaming", "TestPeers", "StreamingTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Clocks", package: "swift-clocks"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltChurnTests",
            dependencies: ["GestaltModel", "GestaltEngine", "GestaltChurn", "GestaltSimulator", "TestPeers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltAlertsTests",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltConfig", "GestaltAlerts", "TestPeers",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltConfigTests", dependencies: ["GestaltConfig", "GestaltModel"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GestaltLayoutTests",
            dependencies: ["GestaltModel", "GestaltEngine", "GestaltLayout", "TestPeers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltSimulatorTests",
            dependencies: ["GestaltModel", "GestaltEngine", "GestaltSimulator", "TestPeers"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltKubernetesTests",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltKubernetes", "FakeKubeAPI", "GestaltChurn", "TestPeers",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltPostgresTests",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltPostgres", "TestPeers",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltHistoryTests",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltHistory", "GestaltServer", "TestPeers",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltDockerTests",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltDocker", "TestPeers",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltPrometheusTests",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltPrometheus", "GestaltServer", "TestPeers",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GestaltServerTests",
            dependencies: [
                "GestaltModel", "GestaltEngine", "GestaltServer", "GestaltStreaming", "GestaltSimulator",
                "GestaltAlerts", "GestaltConfig", "GestaltHistory", "StreamingTestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "JWTKit", package: "jwt-kit"),
                // The graph events bridge fed by a real nats-server (GraphEventsNATSBridgeTests).
                "GestaltNATS", "NATSClient", "TestPeers",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSCompression", package: "hummingbird-websocket"),
                // Compresses client frames in DirectWebSocketDeflateTests.
                .product(name: "CompressNIO", package: "compress-nio"),
                // The WebSocket heartbeat on a test clock (WebSocketHeartbeatTests).
                .product(name: "Clocks", package: "swift-clocks"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
