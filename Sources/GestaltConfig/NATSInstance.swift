package import Foundation
import Yams

/// One NATS server (or cluster seed) to observe.
///
/// The plan's single form (`collectors.nats.url`) is one unnamed instance;
/// `collectors.nats.servers` gives several named ones, each taking `subjects`
/// and `poll_interval` from the section unless it sets its own.
package struct NATSInstance: Sendable, Hashable {
    package static let defaultURL = URL(string: "nats://127.0.0.1:4222")!

    /// Nil for the plan's single unnamed instance.
    package var name: String?
    /// The client URL: `nats://host:4222` (or `tls://`).
    package var url: URL
    /// The HTTP monitoring endpoint (`http://host:8222`), nil when not given.
    package var monitorURL: URL?
    /// Subjects to subscribe to and sample (wildcards allowed); empty means none.
    package var subjects: [String]
    package var pollInterval: Duration

    package init(
        name: String? = nil, url: URL = NATSInstance.defaultURL, monitorURL: URL? = nil,
        subjects: [String] = [], pollInterval: Duration = .seconds(2)
    ) {
        self.name = name
        self.url = url
        self.monitorURL = monitorURL
        self.subjects = subjects
        self.pollInterval = pollInterval
    }
}

extension NATSInstance {
    static let sectionKeys = ["enabled", "url", "monitor_url", "subjects", "poll_interval", "servers"]
    static let serverKeys = ["name", "url", "monitor_url", "subjects", "poll_interval"]

    /// The instances of `collectors.nats`; none when it is disabled.
    static func read(_ node: ConfigNode) throws -> [NATSInstance] {
        let section = try node.mapping(keys: sectionKeys)
        let enabled = try section.enabled()
        let defaults = try read(section, over: NATSInstance())
        guard let items = try section.instanceList("servers", entry: "server") else { return enabled ? [defaults] : [] }
        var names = InstanceNames()
        var servers: [NATSInstance] = []
        for item in items {
            let entry = try item.mapping(keys: serverKeys)
            // Endpoints are the server's own; only subjects and the interval are shared.
            var server = NATSInstance(subjects: defaults.subjects, pollInterval: defaults.pollInterval)
            server.name = try entry.requiredName(&names, entry: "server")
            guard entry.has("url") else { throw entry.missing("url", "every server needs a url") }
            server = try read(entry, over: server)
            servers.append(server)
        }
        return enabled ? servers : []
    }

    private static func read(_ entry: ConfigMapping, over base: NATSInstance) throws -> NATSInstance {
        var instance = base
        if let node = entry["url"] { instance.url = try node.url(schemes: ["nats", "tls"]) }
        if let node = entry["monitor_url"] { instance.monitorURL = try node.url(schemes: ["http", "https"]) }
        if let node = entry["subjects"] {
            guard case .sequence = node.node else { throw node.expected("a list of subjects") }
            instance.subjects = try node.sequence().map { try $0.subject() }
        }
        if let node = entry["poll_interval"] { instance.pollInterval = try node.pollInterval() }
        return instance
    }
}

extension ConfigNode {
    /// A NATS subject or wildcard: dot-separated non-empty tokens without
    /// spaces, `*` only as a whole token and `>` only as the last one.
    func subject() throws -> String {
        let subject = try nonEmptyString("a subject")
        let tokens = subject.split(separator: ".", omittingEmptySubsequences: false)
        for (index, token) in tokens.enumerated() {
            let valid =
                !token.isEmpty && !token.contains(where: \.isWhitespace)
                && (token == "*" || !token.contains("*"))
                && (token == ">" ? index == tokens.count - 1 : !token.contains(">"))
            guard valid else {
                throw error("not a NATS subject (dot-separated tokens, * as a token, > last), got \(written)")
            }
        }
        return subject
    }
}
