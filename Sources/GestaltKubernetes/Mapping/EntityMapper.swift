import GestaltModel

/// Turns one cached object into its entity. Pure: the same object and usage
/// always give the same entity, so re-projecting an unchanged namespace
/// yields no change at all.
struct EntityMapper: Sendable {
    var naming = KubernetesNaming()

    func entity(for object: KubeObject, usage: PodUsage?) -> Entity? {
        guard let kind = object.resource.entityKind else { return nil }
        let meta = object.metadata
        let namespace = object.resource.namespaced ? meta.namespace : nil
        let created = meta.creationTimestamp ?? Timestamp(millisecondsSince1970: 0)
        var entity = Entity(
            id: naming.id(kind, namespace, meta.name), kind: kind, name: meta.name,
            namespace: namespace, source: naming.source, status: status(of: object), labels: meta.labels,
            annotations: meta.annotations, createdAt: created, updatedAt: created
        )
        switch object.payload {
        case .pod(let pod):
            entity.customMetrics = [
                "restarts": Double(pod.restarts), "ready_containers": Double(pod.readyContainers),
                "containers": Double(pod.containers),
            ]
            entity.memoryLimit = pod.memoryLimitBytes
            if let usage {
                entity.memoryBytes = usage.memoryBytes
                // CPU as a share of what the pod asked for, else of its limit.
                let budget = pod.cpuRequestMillicores > 0 ? pod.cpuRequestMillicores : pod.cpuLimitMillicores
                if budget > 0 { entity.cpuPercent = (usage.cpuMillicores / budget * 100).rounded(toPlaces: 1) }
                entity.customMetrics["cpu_millicores"] = usage.cpuMillicores.rounded(toPlaces: 1)
            }
        case .workload(let workload):
            switch object.resource {
            case .jobs: entity.customMetrics = ["active": Double(workload.active), "succeeded": Double(workload.ready)]
            case .cronjobs: break
            default:
                entity.customMetrics = ["replicas": Double(workload.desired), "ready_replicas": Double(workload.ready)]
            }
        default:
            break
        }
        return entity
    }

    /// Status per PROTOCOL.md: a deleting object is terminating, whatever else it says.
    func status(of object: KubeObject) -> EntityStatus {
        if object.metadata.deleting { return .terminating }
        switch object.payload {
        case .pod(let pod):
            if pod.failureReason != nil { return .failed }
            switch pod.phase {
            case "Running": return .running
            case "Pending": return .pending
            case "Failed": return .failed
            // A completed pod did its work; nothing is wrong with it.
            case "Succeeded": return .running
            default: return .unknown
            }
        case .workload(let workload):
            return status(of: workload, resource: object.resource)
        case .node(let node):
            switch node.ready {
            case "True": return node.pressures.isEmpty ? .running : .pending
            case "False": return .failed
            default: return .unknown
            }
        case .namespace(let phase):
            return phase == "Terminating" ? .terminating : .running
        case .claim(let phase):
            switch phase {
            case "Bound": return .running
            case "Lost": return .failed
            default: return .pending
            }
        case .none, .service, .ingress, .event:
            return .running
        }
    }

    private func status(of workload: WorkloadInfo, resource: ResourceKind) -> EntityStatus {
        switch resource {
        case .jobs:
            if workload.failed { return .failed }
            if workload.finished { return .running }
            return workload.active > 0 ? .processing : .pending
        case .cronjobs:
            return workload.finished ? .pending : .running
        default:
            if workload.failed { return .failed }
            if workload.desired == 0 { return .running }
            // A rollout in progress: new spec not yet observed, or not all replicas updated and available.
            if workload.staleGeneration || workload.updated < workload.desired { return .processing }
            if workload.ready == 0 { return .pending }
            return workload.ready < workload.desired ? .processing : .running
        }
    }
}

extension Double {
    func rounded(toPlaces places: Int) -> Double {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        return (self * scale).rounded() / scale
    }
}
