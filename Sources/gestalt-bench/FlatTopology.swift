import Foundation
import FoundationEssentials
import GestaltModel

/// A plain, deterministic topology for the store and streaming benchmarks:
/// namespaces of services and pods, each pod connected to its service, with
/// metrics and positions set. Independent of the simulator so that figures do
/// not move when the simulator changes. (GestaltLayout's `SyntheticTopology`
/// is a different shape: owners, services and cross-namespace calls, for the
/// layout; this one keeps the store benchmarks' figures comparable.)
enum FlatTopology {
    static func entities(_ count: Int) -> [Entity] {
        let created = Timestamp(millisecondsSince1970: 1_795_000_000_000)
        return (0..<count).map { i in
            let namespace = "ns-\(i % 50)"
            if i % 10 == 0 {
                return Entity(
                    id: "k8s:service/\(namespace)/svc-\(i)", kind: .service, name: "svc-\(i)", namespace: namespace,
                    source: "bench", labels: ["app": "svc-\(i)"], createdAt: created)
            }
            return Entity(
                id: "k8s:pod/\(namespace)/pod-\(i)", kind: .pod, name: "pod-\(i)", namespace: namespace,
                source: "bench",
                labels: ["app": "svc-\(i / 10 * 10)", "pod-template-hash": "7d9f4"], cpuPercent: Double(i % 90),
                memoryBytes: Int64(64 + i % 128) << 20, memoryLimit: 512 << 20, customMetrics: ["error_rate": 0.01],
                x: Double(i % 97), y: Double(i % 89), z: Double(i % 83), createdAt: created
            )
        }
    }

    static func connections(for entities: [Entity]) -> [Connection] {
        entities.indices.compactMap { i in
            guard i % 10 != 0 else { return nil }
            return Connection(
                sourceID: entities[i / 10 * 10].id, targetID: entities[i].id, kind: .network, requestsPerSec: 10)
        }
    }
}

/// Percentiles of a sample, in the sample's unit.
struct Percentiles {
    let p50: Double, p90: Double, p99: Double, max: Double, count: Int

    init(_ values: [Double]) {
        let sorted = values.sorted()
        func at(_ q: Double) -> Double {
            sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
        }
        p50 = at(0.5); p90 = at(0.9); p99 = at(0.99); max = sorted.last ?? 0; count = sorted.count
    }

    func describe(unit: String) -> String {
        String(
            format: "p50 %.3f %@, p90 %.3f %@, p99 %.3f %@, max %.3f %@ (n=%d)", p50, unit, p90, unit, p99, unit, max,
            unit, count)
    }
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

/// Resident memory of this process, from /proc (Linux).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4096 : 0
}
