import Foundation

/// Where the Docker source finds the engine and how often it re-lists.
package struct DockerSourceConfiguration: Sendable, Hashable {
    /// `unix:///var/run/docker.sock`, a bare socket path, or `tcp://host:port` (plain HTTP).
    package var socket: String
    /// A full re-list this often, diffed against what the events already
    /// produced. Events carry every change; this is only a safety net.
    package var pollInterval: Duration
    /// The Engine API version in every path. 1.41 is the newest that Docker
    /// 20.10 (Debian 12's docker.io) speaks, and every later engine still
    /// accepts it, so one default serves both.
    package var apiVersion: String

    package init(
        socket: String = "unix:///var/run/docker.sock", pollInterval: Duration = .seconds(60),
        apiVersion: String = "1.41"
    ) {
        self.socket = socket
        self.pollInterval = pollInterval
        self.apiVersion = apiVersion
    }

    /// The base URL AsyncHTTPClient understands: `http+unix://%2Fvar%2Frun%2Fdocker.sock`
    /// for a socket (the path percent-encoded as the host), `http://host:port` for TCP.
    package func baseURL() throws(DockerError) -> String {
        if socket.hasPrefix("tcp://") { return "http://" + socket.dropFirst("tcp://".count) }
        if socket.hasPrefix("http://") { return socket }
        var path = socket
        if path.hasPrefix("unix://") { path.removeFirst("unix://".count) }
        guard path.hasPrefix("/") else {
            throw .configuration("docker socket must be unix:///path, /path or tcp://host:port, not \(socket)")
        }
        // Linux's sockaddr_un holds 108 bytes including the terminating NUL.
        guard path.utf8.count < 108 else {
            throw .configuration("docker socket path is longer than 107 bytes: \(path)")
        }
        return "http+unix://"
            + path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
    }
}
