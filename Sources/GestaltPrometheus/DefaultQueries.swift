import GestaltModel

extension PrometheusEnrichmentConfiguration {
    /// The queries a stock Prometheus answers unchanged (docs/PROMETHEUS.md):
    /// cAdvisor's container series for pods, node-exporter's for nodes, and
    /// Istio's standard request metrics for services and their `http`/`grpc`
    /// edges. Rates are per second over `window` (a PromQL duration); memory
    /// is in bytes; latency is the 99th percentile in milliseconds.
    package static func defaultQueries(window: String = "1m") -> [EnrichmentQuery] {
        podQueries(window: window) + nodeQueries(window: window) + serviceQueries(window: window)
            + edgeQueries(window: window)
    }

    /// cAdvisor (kubelet `/metrics/cadvisor`), summed over a pod's containers;
    /// `container!=""` leaves out the pod-level cgroup series that would count twice.
    package static func podQueries(window: String = "1m") -> [EnrichmentQuery] {
        let pod = EnrichmentQuery.Target.entity(.pod, id: IDTemplate("{k8s}:pod/{namespace}/{pod}"))
        return [
            EnrichmentQuery(
                name: "pod_cpu_percent", target: pod, field: .cpuPercent,
                promQL:
                    "sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{container!=\"\"}[\(window)])) * 100"
            ),
            EnrichmentQuery(
                name: "pod_memory_bytes", target: pod, field: .memoryBytes,
                promQL: "sum by (namespace, pod) (container_memory_working_set_bytes{container!=\"\"})"
            ),
            EnrichmentQuery(
                name: "pod_network_rx", target: pod, field: .custom("network_rx_bytes_per_second"),
                promQL: "sum by (namespace, pod) (rate(container_network_receive_bytes_total[\(window)]))"
            ),
            EnrichmentQuery(
                name: "pod_network_tx", target: pod, field: .custom("network_tx_bytes_per_second"),
                promQL: "sum by (namespace, pod) (rate(container_network_transmit_bytes_total[\(window)]))"
            ),
        ]
    }

    /// node-exporter, named by `node_uname_info`'s `nodename` (the node's
    /// hostname, which is its Kubernetes name on the usual installs).
    package static func nodeQueries(window: String = "1m") -> [EnrichmentQuery] {
        let node = EnrichmentQuery.Target.entity(.node, id: IDTemplate("{k8s}:node/{nodename}"))
        let byNode = "* on (instance) group_left (nodename) node_uname_info"
        return [
            EnrichmentQuery(
                name: "node_cpu_percent", target: node, field: .cpuPercent,
                promQL:
                    "100 * (1 - avg by (nodename) (rate(node_cpu_seconds_total{mode=\"idle\"}[\(window)]) \(byNode)))"
            ),
            EnrichmentQuery(
                name: "node_memory_bytes", target: node, field: .memoryBytes,
                promQL: "sum by (nodename) ((node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes) \(byNode))"
            ),
            EnrichmentQuery(
                name: "node_memory_limit", target: node, field: .memoryLimit,
                promQL: "sum by (nodename) (node_memory_MemTotal_bytes \(byNode))"
            ),
            EnrichmentQuery(
                name: "node_network_rx", target: node, field: .custom("network_rx_bytes_per_second"),
                promQL:
                    "sum by (nodename) (rate(node_network_receive_bytes_total{device!=\"lo\"}[\(window)]) \(byNode))"
            ),
            EnrichmentQuery(
                name: "node_network_tx", target: node, field: .custom("network_tx_bytes_per_second"),
                promQL:
                    "sum by (nodename) (rate(node_network_transmit_bytes_total{device!=\"lo\"}[\(window)]) \(byNode))"
            ),
        ]
    }

    /// Istio's standard metrics as the serving side reports them.
    package static func serviceQueries(window: String = "1m") -> [EnrichmentQuery] {
        let service = EnrichmentQuery.Target.entity(
            .service, id: IDTemplate("{k8s}:service/{destination_service_namespace}/{destination_service_name}")
        )
        let by = "destination_service_namespace, destination_service_name"
        return trafficQueries(
            prefix: "service", target: service, by: by, window: window, latencyField: .custom("latency_p99_ms"))
    }

    /// The same metrics per caller and callee, onto `http`, else `grpc`, edges between services.
    package static func edgeQueries(window: String = "1m") -> [EnrichmentQuery] {
        let edge = EnrichmentQuery.Target.connection(
            source: IDTemplate("{k8s}:service/{source_workload_namespace}/{source_canonical_service}"),
            target: IDTemplate("{k8s}:service/{destination_service_namespace}/{destination_service_name}"),
            kinds: [.http, .grpc]
        )
        let by =
            "source_workload_namespace, source_canonical_service, destination_service_namespace, destination_service_name"
        return trafficQueries(prefix: "edge", target: edge, by: by, window: window, latencyField: .latencyMilliseconds)
    }

    private static func trafficQueries(
        prefix: String, target: EnrichmentQuery.Target, by: String, window: String, latencyField: EnrichedField
    ) -> [EnrichmentQuery] {
        let requests = "sum by (\(by)) (rate(istio_requests_total{reporter=\"destination\"}[\(window)]))"
        let failures =
            "sum by (\(by)) (rate(istio_requests_total{reporter=\"destination\", response_code=~\"5..\"}[\(window)]))"
        let buckets =
            "sum by (le, \(by)) (rate(istio_request_duration_milliseconds_bucket{reporter=\"destination\"}[\(window)]))"
        return [
            EnrichmentQuery(
                name: "\(prefix)_requests_per_second", target: target, field: .requestsPerSecond, promQL: requests),
            // No failures at all is an absent series, not 0: `or` fills the 0 in, and 0/0 (no requests) stays NaN.
            EnrichmentQuery(
                name: "\(prefix)_error_rate", target: target, field: .errorRate,
                promQL: "(\(failures) or \(requests) * 0) / \(requests)"
            ),
            EnrichmentQuery(
                name: "\(prefix)_latency_p99_ms", target: target, field: latencyField,
                promQL: "histogram_quantile(0.99, \(buckets))"
            ),
        ]
    }
}
