import Foundation
import GestaltEngine
import GestaltModel
import Testing

func pod(_ name: String, namespace: String = "shop", cpu: Double = 10) -> Entity {
    Entity(
        id: Entity.kubernetesID(kind: .pod, namespace: namespace, name: name), kind: .pod, name: name,
        namespace: namespace, source: "test", status: .running, labels: ["app": "web"], cpuPercent: cpu,
        memoryBytes: 100 << 20, memoryLimit: 1 << 30
    )
}

/// The JSON object of a message, for assertions on its fields.
func object(_ json: [UInt8]) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(json)) as? [String: Any])
}

/// The `kind` of a TopologyUpdate message (`full`, `add`, `update`, …).
func kind(_ json: [UInt8]) throws -> String {
    try #require(object(json)["kind"] as? String)
}
