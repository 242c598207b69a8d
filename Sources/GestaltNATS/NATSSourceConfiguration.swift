/// Where the NATS source looks and how often. The lead wires it to the YAML
/// file and flags.
package struct NATSSourceConfiguration: Sendable, Hashable {
    /// The client URL, for message-flow sampling: `nats://[user:pass@]host:4222`.
    package var url: String
    /// The monitoring base URL (`nats-server -m 8222`): `http://host:8222`.
    package var monitorURL: String
    package var pollInterval: Duration
    /// Subjects sampled for message rates (wildcards allowed, e.g. `kgents.>`);
    /// empty turns sampling off.
    package var subjects: [String]

    package init(
        url: String = "nats://127.0.0.1:4222", monitorURL: String = "http://127.0.0.1:8222",
        pollInterval: Duration = .seconds(2), subjects: [String] = []
    ) {
        self.url = url
        self.monitorURL = monitorURL
        self.pollInterval = pollInterval
        self.subjects = subjects
    }
}
