import Foundation
package import Logging
package import NATSClient
import NIOCore

/// Makes the scale-out streams (or finds them). An earlier gestalt made one
/// stream per cluster (`GESTALT_<cluster>_TOPOLOGY`, ...) on the same
/// subjects; JetStream refuses a stream whose subjects overlap another's, so
/// after an upgrade those must go. They are not deleted here (their messages
/// may be someone's only copy): the error names them.
package enum ScaleOutStreams {
    /// Each stream's info, by name.
    package static func ensure(
        _ js: JetStream, logger: Logger = Logger(label: "gestalt.scale-out")
    ) async throws -> [String: StreamInfo] {
        var infos: [String: StreamInfo] = [:]
        for config in ScaleOutNames.streams {
            do {
                infos[config.name] = try await js.ensureStream(config)
            } catch let error as NATSError where error.message.contains("10065") || error.message.contains("overlap") {
                let older = (try? await overlapping(js, config.subjects).filter { $0 != config.name }) ?? []
                let names = older.isEmpty ? "older streams" : older.joined(separator: ", ")
                let problem = ScaleOutError(
                    "stream \(config.name) cannot be made: its subjects \(config.subjects.joined(separator: ", ")) overlap \(names) (one stream per cluster, from an earlier gestalt); delete them (`nats stream rm NAME`) and the collectors and edges go on (docs/SCALE-OUT.md, \"Streams\"). NATS said: \(error)"
                )
                logger.error("\(problem)")
                throw problem
            }
        }
        return infos
    }

    /// The streams holding any of `subjects`.
    static func overlapping(_ js: JetStream, _ subjects: [String]) async throws -> [String] {
        struct Names: Decodable { var streams: [String]? }
        var names: Set<String> = []
        for subject in subjects {
            let body = try JSONEncoder().encode(["subject": subject])
            let reply = try await js.connection.request(ByteBuffer(bytes: body), to: "$JS.API.STREAM.NAMES")
            let answer = try JSONDecoder().decode(Names.self, from: Data(reply.payload.readableBytesView))
            names.formUnion(answer.streams ?? [])
        }
        return names.sorted()
    }
}
