/// What the simulation does with its change budget. Mostly metrics and
/// traffic drift; structural changes are rarer, and each pays for the
/// changes it causes later through the budget too.
extension SimulatedCluster {
    func performRandomActivity() {
        let roll = rng.unit()
        switch roll {
        case ..<0.0006: failRandomNode()
        case ..<0.02: startRandomRollout()
        case ..<0.035: scaleRandomDeployment()
        case ..<0.042: runRandomCronJob()
        case ..<0.5: driftRandomEntity()
        default: driftRandomConnection()
        }
    }
}
