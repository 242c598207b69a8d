import Foundation

extension GestaltConfiguration {
    /// One line per source instance and per optional feature, for
    /// `gestalt config check` and the server's start-up log. Passwords in
    /// URLs are never printed.
    package var summary: [String] {
        var lines: [String] = []
        for cluster in kubernetes {
            var parts: [String] = []
            switch cluster.credentials {
            case .inCluster: parts.append("in-cluster service account")
            case .kubeconfig(let path): parts.append("kubeconfig \(path)")
            }
            if let context = cluster.context { parts.append("context \(context)") }
            parts.append(
                cluster.namespaces.isEmpty
                    ? "all namespaces" : "namespaces \(cluster.namespaces.joined(separator: ","))")
            lines.append("\(Self.label("kubernetes", cluster.name)): \(parts.joined(separator: ", "))")
        }
        for host in docker {
            lines.append(
                "\(Self.label("docker", host.name)): \(host.socket.absoluteString), every \(Self.seconds(host.pollInterval))"
            )
        }
        for server in nats {
            var text = "\(Self.label("nats", server.name)): \(Self.redacted(server.url))"
            if let monitor = server.monitorURL { text += ", monitor \(Self.redacted(monitor))" }
            if !server.subjects.isEmpty { text += ", subjects \(server.subjects.joined(separator: " "))" }
            lines.append(text + ", every \(Self.seconds(server.pollInterval))")
        }
        if let postgres {
            for database in postgres.databases {
                lines.append(
                    "\(Self.label("postgres", database.name)): \(Self.redacted(database.url)), every \(Self.seconds(postgres.pollInterval))"
                        + (postgres.allowQueryText ? ", query text shown" : ""))
            }
        }
        if let otel {
            var parts: [String] = []
            if let url = otel.prometheusEndpoint { parts.append("prometheus \(Self.redacted(url))") }
            if let url = otel.otlpEndpoint { parts.append("otlp \(Self.redacted(url))") }
            lines.append("otel: \(parts.joined(separator: ", "))")
        }
        if let simulator {
            lines.append(
                "simulator: about \(simulator.size) entities, \(simulator.rate) changes/s, seed \(simulator.seed.map(String.init) ?? "random")"
                    + (simulator.churn ? ", churn on" : ""))
        }
        if !hasSources { lines.append("no sources enabled: the map would stay empty") }
        if let history {
            let place: String
            switch history.storage {
            case .directory(let path): place = path
            case .database(let url): place = Self.redacted(url)
            }
            lines.append(
                "history: \(place), kept \(Self.seconds(history.retention))"
                    + (history.maxBytes.map { ", at most \($0) bytes" } ?? ""))
        } else if historyDisabled {
            lines.append("history: off")
        }
        // AuthSettings' description names tokens and keys, never their secrets.
        if let auth { lines.append(auth.description) }
        if alerts.enabled {
            let channels = alerts.configuredChannels.map(\.rawValue)
            lines.append(
                "alerts: \(alerts.rules.count) rule\(alerts.rules.count == 1 ? "" : "s"), "
                    + (channels.isEmpty ? "no notification channel" : "to \(channels.joined(separator: ", "))"))
        }
        return lines
    }

    static func label(_ kind: String, _ name: String?) -> String { name.map { "\(kind)@\($0)" } ?? kind }

    static func seconds(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }

    /// The URL with any password replaced, so summaries and logs can show it.
    static func redacted(_ url: URL) -> String {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false), components.password != nil
        else {
            return url.absoluteString
        }
        components.password = "xxxxx"
        return components.string ?? url.absoluteString
    }
}
