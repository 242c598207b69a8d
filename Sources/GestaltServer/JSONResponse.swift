import GestaltModel
import Hummingbird
import NIOCore

extension Response {
    /// A JSON answer from bytes our JSON writer produced.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes))
        )
    }

    static func json(_ value: some JSONWritable, status: HTTPResponse.Status = .ok) -> Response {
        json(value.jsonBytes(), status: status)
    }
}
