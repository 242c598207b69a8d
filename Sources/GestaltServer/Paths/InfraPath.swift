import GestaltModel

/// A path of the plan's `world.infra` namespace, and the REST query it is.
/// `GET /api/paths/{path}` answers exactly what `rest` answers (the request's
/// own query parameters are passed on), so a path is a name for a query,
/// never a second implementation of it.
struct InfraPath: Sendable {
    let name: String
    let summary: String
    /// Kinds of source, one of which must be running for the path to mean
    /// anything. The simulator plays a Kubernetes cluster with NATS in it.
    let needs: [String]
    /// The REST route and fixed query, e.g. `/api/infra/topology?kinds=pod`.
    let rest: String
    /// The stream that `?watch=true` (and `gestalt query --watch`) follows.
    let stream: String?
    /// The configuration that turns on what `needs` names, for the error.
    var howToEnable: String {
        needs.first.map {
            "enable collectors.\($0 == "kubernetes" ? "kubernetes" : $0) in the configuration file (or its flags)"
        } ?? ""
    }

    static let all: [InfraPath] = {
        let topology = "/api/infra/topology", topologyStream = "/api/infra/topology/stream"
        func kinds(_ kinds: String) -> (String, String?) {
            ("\(topology)?kinds=\(kinds)", "\(topologyStream)?kinds=\(kinds)")
        }
        let k8s = ["kubernetes", "simulator"], docker = ["docker"], nats = ["nats", "simulator"]
        func path(_ name: String, _ summary: String, needs: [String] = [], _ query: (String, String?)) -> InfraPath {
            InfraPath(name: "world.infra.\(name)", summary: summary, needs: needs, rest: query.0, stream: query.1)
        }
        return [
            path("topology", "the current topology (filters: kinds, namespaces, label)", (topology, topologyStream)),
            path("topology.filter", "the topology filtered by kind, namespace and label", (topology, topologyStream)),
            path(
                "topology.diff", "the changes between two revisions (from, to)",
                ("/api/infra/topology/changes", topologyStream)),
            path("k8s.namespaces", "Kubernetes namespaces", needs: k8s, kinds("namespace")),
            path("k8s.pods", "pods with status and metrics", needs: k8s, kinds("pod")),
            path("k8s.services", "services", needs: k8s, kinds("service")),
            path("k8s.deployments", "deployments", needs: k8s, kinds("deployment")),
            path(
                "k8s.events", "Kubernetes events, newest first", needs: k8s,
                ("/api/infra/events", "/api/infra/events/stream")),
            path("docker.containers", "Docker containers", needs: docker, kinds("container")),
            path("docker.networks", "Docker networks", needs: docker, kinds("network")),
            path("docker.stats", "container CPU, memory and network rates", needs: docker, kinds("container")),
            path("nats.subjects", "NATS subjects with message rates", needs: nats, kinds("nats_subject")),
            path("nats.streams", "JetStream streams", needs: nats, kinds("nats_stream")),
            path("nats.messages", "message rates per subject, live", needs: nats, kinds("nats_subject")),
            path("metrics.cpu", "CPU by entity", (topology, topologyStream)),
            path("metrics.memory", "memory by entity", (topology, topologyStream)),
            path("metrics.network", "network by entity", (topology, topologyStream)),
            path("metrics.custom", "custom metrics, by label", (topology, topologyStream)),
            path("health.score", "overall health, or one entity's with id=", ("/api/infra/health", nil)),
            path(
                "health.alerts", "active and recently resolved alerts",
                ("/api/infra/alerts", "/api/infra/alerts/stream")),
            path(
                "health.history", "one entity's health over time (id=, since=, until=, step=)",
                ("/api/infra/metrics", nil)),
        ]
    }()

    static func named(_ name: String) -> InfraPath? { all.first { $0.name == name } }
}
