package import Foundation
import Yams

/// The PostgreSQL source: the databases it polls and how.
package struct PostgresCollector: Sendable, Hashable {
    package var databases: [PostgresInstance]
    package var pollInterval: Duration
    /// Whether query text from `pg_stat_activity` may be shown. Off by default:
    /// query text can carry literals (emails, tokens) that the map must not leak.
    package var allowQueryText: Bool

    package init(databases: [PostgresInstance], pollInterval: Duration = .seconds(10), allowQueryText: Bool = false) {
        self.databases = databases
        self.pollInterval = pollInterval
        self.allowQueryText = allowQueryText
    }
}

/// One PostgreSQL server to poll.
package struct PostgresInstance: Sendable, Hashable {
    /// Nil for a single unnamed database.
    package var name: String?
    /// `postgres://user[:password]@host:port/database[?sslmode=...]`.
    package var url: URL

    package init(name: String? = nil, url: URL) {
        self.name = name
        self.url = url
    }
}

extension PostgresCollector {
    static let sectionKeys = ["enabled", "urls", "poll_interval", "allow_query_text"]
    static let entryKeys = ["name", "url"]
    static let schemes = ["postgres", "postgresql"]

    /// `collectors.postgres`; nil when it is disabled.
    static func read(_ node: ConfigNode) throws -> PostgresCollector? {
        let section = try node.mapping(keys: sectionKeys)
        let enabled = try section.enabled()
        var collector = PostgresCollector(databases: [])
        if let node = section["poll_interval"] { collector.pollInterval = try node.pollInterval() }
        if let node = section["allow_query_text"] { collector.allowQueryText = try node.bool() }
        guard let urls = section["urls"] else {
            guard !enabled else { throw section.missing("urls", "list at least one postgres:// URL") }
            return nil
        }
        let items = try urls.sequence()
        guard !items.isEmpty else { throw urls.error("list at least one postgres:// URL") }
        var names = InstanceNames()
        for item in items {
            if case .mapping = item.node {
                let entry = try item.mapping(keys: entryKeys)
                let name = try entry.requiredName(&names, entry: "database")
                guard let url = entry["url"] else { throw entry.missing("url", "every database needs a url") }
                collector.databases.append(PostgresInstance(name: name, url: try url.url(schemes: schemes)))
            } else {
                // A bare URL has no name, and ids of two unnamed instances would collide.
                guard items.count == 1 else {
                    throw item.error("several databases need names: write {name: ..., url: ...} for each")
                }
                collector.databases.append(PostgresInstance(url: try item.url(schemes: schemes)))
            }
        }
        return enabled ? collector : nil
    }
}
