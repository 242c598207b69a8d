import Foundation
import GestaltEngine
import GestaltStreaming
import NIOCore

/// `GET /api/graph/events/stream`: the graph seed's SSE bridge. Each graph
/// event goes out as `id: <seq>`, `event: <subject>`, `data: <payload>`,
/// after an opening `event: connected`. `Last-Event-ID` inside the log's
/// window replays the missed events; otherwise the stream starts from now.
struct GraphEventStream: SSEFeed {
    let log: GraphEventLog
    let projectID: String?
    let resumeFrom: UInt64?
    let options: StreamOptions
    let subscription: ChangeSignal.Subscription

    init(log: GraphEventLog, projectID: String?, resumeFrom: UInt64?, options: StreamOptions) {
        self.log = log
        self.projectID = projectID
        self.resumeFrom = resumeFrom
        self.options = options
        self.subscription = log.signal.subscribe()
    }

    func cancel() { subscription.cancel() }

    /// Writes until the client goes away, a write fails, or shutdown.
    func run(connection: StreamConnection?, _ write: (ByteBuffer) async throws -> Void) async throws {
        var buffer = ByteBuffer()
        var cursor = opening(into: &buffer)
        var lastWrite = ContinuousClock.now
        try await write(buffer)
        while true {
            switch await subscription.wait(after: cursor) {
            case .closed:
                return
            case .tick:
                guard ContinuousClock.now - lastWrite >= options.keepalive else { continue }
                buffer.clear()
                SSEFrame.keepalive(into: &buffer)
            case .changed:
                buffer.clear()
                if let batch = log.events(after: cursor) {
                    cursor = frames(batch, into: &buffer) ?? cursor
                } else {
                    // Fell out of the window while this client was slow: skip to now.
                    cursor = log.seq
                }
                guard buffer.readableBytes > 0 else { continue }
            }
            connection?.progressed(eventSeq: cursor)
            connection?.writeStarted(bytes: buffer.readableBytes)
            try await write(buffer)
            connection?.writeFinished(messages: 1, bytes: buffer.readableBytes)
            lastWrite = .now
        }
    }

    /// The retry hint, `connected`, and any replayed events; returns the cursor.
    private func opening(into buffer: inout ByteBuffer) -> UInt64 {
        SSEFrame.retry(milliseconds: options.retryMilliseconds, into: &buffer)
        if let resumeFrom, let missed = log.events(after: resumeFrom) {
            SSEFrame.event(
                "connected", json: connected(seq: missed.last?.seq ?? resumeFrom, resumed: true), into: &buffer)
            return frames(missed, into: &buffer) ?? resumeFrom
        }
        let now = log.seq
        SSEFrame.event("connected", json: connected(seq: now, resumed: false), into: &buffer)
        return now
    }

    private func connected(seq: UInt64, resumed: Bool) -> [UInt8] {
        var object: [String: Any] = ["seq": seq, "resumed": resumed]
        if let projectID { object["project_id"] = projectID }
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8))
    }

    /// Writes the events that pass the filter; returns the last seq seen.
    /// A `graph.invalidated` for project "" is for every project (PROTOCOL.md),
    /// so a client that follows one project gets it too.
    private func frames(_ batch: [GraphEventLog.Logged], into buffer: inout ByteBuffer) -> UInt64? {
        for logged in batch where admits(logged.event) {
            buffer.writeString("id: \(logged.seq)\nevent: \(logged.event.subject)\ndata: ")
            buffer.writeBytes(logged.event.json)
            buffer.writeString("\n\n")
        }
        return batch.last?.seq
    }

    private func admits(_ event: GraphEvent) -> Bool {
        guard let projectID else { return true }
        return event.projectID == projectID || (event.projectID.isEmpty && event.subject == "graph.invalidated")
    }
}
