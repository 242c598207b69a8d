/// The heartbeat's bookkeeping for one session: the server pings on the
/// shared timer, and a peer that sends nothing at all (any message proves it
/// alive) through `missedPingsAllowed` pings in a row is given up.
struct PingSchedule {
    let missedPingsAllowed: Int
    private var missed = 0
    private var seq: UInt64 = 0
    /// The inbound count when the last ping went out; nil when none is outstanding.
    private var inboundAtPing: UInt64?

    init(missedPingsAllowed: Int) { self.missedPingsAllowed = missedPingsAllowed }

    /// A ping is due: adds it to `batch`, or returns false when the peer
    /// has missed too many already.
    mutating func ping(inboundCount: UInt64, into batch: inout OutgoingBatch) -> Bool {
        if let inboundAtPing, inboundCount == inboundAtPing { missed += 1 } else { missed = 0 }
        if missed >= missedPingsAllowed { return false }
        seq += 1
        inboundAtPing = inboundCount
        batch.add(.ping, payload: ServerPayloads.ping(seq: seq))
        return true
    }

    /// The peer has sent `inboundCount` messages so far.
    mutating func heard(inboundCount: UInt64) {
        if let inboundAtPing, inboundCount != inboundAtPing {
            self.inboundAtPing = nil
            missed = 0
        }
    }
}
