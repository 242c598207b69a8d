import Foundation
import GestaltModel
import GestaltStreaming

/// A message from a WebSocket client, parsed and checked. Every problem
/// becomes a `ClientMessageError` naming the field, which the session
/// answers with an `error` message while the connection stays open.
enum ClientMessage: Equatable {
    case subscribe(SubscribeRequest)
    case unsubscribe(Set<StreamChannel>)
    case ping
    /// The answer to a server `ping`; it only proves the peer is alive.
    case pong

    static let knownTypes = ["subscribe", "unsubscribe", "ping", "pong"]

    /// Parses one text message. The returned `replyTo` is the client's `id`, echoed in answers.
    static func parse(_ text: String) -> (message: ClientMessage?, replyTo: String?, error: ClientMessageError?) {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            return (
                nil, nil,
                ClientMessageError("invalid_json", "the message is not valid JSON; send one JSON object per text frame")
            )
        }
        guard case .object(let object) = value else {
            return (
                nil, nil,
                ClientMessageError("invalid_message", "the message must be a JSON object, not \(value.typeName)")
            )
        }
        let replyTo: String? =
            switch object["id"] {
            case .string(let id): id
            case .number(let n): String(n)
            default: nil
            }
        do {
            return (try message(from: object), replyTo, nil)
        } catch {
            return (nil, replyTo, error)
        }
    }

    private static func message(from object: [String: JSONValue]) throws(ClientMessageError) -> ClientMessage {
        guard let typeValue = object["type"] else {
            throw ClientMessageError(
                "missing_field", "the message lacks 'type'; one of \(knownTypes.joined(separator: ", "))")
        }
        guard case .string(let type) = typeValue else {
            throw ClientMessageError("invalid_field", "'type' must be a string, not \(typeValue.typeName)")
        }
        let payload = try payloadObject(object["payload"], type: type)
        switch type {
        case "subscribe":
            guard let payload else {
                throw ClientMessageError(
                    "missing_field", "subscribe lacks 'payload'; send {\"channels\": [\"topology\"]}")
            }
            return .subscribe(try SubscribeRequest(payload))
        case "unsubscribe":
            guard let payload else {
                throw ClientMessageError("missing_field", "unsubscribe lacks 'payload'; send {\"channels\": [...]}")
            }
            return .unsubscribe(try SubscribeRequest.channels(payload))
        case "ping": return .ping
        case "pong": return .pong
        default:
            throw ClientMessageError(
                "unknown_type", "unknown message type '\(type)'; known types: \(knownTypes.joined(separator: ", "))")
        }
    }

    private static func payloadObject(
        _ value: JSONValue?, type: String
    ) throws(ClientMessageError) -> [String: JSONValue]? {
        switch value {
        case nil, .null: return nil
        case .object(let object): return object
        case let other?:
            throw ClientMessageError("invalid_field", "'payload' of \(type) must be an object, not \(other.typeName)")
        }
    }
}

/// What was wrong with a client message: an `error` message's code and text.
struct ClientMessageError: Error, Equatable {
    let code: String
    let message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
}
