import Foundation
import HTTPTypes
import GestaltModel
import Hummingbird

/// Reads the query and header values shared by several routes, turning each
/// bad value into a 400 that names it.
enum QueryParsing {
    static func topologyFilter(_ request: Request) throws -> TopologyFilter {
        let query = request.uri.queryParameters
        do {
            return try TopologyFilter.parse(
                kinds: query.get("kinds"),
                namespaces: query.get("namespaces"),
                labels: query.getAll("label")
            )
        } catch {
            throw APIError.badQuery(error.message)
        }
    }

    static func eventFilter(_ request: Request) throws -> EventFilter {
        let query = request.uri.queryParameters
        do {
            return try EventFilter.parse(severity: query.get("severity"), kinds: query.get("kinds"))
        } catch {
            throw APIError.badQuery(error.message)
        }
    }

    static func limit(_ request: Request, default value: Int, max: Int) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return value }
        guard let limit = Int(text), limit >= 1, limit <= max else {
            throw APIError.badQuery("query parameter 'limit' must be a whole number from 1 to \(max); got '\(text)'")
        }
        return limit
    }

    /// The resume point: the `Last-Event-ID` header wins over `last_event_id`.
    /// An id we cannot read is treated as unknown, which earns a `full`.
    static func lastEventID(_ request: Request) -> UInt64? {
        let text = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters.get("last_event_id")
        return text.flatMap(eventID)
    }

    static func eventID(_ text: String) -> UInt64? { UInt64(text.trimmingCharacters(in: .whitespaces)) }

    /// An id taken from the rest of the path; ids hold `/` and `:`, so clients
    /// may send them percent-encoded or raw.
    static func pathID(_ context: some RequestContext, what: String) throws -> String {
        let raw = context.parameters.getCatchAll().joined(separator: "/")
        guard let id = raw.removingPercentEncoding, !id.isEmpty else {
            throw APIError.badRequest("the \(what) id in the path is empty or badly percent-encoded")
        }
        return id
    }
}
