package import GestaltModel

/// Turns the engine's container events into InfraEvents (docs/DOCKER.md):
///
/// | event                                   | reason          | severity |
/// |-----------------------------------------|-----------------|----------|
/// | `oom`, or `die` with State.OOMKilled    | `OOMKilled`     | critical |
/// | `die`, exit ≠ 0, nobody asked it to stop| `Died`          | error    |
/// | `die`, exit ≠ 0, after `kill`/`stop`    | `Killed`        | warning  |
/// | `health_status: unhealthy`              | `Unhealthy`     | error    |
///
/// A clean exit, starts and removals change the topology but are no event.
/// The mapper remembers which containers were sent a signal, because a
/// `docker stop` of a process that ignores SIGTERM ends in exit 137 too,
/// and that is an operator's decision, not a failure.
package struct DockerEventMapper: Sendable {
    private let mapping: DockerMapping
    private var signalled: Set<String> = []
    private var oomKilled: Set<String> = []

    package init(mapping: DockerMapping) {
        self.mapping = mapping
    }

    /// `oomKilled` is the container's `State.OOMKilled` as inspected after a
    /// `die`: the engine does not always send `oom` when the process dies at
    /// once (a single process over its limit), and the state is authoritative.
    package mutating func infraEvent(for event: DockerEvent, oomKilled: Bool = false) -> InfraEvent? {
        guard event.type == "container" else { return nil }
        let id = event.actorID
        let name = event.attributes["name"] ?? String(id.prefix(12))
        let timestamp = Timestamp(millisecondsSince1970: event.timeNano / 1_000_000)
        func make(_ type: String, _ reason: String, _ message: String, _ severity: Severity) -> InfraEvent {
            InfraEvent(
                type: type, reason: reason, message: message, entityID: mapping.containerID(name: name),
                entityKind: .container, entityName: name, severity: severity, timestamp: timestamp
            )
        }
        switch event.action {
        case "kill", "stop":
            signalled.insert(id)
            return nil
        case "oom":
            self.oomKilled.insert(id)
            return make(
                "Warning", "OOMKilled", "container \(name) ran out of memory and the kernel killed it", .critical)
        case "die":
            let wasSignalled = signalled.remove(id) != nil
            // The OOM event already said what happened; the die that follows adds nothing.
            if self.oomKilled.remove(id) != nil { return nil }
            if oomKilled {
                return make(
                    "Warning", "OOMKilled", "container \(name) ran out of memory and the kernel killed it", .critical)
            }
            guard let code = event.attributes["exitCode"].flatMap(Int.init), code != 0 else { return nil }
            if wasSignalled {
                return make("Normal", "Killed", "container \(name) was stopped and exited with code \(code)", .warning)
            }
            return make("Warning", "Died", "container \(name) exited with code \(code)", .error)
        case "destroy":
            signalled.remove(id)
            self.oomKilled.remove(id)
            return nil
        case "health_status: unhealthy":
            return make("Warning", "Unhealthy", "container \(name) failed its health check", .error)
        default:
            return nil
        }
    }
}
