import GestaltModel
import GestaltStreaming

/// The payload of `subscribe`: channels, a filter, and where to resume.
struct SubscribeRequest: Equatable {
    var channels: Set<StreamChannel>
    var topologyFilter = TopologyFilter.everything
    var eventFilter = EventFilter()
    /// The last topology id the client applied. A value we cannot read
    /// earns a `full`, as an unreadable `Last-Event-ID` does over SSE.
    var resumeFrom: UInt64?
    /// The last event id (seq) the client saw; without it events start from now.
    var resumeEventsFrom: UInt64?
    /// `"delta": "entity" | "patch"`: how topology `update`s are sent.
    var delta = DeltaForm.entity

    init(channels: Set<StreamChannel>) {
        self.channels = channels
    }

    init(_ payload: [String: JSONValue]) throws(ClientMessageError) {
        channels = try Self.channels(payload)
        if let filter = payload["filter"] {
            guard case .object(let fields) = filter else {
                throw ClientMessageError("invalid_field", "'filter' must be an object, not \(filter.typeName)")
            }
            try readFilter(fields)
        }
        try readResume(payload)
        switch payload["delta"] {
        case nil, .null?:
            break
        case .string(let text)?:
            guard let form = DeltaForm(wireName: text) else {
                throw ClientMessageError("invalid_field", "'delta' must be \"entity\" or \"patch\", not '\(text)'")
            }
            delta = form
        case let other?:
            throw ClientMessageError("invalid_field", "'delta' must be a string, not \(other.typeName)")
        }
    }

    /// `resume_from` resumes every channel the subscribe names:
    /// - an object `{"topology": id, "events": id}` gives each channel its
    ///   own id (topology revisions and event seqs are separate counters);
    /// - a single id is the id of the one resumable channel named; with
    ///   both `topology` and `events` named a single id cannot say where
    ///   each stands, so it is an `invalid_field` rather than a silent loss.
    /// `resume_events_from` (the older, private spelling) is an alias for
    /// `resume_from.events`.
    private mutating func readResume(_ payload: [String: JSONValue]) throws(ClientMessageError) {
        let both = channels.contains(.topology) && channels.contains(.events)
        switch payload["resume_from"] {
        case nil, .null?:
            break
        case .object(let ids)?:
            for key in ids.keys where StreamChannel(rawValue: key) == nil {
                throw ClientMessageError(
                    "invalid_field",
                    "'resume_from' has unknown channel '\(key)'; known channels: topology, events, jobs")
            }
            if let id = ids["topology"], id != .null {
                resumeFrom = try Self.resumeID(id, key: "resume_from.topology")
            }
            if let id = ids["events"], id != .null {
                resumeEventsFrom = try Self.resumeID(id, key: "resume_from.events")
            }
        case let id?:
            guard !both else {
                throw ClientMessageError(
                    "invalid_field",
                    "'resume_from' is one id but the subscribe names topology and events, which count separately; give {\"topology\": id, \"events\": id}"
                )
            }
            if channels.contains(.events) {
                resumeEventsFrom = try Self.resumeID(id, key: "resume_from")
            } else {
                resumeFrom = try Self.resumeID(id, key: "resume_from")
            }
        }
        if let alias = payload["resume_events_from"], alias != .null {
            resumeEventsFrom = try Self.resumeID(alias, key: "resume_events_from")
        }
    }

    static func channels(_ payload: [String: JSONValue]) throws(ClientMessageError) -> Set<StreamChannel> {
        guard let value = payload["channels"] else {
            throw ClientMessageError(
                "missing_field", "the payload lacks 'channels'; give some of topology, events, jobs")
        }
        let names = try strings(value, key: "channels")
        guard !names.isEmpty else {
            throw ClientMessageError("invalid_field", "'channels' is empty; give some of topology, events, jobs")
        }
        var channels = Set<StreamChannel>()
        for name in names {
            guard let channel = StreamChannel(rawValue: name) else {
                throw ClientMessageError(
                    "invalid_field", "unknown channel '\(name)'; known channels: topology, events, jobs")
            }
            channels.insert(channel)
        }
        return channels
    }

    private mutating func readFilter(_ fields: [String: JSONValue]) throws(ClientMessageError) {
        if let value = fields["kinds"] {
            var kinds = Set<EntityKind>()
            for name in try Self.strings(value, key: "filter.kinds") {
                guard let kind = EntityKind(rawValue: name) else {
                    throw ClientMessageError("invalid_field", "'filter.kinds' has unknown kind '\(name)'")
                }
                kinds.insert(kind)
            }
            topologyFilter.kinds = kinds
            eventFilter.kinds = kinds
        }
        if let value = fields["namespaces"] {
            topologyFilter.namespaces = Set(try Self.strings(value, key: "filter.namespaces"))
        }
        if let value = fields["labels"] {
            guard case .object(let labels) = value else {
                throw ClientMessageError(
                    "invalid_field", "'filter.labels' must be an object of strings, not \(value.typeName)")
            }
            for (key, label) in labels {
                guard case .string(let text) = label else {
                    throw ClientMessageError(
                        "invalid_field", "'filter.labels.\(key)' must be a string, not \(label.typeName)")
                }
                topologyFilter.labels[key] = text
            }
        }
        if let value = fields["severity"] {
            guard case .string(let text) = value, let severity = Severity(rawValue: text) else {
                throw ClientMessageError(
                    "invalid_field", "'filter.severity' must be one of info, warning, error, critical")
            }
            eventFilter.minimumSeverity = severity
        }
    }

    private static func strings(_ value: JSONValue, key: String) throws(ClientMessageError) -> [String] {
        guard case .array(let items) = value else {
            throw ClientMessageError("invalid_field", "'\(key)' must be an array of strings, not \(value.typeName)")
        }
        var out: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                throw ClientMessageError("invalid_field", "'\(key)' must hold strings only, found \(item.typeName)")
            }
            out.append(text)
        }
        return out
    }

    private static func resumeID(_ value: JSONValue?, key: String) throws(ClientMessageError) -> UInt64? {
        switch value {
        case nil, .null: return nil
        case .string(let text): return UInt64(text)
        case .number(let n): return n >= 0 && n < 9.0e15 ? UInt64(exactly: n) : nil
        case let other?:
            throw ClientMessageError("invalid_field", "'\(key)' must be a string id, not \(other.typeName)")
        }
    }
}
