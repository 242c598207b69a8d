import GestaltModel

/// Pods of one namespace counted by phase, kept up to date change by change
/// so a summary never scans the namespace.
struct PodTally: Sendable, Hashable {
    private(set) var total = 0
    private(set) var running = 0
    private(set) var pending = 0
    private(set) var terminating = 0
    private(set) var failed = 0

    mutating func add(_ status: EntityStatus) { count(status, by: 1) }
    mutating func remove(_ status: EntityStatus) { count(status, by: -1) }

    private mutating func count(_ status: EntityStatus, by step: Int) {
        total += step
        switch status {
        case .running: running += step
        case .pending: pending += step
        case .terminating: terminating += step
        case .failed: failed += step
        case .unknown, .processing: break
        }
    }
}
