/// Why the Kubernetes source could not do something. Each message is meant
/// for a log line and the source status, so it says what to fix.
package enum KubernetesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No usable configuration: missing kubeconfig, unknown context, unreadable file.
    case configuration(String)
    /// The server answered with a Status failure.
    case status(code: Int, reason: String, message: String)
    /// The resourceVersion asked for is older than the server keeps (410 Gone).
    case gone(String)
    /// A watch sent nothing for longer than it may.
    case stalled
    /// A body or watch line that is not the JSON we expect.
    case malformed(String)
    /// The server could not be reached or the connection broke.
    case transport(String)

    package var description: String {
        switch self {
        case .configuration(let message): "configuration: \(message)"
        case .status(let code, let reason, let message): "\(code) \(reason): \(message)"
        case .gone(let message): "410 Gone: \(message)"
        case .stalled: "watch stalled: no data within the stall timeout"
        case .malformed(let message): "malformed response: \(message)"
        case .transport(let message): "cannot reach the API server: \(message)"
        }
    }

    var isForbidden: Bool { if case .status(403, _, _) = self { true } else { false } }
}
