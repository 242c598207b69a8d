/// A directed relation between two entities, with its traffic figures.
package struct Connection: Sendable, Hashable {
    package var id: String
    package var sourceID: String
    package var targetID: String
    package var kind: ConnectionKind
    package var requestsPerSec: Double
    package var bytesPerSec: Double
    package var errorRate: Double
    package var latencyMs: Double

    /// The id is derived, so there is one connection per (source, target, kind).
    package init(
        sourceID: String, targetID: String, kind: ConnectionKind,
        requestsPerSec: Double = 0, bytesPerSec: Double = 0, errorRate: Double = 0, latencyMs: Double = 0
    ) {
        self.id = Connection.id(source: sourceID, target: targetID, kind: kind)
        self.sourceID = sourceID
        self.targetID = targetID
        self.kind = kind
        self.requestsPerSec = requestsPerSec
        self.bytesPerSec = bytesPerSec
        self.errorRate = errorRate
        self.latencyMs = latencyMs
    }

    package static func id(source: String, target: String, kind: ConnectionKind) -> String {
        "\(source)->\(target):\(kind.rawValue)"
    }
}

extension Connection: JSONWritable {
    package func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.string(id)
        w.key("source_id"); w.string(sourceID)
        w.key("target_id"); w.string(targetID)
        w.key("kind"); w.string(kind.rawValue)
        w.key("requests_per_sec"); w.number(requestsPerSec)
        w.key("bytes_per_sec"); w.number(bytesPerSec)
        w.key("error_rate"); w.number(errorRate)
        w.key("latency_ms"); w.number(latencyMs)
        w.endObject()
    }
}

extension Connection: Decodable {
    enum CodingKeys: String, CodingKey {
        case id, kind
        case sourceID = "source_id"
        case targetID = "target_id"
        case requestsPerSec = "requests_per_sec"
        case bytesPerSec = "bytes_per_sec"
        case errorRate = "error_rate"
        case latencyMs = "latency_ms"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            sourceID: try c.decode(String.self, forKey: .sourceID),
            targetID: try c.decode(String.self, forKey: .targetID),
            kind: try c.decode(ConnectionKind.self, forKey: .kind),
            requestsPerSec: try c.decodeIfPresent(Double.self, forKey: .requestsPerSec) ?? 0,
            bytesPerSec: try c.decodeIfPresent(Double.self, forKey: .bytesPerSec) ?? 0,
            errorRate: try c.decodeIfPresent(Double.self, forKey: .errorRate) ?? 0,
            latencyMs: try c.decodeIfPresent(Double.self, forKey: .latencyMs) ?? 0
        )
    }
}
