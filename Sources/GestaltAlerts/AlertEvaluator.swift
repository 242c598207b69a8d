package import GestaltModel

/// The alert states over time, the way Prometheus alerting rules behave:
/// a condition that starts holding makes a `pending` alert; once it has held
/// for the rule's `for:` the alert fires (once); when it stops holding a
/// firing alert resolves (once) and a pending one is dropped unheard. So a
/// condition that flaps inside `for:` never fires, and one alert per rule
/// and subject is all there ever is.
///
/// No I/O and no clock of its own: each call says what holds and when.
package struct AlertEvaluator: Sendable {
    /// Resolved alerts stay listed this long.
    package var keepResolved: Duration
    /// At most this many resolved alerts are listed.
    package var maxResolved: Int
    private var live: [String: Alert] = [:]
    /// Newest last.
    private var recentlyResolved: [Alert] = []

    package init(keepResolved: Duration = .seconds(3600), maxResolved: Int = 500) {
        self.keepResolved = keepResolved
        self.maxResolved = maxResolved
    }

    /// Applies one evaluation: `signals` are every condition holding at `now`.
    package mutating func evaluate(_ signals: [AlertSignal], now: Timestamp) -> [AlertTransition] {
        var transitions: [AlertTransition] = []
        var seen = Set<String>()
        for signal in signals {
            let id = signal.id
            guard seen.insert(id).inserted else { continue }
            var alert = live[id] ?? Alert(signal: signal, state: .pending, activeAt: now)
            alert.summary = signal.summary
            alert.value = signal.value
            alert.severity = signal.severity
            if alert.state == .pending,
                now.millisecondsSince1970 - alert.activeAt.millisecondsSince1970 >= signal.holdFor.milliseconds
            {
                alert.state = .firing
                alert.firedAt = now
                transitions.append(.fired(alert))
            }
            live[id] = alert
        }
        for (id, alert) in live where !seen.contains(id) {
            live[id] = nil
            guard alert.state == .firing else { continue }
            var resolved = alert
            resolved.state = .resolved
            resolved.resolvedAt = now
            recentlyResolved.append(resolved)
            transitions.append(.resolved(resolved))
        }
        let oldest = now.millisecondsSince1970 - keepResolved.milliseconds
        recentlyResolved.removeAll { ($0.resolvedAt?.millisecondsSince1970 ?? 0) < oldest }
        if recentlyResolved.count > maxResolved { recentlyResolved.removeFirst(recentlyResolved.count - maxResolved) }
        return transitions.sorted { $0.alert.id < $1.alert.id }
    }

    /// Firing alerts, most severe first, then by id.
    package var firing: [Alert] {
        live.values.filter { $0.state == .firing }.sorted {
            $0.severity != $1.severity ? $0.severity > $1.severity : $0.id < $1.id
        }
    }

    /// Alerts whose condition holds but not yet for long enough.
    package var pending: [Alert] { live.values.filter { $0.state == .pending }.sorted { $0.id < $1.id } }

    /// Resolved alerts still listed, newest first.
    package var resolved: [Alert] { recentlyResolved.reversed() }
}
