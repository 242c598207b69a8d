/// One line of `GET /events`.
package struct DockerEvent: Decodable, Sendable, Hashable {
    /// `container`, `network`, `volume`, `image`, `daemon`…
    package var type: String
    /// `create`, `start`, `die`, `destroy`, `oom`, `connect`, `health_status: unhealthy`…
    package var action: String
    /// The container, network or volume id (a volume's id is its name).
    package var actorID: String
    package var attributes: [String: String]
    /// Nanoseconds since 1970; the resume point of `since=`.
    package var timeNano: Int64

    package init(type: String, action: String, actorID: String, attributes: [String: String] = [:], timeNano: Int64) {
        self.type = type
        self.action = action
        self.actorID = actorID
        self.attributes = attributes
        self.timeNano = timeNano
    }

    enum CodingKeys: String, CodingKey { case type = "Type", action = "Action", actor = "Actor", time, timeNano }
    private struct Actor: Decodable { var ID: String?; var Attributes: [String: String]? }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        action = try c.decode(String.self, forKey: .action)
        let actor = try c.decodeIfPresent(Actor.self, forKey: .actor)
        actorID = actor?.ID ?? ""
        attributes = actor?.Attributes ?? [:]
        if let nanos = try c.decodeIfPresent(Int64.self, forKey: .timeNano) {
            timeNano = nanos
        } else {
            timeNano = (try c.decodeIfPresent(Int64.self, forKey: .time) ?? 0) * 1_000_000_000
        }
    }

    /// The `since=` value resuming at this event: `seconds.nanoseconds`.
    package static func sinceParameter(timeNano: Int64) -> String {
        let nanos = String(timeNano % 1_000_000_000)
        return "\(timeNano / 1_000_000_000)." + String(repeating: "0", count: 9 - nanos.count) + nanos
    }

    /// What identifies an event when `since=` replays the ones of its instant.
    package var key: String { "\(timeNano) \(type) \(action) \(actorID) \(attributes["container"] ?? "")" }
}
