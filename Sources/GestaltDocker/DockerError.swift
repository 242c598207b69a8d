/// Why the Docker source stopped or skipped something; each names what failed.
package enum DockerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The configuration cannot work (a socket that is not a path or URL).
    case configuration(String)
    /// The engine could not be reached, or a stream broke and did not come back.
    case transport(String)
    /// The engine answered a request with an error status.
    case status(code: Int, path: String, message: String)
    /// The engine sent something that is not what its API documents.
    case malformed(String)

    package var description: String {
        switch self {
        case .configuration(let message): "docker configuration: \(message)"
        case .transport(let message): "docker unreachable: \(message)"
        case .status(let code, let path, let message): "docker answered \(code) to \(path): \(message)"
        case .malformed(let message): "docker sent malformed data: \(message)"
        }
    }
}
