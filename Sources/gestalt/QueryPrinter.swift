import Foundation

/// Turns the JSON a path answers into a table a person reads.
enum QueryPrinter {
    static func render(_ body: Data, json: Bool) -> String {
        guard !json, let object = try? JSONSerialization.jsonObject(with: body) else {
            return String(decoding: body, as: UTF8.self)
        }
        if let topology = object as? [String: Any], let entities = topology["entities"] as? [[String: Any]] {
            return TextTable.render(
                header: ["ID", "KIND", "STATUS", "HEALTH", "CPU %", "MEMORY", "SOURCE"], rows: entities.map(entityRow))
                + "\n\(entities.count) entities at revision \(topology["revision"] ?? "?")"
        }
        if let events = object as? [[String: Any]], events.allSatisfy({ $0["severity"] != nil }) {
            return TextTable.render(
                header: ["TIME", "SEVERITY", "REASON", "ENTITY", "MESSAGE"], rows: events.map(eventRow))
        }
        if let map = object as? [String: Any] {
            return TextTable.render(header: ["FIELD", "VALUE"], rows: map.keys.sorted().map { [$0, text(map[$0])] })
        }
        return String(decoding: body, as: UTF8.self)
    }

    /// One stream message on one line: `update k8s:pod/shop/web-1 running 0.93`.
    static func line(for data: Data, event: String) -> String {
        guard let message = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return String(decoding: data, as: UTF8.self)
        }
        if event == "connected" { return "connected  at revision \(text(message["revision"]))" }
        if message["severity"] != nil { return eventRow(message).joined(separator: "  ") }
        let kind = text(message["type"] ?? message["kind"])
        if let entity = message["entity"] as? [String: Any] {
            return "\(kind)  " + entityRow(entity).joined(separator: "  ")
        }
        if let connection = message["connection"] as? [String: Any] {
            return
                "\(kind)  \(text(connection["source_id"])) -> \(text(connection["target_id"])) \(text(connection["kind"]))"
        }
        if let topology = message["topology"] as? [String: Any], let entities = topology["entities"] as? [Any] {
            return "\(kind)  \(entities.count) entities at revision \(text(message["revision"]))"
        }
        return String(decoding: data, as: UTF8.self)
    }

    static func entityRow(_ e: [String: Any]) -> [String] {
        let memory =
            (e["memory_bytes"] as? Double).map {
                ByteCountFormatter.string(fromByteCount: Int64($0), countStyle: .memory)
            } ?? "-"
        return [
            text(e["id"]), text(e["kind"]), text(e["status"]) + ((e["stale"] as? Bool) == true ? " (stale)" : ""),
            text(e["health"]), text(e["cpu_percent"]), memory, text(e["source"]),
        ]
    }

    static func eventRow(_ e: [String: Any]) -> [String] {
        [text(e["timestamp"]), text(e["severity"]), text(e["reason"]), text(e["entity_id"]), text(e["message"])]
    }

    static func text(_ value: Any?) -> String {
        switch value {
        case let string as String: string
        case let number as NSNumber: number.stringValue
        case nil, is NSNull: "-"
        case let other?: "\(other)"
        }
    }
}

/// Left-aligned columns, two spaces apart.
enum TextTable {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in
            all.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0
        }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
