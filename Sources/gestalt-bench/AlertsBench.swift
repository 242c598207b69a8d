import ArgumentParser
import Foundation
import GestaltAlerts
import GestaltConfig
import GestaltEngine
import GestaltModel

/// What the alert engine and the plugin inspector cost at N entities: one
/// evaluation of the default rule set per cycle, and one plugin-run record
/// per source update. Each cycle first changes `churn` entities (CPU up and
/// down, so alerts go pending, fire and resolve) and records a few Warning
/// events, as a live cluster would between two evaluations.
struct AlertsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Time alert evaluation (default rules) and plugin recording at N entities."
    )

    @Option(help: "Entities in the topology.") var entities = 10_000
    @Option(help: "Evaluation cycles to time.") var cycles = 200
    @Option(help: "Entities changed between two cycles.") var churn = 100
    @Option(help: "Plugin-run records to time.") var records = 200_000

    func run() {
        let store = TopologyStore()
        let list = FlatTopology.entities(entities)
        store.apply(list.map { .upsertEntity($0) })
        store.apply(FlatTopology.connections(for: list).map { .upsertConnection($0) })
        let board = SourceStatusBoard()
        for name in ["kubernetes", "docker", "prometheus", "postgres@orders"] { board.set(name, .ready) }
        print("loaded \(store.entityCount) entities, \(store.connectionCount) connections")
        evaluation(store: store, board: board, list: list)
        recording(store: store, list: list)
    }

    /// `AlertService.evaluate` with the settings a server without a config
    /// file runs (the built-in rules and `critical-health`), the clock moving
    /// by `evaluate_every` per cycle so `for:` durations pass.
    func evaluation(store: TopologyStore, board: SourceStatusBoard, list: [Entity]) {
        let settings = AlertSettings(enabled: true)
        let service = AlertService(settings: settings, thresholds: HealthThresholds(), store: store, statusBoard: board)
        { _ in }
        let step = settings.evaluateEvery.components.seconds * 1000
        var now = Timestamp(millisecondsSince1970: 1_796_000_000_000)
        var times: [Double] = []
        var transitions = 0
        for cycle in 0..<cycles {
            store.apply(changed(list, cycle: cycle).map { .upsertEntity($0) })
            for i in 0..<5 {
                let pod = list[(cycle * 7 + i * 13) % list.count]
                _ = store.record(
                    InfraEvent(
                        type: "Warning", reason: "BackOff", message: "back-off restarting", entityID: pod.id,
                        entityKind: pod.kind, entityName: pod.name, severity: .warning
                    ))
            }
            now = Timestamp(millisecondsSince1970: now.millisecondsSince1970 + step)
            let start = ContinuousClock.now
            transitions += service.evaluate(now: now).count
            times.append(milliseconds(.now - start))
        }
        print(
            "alert evaluation, \(store.entityCount) entities, default rules: \(Percentiles(times).describe(unit: "ms")) per cycle"
        )
        print(
            "  at the end: \(service.firing.count) firing, \(transitions) transitions over \(cycles) cycles of \(churn) changed entities"
        )
    }

    /// The inspector's record (`SourceContext.recordRun`: one `PluginBoard`
    /// record per source cycle, whatever the cycle's size), next to what one
    /// source update of `churn` entities costs the store.
    func recording(store: TopologyStore, list: [Entity]) {
        let context = SourceContext(
            instance: SourceInstance(kind: "kubernetes"), sink: store, store: store, statusBoard: SourceStatusBoard())
        for i in 0..<20 { store.plugins.record("source-\(i)", PluginRun(seconds: 0.01)) }
        let started = ContinuousClock.now
        let start = ContinuousClock.now
        for _ in 0..<records { context.recordRun(startedAt: started, warnings: []) }
        let perRecord = milliseconds(.now - start) * 1000 / Double(records)
        var applies: [Double] = []
        for cycle in 0..<cycles {
            let batch = changed(list, cycle: cycle + 1_000).map { TopologyChange.upsertEntity($0) }
            let start = ContinuousClock.now
            store.apply(batch)
            applies.append(milliseconds(.now - start))
        }
        let apply = Percentiles(applies)
        print(
            "plugin recording: " + String(format: "%.3f", perRecord)
                + " µs per record (one per source update), board of \(store.plugins.all.count) plugins")
        print(
            "  one update of \(churn) entities: \(apply.describe(unit: "ms")); recording adds "
                + String(format: "%.3f%% of its p50", perRecord / 1000 / max(apply.p50, 1e-9) * 100))
    }

    /// `churn` entities with their CPU moved: every other cycle up into the
    /// critical band, then back down, so the CPU rules go pending and resolve.
    func changed(_ list: [Entity], cycle: Int) -> [Entity] {
        (0..<churn).map { i in
            var entity = list[(cycle / 2 * churn + i * 37) % list.count]
            if entity.kind == .pod { entity.cpuPercent = cycle % 2 == 0 ? 97 : 20 }
            return entity
        }
    }
}
