/// One container of `GET /containers/json?all=true`, with only the fields
/// the mapping reads. Optional where engines omit them.
package struct ContainerSummary: Decodable, Sendable, Hashable {
    package var id: String
    package var names: [String]
    package var image: String
    /// Unix seconds.
    package var created: Int64
    package var labels: [String: String]
    /// `created`, `running`, `paused`, `restarting`, `removing`, `exited`, `dead`.
    package var state: String
    /// Human text: `Up 5 minutes (unhealthy)`, `Exited (3) 2 seconds ago`.
    package var status: String
    /// Network name → its id.
    package var networks: [String: String]
    /// Names of the named volumes it mounts (bind mounts are not entities).
    package var volumes: [String]

    package init(
        id: String, names: [String], image: String = "", created: Int64 = 0, labels: [String: String] = [:],
        state: String, status: String = "", networks: [String: String] = [:], volumes: [String] = []
    ) {
        self.id = id
        self.names = names
        self.image = image
        self.created = created
        self.labels = labels
        self.state = state
        self.status = status
        self.networks = networks
        self.volumes = volumes
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", names = "Names", image = "Image", created = "Created", labels = "Labels"
        case state = "State", status = "Status", networkSettings = "NetworkSettings", mounts = "Mounts"
    }

    private struct NetworkSettings: Decodable { var Networks: [String: Endpoint]? }
    private struct Endpoint: Decodable { var NetworkID: String? }
    private struct Mount: Decodable { var `Type`: String?; var Name: String? }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        names = try c.decodeIfPresent([String].self, forKey: .names) ?? []
        image = try c.decodeIfPresent(String.self, forKey: .image) ?? ""
        created = try c.decodeIfPresent(Int64.self, forKey: .created) ?? 0
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        state = try c.decodeIfPresent(String.self, forKey: .state) ?? "unknown"
        status = try c.decodeIfPresent(String.self, forKey: .status) ?? ""
        let settings = try c.decodeIfPresent(NetworkSettings.self, forKey: .networkSettings)
        networks = (settings?.Networks ?? [:]).mapValues { $0.NetworkID ?? "" }
        let mounts = try c.decodeIfPresent([Mount].self, forKey: .mounts) ?? []
        volumes = mounts.compactMap { $0.Type == "volume" ? $0.Name : nil }.sorted()
    }

    /// The name without Docker's leading slash; the short id if it has none.
    package var name: String {
        guard let first = names.first else { return String(id.prefix(12)) }
        return first.hasPrefix("/") ? String(first.dropFirst()) : first
    }

    /// The compose project it belongs to, if compose made it.
    package var composeProject: String? { labels[DockerMapping.composeProjectLabel] }

    /// The exit code in `Exited (3) 2 seconds ago`; nil when it has none.
    package var exitCode: Int? {
        guard state == "exited", let open = status.firstIndex(of: "("), let close = status.firstIndex(of: ")"),
            open < close
        else { return nil }
        return Int(status[status.index(after: open)..<close])
    }

    /// `healthy`, `unhealthy` or `starting` when the image has a health check.
    package var health: String? {
        if status.contains("(unhealthy)") { return "unhealthy" }
        if status.contains("(healthy)") { return "healthy" }
        if status.contains("(health: starting)") { return "starting" }
        return nil
    }
}
