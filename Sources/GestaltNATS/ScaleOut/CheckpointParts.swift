package import NATSClient
package import NIOCore

/// A checkpoint larger than the server's max_payload (1 MiB by default:
/// about 2,900 simulated entities) goes in parts: its JSON cut into pieces
/// on the cluster's part subject, then a manifest on the checkpoint subject
/// that names the parts' sequences. A checkpoint that fits is one message,
/// as before, and an edge reads either.
///
/// The manifest comes last, so the checkpoint subject's last message is
/// always whole; the collector then purges the parts of older checkpoints.
/// An edge that read a manifest just before a newer one purged its parts
/// finds a part missing or of another checkpoint, and reads the newest
/// manifest again.
package enum CheckpointParts {
    /// Room left in each message for its headers and the protocol line.
    static let headroom = 4_096

    /// The largest payload the collector sends to `connection`: the server's
    /// max_payload less the headroom, or `override` (tests make parts small).
    static func limit(_ connection: NATSConnection, override: Int?) -> Int {
        if let override { return override }
        return max(1, (connection.serverInfo?.maxPayload ?? 1_048_576) - headroom)
    }

    /// `bytes` cut into pieces of at most `limit` bytes, in order.
    static func split(_ bytes: [UInt8], limit: Int) -> [ArraySlice<UInt8>] {
        stride(from: 0, to: max(bytes.count, 1), by: limit).map { bytes[$0..<min($0 + limit, bytes.count)] }
    }

    /// Stores `json` as the checkpoint `id` of `names`' cluster, in parts when
    /// it is over `limit`, with `headers` (the sequences it includes) on the
    /// message edges read first. Returns the manifest's (or only message's) ack.
    /// `partsMayRemain` says whether older parts may be stored (a checkpoint
    /// in one message purges them only then, not once per checkpoint) and is
    /// true after parts are written.
    static func publish(
        _ js: JetStream, _ json: [UInt8], id: String, headers: NATSHeaders, names: ScaleOutNames, limit: Int,
        partsMayRemain: inout Bool
    ) async throws -> PubAck {
        guard json.count > limit else {
            let ack = try await js.publish(ByteBuffer(bytes: json), to: names.checkpointSubject, headers: headers)
            if partsMayRemain, await purgeParts(js, names, keepingFrom: nil) { partsMayRemain = false }
            return ack
        }
        partsMayRemain = true
        var sequences: [UInt64] = []
        for piece in split(json, limit: limit) {
            var partHeaders = NATSHeaders()
            partHeaders[ScaleOutNames.checkpointIDHeader] = id
            let ack = try await js.publish(
                ByteBuffer(bytes: piece), to: names.checkpointPartSubject, headers: partHeaders,
                messageID: "\(id)-part-\(sequences.count)")
            sequences.append(ack.sequence)
        }
        var manifest = headers
        manifest[ScaleOutNames.checkpointIDHeader] = id
        manifest[ScaleOutNames.checkpointPartsHeader] = sequences.map(String.init).joined(separator: ",")
        let ack = try await js.publish(ByteBuffer(), to: names.checkpointSubject, headers: manifest)
        await purgeParts(js, names, keepingFrom: sequences[0])
        return ack
    }

    /// Parts of older checkpoints are of no use once a newer one is stored.
    /// A failed purge only leaves them a while longer: false, to try again.
    @discardableResult
    private static func purgeParts(_ js: JetStream, _ names: ScaleOutNames, keepingFrom: UInt64?) async -> Bool {
        (try? await js.purge(
            stream: ScaleOutNames.checkpointPartStream, subject: names.checkpointPartSubject, keepingFrom: keepingFrom))
            != nil
    }

    /// A manifest whose part is gone or belongs to another checkpoint: a newer
    /// checkpoint replaced it while it was being read.
    package struct Replaced: Error, CustomStringConvertible {
        package let description: String
    }

    /// The checkpoint's JSON: `manifest`'s own body, or its parts put together.
    package static func payload(_ js: JetStream, _ manifest: StoredMessage) async throws -> ByteBuffer {
        guard let parts = manifest.headers?[ScaleOutNames.checkpointPartsHeader] else { return manifest.payload }
        let id = manifest.headers?[ScaleOutNames.checkpointIDHeader]
        let sequences = parts.split(separator: ",").compactMap { UInt64($0) }
        guard id != nil, !sequences.isEmpty, sequences.count == parts.split(separator: ",").count else {
            throw ScaleOutError("checkpoint \(manifest.sequence) names its parts as \(parts.debugDescription)")
        }
        var whole = ByteBuffer()
        for sequence in sequences {
            guard let part = try await js.message(stream: ScaleOutNames.checkpointPartStream, sequence: sequence),
                part.headers?[ScaleOutNames.checkpointIDHeader] == id
            else {
                throw Replaced(description: "checkpoint \(id ?? "")'s part at sequence \(sequence) is gone")
            }
            var piece = part.payload
            whole.writeBuffer(&piece)
        }
        return whole
    }
}
