package import Foundation

/// A collector's roster, or one part of it when the whole would pass the
/// server's max_payload (about 25,000 ids at 1 MiB). Each part is whole in
/// itself: it names the kept ids in one range of the cluster's stamped ids
/// (`from` inclusive, `until` exclusive, nil: no bound), so an edge applies
/// each part as it arrives, removing the cluster's entities in that range it
/// does not name, and needs no part before it.
///
/// A roster in one message is the JSON array of ids, as it always was; a part
/// is `{"from": ..., "until": ..., "ids": [...]}`. Ids are the collector's
/// own, unstamped; the ranges are in the stamped order, which is the order
/// the edge holds them in.
package struct RosterPart: Codable, Equatable, Sendable {
    package var from: String?
    package var until: String?
    package var ids: [String]

    package init(from: String? = nil, until: String? = nil, ids: [String]) {
        self.from = from
        self.until = until
        self.ids = ids
    }

    /// `ids` in parts whose JSON fits in `limit` bytes each; one part with
    /// no bounds when the whole fits.
    package static func parts(of ids: [String], cluster: String, limit: Int) -> [RosterPart] {
        let sorted = ids.map { (stamped: ClusterIDs.stamp($0, cluster: cluster), id: $0) }
            .sorted { $0.stamped < $1.stamped }.map(\.id)
        let sizes = sorted.map(encodedSize)
        if sizes.reduce(2, +) <= limit { return [RosterPart(ids: sorted)] }
        // Each part keeps room for its two bounds and the object around them.
        let room = max(1, limit - 2 * (sizes.max() ?? 0) - 64)
        var starts = [0]
        var used = 2
        for (index, size) in sizes.enumerated() {
            if index > starts[starts.count - 1] && used + size > room {
                starts.append(index)
                used = 2
            }
            used += size
        }
        return starts.indices.map { part in
            let end = part + 1 < starts.count ? starts[part + 1] : sorted.count
            return RosterPart(
                from: part == 0 ? nil : sorted[starts[part]],
                until: part + 1 < starts.count ? sorted[end] : nil,
                ids: Array(sorted[starts[part]..<end]))
        }
    }

    /// The bytes sent: a bare array when the part has no bounds.
    package func json() throws -> Data {
        if from == nil && until == nil { return try JSONEncoder().encode(ids) }
        return try JSONEncoder().encode(self)
    }

    /// A roster or part as sent; nil when `data` is neither.
    package static func decode(_ data: Data) -> RosterPart? {
        if let ids = try? JSONDecoder().decode([String].self, from: data) { return RosterPart(ids: ids) }
        return try? JSONDecoder().decode(RosterPart.self, from: data)
    }

    /// Whether the stamped id `stamped` of `cluster` is in this part's range.
    package func covers(_ stamped: String, cluster: String) -> Bool {
        if let from, stamped < ClusterIDs.stamp(from, cluster: cluster) { return false }
        if let until, stamped >= ClusterIDs.stamp(until, cluster: cluster) { return false }
        return true
    }

    /// An id's bytes in JSONEncoder's output: quotes, escapes (it escapes `/`), and a comma.
    static func encodedSize(_ id: String) -> Int {
        id.utf8.reduce(3) { size, byte in
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): size + 2
            case ..<0x20: size + 6
            default: size + 1
            }
        }
    }
}
