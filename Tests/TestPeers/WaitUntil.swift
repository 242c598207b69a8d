/// Polls `condition` until it holds, the one way tests wait for something
/// that happens on another task, connection or process. The deadline only
/// keeps a broken build from hanging; it is generous because CI machines are
/// slow, and nothing may assert on how long the wait took.
///
/// Throws `WaitTimeout`, naming `what` and the caller's line, when the
/// deadline passes; errors thrown by `condition` end the wait at once.
///
/// ```swift
/// try await waitUntil("the stream joined the fan-out") { server.fanout.clientCount == 1 }
/// ```
package func waitUntil(
    _ what: String, timeout: Duration = .seconds(30), fileID: String = #fileID, line: Int = #line,
    _ condition: () async throws -> Bool
) async throws {
    let clock = ContinuousClock()
    let deadline = clock.now + timeout
    // Starts short so a condition that holds soon costs little, and backs off
    // so a long wait does not spin on a machine shared by many test runs.
    var pause = Duration.milliseconds(1)
    while try await !condition() {
        guard clock.now < deadline else {
            throw WaitTimeout(
                what: what, timeout: timeout, fileID: fileID, line: line,
                peers: PeerLogs.report(why: "a wait timed out: \(what) (\(fileID):\(line))"))
        }
        try await Task.sleep(for: pause)
        pause = min(pause * 2, .milliseconds(25))
    }
}

/// A wait whose condition never held: says what was awaited, for how long,
/// and where, and what the peers running then last printed (`PeerLogs`).
package struct WaitTimeout: Error, CustomStringConvertible {
    package let what: String
    package let timeout: Duration
    package let fileID: String
    package let line: Int
    /// The running peers' log tails, "" when none runs.
    package var peers: String = ""

    package var description: String {
        let said = "timed out after \(timeout) waiting until \(what) (\(fileID):\(line))"
        return peers.isEmpty ? said : "\(said)\n\(peers)"
    }
}
