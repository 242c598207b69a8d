import Foundation
import GestaltModel

/// Finds the entity that is a database client, from what `pg_stat_activity`
/// says about it. The first rule that names an entity the store holds wins:
///
/// 1. `clientEntities[application_name]`, then `clientEntities[client_addr]`
///    (the configured map, for clients that cannot name themselves);
/// 2. `application_name` equal to an entity id (`k8s:deployment/shop/checkout`,
///    `docker:container/web`);
/// 3. `application_name` of the form `namespace/name`: the Kubernetes
///    deployment, statefulset, daemonset, service or pod of that name in that
///    namespace, in this order, in the unnamed cluster.
///
/// A client that matches nothing gets no edge; only its count shows, in the
/// database's `connections`.
package struct ClientMatcher: Sendable {
    private let clientEntities: [String: String]
    private let exists: @Sendable (String) -> Bool

    package init(clientEntities: [String: String], exists: @escaping @Sendable (String) -> Bool) {
        self.clientEntities = clientEntities
        self.exists = exists
    }

    package func entityID(for client: ClientSample) -> String? {
        let name = client.applicationName.trimmingCharacters(in: .whitespaces)
        var candidates: [String] = []
        if !name.isEmpty, let id = clientEntities[name] { candidates.append(id) }
        if let address = client.address, let id = clientEntities[address] { candidates.append(id) }
        if !name.isEmpty {
            candidates.append(name)
            let parts = name.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, !name.contains(":") {
                for kind in [EntityKind.deployment, .statefulset, .daemonset, .service, .pod] {
                    candidates.append(
                        Entity.kubernetesID(kind: kind, namespace: String(parts[0]), name: String(parts[1])))
                }
            }
        }
        return candidates.first(where: exists)
    }
}
