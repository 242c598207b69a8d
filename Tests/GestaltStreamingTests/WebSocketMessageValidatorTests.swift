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
}
