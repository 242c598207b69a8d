import GestaltEngine
import GestaltModel
import Testing

/// The metric overlay: enrichment survives the owning source's upserts,
/// publishes only meaningful updates, and goes away with its target.
@Suite struct EnrichmentTests {
    let web = pod("web-1", cpu: 0, memory: 0)

    @Test func overlayIsPublishedAsAnUpdate() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(web)])
        let result = store.enrich([
            .entity(
                id: web.id, EnrichedMetrics(cpuPercent: 42, memoryBytes: 300 << 20, customMetrics: ["error_rate": 0.1]))
        ])
        #expect(result.missing.isEmpty)
        #expect(result.updates.map(\.kind) == [.update])
        let stored = try #require(store.entity(id: web.id))
        #expect(stored.cpuPercent == 42)
        #expect(stored.memoryBytes == 300 << 20)
        #expect(stored.memoryLimit == web.memoryLimit)
        #expect(stored.customMetrics == ["error_rate": 0.1])
        // Health is scored on the enriched figures.
        #expect(stored.health == HealthPolicy.default.score(stored))
    }

    @Test func sourceUpsertDoesNotOverwriteTheOverlay() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(web)])
        store.enrich([.entity(id: web.id, EnrichedMetrics(cpuPercent: 42))])
        let revision = store.revision
        // The source sends its picture again, still without figures: nothing to publish.
        let again = store.apply([.upsertEntity(web)])
        #expect(again.updates.isEmpty)
        #expect(store.revision == revision)
        #expect(store.entity(id: web.id)?.cpuPercent == 42)
        // A real change from the source is published with the overlay on top.
        var failing = web
        failing.status = .failed
        failing.labels["tier"] = "front"
        let changed = store.apply([.upsertEntity(failing)])
        #expect(changed.updates.count == 1)
        let stored = try #require(store.entity(id: web.id))
        #expect(stored.status == .failed)
        #expect(stored.cpuPercent == 42)
    }

    @Test func staleFlagLeavesTheSourcesOwnFiguresUnderTheOverlay() throws {
        var source = web
        source.source = "k8s"
        let store = TopologyStore()
        store.apply([.upsertEntity(source)])
        store.enrich([.entity(id: source.id, EnrichedMetrics(cpuPercent: 90))])
        let marked = store.markStale(source: "k8s", true)
        #expect(marked.map(\.kind) == [.update])
        let stale = try #require(store.entity(id: source.id))
        #expect(stale.stale && stale.cpuPercent == 90)
        // The overlay's health origin is still "scored": a new overlay rescores.
        store.enrich([.entity(id: source.id, EnrichedMetrics(cpuPercent: 99))])
        let rescored = try #require(store.entity(id: source.id))
        #expect(rescored.health == HealthPolicy.default.score(rescored))
        // Cleared, the overlay leaves the source's own figures, still stale.
        store.enrich([.entity(id: source.id, nil)])
        let cleared = try #require(store.entity(id: source.id))
        #expect(cleared.cpuPercent == 0, "the source's own cpu, not the enriched 90")
        #expect(cleared.stale)
        store.markStale(source: "k8s", false)
        #expect(store.entity(id: source.id)?.stale == false)
    }

    @Test func overlayBelowThresholdsIsNotAnUpdate() {
        let store = TopologyStore()
        store.apply([.upsertEntity(web)])
        store.enrich([.entity(id: web.id, EnrichedMetrics(cpuPercent: 42, memoryBytes: 300 << 20))])
        let small = store.enrich([.entity(id: web.id, EnrichedMetrics(cpuPercent: 43, memoryBytes: (300 << 20) + 1000))]
        )
        #expect(small.updates.isEmpty)
        #expect(store.entity(id: web.id)?.cpuPercent == 42)
        let same = store.enrich([.entity(id: web.id, EnrichedMetrics(cpuPercent: 42, memoryBytes: 300 << 20))])
        #expect(same.updates.isEmpty)
        let big = store.enrich([.entity(id: web.id, EnrichedMetrics(cpuPercent: 60, memoryBytes: 300 << 20))])
        #expect(big.updates.map(\.kind) == [.update])
    }

    @Test func clearingRestoresTheSourceFigures() throws {
        let store = TopologyStore()
        store.apply([.upsertEntity(pod("web-1", cpu: 7, memory: 10 << 20))])
        store.enrich([
            .entity(id: web.id, EnrichedMetrics(cpuPercent: 42, customMetrics: ["prometheus_as_of_seconds": 1000]))
        ])
        // The source's own figures move while enriched: they become the new base.
        store.apply([.upsertEntity(pod("web-1", cpu: 9, memory: 50 << 20))])
        let enriched = try #require(store.entity(id: web.id))
        #expect(enriched.cpuPercent == 42)
        #expect(enriched.memoryBytes == 50 << 20)
        // Replacing the overlay drops a custom key the new one lacks.
        store.enrich([.entity(id: web.id, EnrichedMetrics(cpuPercent: 42))])
        #expect(store.entity(id: web.id)?.customMetrics.isEmpty == true)
        let cleared = store.enrich([.entity(id: web.id, nil)])
        #expect(cleared.updates.map(\.kind) == [.update])
        let restored = try #require(store.entity(id: web.id))
        #expect(restored.cpuPercent == 9)
        #expect(restored.memoryBytes == 50 << 20)
        // Clearing what has no overlay publishes nothing.
        #expect(store.enrich([.entity(id: web.id, nil)]).updates.isEmpty)
    }

    @Test func overlayOfAnAbsentTargetIsRefusedAndRemovalForgetsIt() throws {
        let store = TopologyStore()
        let result = store.enrich([
            .entity(id: web.id, EnrichedMetrics(cpuPercent: 42)),
            .connection(id: "nope", EnrichedTraffic(latencyMs: 3)),
        ])
        #expect(result.missing.map(\.id) == [web.id, "nope"])
        #expect(result.updates.isEmpty)
        // Not kept for later: the entity arrives with its own figures.
        store.apply([.upsertEntity(web)])
        #expect(store.entity(id: web.id)?.cpuPercent == 0)
        store.enrich([.entity(id: web.id, EnrichedMetrics(cpuPercent: 42))])
        store.apply([.removeEntity(id: web.id)])
        store.apply([.upsertEntity(web)])
        #expect(store.entity(id: web.id)?.cpuPercent == 0)
    }

    @Test func connectionTrafficOverlay() throws {
        let store = TopologyStore()
        let api = service("api")
        let front = service("front")
        let edge = Connection(sourceID: front.id, targetID: api.id, kind: .http, requestsPerSec: 1)
        store.apply([.upsertEntity(api), .upsertEntity(front), .upsertConnection(edge)])
        let result = store.enrich([
            .connection(id: edge.id, EnrichedTraffic(requestsPerSec: 120, errorRate: 0.02, latencyMs: 35))
        ])
        #expect(result.updates.map(\.kind) == [.connUpdate], "a known connection whose traffic changed")
        var stored = try #require(store.connection(id: edge.id))
        #expect(stored.requestsPerSec == 120)
        #expect(stored.errorRate == 0.02)
        #expect(stored.latencyMs == 35)
        #expect(stored.bytesPerSec == 0)
        // The source's upsert keeps the overlay and is not a change.
        #expect(store.apply([.upsertConnection(edge)]).updates.isEmpty)
        #expect(store.connection(id: edge.id)?.requestsPerSec == 120)
        store.enrich([.connection(id: edge.id, nil)])
        stored = try #require(store.connection(id: edge.id))
        #expect(stored.requestsPerSec == 1)
        #expect(stored.latencyMs == 0)
    }
}
