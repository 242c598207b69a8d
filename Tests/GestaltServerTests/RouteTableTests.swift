import Foundation
import GestaltServer
import Hummingbird
import Testing

/// docs/PROTOCOL.md's route table against the routers, read from the file at
/// test time: a route documented as `live` but missing, or routed but not
/// documented, fails. A `planned` route is another helper's work in flight:
/// it must not be routed yet, and once it is, its row says `live`.
@Suite struct RouteTableTests {
    struct Row: Hashable, CustomStringConvertible {
        let method: String
        let path: String
        var description: String { "\(method) \(path)" }
    }

    static var protocolFile: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("docs/PROTOCOL.md")
    }

    /// The rows of the table that follows the `<!-- routes -->` marker:
    /// `| METHOD | `path` | live or planned | answer |`.
    static func documentedRoutes() throws -> (live: Set<Row>, planned: Set<Row>) {
        let text = try String(contentsOf: protocolFile, encoding: .utf8)
        let marker = try #require(
            text.range(of: "<!-- routes -->"), "docs/PROTOCOL.md lacks the <!-- routes --> marker")
        var live = Set<Row>(), planned = Set<Row>()
        var inTable = false
        for line in text[marker.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("|") else {
                if inTable { break } else { continue }
            }
            inTable = true
            let cells = trimmed.split(separator: "|", omittingEmptySubsequences: false).dropFirst().map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard cells.count >= 3, cells[0] != "method", !cells[0].hasPrefix("---") else { continue }
            let row = Row(
                method: cells[0], path: normalized(cells[1].trimmingCharacters(in: CharacterSet(charactersIn: "`"))))
            switch cells[2] {
            case "live": live.insert(row)
            case "planned": planned.insert(row)
            default: Issue.record("route \(row): status must be live or planned, not '\(cells[2])'")
            }
        }
        return (live, planned)
    }

    /// Parameters and wildcards compared as one placeholder: the table says
    /// `{id}`, the router `**` (ids hold slashes) or `{id}`.
    static func normalized(_ path: String) -> String {
        "/"
            + path.split(separator: "/").map { part in
                part.hasPrefix("{") || part.hasPrefix(":") || part.contains("*") ? "{}" : String(part)
            }.joined(separator: "/")
    }

    static func routed() -> Set<Row> {
        let server = makeServer()
        let routes = server.makeRouter().routes
        return Set(routes.map { Row(method: $0.method.rawValue, path: normalized($0.path.description)) })
    }

    @Test func everyDocumentedRouteIsRoutedAndEveryRouteDocumented() throws {
        let (live, planned) = try Self.documentedRoutes()
        #expect(live.count > 10, "the route table was not found or is nearly empty")
        let routed = Self.routed()
        for row in live.subtracting(routed).sorted(by: { $0.description < $1.description }) {
            Issue.record("docs/PROTOCOL.md documents \(row) as live, but no router has it")
        }
        for row in routed.subtracting(live).subtracting(planned).sorted(by: { $0.description < $1.description }) {
            Issue.record("the router has \(row), but docs/PROTOCOL.md does not document it")
        }
        for row in routed.intersection(planned).sorted(by: { $0.description < $1.description }) {
            Issue.record("\(row) is routed now: mark it live in docs/PROTOCOL.md")
        }
    }
}
