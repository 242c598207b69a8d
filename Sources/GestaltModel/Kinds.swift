/// What an entity is. The raw values are the wire names of PROTOCOL.md.
package enum EntityKind: String, Sendable, Hashable, CaseIterable, Codable {
    case namespace, pod, service, deployment, container
    case natsSubject = "nats_subject"
    case natsStream = "nats_stream"
    case database, volume, configmap, secret, ingress, node, network
    case replicaset, statefulset, daemonset, job, cronjob
    case custom
}

/// Lifecycle state of an entity.
package enum EntityStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case running, pending, failed, terminating, unknown, processing
}

/// What a connection carries.
package enum ConnectionKind: String, Sendable, Hashable, CaseIterable, Codable {
    case network, http, grpc, nats, volume, depends, owns
}

/// How serious an event is. Ordered, so a minimum severity can filter.
package enum Severity: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case info, warning, error, critical

    private var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        case .critical: 3
        }
    }

    package static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// The kind of a `TopologyUpdate`.
package enum UpdateKind: String, Sendable, Hashable, CaseIterable, Codable {
    case full, add, update, remove
    case connAdd = "conn_add"
    /// A connection the client already has changed (traffic, error rate);
    /// `conn_add` is only ever sent for an id that is new to the client.
    case connUpdate = "conn_update"
    case connRemove = "conn_remove"
}
