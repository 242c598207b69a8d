import FakeKubeAPI

/// Builders for the JSON objects the tests put into the fake cluster.
enum Seed {
    static let secretValue = "c3VwZXItc2VjcmV0LXZhbHVl"

    static func meta(
        _ name: String, _ namespace: String? = nil, labels: [String: String] = [:], owner: (String, String)? = nil
    ) -> [String: Any] {
        var meta: [String: Any] = ["name": name, "labels": labels]
        if let namespace { meta["namespace"] = namespace }
        if let owner {
            meta["ownerReferences"] = [
                ["apiVersion": "apps/v1", "kind": owner.0, "name": owner.1, "uid": "u-\(owner.1)", "controller": true]
            ]
        }
        return meta
    }

    static func pod(
        _ name: String, _ namespace: String = "shop", labels: [String: String] = [:], owner: (String, String)? = nil,
        claim: String? = nil, configMap: String? = nil, secretEnv: String? = nil, phase: String = "Running",
        waiting: String? = nil
    ) -> [String: Any] {
        var volumes: [[String: Any]] = []
        if let claim { volumes.append(["name": "data", "persistentVolumeClaim": ["claimName": claim]]) }
        if let configMap { volumes.append(["name": "config", "configMap": ["name": configMap]]) }
        var container: [String: Any] = [
            "name": "main", "image": "shop/\(name):1",
            "resources": ["requests": ["cpu": "200m", "memory": "64Mi"], "limits": ["cpu": "1", "memory": "256Mi"]],
        ]
        if let secretEnv {
            container["env"] = [
                ["name": "PASSWORD", "valueFrom": ["secretKeyRef": ["name": secretEnv, "key": "password"]]]
            ]
        }
        var state: [String: Any] = ["running": ["startedAt": "2026-11-23T10:00:00Z"]]
        if let waiting { state = ["waiting": ["reason": waiting]] }
        return [
            "metadata": meta(name, namespace, labels: labels, owner: owner),
            "spec": ["nodeName": "worker-1", "volumes": volumes, "containers": [container]],
            "status": [
                "phase": phase,
                "containerStatuses": [
                    ["name": "main", "ready": waiting == nil, "restartCount": waiting == nil ? 0 : 4, "state": state]
                ],
            ],
        ]
    }

    static func workload(
        _ name: String, _ namespace: String = "shop", replicas: Int = 2, ready: Int = 2, owner: (String, String)? = nil
    ) -> [String: Any] {
        [
            "metadata": meta(name, namespace, owner: owner),
            "spec": ["replicas": replicas, "selector": ["matchLabels": ["app": name]]],
            "status": [
                "replicas": replicas, "readyReplicas": ready, "updatedReplicas": replicas, "availableReplicas": ready,
            ],
        ]
    }

    static func service(_ name: String, _ namespace: String = "shop", selector: [String: String]) -> [String: Any] {
        ["metadata": meta(name, namespace), "spec": ["selector": selector, "ports": [["port": 80]]]]
    }

    static func ingress(_ name: String, _ namespace: String = "shop", service: String) -> [String: Any] {
        let path: [String: Any] = [
            "path": "/", "pathType": "Prefix", "backend": ["service": ["name": service, "port": ["number": 80]]],
        ]
        return [
            "metadata": meta(name, namespace),
            "spec": ["rules": [["host": "shop.example", "http": ["paths": [path]]]]],
        ]
    }

    static func secret(_ name: String, _ namespace: String = "shop") -> [String: Any] {
        ["metadata": meta(name, namespace), "type": "Opaque", "data": ["password": secretValue]]
    }

    static func configMap(_ name: String, _ namespace: String = "shop") -> [String: Any] {
        ["metadata": meta(name, namespace), "data": ["app.properties": "color=blue"]]
    }

    static func claim(_ name: String, _ namespace: String = "shop", phase: String = "Bound") -> [String: Any] {
        ["metadata": meta(name, namespace), "spec": ["accessModes": ["ReadWriteOnce"]], "status": ["phase": phase]]
    }

    static func node(_ name: String, ready: String = "True") -> [String: Any] {
        [
            "metadata": meta(name, labels: ["kubernetes.io/hostname": name]),
            "status": [
                "conditions": [["type": "Ready", "status": ready]], "allocatable": ["cpu": "4", "memory": "16Gi"],
            ],
        ]
    }

    static func namespace(_ name: String) -> [String: Any] {
        ["metadata": meta(name), "status": ["phase": "Active"]]
    }

    static func event(
        _ name: String, _ namespace: String = "shop", pod: String, type: String, reason: String, count: Int = 1
    ) -> [String: Any] {
        [
            "metadata": meta(name, namespace), "involvedObject": ["kind": "Pod", "name": pod, "namespace": namespace],
            "type": type, "reason": reason, "message": "\(reason) on \(pod)", "count": count,
            "lastTimestamp": "2026-11-23T10:00:0\(count % 10)Z",
        ]
    }

    /// A namespace "shop" with a web deployment behind a service and an ingress,
    /// a database stateful set with a volume, and a little of everything else.
    static func shop(_ cluster: FakeCluster) throws {
        try cluster.create(.nodes, node("worker-1"))
        try cluster.create(.nodes, node("worker-2"))
        try cluster.create(.namespaces, namespace("shop"))
        try cluster.create(.namespaces, namespace("ops"))
        var deployment = workload("web")
        var deploymentMeta = deployment["metadata"] as! [String: Any]
        deploymentMeta["annotations"] = [
            "kubectl.kubernetes.io/last-applied-configuration": "{\"huge\":true}", "team": "web",
        ]
        deploymentMeta["managedFields"] = [
            ["manager": "kubectl", "operation": "Apply", "fieldsV1": ["f:spec": [String: Any]()]]
        ]
        deployment["metadata"] = deploymentMeta
        try cluster.create(.deployments, deployment)
        try cluster.create(.replicaSets, workload("web-7d9f4", owner: ("Deployment", "web")))
        for suffix in ["a1", "b2"] {
            try cluster.create(
                .pods,
                pod(
                    "web-7d9f4-\(suffix)", labels: ["app": "web"], owner: ("ReplicaSet", "web-7d9f4"),
                    configMap: "web-config", secretEnv: "db-creds"
                ))
        }
        try cluster.create(.services, service("web", selector: ["app": "web"]))
        try cluster.create(.ingresses, ingress("web", service: "web"))
        try cluster.create(.configMaps, configMap("web-config"))
        try cluster.create(.secrets, secret("db-creds"))
        try cluster.create(.statefulSets, workload("db", replicas: 1, ready: 1))
        try cluster.create(.persistentVolumeClaims, claim("data-db-0"))
        try cluster.create(
            .pods,
            pod("db-0", labels: ["app": "db"], owner: ("StatefulSet", "db"), claim: "data-db-0", secretEnv: "db-creds"))
        try cluster.create(.services, service("db", selector: ["app": "db"]))
        try cluster.create(
            .daemonSets,
            ["metadata": meta("log-agent", "ops"), "status": ["desiredNumberScheduled": 2, "numberReady": 2]])
        try cluster.create(
            .pods, pod("log-agent-x", "ops", labels: ["app": "log-agent"], owner: ("DaemonSet", "log-agent")))
        try cluster.create(.cronJobs, ["metadata": meta("nightly", "ops"), "spec": ["schedule": "0 3 * * *"]])
        try cluster.create(
            .jobs, ["metadata": meta("nightly-1", "ops", owner: ("CronJob", "nightly")), "status": ["active": 1]])
        try cluster.create(.events, event("web-7d9f4-a1.1", pod: "web-7d9f4-a1", type: "Normal", reason: "Started"))
    }
}
