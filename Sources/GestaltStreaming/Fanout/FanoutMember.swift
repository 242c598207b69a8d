/// Something the fan-out visits on every pass of its event loop: an SSE
/// client (`FanoutClient`) or a WebSocket session served from the loop.
/// Members live on their channel's loop, and every call comes from there.
public protocol FanoutMember: AnyObject {
    /// Write whatever the store has that this member has not sent yet, or a
    /// keepalive when it has been idle.
    func fanoutPass(_ pass: inout FanoutPass)
    /// The store closed (shutdown): end the stream.
    func fanoutFinish(_ reason: DisconnectReason)
    /// Position in the loop's list, for removal in O(1); the fan-out's own.
    var fanoutIndex: Int? { get set }
    /// Whether new events (not only topology changes) call for a pass.
    var fanoutWantsEvents: Bool { get }
}

extension FanoutMember {
    public var fanoutWantsEvents: Bool { false }
}

/// One pass over a loop's members.
public struct FanoutPass {
    public let now: ContinuousClock.Instant
    /// Framed SSE batches, shared by clients at the same revision.
    var batches = SharedBatches()

    init(now: ContinuousClock.Instant) { self.now = now }
}
