import NATSClient
import Testing

@Suite struct OrderedConsumerStateTests {
    @Test func deliversInOrderAndAdvancesTheStartSequence() {
        var state = OrderedConsumerState(startSequence: 5)
        #expect(state.receive(status: nil, replyTo: nil, streamSequence: 5, consumerSequence: 1) == .deliver)
        #expect(state.receive(status: nil, replyTo: nil, streamSequence: 7, consumerSequence: 2) == .deliver)
        #expect(state.nextStreamSequence == 8 && state.expectedConsumerSequence == 3)
    }

    @Test func aConsumerSequenceGapAsksForAResetFromTheLastDelivered() {
        var state = OrderedConsumerState(startSequence: 1)
        #expect(state.receive(status: nil, replyTo: nil, streamSequence: 1, consumerSequence: 1) == .deliver)
        #expect(state.receive(status: nil, replyTo: nil, streamSequence: 3, consumerSequence: 3) == .reset)
        #expect(state.nextStreamSequence == 2)
        state.restarted()
        #expect(state.receive(status: nil, replyTo: nil, streamSequence: 2, consumerSequence: 1) == .deliver)
    }

    @Test func aMessageAlreadyDeliveredIsSkipped() {
        var state = OrderedConsumerState(startSequence: 1)
        #expect(state.receive(status: nil, replyTo: nil, streamSequence: 1, consumerSequence: 1) == .deliver)
        #expect(state.receive(status: nil, replyTo: nil, streamSequence: 2, consumerSequence: 2) == .deliver)
        state.restarted()
        // A re-created consumer that starts too early: no duplicate reaches the caller.
        #expect(state.receive(status: nil, replyTo: nil, streamSequence: 2, consumerSequence: 1) == .ignore)
        #expect(state.receive(status: nil, replyTo: nil, streamSequence: 3, consumerSequence: 2) == .deliver)
    }

    @Test func heartbeatsFlowControlAndStatuses() {
        var state = OrderedConsumerState(startSequence: 1)
        #expect(
            state.receive(status: 100, replyTo: "$JS.FC.x", streamSequence: nil, consumerSequence: nil)
                == .replyFlowControl("$JS.FC.x"))
        #expect(state.receive(status: 100, replyTo: nil, streamSequence: nil, consumerSequence: nil) == .heartbeat)
        #expect(
            state.receive(
                status: 100, replyTo: nil, streamSequence: nil, consumerSequence: nil, lastConsumerSequence: 0)
                == .heartbeat)
        // The server says it delivered one we never got.
        #expect(
            state.receive(
                status: 100, replyTo: nil, streamSequence: nil, consumerSequence: nil, lastConsumerSequence: 1)
                == .reset)
        #expect(state.receive(status: 409, replyTo: nil, streamSequence: nil, consumerSequence: nil) == .reset)
        #expect(state.receive(status: nil, replyTo: nil, streamSequence: nil, consumerSequence: nil) == .ignore)
    }

    /// A lost flow-control request: the server stalls and says which reply
    /// it waits for in its heartbeats; answering it resumes delivery.
    @Test func aStalledHeartbeatIsAnsweredLikeFlowControl() {
        var state = OrderedConsumerState(startSequence: 1)
        #expect(state.receive(status: nil, replyTo: nil, streamSequence: 1, consumerSequence: 1) == .deliver)
        let action = state.receive(
            status: 100, replyTo: nil, streamSequence: nil, consumerSequence: nil, lastConsumerSequence: 1,
            stalled: "$JS.FC.stream.abc")
        #expect(action == .replyFlowControl("$JS.FC.stream.abc"))
    }

    @Test func startSequenceZeroMeansTheFirst() {
        #expect(OrderedConsumerState(startSequence: 0).nextStreamSequence == 1)
    }
}
