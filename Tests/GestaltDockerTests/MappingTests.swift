import GestaltDocker
import GestaltEngine
import GestaltModel
import Testing

@Suite("Docker mapping")
struct MappingTests {
    @Test func aComposeStackBecomesEntitiesAndEdges() {
        let mapping = DockerMapping(instance: SourceInstance(kind: "docker", name: "edge"))
        let shop = ["com.docker.compose.project": "shop"]
        var inventory = DockerInventory(
            containers: [
                ContainerSummary(
                    id: "1", names: ["/web"], labels: shop, state: "running", status: "Up 1 minute (unhealthy)",
                    networks: ["front": "n1", "none": "n0"]),
                ContainerSummary(
                    id: "2", names: ["/db"], labels: shop, state: "running", networks: ["front": "n1"],
                    volumes: ["pg", "ghost"]),
            ],
            networks: [
                NetworkSummary(id: "n1", name: "front"), NetworkSummary(id: "n0", name: "none", driver: "null"),
            ],
            volumes: [VolumeSummary(name: "pg", labels: shop)]
        )
        var metrics = ContainerMetrics()
        metrics.networkRxBytesPerSecond = 12
        inventory.metrics["2"] = metrics
        let snapshot = mapping.snapshot(of: inventory)
        #expect(
            Set(snapshot.entities.keys) == [
                "docker@edge:container/web", "docker@edge:container/db", "docker@edge:network/front",
                "docker@edge:volume/pg",
                "docker@edge:project/shop",
            ])
        #expect(
            Set(snapshot.connections.keys) == [
                "docker@edge:container/web->docker@edge:network/front:network",
                "docker@edge:container/db->docker@edge:network/front:network",
                "docker@edge:container/db->docker@edge:volume/pg:volume",
                "docker@edge:container/web->docker@edge:project/shop:depends",
                "docker@edge:container/db->docker@edge:project/shop:depends",
            ])
        #expect(snapshot.entities["docker@edge:container/web"]?.status == .failed)
        #expect(snapshot.entities["docker@edge:container/web"]?.source == "docker@edge")
        #expect(snapshot.entities["docker@edge:container/db"]?.customMetrics["network_rx_bytes_per_second"] == 12)
        #expect(snapshot.entities["docker@edge:volume/pg"]?.namespace == "shop")
    }

    @Test func statesMapToStatuses() {
        func status(_ state: String, _ text: String = "") -> EntityStatus {
            DockerMapping.status(of: ContainerSummary(id: "x", names: ["/x"], state: state, status: text))
        }
        #expect(status("running", "Up 2 hours") == .running)
        #expect(status("running", "Up 2 hours (healthy)") == .running)
        #expect(status("created") == .pending)
        #expect(status("restarting") == .pending)
        #expect(status("exited", "Exited (0) 1 second ago") == .unknown)
        #expect(status("exited", "Exited (1) 1 second ago") == .failed)
        #expect(status("dead") == .failed)
        #expect(status("removing") == .terminating)
        #expect(status("something new") == .unknown)
    }
}
