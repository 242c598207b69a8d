import Foundation

/// Reads a connection id (`<source_id>-><target_id>:<kind>`, PROTOCOL.md).
///
/// A removal names only the connection; its ends are needed to keep it
/// ordered before the removal of either end.
enum ConnectionID {
    static func ends(of id: String) -> (source: String, target: String)? {
        guard let colon = id.lastIndex(of: ":"), let arrow = id.range(of: "->"), arrow.upperBound <= colon else {
            return nil
        }
        return (String(id[..<arrow.lowerBound]), String(id[arrow.upperBound..<colon]))
    }
}
