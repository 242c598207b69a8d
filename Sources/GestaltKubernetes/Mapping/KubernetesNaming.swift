import GestaltEngine
import GestaltModel

/// How one cluster's objects are named on the map: an unnamed cluster keeps
/// the ids every earlier version used (`k8s:pod/shop/web-1`, source
/// `kubernetes`); a named one carries its name (`k8s@prod:pod/shop/web-1`,
/// source `kubernetes@prod`), so several clusters share one map.
struct KubernetesNaming: Sendable, Hashable {
    let instance: SourceInstance

    init(instance: SourceInstance = SourceInstance(kind: "kubernetes")) {
        self.instance = instance
    }

    /// `Entity.source` and the source's status name.
    var source: String { instance.description }

    func id(_ kind: EntityKind, _ namespace: String?, _ name: String) -> String {
        Entity.kubernetesID(kind: kind, namespace: namespace, name: name, cluster: instance.name)
    }
}
