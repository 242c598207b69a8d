import ArgumentParser
import GestaltChurn

struct DemoOptions: ParsableArguments {
    @Option(help: "Seed for the simulated cluster; the same seed gives the same cluster and history.") var demoSeed:
        UInt64?
    // Optional, so a flag given on the command line is told apart from its
    // default and overrides the configuration file's `collectors.simulator`.
    @Option(help: "Simulated changes per second (0 freezes the cluster after it loads; default 20).") var demoRate:
        Double?
    @Option(help: "Approximate number of simulated entities, from about 100 to 100000 (default 150).") var demoSize:
        Int?
    @Flag(help: "Heavy rolling-update churn in a few namespaces.") var demoChurn = false
    @Option(
        help:
            "Milliseconds between simulator ticks; each tick applies its share of --demo-rate at once (smaller: steadier, like a real source)."
    ) var demoTick = 100

    func validate() throws {
        guard (demoRate ?? 0) >= 0 else { throw ValidationError("--demo-rate must be 0 or more changes per second") }
        guard (1...10_000).contains(demoTick) else {
            throw ValidationError("--demo-tick must be between 1 and 10000 milliseconds")
        }
        guard (10...200_000).contains(demoSize ?? 150) else {
            throw ValidationError("--demo-size must be between 10 and 200000")
        }
    }
}

struct KubernetesOptions: ParsableArguments {
    @Flag(
        help:
            "Watch a Kubernetes cluster instead of running the simulator, found as kubectl does: KUBECONFIG, ~/.kube/config, else in-cluster."
    ) var kubernetes = false
    @Option(help: "Kubeconfig file; enables the Kubernetes source and turns the simulator off.") var kubeconfig: String?
    @Option(help: "Kubeconfig context to use (default: the current context).") var context: String?
    @Option(name: .customLong("namespace"), help: "Watch only this namespace (repeatable; default: all).")
    var namespaces: [String] = []
    @Flag(help: "Use the in-cluster service account (KUBERNETES_SERVICE_HOST and the mounted token).") var inCluster =
        false

    /// Any Kubernetes flag turns the Kubernetes source on.
    var enabled: Bool { kubernetes || kubeconfig != nil || context != nil || !namespaces.isEmpty || inCluster }
}

struct ChurnOptions: ParsableArguments {
    @Option(help: "Milliseconds to batch changes per namespace (0 turns debouncing off).") var debounceMs = 500
    @Option(help: "Milliseconds a new pod may stay pending before it is shown.") var pendingHideMs = 1000
    @Option(help: "Milliseconds a terminating pod stays visible at least.") var terminatingHoldMs = 2000
    @Option(help: "Pod adds and removes per minute in one namespace that count as high churn.") var churnThreshold =
        30.0
    @Flag(help: "Turn all churn smoothing off: sources write straight to the store.") var noSmoothing = false

    func validate() throws {
        guard debounceMs >= 0, pendingHideMs >= 0, terminatingHoldMs >= 0 else {
            throw ValidationError("--debounce-ms, --pending-hide-ms and --terminating-hold-ms must be 0 or more")
        }
        guard churnThreshold > 0 else {
            throw ValidationError("--churn-threshold must be a positive number of pods per minute")
        }
    }

    var configuration: ChurnConfiguration {
        var configuration = ChurnConfiguration()
        configuration.debounceWindow = .milliseconds(debounceMs)
        configuration.pendingHide = .milliseconds(pendingHideMs)
        configuration.terminatingHold = .milliseconds(terminatingHoldMs)
        configuration.churnThreshold = churnThreshold
        return configuration
    }
}
