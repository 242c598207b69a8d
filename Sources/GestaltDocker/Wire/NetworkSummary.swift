/// One network of `GET /networks`.
package struct NetworkSummary: Decodable, Sendable, Hashable {
    package var id: String
    package var name: String
    package var driver: String
    package var labels: [String: String]
    package var isInternal: Bool

    package init(
        id: String, name: String, driver: String = "bridge", labels: [String: String] = [:], isInternal: Bool = false
    ) {
        self.id = id
        self.name = name
        self.driver = driver
        self.labels = labels
        self.isInternal = isInternal
    }

    enum CodingKeys: String, CodingKey {
        case id = "Id", name = "Name", driver = "Driver", labels = "Labels", isInternal = "Internal"
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        driver = try c.decodeIfPresent(String.self, forKey: .driver) ?? ""
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        isInternal = try c.decodeIfPresent(Bool.self, forKey: .isInternal) ?? false
    }
}

/// `GET /volumes`: `{"Volumes": [...], "Warnings": [...]}`.
package struct VolumeList: Decodable, Sendable {
    package var volumes: [VolumeSummary]

    enum CodingKeys: String, CodingKey { case volumes = "Volumes" }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        volumes = try c.decodeIfPresent([VolumeSummary].self, forKey: .volumes) ?? []
    }
}

package struct VolumeSummary: Decodable, Sendable, Hashable {
    package var name: String
    package var driver: String
    package var labels: [String: String]

    package init(name: String, driver: String = "local", labels: [String: String] = [:]) {
        self.name = name
        self.driver = driver
        self.labels = labels
    }

    enum CodingKeys: String, CodingKey { case name = "Name", driver = "Driver", labels = "Labels" }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        driver = try c.decodeIfPresent(String.self, forKey: .driver) ?? ""
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
    }
}
