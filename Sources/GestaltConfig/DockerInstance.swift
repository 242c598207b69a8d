package import Foundation

/// One Docker Engine to poll.
///
/// The plan's single form (`collectors.docker.socket`) is one unnamed
/// instance; `collectors.docker.hosts` gives several named ones.
package struct DockerInstance: Sendable, Hashable {
    package static let defaultSocket = URL(string: "unix:///var/run/docker.sock")!

    /// Nil for the plan's single unnamed instance.
    package var name: String?
    /// The Engine API endpoint: `unix:///path/docker.sock`, `tcp://host:2375`, `http(s)://host:port`.
    package var socket: URL
    package var pollInterval: Duration

    package init(name: String? = nil, socket: URL = DockerInstance.defaultSocket, pollInterval: Duration = .seconds(3))
    {
        self.name = name
        self.socket = socket
        self.pollInterval = pollInterval
    }
}

extension DockerInstance {
    static let sectionKeys = ["enabled", "socket", "poll_interval", "hosts"]
    static let hostKeys = ["name", "socket", "poll_interval"]
    static let schemes = ["unix", "tcp", "http", "https"]

    /// The instances of `collectors.docker`; none when it is disabled.
    static func read(_ node: ConfigNode) throws -> [DockerInstance] {
        let section = try node.mapping(keys: sectionKeys)
        let enabled = try section.enabled()
        var defaults = DockerInstance()
        if let node = section["socket"] { defaults.socket = try node.url(schemes: schemes) }
        if let node = section["poll_interval"] { defaults.pollInterval = try node.pollInterval() }
        guard let items = try section.instanceList("hosts", entry: "host") else { return enabled ? [defaults] : [] }
        var names = InstanceNames()
        var hosts: [DockerInstance] = []
        for item in items {
            let entry = try item.mapping(keys: hostKeys)
            var host = defaults
            host.name = try entry.requiredName(&names, entry: "host")
            // Each host names its own endpoint: two hosts on the section's socket would be one engine twice.
            guard let socket = entry["socket"] else { throw entry.missing("socket", "every host needs a socket") }
            host.socket = try socket.url(schemes: schemes)
            if let node = entry["poll_interval"] { host.pollInterval = try node.pollInterval() }
            hosts.append(host)
        }
        return enabled ? hosts : []
    }
}
