/// Why the store refused a change. Nothing is applied when one is thrown.
package enum StoreError: Error, Sendable, Hashable, CustomStringConvertible {
    case entityExists(id: String)
    case entityNotFound(id: String)
    case connectionExists(id: String)
    case connectionNotFound(id: String)
    /// A connection names an end that is not in the topology.
    case danglingConnection(id: String, missingEnd: String)

    package var description: String {
        switch self {
        case .entityExists(let id): "an entity with id '\(id)' already exists"
        case .entityNotFound(let id): "no entity with id '\(id)'"
        case .connectionExists(let id): "a connection with id '\(id)' already exists"
        case .connectionNotFound(let id): "no connection with id '\(id)'"
        case .danglingConnection(let id, let end): "connection '\(id)' names entity '\(end)', which does not exist"
        }
    }
}
