import Foundation
import GestaltModel

/// The values behind the golden files; the example of PROTOCOL.md.
enum Fixtures {
    static let created = Timestamp(rfc3339: "2026-11-23T10:00:00.000Z")!
    static let updated = Timestamp(rfc3339: "2026-11-23T10:00:05.120Z")!

    static let pod = Entity(
        id: "k8s:pod/shop/web-7d9f4-x2k8p", kind: .pod, name: "web-7d9f4-x2k8p", namespace: "shop",
        source: "kubernetes", status: .running, labels: ["app": "web"], health: 0.97, cpuPercent: 12.5,
        memoryBytes: 73_400_320, memoryLimit: 268_435_456, customMetrics: ["error_rate": 0.01],
        x: 1.5, y: -3, z: 0.25, createdAt: created, updatedAt: updated
    )

    static let connection = Connection(
        sourceID: "k8s:service/shop/web", targetID: "k8s:pod/shop/web-7d9f4-x2k8p", kind: .network,
        requestsPerSec: 12.5, bytesPerSec: 2048, errorRate: 0.01, latencyMs: 3.2
    )

    static let event = InfraEvent(
        type: "Warning", reason: "BackOff", message: "Back-off restarting failed container",
        entityID: pod.id, entityKind: .pod, entityName: pod.name, severity: .warning, timestamp: updated, seq: 123
    )

    static func golden(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "Golden/\(name).json")
        return try String(contentsOf: url, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
