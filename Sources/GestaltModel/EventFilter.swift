/// Which events a reader wants: a minimum severity and entity kinds.
public struct EventFilter: Sendable, Hashable {
    public var minimumSeverity: Severity?
    public var kinds: Set<EntityKind>?

    public init(minimumSeverity: Severity? = nil, kinds: Set<EntityKind>? = nil) {
        self.minimumSeverity = minimumSeverity
        self.kinds = kinds
    }

    public func matches(_ event: InfraEvent) -> Bool {
        if let minimumSeverity, event.severity < minimumSeverity { return false }
        if let kinds, !kinds.contains(event.entityKind) { return false }
        return true
    }

    public static func parse(severity: String?, kinds: String?) throws(FilterError) -> EventFilter {
        var filter = EventFilter()
        if let severity {
            guard let value = Severity(rawValue: severity) else {
                throw FilterError("query parameter 'severity' must be one of info, warning, error, critical; got '\(severity)'")
            }
            filter.minimumSeverity = value
        }
        if let kinds { filter.kinds = try TopologyFilter.parseKinds(kinds, parameter: "kinds") }
        return filter
    }
}
