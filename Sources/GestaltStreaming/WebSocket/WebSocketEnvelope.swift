package import NIOCore

/// Writes the WebSocket envelope `{"type", "payload", "timestamp", "id"}`
/// around a payload that is already JSON, so a TopologyUpdate encoded once
/// by the store is spliced in, never re-encoded.
package enum WebSocketEnvelope {
    /// - Parameters:
    ///   - timestamp: RFC 3339 bytes, computed once per batch by the caller.
    ///   - id: the resume id (revision or seq) of `topology` and `event` messages.
    package static func write(
        _ type: WebSocketMessageType, payload: [UInt8], timestamp: [UInt8], id: UInt64? = nil,
        into buffer: inout ByteBuffer
    ) {
        write(typeName: type.rawValue, payload: payload, timestamp: timestamp, id: id, into: &buffer)
    }

    /// The same for a type given by name (broadcasts from other modules).
    package static func write(
        typeName: String, payload: [UInt8], timestamp: [UInt8], id: UInt64? = nil, into buffer: inout ByteBuffer
    ) {
        buffer.writeString("{\"type\":\"")
        buffer.writeString(typeName)
        buffer.writeString("\",\"payload\":")
        buffer.writeBytes(payload)
        buffer.writeString(",\"timestamp\":\"")
        buffer.writeBytes(timestamp)
        buffer.writeString("\"")
        if let id {
            buffer.writeString(",\"id\":\"")
            buffer.writeString(String(id))
            buffer.writeString("\"")
        }
        buffer.writeString("}")
    }
}
