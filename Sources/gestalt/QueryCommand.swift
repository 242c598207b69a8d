import ArgumentParser
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1

/// `gestalt query <path>`: asks a running server for one of the plan's
/// `world.infra` paths and prints a table (or the JSON with `--json`);
/// `--watch` follows the path's stream until interrupted.
struct Query: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Query a running server by world.infra path (e.g. world.infra.k8s.pods).",
        discussion:
            "Paths: `gestalt query --list`. Filters are the REST routes' query parameters, e.g. --filter namespaces=shop --filter kinds=pod."
    )

    @Argument(help: "A world.infra path; the 'world.infra.' prefix may be left out.") var path: String?
    @Option(help: "The server's base URL.") var url = "http://127.0.0.1:8080"
    @Option(name: .customLong("filter"), help: "A query parameter NAME=VALUE (repeatable).") var filters: [String] = []
    @Flag(help: "Print the server's JSON as is.") var json = false
    @Flag(help: "Follow the path's stream and print each message.") var watch = false
    @Flag(help: "List the paths the server knows.") var list = false

    func validate() throws {
        guard list || path != nil else { throw ValidationError("name a path, e.g. world.infra.k8s.pods, or --list") }
        for filter in filters where !filter.contains("=") {
            throw ValidationError("--filter takes NAME=VALUE, got '\(filter)'")
        }
    }

    func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await query(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    private func query(_ client: HTTPClient) async throws {
        if list {
            let body = try await get(client, "/api/paths")
            if json { print(String(decoding: body, as: UTF8.self)); return }
            let paths = (try JSONSerialization.jsonObject(with: body) as? [[String: Any]]) ?? []
            print(
                TextTable.render(
                    header: ["PATH", "AVAILABLE", "SUMMARY"],
                    rows: paths.map {
                        [
                            ($0["path"] as? String) ?? "", ($0["available"] as? Bool) == true ? "yes" : "no",
                            ($0["summary"] as? String) ?? "",
                        ]
                    }
                ))
            return
        }
        var name = path ?? ""
        if !name.hasPrefix("world.infra.") && name != "world.infra" { name = "world.infra." + name }
        var query = filters.map { pair -> String in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return
                "\(parts[0])=\(parts[1].addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "="])) ?? parts[1])"
        }
        if watch { query.append("watch=true") }
        let uri = "/api/paths/\(name)" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        if watch {
            try await follow(client, uri)
        } else {
            print(QueryPrinter.render(try await get(client, uri), json: json))
        }
    }

    private func get(_ client: HTTPClient, _ uri: String) async throws -> Data {
        let response = try await client.execute(HTTPClientRequest(url: url + uri), timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 256 << 20)
        let data = Data(buffer: body)
        guard response.status.code < 400 else { throw QueryFailure(status: Int(response.status.code), body: data) }
        return data
    }

    /// Prints each SSE message as it comes, until the server ends the stream.
    private func follow(_ client: HTTPClient, _ uri: String) async throws {
        let response = try await client.execute(HTTPClientRequest(url: url + uri), timeout: .hours(24 * 365))
        guard response.status.code < 400 else {
            throw QueryFailure(
                status: Int(response.status.code), body: Data(buffer: try await response.body.collect(upTo: 1 << 20)))
        }
        var pending = ""
        var event = "message"
        for try await chunk in response.body {
            pending += String(buffer: chunk)
            while let end = pending.range(of: "\n") {
                let line = String(pending[..<end.lowerBound])
                pending.removeSubrange(..<end.upperBound)
                if line.hasPrefix("event:") { event = line.dropFirst(6).trimmingCharacters(in: .whitespaces) }
                if line.isEmpty { event = "message" }
                guard line.hasPrefix("data:") else { continue }
                let data = Data(line.dropFirst(5).trimmingCharacters(in: .whitespaces).utf8)
                print(json ? String(decoding: data, as: UTF8.self) : QueryPrinter.line(for: data, event: event))
            }
        }
    }
}

/// The server's error, as it said it.
struct QueryFailure: Error, CustomStringConvertible {
    let status: Int
    let body: Data

    var description: String {
        let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
        let message = (object?["error"] as? [String: Any])?["message"] as? String
        return "server answered \(status): \(message ?? String(decoding: body, as: UTF8.self))"
    }
}
