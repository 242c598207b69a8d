import Foundation
import GestaltConfig
import Testing

/// Each class of bad file gives one message with the file, line, column and key.
@Suite struct BadFileTests {
    @Test func yamlSyntaxErrorIsPlacedAtItsLine() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  docker:
                    socket: "unix:///var/run/docker.sock
                    poll_interval: 3.0
                """))
        // The unterminated string runs to the end of the text (line 4); the message says where it began.
        #expect(
            error.description
                == "x.yaml:4:23: invalid YAML: found unexpected end of stream (while scanning a quoted scalar at line 3)"
        )
        #expect(error.keyPath == "")
    }

    @Test func badIndentationIsASyntaxError() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  docker:
                    enabled: true
                   socket: "unix:///var/run/docker.sock"
                """))
        #expect(error.line == 4)
        #expect(error.message.hasPrefix("invalid YAML: "))
    }

    @Test func unknownKeyIsNamedWithASuggestion() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  kubernetes:
                    enabled: true
                    namespace: [default]
                """))
        #expect(
            error.description
                == #"x.yaml:4:5: collectors.kubernetes.namespace: unknown key (did you mean "namespaces"?)"#)
    }

    @Test func unknownKeyFarFromAnyHasNoSuggestion() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  redis:
                    enabled: true
                """))
        #expect(error.description == "x.yaml:2:3: collectors.redis: unknown key")
    }

    @Test func unknownTopLevelSectionIsAnError() throws {
        let error = try #require(
            failure(
                """
                visualisation:
                  max_entities: 10
                """))
        #expect(error.description == #"x.yaml:1:1: visualisation: unknown key (did you mean "visualization"?)"#)
    }

    @Test func wrongTypeNamesTheExpectedType() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  docker:
                    enabled: true
                    socket: "unix:///var/run/docker.sock"
                    poll_interval: "fast"
                """))
        #expect(
            error.description
                == #"x.yaml:5:20: collectors.docker.poll_interval: expected a number of seconds, got "fast""#)
    }

    @Test func quotedNumberIsNotANumber() throws {
        let error = try #require(failure("visualization:\n  max_entities: \"1000\"\n"))
        #expect(
            error.description == #"x.yaml:2:17: visualization.max_entities: expected a number of entities, got "1000""#)
    }

    @Test func wrongTypeForABoolean() throws {
        let error = try #require(failure("collectors:\n  nats:\n    enabled: sometimes\n"))
        #expect(error.description == #"x.yaml:3:14: collectors.nats.enabled: expected true or false, got "sometimes""#)
    }

    @Test func aMappingWhereAListBelongs() throws {
        let error = try #require(failure("collectors:\n  kubernetes:\n    namespaces: default\n"))
        #expect(
            error.description
                == #"x.yaml:3:17: collectors.kubernetes.namespaces: expected a list of namespaces, got "default""#)
    }

    @Test func negativePollIntervalIsOutOfRange() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  nats:
                    url: "nats://127.0.0.1:4222"
                    poll_interval: -2
                """))
        #expect(
            error.description
                == "x.yaml:4:20: collectors.nats.poll_interval: must be more than 0 and at most 86400 seconds, got -2")
    }

    @Test func thresholdOutsideZeroToOne() throws {
        let error = try #require(
            failure(
                """
                health:
                  cpu_warning_threshold: 70
                """))
        #expect(error.description == "x.yaml:2:26: health.cpu_warning_threshold: must be from 0 to 1, got 70")
    }

    @Test func warningAboveCritical() throws {
        let error = try #require(
            failure(
                """
                health:
                  memory_warning_threshold: 0.97
                  memory_critical_threshold: 0.9
                """))
        #expect(
            error.description
                == "x.yaml:2:29: health.memory_warning_threshold: memory_warning_threshold (0.97) is above memory_critical_threshold (0.9)"
        )
    }

    @Test func warningAboveTheDefaultCritical() throws {
        // Only the warning is written; the critical it exceeds is the default 0.9.
        let error = try #require(failure("health:\n  cpu_warning_threshold: 0.95\n"))
        #expect(error.line == 2)
        #expect(error.keyPath == "health.cpu_warning_threshold")
    }

    @Test func duplicateInstanceName() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  docker:
                    hosts:
                      - name: build
                        socket: "unix:///var/run/docker.sock"
                      - name: build
                        socket: "tcp://10.0.0.5:2375"
                """))
        #expect(
            error.description
                == #"x.yaml:6:15: collectors.docker.hosts[1].name: duplicate name "build": already used at line 4 (collectors.docker.hosts[0].name)"#
        )
    }

    @Test func badInstanceName() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  nats:
                    servers:
                      - name: Edge_1
                        url: "nats://127.0.0.1:4222"
                """))
        #expect(
            error.description
                == #"x.yaml:4:15: collectors.nats.servers[0].name: a name must match [a-z0-9][a-z0-9-]* (at most 63 characters), got "Edge_1""#
        )
    }

    @Test func listEntryWithoutAName() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  kubernetes:
                    clusters:
                      - context: prod
                        kubeconfig: /dev/null
                """))
        #expect(error.description == "x.yaml:4:9: collectors.kubernetes.clusters[0].name: every cluster needs a name")
    }

    @Test func unreadableKubeconfig() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  kubernetes:
                    enabled: true
                    kubeconfig: /nonexistent/kubeconfig
                """))
        #expect(
            error.description == "x.yaml:4:17: collectors.kubernetes.kubeconfig: no such file: /nonexistent/kubeconfig")
    }

    @Test func kubeconfigOfADisabledSourceIsNotOpened() throws {
        let configuration = try parse(
            "collectors:\n  kubernetes:\n    enabled: false\n    kubeconfig: /nonexistent/kubeconfig\n")
        #expect(configuration.kubernetes.isEmpty)
    }

    @Test func duplicateYAMLKey() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  docker:
                    poll_interval: 3
                    poll_interval: 4
                """))
        #expect(error.line == 3)
        #expect(error.message == #"duplicate key "poll_interval" in one mapping"#)
    }

    @Test func badURLScheme() throws {
        let error = try #require(failure("collectors:\n  docker:\n    socket: /var/run/docker.sock\n"))
        #expect(error.line == 3)
        #expect(error.column == 13)
        #expect(error.keyPath == "collectors.docker.socket")
        #expect(error.message == #"expected a URL (unix://, tcp://, http://, https://), got "/var/run/docker.sock""#)
        let scheme = try #require(failure("collectors:\n  docker:\n    socket: ssh://host\n"))
        #expect(
            scheme.message == #"expected a URL with scheme unix:// or tcp:// or http:// or https://, got "ssh://host""#)
    }

    @Test func unknownChoiceSuggestsTheNearest() throws {
        let error = try #require(failure("visualization:\n  layout_algorithm: force-directed-2d\n"))
        #expect(
            error.description
                == #"x.yaml:2:21: visualization.layout_algorithm: expected one of force-directed-3d, none, got "force-directed-2d" (did you mean "force-directed-3d"?)"#
        )
    }

    @Test func mergeKeysAreRefusedByName() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  docker:
                    hosts:
                      - &base {name: a, socket: "unix:///a.sock"}
                      - <<: *base
                        name: b
                """))
        #expect(
            error.description
                == "x.yaml:5:9: collectors.docker.hosts[1].<<: merge keys (<<) are not supported: write the keys out")
    }

    @Test func rootMustBeAMapping() throws {
        let error = try #require(failure("- collectors\n"))
        #expect(error.description == "x.yaml:1:1: expected a mapping, got a list")
    }

    @Test func missingFileIsAnError() {
        #expect(
            throws: ConfigurationError(
                file: "/nonexistent/gestalt.yaml", line: 0, column: 0, keyPath: "", message: "no such file")
        ) {
            try GestaltConfiguration.load(path: "/nonexistent/gestalt.yaml")
        }
    }

    @Test func errorsInALoadedFileNameIt() throws {
        try withTemporaryDirectory { directory in
            let path = directory + "/bad.yaml"
            _ = FileManager.default.createFile(
                atPath: path, contents: Data("health:\n  cpu_critical_threshold: high\n".utf8))
            #expect(
                throws: ConfigurationError(
                    file: path, line: 2, column: 27, keyPath: "health.cpu_critical_threshold",
                    message: #"expected a fraction from 0 to 1, got "high""#
                )
            ) {
                try GestaltConfiguration.load(path: path)
            }
        }
    }

    @Test func enabledPostgresWithoutURLs() throws {
        let error = try #require(failure("collectors:\n  postgres:\n    enabled: true\n"))
        #expect(error.description == "x.yaml:3:5: collectors.postgres.urls: list at least one postgres:// URL")
    }

    @Test func severalUnnamedDatabases() throws {
        let error = try #require(
            failure(
                """
                collectors:
                  postgres:
                    urls:
                      - postgres://a@127.0.0.1/a
                      - postgres://b@127.0.0.1/b
                """))
        #expect(error.line == 4)
        #expect(error.keyPath == "collectors.postgres.urls[0]")
        #expect(error.message == "several databases need names: write {name: ..., url: ...} for each")
    }

    @Test func alertRuleWithoutACondition() throws {
        let error = try #require(
            failure(
                """
                alerts:
                  rules:
                    - name: quiet
                      severity: critical
                """))
        #expect(
            error.description
                == "x.yaml:3:7: alerts.rules[0].health_below: a rule needs a condition: health_below, statuses, or both"
        )
    }

    @Test func alertRuleToAnUnconfiguredChannel() throws {
        let error = try #require(
            failure(
                """
                alerts:
                  rules:
                    - name: db
                      statuses: [failed]
                      notify: [pagerduty]
                """))
        #expect(
            error.description
                == "x.yaml:5:16: alerts.rules[0].notify[0]: pagerduty is not configured in alerts (no pagerduty_key)")
    }

    @Test func unknownEntityKindInARule() throws {
        let error = try #require(
            failure(
                """
                alerts:
                  rules:
                    - name: db
                      kinds: [databse]
                      health_below: 0.5
                """))
        #expect(error.line == 4)
        #expect(error.keyPath == "alerts.rules[0].kinds[0]")
        #expect(error.message.hasSuffix(#"got "databse" (did you mean "database"?)"#))
    }

    @Test func historyNeedsSomewhereToWrite() throws {
        let error = try #require(failure("history:\n  retention: 7d\n"))
        #expect(
            error.description
                == "x.yaml:2:3: history.data_dir: history needs data_dir (a directory) or url (postgres://...)")
    }

    @Test func badDurationAndSize() throws {
        let duration = try #require(failure("history:\n  data_dir: /tmp/h\n  retention: 7 days\n"))
        #expect(duration.line == 3)
        #expect(duration.message.hasPrefix("expected a duration"))
        let size = try #require(failure("history:\n  data_dir: /tmp/h\n  max_bytes: lots\n"))
        #expect(size.line == 3)
        #expect(size.keyPath == "history.max_bytes")
    }
}
