import Foundation
import Logging

/// Polls metrics.k8s.io for pod usage. Where the API is not served, that is
/// a note on the source status, not an error; polling goes on, so
/// installing metrics-server later is noticed.
struct MetricsPoller: Sendable {
    let client: KubernetesClient
    let cache: ObjectCache
    let board: SyncBoard
    let namespaces: [String]
    let interval: Duration
    let logger: Logger

    private struct PodMetricsList: Decodable {
        struct Item: Decodable {
            struct Meta: Decodable { var name: String; var namespace: String? }
            struct Container: Decodable { var usage: [String: String]? }
            var metadata: Meta
            var containers: [Container]?
        }
        var items: [Item]?
    }

    func run() async {
        var reported: String?
        while !Task.isCancelled {
            let note: String?
            do {
                var usage: [String: PodUsage] = [:]
                let paths =
                    namespaces.isEmpty
                    ? ["/apis/metrics.k8s.io/v1beta1/pods"]
                    : namespaces.map { "/apis/metrics.k8s.io/v1beta1/namespaces/\($0)/pods" }
                for path in paths {
                    let list = try JSONDecoder().decode(PodMetricsList.self, from: try await client.get(path: path))
                    for item in list.items ?? [] {
                        let containers = item.containers ?? []
                        usage["\(item.metadata.namespace ?? "")/\(item.metadata.name)"] = PodUsage(
                            cpuMillicores: containers.reduce(0) {
                                $0 + ($1.usage?["cpu"].flatMap(Quantity.millicores) ?? 0)
                            },
                            memoryBytes: containers.reduce(0) {
                                $0 + ($1.usage?["memory"].flatMap(Quantity.bytes) ?? 0)
                            }
                        )
                    }
                }
                cache.setPodUsage(usage)
                note = nil
            } catch is CancellationError {
                return
            } catch KubernetesError.status(404, _, _) {
                note = "metrics.k8s.io is not served (install metrics-server); CPU and memory are not shown"
            } catch KubernetesError.status(403, _, let message) {
                note = "metrics.k8s.io forbidden (403): \(message)"
            } catch {
                note = "metrics.k8s.io failed: \(error)"
            }
            if note != reported {
                if let note { logger.notice("\(note)") }
                board.note("metrics", note)
                reported = note
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
