import GestaltDocker
import GestaltEngine
import GestaltModel
import NIOCore
import Testing

@Suite("Docker wire parsing")
struct WireTests {
    @Test func framerJoinsLinesAcrossEverySplit() throws {
        let text = #"{"a":1}"# + "\n" + #"{"b":2}"# + "\r\n\n" + #"{"c":3}"# + "\n"
        let bytes = Array(text.utf8)
        for cut in 0...bytes.count {
            var framer = LineFramer()
            var lines = try framer.append(ByteBuffer(bytes: bytes[..<cut]))
            lines += try framer.append(ByteBuffer(bytes: bytes[cut...]))
            #expect(lines.map { String(buffer: $0) } == [#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#], "cut at \(cut)")
            #expect(framer.remainder == 0)
        }
    }

    @Test func framerByteByByteKeepsAPartialLine() throws {
        var framer = LineFramer()
        var lines: [ByteBuffer] = []
        for byte in Array("one\ntw".utf8) { lines += try framer.append(ByteBuffer(bytes: [byte])) }
        #expect(lines.map { String(buffer: $0) } == ["one"])
        #expect(framer.remainder == 2)
    }

    @Test func framerRefusesAnEndlessLine() throws {
        var framer = LineFramer(maxLineBytes: 16)
        #expect(throws: DockerError.self) {
            _ = try framer.append(ByteBuffer(string: String(repeating: "x", count: 17)))
        }
    }

    @Test func garbageIsAMalformedErrorNotACrash() {
        for garbage in ["", "not json", "[1,2]", #"{"Type":3}"#, "\u{0}\u{1}", #"{"Id":"x"}"#] {
            #expect(throws: DockerError.self) {
                _ = try DockerClient.decode(DockerEvent.self, from: ByteBuffer(string: garbage), what: "test")
            }
        }
        #expect(throws: DockerError.self) {
            _ = try DockerClient.decode(
                [ContainerSummary].self, from: ByteBuffer(string: #"[{"Names":[]}]"#), what: "test")
        }
        #expect(throws: DockerError.self) {
            _ = try DockerClient.decode(
                StatsSample.self, from: ByteBuffer(string: #"{"cpu_stats":"high"}"#), what: "test")
        }
    }

    @Test func aContainerListEntryDecodes() throws {
        let json = #"""
            [{"Id":"ab01","Names":["/t2"],"Image":"busybox","Created":1796528973,"Labels":{"com.docker.compose.project":"shop"},
              "State":"exited","Status":"Exited (3) 2 seconds ago","HostConfig":{"NetworkMode":"gnet"},
              "NetworkSettings":{"Networks":{"gnet":{"NetworkID":"9041"}}},
              "Mounts":[{"Type":"volume","Name":"vol1"},{"Type":"bind","Source":"/etc"}]}]
            """#
        let container = try #require(
            try DockerClient.decode([ContainerSummary].self, from: ByteBuffer(string: json), what: "list").first)
        #expect(container.name == "t2")
        #expect(container.composeProject == "shop")
        #expect(container.exitCode == 3)
        #expect(container.networks == ["gnet": "9041"])
        #expect(container.volumes == ["vol1"])
        #expect(DockerMapping.status(of: container) == .failed)
    }

    @Test func anEventDecodesAndResumesAtItsNanosecond() throws {
        let json =
            #"{"status":"die","id":"8a41","Type":"container","Action":"die","Actor":{"ID":"8a41","Attributes":{"exitCode":"137","name":"oom"}},"scope":"local","time":1796528979,"timeNano":1796528979018002366}"#
        let event = try DockerClient.decode(DockerEvent.self, from: ByteBuffer(string: json), what: "event")
        #expect(event.action == "die")
        #expect(event.attributes["exitCode"] == "137")
        #expect(DockerEvent.sinceParameter(timeNano: event.timeNano) == "1796528979.018002366")
    }

    @Test func theCursorLetsEachEventThroughOnce() {
        var cursor = EventCursor(openedAtNano: 5_000_000_000)
        #expect(cursor.resumeQuery.map(\.1) == ["5.000000000"])
        let a = DockerEvent(type: "container", action: "start", actorID: "a", timeNano: 10)
        let b = DockerEvent(type: "container", action: "start", actorID: "b", timeNano: 10)
        let c = DockerEvent(type: "container", action: "die", actorID: "a", timeNano: 11)
        let first = [cursor.admit(a), cursor.admit(b)]
        #expect(first == [true, true])
        #expect(cursor.resumeQuery.map(\.1) == ["0.000000010"])
        // A resumed stream replays the last instant: a and b again, then c.
        let replayed = [cursor.admit(a), cursor.admit(b), cursor.admit(c), cursor.admit(b)]
        #expect(replayed == [false, false, true, false])
    }

    @Test func statsBecomeUsageAndRates() throws {
        let json = #"""
            {"cpu_stats":{"cpu_usage":{"total_usage":3000000000},"system_cpu_usage":20000000000,"online_cpus":2},
             "precpu_stats":{"cpu_usage":{"total_usage":2000000000},"system_cpu_usage":18000000000,"online_cpus":2},
             "memory_stats":{"usage":10000,"limit":80000,"stats":{"total_inactive_file":2000}},
             "networks":{"eth0":{"rx_bytes":1000,"tx_bytes":500},"eth1":{"rx_bytes":1000,"tx_bytes":0}},"pids_stats":{"current":3}}
            """#
        let sample = try DockerClient.decode(StatsSample.self, from: ByteBuffer(string: json), what: "stats")
        var rates = StatsRates()
        let start = ContinuousClock.now
        let first = rates.metrics(for: sample, at: start)
        #expect(first.cpuPercent == 100)  // 1 s of CPU over 2 s of system time on 2 CPUs
        #expect(first.memoryBytes == 8000)
        #expect(first.memoryLimit == 80000)
        #expect(first.networkRxBytes == 2000)
        #expect(first.networkRxBytesPerSecond == nil)
        var next = sample
        next.networkRx = 4000
        next.networkTx = 1500
        let second = rates.metrics(for: next, at: start + .seconds(2))
        #expect(second.networkRxBytesPerSecond == 1000)
        #expect(second.networkTxBytesPerSecond == 500)
        // A restarted container's counters go back to zero: no negative rate.
        next.networkRx = 10
        #expect(rates.metrics(for: next, at: start + .seconds(3)).networkRxBytesPerSecond == nil)
    }

    @Test func eventsGetTheirSeverities() {
        var mapper = DockerEventMapper(mapping: DockerMapping(instance: SourceInstance(kind: "docker")))
        func event(_ action: String, _ id: String, _ attributes: [String: String] = [:]) -> DockerEvent {
            DockerEvent(
                type: "container", action: action, actorID: id,
                attributes: attributes.merging(["name": id]) { a, _ in a }, timeNano: 1)
        }
        let severities = [
            event("die", "c1", ["exitCode": "3"]), event("die", "c2", ["exitCode": "0"]), event("oom", "c3"),
            event("die", "c3", ["exitCode": "137"]), event("kill", "c4", ["signal": "15"]),
            event("die", "c4", ["exitCode": "143"]),
        ].map { mapper.infraEvent(for: $0)?.severity }
        #expect(severities == [.error, nil, .critical, nil, nil, .warning])
        // No `oom` event, but the inspected state says the OOM killer did it.
        let inspected = mapper.infraEvent(for: event("die", "c6", ["exitCode": "137"]), oomKilled: true)
        #expect(inspected?.reason == "OOMKilled")
        #expect(inspected?.severity == .critical)
        let unhealthy = mapper.infraEvent(for: event("health_status: unhealthy", "c5"))
        #expect(unhealthy?.severity == .error)
        #expect(unhealthy?.entityID == "docker:container/c5")
    }

    @Test func socketsBecomeBaseURLs() throws {
        #expect(try DockerSourceConfiguration().baseURL() == "http+unix://%2Fvar%2Frun%2Fdocker.sock")
        #expect(try DockerSourceConfiguration(socket: "/tmp/d.sock").baseURL() == "http+unix://%2Ftmp%2Fd.sock")
        #expect(try DockerSourceConfiguration(socket: "tcp://10.0.0.2:2375").baseURL() == "http://10.0.0.2:2375")
        #expect(throws: DockerError.self) { try DockerSourceConfiguration(socket: "docker.sock").baseURL() }
        #expect(throws: DockerError.self) {
            try DockerSourceConfiguration(socket: "/" + String(repeating: "a", count: 120)).baseURL()
        }
    }
}
