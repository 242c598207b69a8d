import GestaltModel

/// One pod in CrashLoopBackOff: it starts, crashes, waits out its back-off,
/// and starts again, forever, counting restarts.
extension SimulatedCluster {
    func crashLoopTick(_ id: String) {
        guard let record = pods[id], let pod = mirror[id], let mainID = record.containerIDs.first,
            let main = mirror[mainID]
        else { return }
        switch pod.status {
        case .failed:
            event(
                .pulled, "Container image \"\(main.annotations["image"] ?? "")\" already present on machine",
                about: id, kind: .pod, name: record.name)
            setStatus(record, .pending)
            after(rng.millis(1...2), .crashLoop(pod: id))
        case .pending:
            event(.started, "Started container \(main.name)", about: id, kind: .pod, name: record.name)
            setRunning(record, startingMetrics: true)
            after(rng.millis(2...6), .crashLoop(pod: id))
        case .running:
            crash(record, container: main)
            after(rng.millis(8...20), .crashLoop(pod: id))
        case .terminating, .unknown, .processing:
            // Its node is down, or it is going away; look again later.
            after(5_000, .crashLoop(pod: id))
        }
    }

    /// The container exits with an error: restarts go up, the pod fails.
    func crash(_ record: PodRecord, container: Entity) {
        let restarts = (mirror[record.id]?.customMetrics["restarts"] ?? 0) + 1
        setEndpoint(record, present: false)
        for containerID in record.containerIDs {
            mirror.update(containerID, now: now) {
                if containerID == container.id { $0.customMetrics["restarts"] = restarts }
                $0.status = .failed
                $0.cpuPercent = 0
            }
        }
        mirror.update(record.id, now: now) {
            $0.status = .failed
            $0.cpuPercent = 0
            $0.customMetrics["restarts"] = restarts
        }
        // Every fifth restart reads as an error: the loop is not healing.
        let severity: Severity = Int(restarts) % 5 == 0 ? .error : .warning
        event(
            .backOff,
            "Back-off restarting failed container \(container.name) in pod \(record.name)_\(record.namespace)",
            about: record.id, kind: .pod, name: record.name, severity: severity)
    }

    func setStatus(_ record: PodRecord, _ status: EntityStatus) {
        for containerID in record.containerIDs {
            mirror.update(containerID, now: now) { $0.status = status }
        }
        mirror.update(record.id, now: now) { $0.status = status }
    }
}
