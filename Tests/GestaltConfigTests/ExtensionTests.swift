import Foundation
import GestaltConfig
import GestaltModel
import Testing

/// Our additions to the plan's file: several instances per source, Postgres,
/// the simulator, history and alert rules.
@Suite struct ExtensionTests {
    @Test func clustersInheritFromTheSection() throws {
        try withTemporaryDirectory { directory in
            _ = FileManager.default.createFile(
                atPath: directory + "/kubeconfig", contents: Data("apiVersion: v1\n".utf8))
            let configuration = try parse(
                """
                collectors:
                  kubernetes:
                    kubeconfig: kubeconfig
                    namespaces: [shop]
                    poll_interval: 7
                    clusters:
                      - name: prod
                        context: prod-eu
                      - name: staging
                        context: kind-staging
                        namespaces: []
                        poll_interval: 1.5
                """, directory: directory)
            let path = URL(fileURLWithPath: directory + "/kubeconfig").standardizedFileURL.path
            #expect(
                configuration.kubernetes == [
                    KubernetesInstance(
                        name: "prod", credentials: .kubeconfig(path: path), context: "prod-eu", namespaces: ["shop"],
                        pollInterval: .seconds(7)),
                    KubernetesInstance(
                        name: "staging", credentials: .kubeconfig(path: path), context: "kind-staging", namespaces: [],
                        pollInterval: .milliseconds(1500)),
                ])
        }
    }

    @Test func theSingleFormIsOneUnnamedInstance() throws {
        let configuration = try parse("collectors:\n  kubernetes:\n    namespaces: [a, b]\n")
        #expect(
            configuration.kubernetes == [
                KubernetesInstance(name: nil, credentials: .inCluster, namespaces: ["a", "b"])
            ])
    }

    @Test func aContextWithoutAKubeconfigIsRefused() throws {
        let error = try #require(failure("collectors:\n  kubernetes:\n    context: prod\n"))
        #expect(error.keyPath == "collectors.kubernetes.context")
        #expect(error.line == 3)
    }

    @Test func sameNameInDifferentKindsIsFine() throws {
        let configuration = try parse(
            """
            collectors:
              docker:
                hosts:
                  - {name: edge, socket: "tcp://10.0.0.5:2375"}
                  - {name: build, socket: "unix:///run/docker.sock", poll_interval: 10}
              nats:
                subjects: ["orders.>"]
                servers:
                  - {name: edge, url: "nats://10.0.0.7:4222", monitor_url: "http://10.0.0.7:8222"}
                  - {name: core, url: "tls://nats.internal:4222", subjects: ["core.*"]}
            """)
        #expect(
            configuration.docker == [
                DockerInstance(name: "edge", socket: URL(string: "tcp://10.0.0.5:2375")!, pollInterval: .seconds(3)),
                DockerInstance(
                    name: "build", socket: URL(string: "unix:///run/docker.sock")!, pollInterval: .seconds(10)),
            ])
        #expect(
            configuration.nats == [
                NATSInstance(
                    name: "edge", url: URL(string: "nats://10.0.0.7:4222")!,
                    monitorURL: URL(string: "http://10.0.0.7:8222")!, subjects: ["orders.>"]),
                NATSInstance(name: "core", url: URL(string: "tls://nats.internal:4222")!, subjects: ["core.*"]),
            ])
    }

    @Test func aHostNeedsItsOwnSocket() throws {
        let error = try #require(failure("collectors:\n  docker:\n    hosts:\n      - name: a\n"))
        #expect(error.description == "x.yaml:4:9: collectors.docker.hosts[0].socket: every host needs a socket")
    }

    @Test func anEmptyInstanceListIsRefused() throws {
        let error = try #require(failure("collectors:\n  nats:\n    servers: []\n"))
        #expect(
            error.description == "x.yaml:3:14: collectors.nats.servers: list at least one server, or leave servers out")
    }

    @Test func badSubjects() throws {
        for subject in ["a..b", "a.>.b", "a b", "ab*"] {
            let error = try #require(failure("collectors:\n  nats:\n    subjects: [\"\(subject)\"]\n"))
            #expect(error.keyPath == "collectors.nats.subjects[0]")
        }
    }

    @Test func postgresNamedDatabases() throws {
        let configuration = try parse(
            """
            collectors:
              postgres:
                urls:
                  - {name: orders, url: "postgres://gestalt:s3cret@db1:5432/orders"}
                  - {name: users, url: "postgresql://gestalt@db2/users?sslmode=require"}
                poll_interval: 30
                allow_query_text: true
            """)
        let postgres = try #require(configuration.postgres)
        #expect(postgres.databases.map(\.name) == ["orders", "users"])
        #expect(postgres.pollInterval == .seconds(30))
        #expect(postgres.allowQueryText)
        // The summary never prints a password.
        #expect(
            configuration.summary.contains(
                "postgres@orders: postgres://gestalt:xxxxx@db1:5432/orders, every 30s, query text shown"))
        #expect(!configuration.summary.joined().contains("s3cret"))
    }

    @Test func simulatorRunsOnlyWhenEnabled() throws {
        #expect(try parse("collectors:\n  simulator:\n    enabled: false\n    seed: 3\n").simulator == nil)
        let simulator = try parse("collectors:\n  simulator:\n    seed: 3\n    size: 500\n    rate: 0\n").simulator
        #expect(simulator == SimulatorSettings(seed: 3, size: 500, rate: 0))
        let error = try #require(failure("collectors:\n  simulator:\n    size: 5\n"))
        #expect(error.description == "x.yaml:3:11: collectors.simulator.size: must be from 10 to 200000, got 5")
    }

    @Test func history() throws {
        try withTemporaryDirectory { directory in
            let local = try #require(
                try parse("history:\n  data_dir: data\n  retention: 36h\n  max_bytes: 512MiB\n", directory: directory)
                    .history)
            #expect(local.storage == .directory(URL(fileURLWithPath: directory + "/data").standardizedFileURL.path))
            #expect(local.retention == .seconds(36 * 3600))
            #expect(local.maxBytes == 512 << 20)
        }
        let database = try #require(
            try parse(
                "history:\n  url: postgres://gestalt@127.0.0.1/history\n  retention: 3600\n  max_bytes: 1000000\n"
            ).history)
        #expect(database.storage == .database(URL(string: "postgres://gestalt@127.0.0.1/history")!))
        #expect(database.retention == .seconds(3600))
        #expect(database.maxBytes == 1_000_000)
        let off = try parse("history:\n  enabled: false\n")
        #expect(
            off.history == nil && off.historyDisabled, "`gestalt serve` tells an explicit off from an absent section")
        #expect(try parse("alerts:\n  enabled: true\n").historyDisabled == false)
        let both = try #require(failure("history:\n  data_dir: /tmp/h\n  url: postgres://h@127.0.0.1/h\n"))
        #expect(both.keyPath == "history.url")
    }

    @Test func alertChannelsAndRules() throws {
        let alerts = try parse(
            """
            alerts:
              slack_url: "http://127.0.0.1:9999/slack"
              pagerduty_key: "R0UTING"
              pagerduty_url: "http://127.0.0.1:9999/pagerduty"
              webhook_url: "http://127.0.0.1:9999/hook"
              rules:
                - name: slow-db
                  kinds: [database, pod]
                  namespaces: [shop]
                  health_below: 0.6
                  for: 2m
                  severity: error
                  notify: [slack, webhook]
            """
        ).alerts
        #expect(alerts.enabled)
        #expect(alerts.slackURL == URL(string: "http://127.0.0.1:9999/slack"))
        #expect(alerts.pagerDutyKey == "R0UTING")
        #expect(alerts.pagerDutyURL == URL(string: "http://127.0.0.1:9999/pagerduty"))
        #expect(alerts.configuredChannels == [.slack, .pagerduty, .webhook])
        #expect(
            alerts.rules == [
                AlertRule(
                    name: "slow-db", kinds: [.database, .pod], namespaces: ["shop"], healthBelow: 0.6,
                    holdFor: .seconds(120),
                    severity: .error, channels: [.slack, .webhook]
                )
            ])
        let twice = try #require(
            failure("alerts:\n  slack_webhook: https://hooks.slack.com/a\n  slack_url: https://hooks.slack.com/b\n"))
        #expect(twice.keyPath == "alerts.slack_url")
        #expect(twice.line == 3)
    }

    @Test func ruleNamesAreUnique() throws {
        let error = try #require(
            failure(
                """
                alerts:
                  rules:
                    - {name: a, health_below: 0.5}
                    - {name: a, statuses: [failed]}
                """))
        #expect(error.keyPath == "alerts.rules[1].name")
        #expect(error.line == 4)
    }
}

/// What an absent section, key or null means.
@Suite struct DefaultTests {
    @Test func anEmptyFileRunsNothing() throws {
        for text in ["", "# only a comment\n", "---\n"] {
            let configuration = try parse(text)
            #expect(configuration == GestaltConfiguration())
            #expect(!configuration.hasSources)
            #expect(configuration.summary == ["no sources enabled: the map would stay empty"])
        }
    }

    @Test func defaultsOfTheTypedValues() {
        let configuration = GestaltConfiguration()
        #expect(
            configuration.visualization
                == VisualizationSettings(maxEntities: 1000, layoutAlgorithm: .forceDirected3D, animationFPS: 60))
        #expect(
            configuration.health
                == HealthThresholds(cpuWarning: 0.7, cpuCritical: 0.9, memoryWarning: 0.8, memoryCritical: 0.95))
        #expect(!configuration.alerts.enabled)
        #expect(configuration.alerts.pagerDutyURL == URL(string: "https://events.pagerduty.com/v2/enqueue"))
        #expect(configuration.alerts.rules == [AlertRule.criticalHealth])
        #expect(AlertRule.criticalHealth.healthBelow == 0.5)
    }

    @Test func aWrittenSectionIsEnabledAndTakesDefaults() throws {
        let configuration = try parse("collectors:\n  docker: {}\n  nats:\n  kubernetes:\n    enabled: null\n")
        #expect(configuration.docker == [DockerInstance()])
        #expect(configuration.docker.first?.socket == URL(string: "unix:///var/run/docker.sock"))
        // `nats:` with nothing after it is null: the section's defaults, enabled.
        #expect(configuration.nats == [NATSInstance()])
        #expect(configuration.kubernetes == [KubernetesInstance()])
    }

    @Test func disabledSourcesAreEmptyButStillChecked() throws {
        let configuration = try parse("collectors:\n  docker:\n    enabled: false\n  otel:\n    enabled: false\n")
        #expect(configuration.docker.isEmpty)
        #expect(configuration.otel == nil)
        // A typo in a disabled section is still a typo.
        let error = try #require(failure("collectors:\n  docker:\n    enabled: false\n    sockett: x\n"))
        #expect(error.keyPath == "collectors.docker.sockett")
    }

    @Test func summaryNamesEveryInstance() throws {
        let configuration = try parse(
            """
            collectors:
              docker:
                hosts:
                  - {name: a, socket: "unix:///a.sock"}
                  - {name: b, socket: "unix:///b.sock"}
            """)
        #expect(configuration.summary == ["docker@a: unix:///a.sock, every 3s", "docker@b: unix:///b.sock, every 3s"])
    }
}
