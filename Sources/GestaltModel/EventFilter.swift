/// Which events a reader wants: a minimum severity and entity kinds.
public struct EventFilter: Sendable, Hashable {
    public var minimumSeverity: Severity?
    public var kinds: Set<EntityKind>?
    /// The client's token's limits, on top of what it asked for.
    public var restriction: AccessRestriction

    public init(minimumSeverity: Severity? = nil, kinds: Set<EntityKind>? = nil, restriction: AccessRestriction = .none)
    {
        self.minimumSeverity = minimumSeverity
        self.kinds = kinds
        self.restriction = restriction
    }

    public func restricted(to restriction: AccessRestriction) -> EventFilter {
        var filter = self
        filter.restriction = restriction
        return filter
    }

    public func matches(_ event: InfraEvent) -> Bool {
        guard restriction.admits(event) else { return false }
        if let minimumSeverity, event.severity < minimumSeverity { return false }
        if let kinds, !kinds.contains(event.entityKind) { return false }
        return true
    }

    public static func parse(severity: String?, kinds: String?) throws(FilterError) -> EventFilter {
        var filter = EventFilter()
        if let severity {
            guard let value = Severity(rawValue: severity) else {
                throw FilterError(
                    "query parameter 'severity' must be one of info, warning, error, critical; got '\(severity)'")
            }
            filter.minimumSeverity = value
        }
        if let kinds { filter.kinds = try TopologyFilter.parseKinds(kinds, parameter: "kinds") }
        return filter
    }
}
