import GestaltStreaming
import Testing

/// The checker every WebSocket test runs on what it receives: it must itself
/// accept what the protocol allows and name what is missing.
@Suite struct WebSocketMessageValidatorTests {
    private func problems(_ text: String) -> [String] { WebSocketMessageValidator.problems(in: Array(text.utf8)) }

    @Test func rejectsWhatIsNotAnEnvelope() {
        #expect(problems("[1,2]") == ["the message is not one JSON object"])
        #expect(problems("not json") == ["the message is not one JSON object"])
        #expect(problems(#"{"payload":{}}"#) == ["missing string field 'type'"])
        #expect(problems(#"{"type":"nonsense","payload":{}}"#) == ["unknown type 'nonsense'"])
    }

    @Test func namesAMissingTimestampAndPayload() {
        let found = problems(#"{"type":"pong"}"#)
        #expect(found.contains("pong: missing string field 'timestamp'"))
        #expect(found.contains("pong: missing object field 'payload'"))
    }

    @Test func aTopologyUpdateMustCarryItsObject() {
        let message =
            #"{"type":"topology","id":"3","timestamp":"2026-01-01T00:00:00Z","payload":{"kind":"add","revision":3}}"#
        #expect(problems(message).contains("topology add: payload lacks object 'entity'"))
    }

    @Test func aPatchCarriesAnIdAndItsChangedFieldsInsteadOfTheEntity() {
        let head = #"{"type":"topology","id":"3","timestamp":"2026-01-01T00:00:00Z","payload":"#
        let patch = #"{"kind":"update","op":"patch","revision":3,"timestamp":"2026-01-01T00:00:00Z","id":"a""#
        #expect(problems(head + patch + #","set":{"x":1}}}"#).isEmpty)
        #expect(
            problems(head + patch + "}}") == ["topology update patch: payload lacks string 'id' or object 'set'"])
    }

    @Test func progressIsANumberFrom0To100() {
        func progress(_ value: String) -> [String] {
            problems(
                #"{"type":"progress","timestamp":"2026-01-01T00:00:00Z","payload":{"job_id":"j","progress":"# + value
                    + "}}")
        }
        #expect(progress("0").isEmpty)
        #expect(progress("50").isEmpty)
        #expect(progress("100").isEmpty)
        #expect(progress("101") == ["progress: 'progress' must be a number from 0 to 100, not 101"])
        #expect(progress("-1") == ["progress: 'progress' must be a number from 0 to 100, not -1"])
        #expect(progress(#""50""#) == ["progress: 'progress' must be a number from 0 to 100, not 50"])
        #expect(progress("null") == ["progress: payload lacks 'progress'"])
    }

    @Test func aPluginStatusIsOneOfTheSeedsFour() {
        func status(_ value: String) -> [String] {
            problems(
                #"{"type":"plugin_status","timestamp":"2026-01-01T00:00:00Z","payload":{"plugin":"nats","status":"#
                    + value + "}}")
        }
        for allowed in ["started", "running", "completed", "failed"] { #expect(status("\"\(allowed)\"").isEmpty) }
        #expect(
            status(#""done""#) == [
                "plugin_status: 'status' must be one of completed, failed, running, started, not done"
            ])
        #expect(
            status("3") == ["plugin_status: 'status' must be one of completed, failed, running, started, not 3"])
    }
}
