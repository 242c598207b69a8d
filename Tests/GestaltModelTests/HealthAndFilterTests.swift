import GestaltModel
import Testing

@Suite struct HealthPolicyTests {
    let policy = HealthPolicy.default

    @Test func statusAloneScoresTheStatus() {
        let entity = Entity(id: "a", kind: .service, name: "a", source: "t", status: .pending)
        #expect(policy.score(entity) == 0.6)
    }

    @Test func penaltiesAverageWithTheStatus() {
        // Plan: mean of status 1.0, memory 1 - 0.5*0.5, cpu 1 - 0.5*0.3, error 1 - 0.2.
        let entity = Entity(
            id: "a", kind: .pod, name: "a", source: "t", status: .running, cpuPercent: 50,
            memoryBytes: 50, memoryLimit: 100, customMetrics: ["error_rate": 0.2]
        )
        let expected = (1.0 + 0.75 + 0.85 + 0.8) / 4
        #expect(abs(policy.score(entity) - expected) < 1e-9)
    }

    @Test func scoreStaysInRange() {
        let entity = Entity(
            id: "a", kind: .pod, name: "a", source: "t", status: .failed, cpuPercent: 900,
            memoryBytes: 900, memoryLimit: 100, customMetrics: ["error_rate": 7]
        )
        #expect((0...1).contains(policy.score(entity)))
    }

    @Test func bands() {
        #expect(policy.band(of: 0.8) == .healthy)
        #expect(policy.band(of: 0.79) == .warning)
        #expect(policy.band(of: 0.5) == .warning)
        #expect(policy.band(of: 0.49) == .critical)
    }
}

@Suite struct TopologyFilterTests {
    let pod = Entity(
        id: "p", kind: .pod, name: "p", namespace: "shop", source: "t", labels: ["app": "web", "tier": "front"])

    @Test func everyFilterMustMatch() throws {
        #expect(try TopologyFilter.parse(kinds: "pod,service", namespaces: "shop", labels: ["app=web"]).matches(pod))
        #expect(!(try TopologyFilter.parse(kinds: "service", namespaces: nil, labels: []).matches(pod)))
        #expect(!(try TopologyFilter.parse(kinds: nil, namespaces: "other", labels: []).matches(pod)))
        #expect(!(try TopologyFilter.parse(kinds: nil, namespaces: nil, labels: ["app=api"]).matches(pod)))
    }

    @Test func namespaceEntityBelongsToItself() throws {
        let namespace = Entity(id: "k8s:namespace/shop", kind: .namespace, name: "shop", source: "t")
        #expect(try TopologyFilter.parse(kinds: nil, namespaces: "shop", labels: []).matches(namespace))
    }

    @Test(
        arguments: [
            ("bogus", nil, [String]()), ("", nil, []), (nil, ",", []), (nil, nil, ["novalue"]), (nil, nil, ["=x"]),
        ] as [(String?, String?, [String])])
    func badValuesAreNamed(kinds: String?, namespaces: String?, labels: [String]) {
        #expect(throws: FilterError.self) {
            try TopologyFilter.parse(kinds: kinds, namespaces: namespaces, labels: labels)
        }
    }

    @Test func eventFilter() throws {
        let filter = try EventFilter.parse(severity: "error", kinds: "pod")
        let event = InfraEvent(
            type: "Warning", reason: "x", message: "m", entityID: "p", entityKind: .pod, entityName: "p",
            severity: .critical)
        #expect(filter.matches(event))
        #expect(throws: FilterError.self) { try EventFilter.parse(severity: "loud", kinds: nil) }
    }
}
