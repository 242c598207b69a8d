import Foundation
import GestaltModel
import HTTPTypes
import Hummingbird

/// Reads the query and header values shared by several routes, turning each
/// bad value into a 400 that names it.
enum QueryParsing {
    /// The client's filter, narrowed to what its token may see.
    static func topologyFilter(_ request: Request, _ context: GestaltRequestContext) throws -> TopologyFilter {
        let query = request.uri.queryParameters
        do {
            return try filter(query).restricted(to: context.identity?.restriction ?? .none)
        } catch {
            throw APIError.badQuery(error.message)
        }
    }

    static func eventFilter(_ request: Request, _ context: GestaltRequestContext) throws -> EventFilter {
        let query = request.uri.queryParameters
        do {
            return try EventFilter.parse(severity: query.get("severity"), kinds: list(query, "kinds"))
                .restricted(to: context.identity?.restriction ?? .none)
        } catch {
            throw APIError.badQuery(error.message)
        }
    }

    /// The topology filter of a query; shared with the direct stream's head parser.
    static func filter(_ query: Parameters) throws(FilterError) -> TopologyFilter {
        try TopologyFilter.parse(
            kinds: list(query, "kinds"), namespaces: list(query, "namespaces"), labels: labels(query))
    }

    /// A list parameter, given comma-separated (`kinds=pod,service`),
    /// repeated (`kinds=pod&kinds=service`), or both: every value, joined
    /// with commas; nil when the parameter is absent.
    static func list(_ query: Parameters, _ name: String) -> String? {
        let values = query.getAll(name)
        return values.isEmpty ? nil : values.joined(separator: ",")
    }

    /// `label=key=value`, repeated or comma-separated (label values cannot
    /// hold commas); `labels` is accepted as an alias.
    static func labels(_ query: Parameters) -> [String] {
        (query.getAll("label") + query.getAll("labels")).flatMap { $0.split(separator: ",").map(String.init) }
    }

    /// `delta=entity|patch`: how the topology stream sends an entity `update`.
    static func delta(_ request: Request) throws -> DeltaForm {
        do {
            return try delta(request.uri.queryParameters)
        } catch {
            throw APIError.badQuery(error.message)
        }
    }

    static func delta(_ query: Parameters) throws(FilterError) -> DeltaForm {
        guard let text = query.get("delta") else { return .entity }
        guard let form = DeltaForm(wireName: text) else {
            throw FilterError("query parameter 'delta' must be 'entity' or 'patch'; got '\(text)'")
        }
        return form
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
        guard let id = PercentDecoding.decode(raw), !id.isEmpty else {
            throw APIError.badRequest("the \(what) id in the path is empty or badly percent-encoded")
        }
        return id
    }
}
