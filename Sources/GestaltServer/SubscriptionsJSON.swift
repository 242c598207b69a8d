import GestaltModel
import GestaltStreaming

/// The answer of `GET /api/infra/subscriptions`: active streams by transport
/// and channel, totals, disconnects by reason, and every client with its lag.
struct SubscriptionsJSON: JSONWritable {
    let stats: StreamStats.Snapshot
    let registry: RegistrySnapshot

    func write(to w: inout JSONWriter) {
        w.beginObject()
        w.key("active"); w.beginObject()
        // The first two keys predate the registry; kept for existing readers.
        w.key("sse_topology"); w.number(registry.active(.sse, .topology))
        w.key("sse_events"); w.number(registry.active(.sse, .events))
        for transport in StreamTransport.allCases {
            w.key(transport.rawValue); w.beginObject()
            w.key("connections"); w.number(registry.connections[transport] ?? 0)
            for channel in StreamChannel.allCases {
                w.key(channel.rawValue); w.number(registry.active(transport, channel))
            }
            w.endObject()
        }
        w.endObject()
        w.key("messages_sent"); w.number(stats.messagesSent)
        w.key("bytes_sent"); w.number(stats.bytesSent)
        w.key("coalesced"); w.number(stats.coalesced)
        w.key("resyncs"); w.number(stats.resyncs)
        w.key("disconnects"); w.number(stats.disconnects)
        w.key("disconnects_by_reason"); w.beginObject()
        for reason in DisconnectReason.allCases {
            w.key(reason.rawValue); w.number(stats.disconnectsByReason[reason] ?? 0)
        }
        w.endObject()
        w.key("fanout_delay_ms"); write(stats.fanoutDelay, to: &w)
        w.key("max_lag"); w.number(registry.maxLag)
        w.key("clients"); w.beginArray()
        for client in registry.clients { write(client, to: &w) }
        w.endArray()
        w.endObject()
    }

    /// Quantiles are bucket bounds (null: past the last bound); `le` null is the last bucket.
    private func write(_ delay: DelayHistogram, to w: inout JSONWriter) {
        func bound(_ value: Int64?) { if let value { w.number(value) } else { w.null() } }
        w.beginObject()
        w.key("count"); w.number(delay.count)
        w.key("sum"); w.number(delay.sumMilliseconds)
        for (name, q) in [("p50", 0.5), ("p90", 0.9), ("p99", 0.99)] { w.key(name); bound(delay.quantile(q)) }
        w.key("buckets"); w.beginArray()
        for (index, count) in delay.counts.enumerated() {
            w.beginObject()
            w.key("le"); bound(DelayHistogram.upperBound(ofBucket: index))
            w.key("count"); w.number(count)
            w.endObject()
        }
        w.endArray()
        w.endObject()
    }

    private func write(_ client: ClientStatus, to w: inout JSONWriter) {
        w.beginObject()
        w.key("id"); w.number(client.id)
        w.key("session_id"); w.string(client.sessionID)
        w.key("transport"); w.string(client.transport.rawValue)
        w.key("channels"); w.beginArray(); for channel in client.channels { w.string(channel.rawValue) }; w.endArray()
        w.key("revision"); if let revision = client.revision { w.number(revision) } else { w.null() }
        w.key("lag"); if let lag = client.lag { w.number(lag) } else { w.null() }
        w.key("event_lag"); if let lag = client.eventLag { w.number(lag) } else { w.null() }
        w.key("messages_sent"); w.number(client.messagesSent)
        w.key("bytes_sent"); w.number(client.bytesSent)
        w.key("in_flight_bytes"); w.number(client.inFlightBytes)
        w.key("write_blocked_seconds");
        if let blocked = client.writeBlocked { w.number(blocked.seconds) } else { w.null() }
        w.key("connected_seconds"); w.number(client.connectedFor.seconds)
        w.endObject()
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
