import GestaltNATS
import Testing

/// The heartbeat deadline, on made-up instants: no clock runs here.
@Suite struct ClusterLivenessTests {
    typealias Liveness = ClusterLiveness<ContinuousClock.Instant>
    let start = ContinuousClock.now

    func at(_ seconds: Double) -> ContinuousClock.Instant { start.advanced(by: .milliseconds(Int64(seconds * 1000))) }

    @Test func aSilentClusterGoesStaleOnceAtItsDeadline() {
        var liveness = Liveness(deadline: .seconds(5))
        liveness.watch("prod", now: at(0))
        #expect(liveness.heartbeat("prod", beat: "7-1", now: at(1)) == nil)
        #expect(liveness.nextDeadline == at(6))
        #expect(liveness.tick(now: at(5.9)).isEmpty)
        #expect(liveness.tick(now: at(6)) == [.stale(cluster: "prod", epoch: "7-1")])
        #expect(liveness.isStale("prod"))
        // Said once per outage, however long it lasts.
        #expect(liveness.tick(now: at(60)).isEmpty)
        #expect(liveness.nextDeadline == nil)
    }

    @Test func theNextBeatMakesItCurrentAndRestartsTheDeadline() {
        var liveness = Liveness(deadline: .seconds(5))
        liveness.watch("prod", now: at(0))
        _ = liveness.tick(now: at(5))
        #expect(liveness.heartbeat("prod", beat: "9-1", now: at(20)) == .current(cluster: "prod", epoch: "9-1"))
        #expect(!liveness.isStale("prod"))
        #expect(liveness.heartbeat("prod", beat: "9-2", now: at(21)) == nil)
        #expect(liveness.tick(now: at(25.5)).isEmpty)
        #expect(liveness.tick(now: at(26)) == [.stale(cluster: "prod", epoch: "9-2")])
    }

    @Test func beatsInTimeKeepAClusterCurrent() {
        var liveness = Liveness(deadline: .seconds(2))
        liveness.watch("prod", now: at(0))
        for second in 1...100 {
            #expect(liveness.heartbeat("prod", beat: "1-\(second)", now: at(Double(second))) == nil)
            #expect(liveness.tick(now: at(Double(second) + 1.5)).isEmpty)
        }
    }

    @Test func clustersAreJudgedApartAndWatchingTwiceChangesNothing() {
        var liveness = Liveness(deadline: .seconds(5))
        liveness.watch("a", now: at(0))
        liveness.watch("b", now: at(0))
        _ = liveness.heartbeat("b", beat: "2-1", now: at(4))
        liveness.watch("b", now: at(8))  // already watched: its deadline stays at 9
        // A cluster never heard from is stale with no beat to name.
        #expect(liveness.tick(now: at(5)) == [.stale(cluster: "a", epoch: "")])
        #expect(liveness.tick(now: at(9)) == [.stale(cluster: "b", epoch: "2-1")])
        // A beat from a cluster not watched yet starts watching it.
        #expect(liveness.heartbeat("c", beat: "3-1", now: at(9)) == nil)
        #expect(liveness.nextDeadline == at(14))
    }
}
