/// Which events a reader wants: a minimum severity and entity kinds.
package struct EventFilter: Sendable, Hashable {
    package var minimumSeverity: Severity?
    package var kinds: Set<EntityKind>?
    /// The client's token's limits, on top of what it asked for.
    package var restriction: AccessRestriction

    package init(
        minimumSeverity: Severity? = nil, kinds: Set<EntityKind>? = nil, restriction: AccessRestriction = .none
    ) {
        self.minimumSeverity = minimumSeverity
        self.kinds = kinds
        self.restriction = restriction
    }

    package func restricted(to restriction: AccessRestriction) -> EventFilter {
        var filter = self
        filter.restriction = restriction
        return filter
    }

    package func matches(_ event: InfraEvent) -> Bool {
        guard restriction.admits(event) else { return false }
        if let minimumSeverity, event.severity < minimumSeverity { return false }
        if let kinds, !kinds.contains(event.entityKind) { return false }
        return true
    }

    package static func parse(severity: String?, kinds: String?) throws(FilterError) -> EventFilter {
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
