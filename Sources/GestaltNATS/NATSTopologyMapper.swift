import GestaltEngine
import GestaltModel

/// Turns monitoring samples into a full picture of this source's entities
/// and connections. It keeps the previous sample only to turn the server's
/// counters into rates and to see lag grow; it never reads the wire.
///
/// - server: `custom`, label `nats.kind=server`
/// - client connection: `custom`, label `nats.kind=client`, → server (`network`)
/// - subject: `nats_subject`; client → subject (`nats`) for each subscription,
///   stream ← subject (`nats`) for what a stream captures
/// - stream: `nats_stream`; consumer: `custom`, label `nats.kind=consumer`, → stream (`depends`)
///
/// Health is set here (`HealthOrigin.given`): a server whose slow-consumer
/// count rose, a client with pending bytes piling up, a consumer whose lag
/// (num_pending + num_ack_pending) grows, each score lower.
struct NATSTopologyMapper: Sendable {
    let instance: SourceInstance
    /// Connections with this name (the source's own sampler) are left out of the picture.
    let ownClientName: String
    private var previous: NATSMonitorSample?
    private var previousLag: [String: Int64] = [:]
    /// When each entity was first seen, so a re-mapped entity is equal to its
    /// previous self unless something real changed.
    private var firstSeen: [String: Timestamp] = [:]

    init(instance: SourceInstance, ownClientName: String) {
        self.instance = instance
        self.ownClientName = ownClientName
    }

    var prefix: String { instance.idPrefix("nats") }
    func serverID(_ varz: NATSMonitorSample.Varz) -> String { "\(prefix):server/\(varz.serverName ?? varz.serverID)" }
    func clientID(_ cid: UInt64) -> String { "\(prefix):client/\(cid)" }
    func subjectID(_ subject: String) -> String { "\(prefix):subject/\(subject)" }
    func streamID(_ name: String) -> String { "\(prefix):stream/\(name)" }
    func consumerID(stream: String, name: String) -> String { "\(prefix):consumer/\(stream)/\(name)" }

    /// What changed to note as events, found while mapping.
    struct Notes: Sendable {
        var newSlowConsumers: Int64 = 0
    }

    mutating func map(
        _ sample: NATSMonitorSample, flow: [String: NATSFlowSampler.Counts], flowSeconds: Double, samplerDropped: Int
    ) -> (SourceSnapshot, Notes) {
        var entities: [Entity] = []
        var connections: [Connection] = []
        var notes = Notes()
        let seconds = previous.map { max((sample.takenAt - $0.takenAt).seconds, 0.001) }
        func rate(_ now: Int64, _ before: Int64?) -> Double {
            guard let before, let seconds, now >= before else { return 0 }  // a restarted server resets counters
            return Double(now - before) / seconds
        }
        var subjects: [String: [String: Double]] = [:]
        func subject(_ name: String) {
            if subjects[name] == nil { subjects[name] = [:] }
        }

        // The server.
        let varz = sample.varz
        let server = serverID(varz)
        let slowBefore = previous?.varz.slowConsumers
        notes.newSlowConsumers = slowBefore.map { max(varz.slowConsumers - $0, 0) } ?? 0
        entities.append(
            entity(
                id: server, name: varz.serverName ?? varz.serverID, kind: .custom, natsKind: "server",
                health: notes.newSlowConsumers > 0 ? 0.5 : 1,
                labels: ["nats.version": varz.version, "nats.server_id": varz.serverID],
                metrics: [
                    "connections": Double(varz.connections),
                    "in_msgs_per_sec": rate(varz.inMsgs, previous?.varz.inMsgs),
                    "out_msgs_per_sec": rate(varz.outMsgs, previous?.varz.outMsgs),
                    "in_bytes_per_sec": rate(varz.inBytes, previous?.varz.inBytes),
                    "out_bytes_per_sec": rate(varz.outBytes, previous?.varz.outBytes),
                    "slow_consumers": Double(varz.slowConsumers),
                    "sampler_dropped": Double(samplerDropped),
                ],
                cpu: varz.cpu ?? 0, memory: varz.mem ?? 0))

        // Client connections and what they subscribe to.
        let before = Dictionary(
            (previous?.connz.connections ?? []).map { ($0.cid, $0) }, uniquingKeysWith: { first, _ in first })
        var delivered: [UInt64: [String: Int64]] = [:]
        for subscription in sample.subsz.subscriptionsList ?? [] {
            guard let cid = subscription.cid else { continue }
            delivered[cid, default: [:]][subscription.subject, default: 0] += subscription.msgs ?? 0
        }
        var deliveredBefore: [UInt64: [String: Int64]] = [:]
        for subscription in previous?.subsz.subscriptionsList ?? [] {
            guard let cid = subscription.cid else { continue }
            deliveredBefore[cid, default: [:]][subscription.subject, default: 0] += subscription.msgs ?? 0
        }
        for client in sample.connz.connections ?? [] where client.name != ownClientName {
            let id = clientID(client.cid)
            let old = before[client.cid]
            let pendingHealth: Double = client.pendingBytes < 1 << 20 ? 1 : client.pendingBytes < 16 << 20 ? 0.6 : 0.3
            var labels: [String: String] = [:]
            if let lang = client.lang { labels["nats.lang"] = lang }
            if let ip = client.ip, let port = client.port { labels["nats.address"] = "\(ip):\(port)" }
            entities.append(
                entity(
                    id: id, name: client.name.flatMap { $0.isEmpty ? nil : $0 } ?? "client \(client.cid)",
                    kind: .custom,
                    natsKind: "client", health: pendingHealth, labels: labels,
                    metrics: [
                        "pending_bytes": Double(client.pendingBytes),
                        "subscriptions": Double(client.subscriptions),
                        "published_per_sec": rate(client.inMsgs, old?.inMsgs),
                        "delivered_per_sec": rate(client.outMsgs, old?.outMsgs),
                        "published_bytes_per_sec": rate(client.inBytes, old?.inBytes),
                        "delivered_bytes_per_sec": rate(client.outBytes, old?.outBytes),
                    ]))
            connections.append(Connection(sourceID: id, targetID: server, kind: .network))
            for name in Set(client.subscriptionsList ?? []) where Self.isApplicationSubject(name) {
                subject(name)
                let now = delivered[client.cid]?[name] ?? 0
                let perSecond = rate(now, deliveredBefore[client.cid]?[name])
                subjects[name]!["subscribers", default: 0] += 1
                subjects[name]!["delivered_per_sec", default: 0] += perSecond
                connections.append(
                    Connection(sourceID: id, targetID: subjectID(name), kind: .nats, requestsPerSec: perSecond))
            }
        }

        // Sampled message flow on the configured subjects.
        for (name, counts) in flow where Self.isApplicationSubject(name) {
            subject(name)
            subjects[name]!["msgs_per_sec"] = flowSeconds > 0 ? Double(counts.messages) / flowSeconds : 0
            subjects[name]!["bytes_per_sec"] = flowSeconds > 0 ? Double(counts.bytes) / flowSeconds : 0
        }

        // JetStream streams and consumers.
        var lags: [String: Int64] = [:]
        for account in sample.jsz?.accountDetails ?? [] {
            for stream in account.streamDetail ?? [] {
                let id = streamID(stream.name)
                entities.append(
                    entity(
                        id: id, name: stream.name, kind: .natsStream, natsKind: "stream", health: 1,
                        labels: ["nats.account": account.name],
                        metrics: [
                            "messages": Double(stream.state.messages), "bytes": Double(stream.state.bytes),
                            "consumers": Double(stream.state.consumerCount),
                        ]))
                for name in stream.config?.subjects ?? [] {
                    subject(name)
                    connections.append(Connection(sourceID: subjectID(name), targetID: id, kind: .nats))
                }
                for consumer in stream.consumerDetail ?? [] {
                    let consumerEntityID = self.consumerID(stream: stream.name, name: consumer.name)
                    let lag = consumer.numPending + consumer.numAckPending
                    lags[consumerEntityID] = lag
                    let growing = previousLag[consumerEntityID].map { lag > $0 } ?? false
                    let health: Double = lag == 0 ? 1 : !growing ? 0.9 : lag > 10_000 ? 0.4 : 0.6
                    entities.append(
                        entity(
                            id: consumerEntityID, name: "\(stream.name)/\(consumer.name)", kind: .custom,
                            natsKind: "consumer",
                            health: health, labels: ["nats.stream": stream.name],
                            metrics: [
                                "num_pending": Double(consumer.numPending),
                                "num_ack_pending": Double(consumer.numAckPending),
                                "num_redelivered": Double(consumer.numRedelivered),
                                "num_waiting": Double(consumer.numWaiting),
                                "lag": Double(lag),
                            ]))
                    connections.append(Connection(sourceID: consumerEntityID, targetID: id, kind: .depends))
                }
            }
        }

        for (name, metrics) in subjects {
            entities.append(
                entity(
                    id: subjectID(name), name: name, kind: .natsSubject, natsKind: "subject", health: 1,
                    metrics: metrics))
        }
        let now = Timestamp.now()
        var seen: [String: Timestamp] = [:]
        for index in entities.indices {
            let stamp = firstSeen[entities[index].id] ?? now
            seen[entities[index].id] = stamp
            entities[index].createdAt = stamp
            entities[index].updatedAt = stamp
        }
        firstSeen = seen
        previous = sample
        previousLag = lags
        return (SourceSnapshot(entities: entities, connections: connections), notes)
    }

    /// Inboxes and `$`-subjects (JetStream API, system) are plumbing, not topology.
    static func isApplicationSubject(_ subject: String) -> Bool {
        !subject.hasPrefix("_INBOX.") && !subject.hasPrefix("$") && subject != NATSFlowSampler.other
    }

    private func entity(
        id: String, name: String, kind: EntityKind, natsKind: String, health: Double, labels: [String: String] = [:],
        metrics: [String: Double], cpu: Double = 0, memory: Int64 = 0
    ) -> Entity {
        var labels = labels
        labels["nats.kind"] = natsKind
        return Entity(
            id: id, kind: kind, name: name, source: instance.description, status: .running, labels: labels,
            health: health, cpuPercent: cpu, memoryBytes: memory, customMetrics: metrics)
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
