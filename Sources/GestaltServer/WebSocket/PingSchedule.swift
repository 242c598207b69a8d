/// The heartbeat's bookkeeping for one session: the server pings on the
/// shared timer (a WebSocket control ping, which every client library
/// answers with a pong by itself, plus an application `ping` message that
/// browser code can see), and a peer that shows no sign of life through
/// `missedPingsAllowed` pings in a row is given up. A sign of life is
/// anything the peer sends, control pongs included, or its socket draining;
/// the session keeps the running count. Answering the application `ping` is
/// optional: a listen-only client stays connected on its control pongs.
struct PingSchedule {
    let missedPingsAllowed: Int
    private var missed = 0
    /// The sequence number of the last ping sent (the payload of both pings).
    private(set) var seq: UInt64 = 0
    /// The count of signs of life when the last ping went out; nil when none is outstanding.
    private var signsAtPing: UInt64?

    init(missedPingsAllowed: Int) { self.missedPingsAllowed = missedPingsAllowed }

    /// A ping is due: counts it under a new `seq` (the session sends the
    /// pings), or returns false when the peer has missed too many already.
    mutating func ping(signsOfLife: UInt64) -> Bool {
        if let signsAtPing, signsOfLife == signsAtPing { missed += 1 } else { missed = 0 }
        if missed >= missedPingsAllowed { return false }
        seq += 1
        signsAtPing = signsOfLife
        return true
    }

    /// The peer has shown `signsOfLife` signs of life so far.
    mutating func heard(signsOfLife: UInt64) {
        if let signsAtPing, signsOfLife != signsAtPing {
            self.signsAtPing = nil
            missed = 0
        }
    }
}
