/// Why a query gave no figures. The description is what the status shows.
package enum PrometheusError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No answer: connection refused, reset, timed out.
    case unreachable(String)
    /// Prometheus refused the query (bad PromQL, timeout inside Prometheus).
    case queryFailed(status: Int, errorType: String, message: String)
    /// An answer that is not the HTTP API's JSON.
    case malformed(String)
    /// A valid answer of another type (scalar, matrix, string).
    case notAVector(resultType: String)

    package var description: String {
        switch self {
        case .unreachable(let why): "Prometheus unreachable: \(why)"
        case .queryFailed(let status, let type, let message): "query failed (HTTP \(status), \(type)): \(message)"
        case .malformed(let why): "malformed answer: \(why)"
        case .notAVector(let type): "expected an instant vector, got a \(type)"
        }
    }
}
