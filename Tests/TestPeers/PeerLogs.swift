package import Foundation
import Synchronization

/// What a peer printed last, kept past its `stop()` (which removes its
/// directory): a peer that died mid-test, or the peers of a test that timed
/// out waiting, must say why. The tails go into the test output (stderr, or
/// the failure's message) and into a kept directory the message names.
package enum PeerLogs {
    /// How many lines of a peer's log are kept and shown.
    package static let tailLines = 50

    /// Where the tails are kept: `$GESTALT_PEER_LOGS`, or `gestalt-peer-logs` in the temp dir.
    package static var keptDirectory: URL {
        if let path = ProcessInfo.processInfo.environment["GESTALT_PEER_LOGS"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return FileManager.default.temporaryDirectory.appendingPathComponent("gestalt-peer-logs")
    }

    /// The peers started and not stopped yet, in this test process.
    static let running = Mutex<[ObjectIdentifier: PeerProcess]>([:])

    /// The last `lines` lines of `text`.
    package static func tail(_ text: String, lines: Int = tailLines) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Writes the peer's log tail to the kept directory; returns the file, nil if it could not.
    @discardableResult
    static func keep(_ peer: PeerProcess, why: String) -> URL? {
        let directory = keptDirectory
        let file = directory.appendingPathComponent("\(peer.name)-\(peer.pid).log")
        let text = "\(peer.name) pid \(peer.pid): \(why)\n\(tail(peer.output))\n"
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
            return file
        } catch {
            return nil
        }
    }

    /// Every running peer's log tail, kept and quoted: appended to a failed wait's message.
    static func report(why: String) -> String {
        let peers = running.withLock { Array($0.values) }.sorted { $0.pid < $1.pid }
        return peers.map { peer in
            let kept = keep(peer, why: why).map { " (kept in \($0.path))" } ?? ""
            let state = peer.isRunning ? "running" : "exited (status \(peer.exitStatus))"
            return
                "--- \(peer.name) pid \(peer.pid), \(state), last \(tailLines) log lines\(kept):\n\(tail(peer.output))"
        }.joined(separator: "\n")
    }

    /// Said at `stop()` of a peer that was no longer running: it exited on its own.
    static func reportUnexpectedExit(_ peer: PeerProcess) {
        let why = "exited on its own (status \(peer.exitStatus)) before the test stopped it"
        let kept = keep(peer, why: why).map { " (kept in \($0.path))" } ?? ""
        let message = "\(peer.name) pid \(peer.pid) \(why); last \(tailLines) log lines\(kept):\n\(tail(peer.output))\n"
        FileHandle.standardError.write(Data(message.utf8))
    }
}
