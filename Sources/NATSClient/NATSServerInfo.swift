/// The fields of the server's INFO that the client uses; the rest of the JSON is ignored.
package struct NATSServerInfo: Sendable, Equatable, Decodable {
    package var serverID: String
    package var serverName: String?
    package var version: String
    package var maxPayload: Int
    package var headers: Bool
    package var authRequired: Bool
    package var jetStream: Bool
    package var clientID: UInt64?

    enum CodingKeys: String, CodingKey {
        case serverID = "server_id", serverName = "server_name", version, maxPayload = "max_payload"
        case headers, authRequired = "auth_required", jetStream = "jetstream", clientID = "client_id"
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        serverID = try container.decode(String.self, forKey: .serverID)
        serverName = try container.decodeIfPresent(String.self, forKey: .serverName)
        version = try container.decodeIfPresent(String.self, forKey: .version) ?? ""
        // The protocol's default when a server does not say.
        maxPayload = try container.decodeIfPresent(Int.self, forKey: .maxPayload) ?? 1_048_576
        headers = try container.decodeIfPresent(Bool.self, forKey: .headers) ?? false
        authRequired = try container.decodeIfPresent(Bool.self, forKey: .authRequired) ?? false
        jetStream = try container.decodeIfPresent(Bool.self, forKey: .jetStream) ?? false
        clientID = try container.decodeIfPresent(UInt64.self, forKey: .clientID)
    }
}
