/// A set of ids with O(1) insert, remove and uniform random pick.
///
/// Removal swaps the last element into the hole, so the order depends only on
/// the sequence of operations: random picks stay deterministic for a seed.
struct IndexedPool {
    private(set) var items: [String] = []
    private var positions: [String: Int] = [:]

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }

    func contains(_ id: String) -> Bool { positions[id] != nil }

    mutating func insert(_ id: String) {
        guard positions[id] == nil else { return }
        positions[id] = items.count
        items.append(id)
    }

    mutating func remove(_ id: String) {
        guard let position = positions.removeValue(forKey: id) else { return }
        let last = items.removeLast()
        if position < items.count {
            items[position] = last
            positions[last] = position
        }
    }

    func random(using rng: inout SplitMix64) -> String? {
        items.isEmpty ? nil : items[rng.below(items.count)]
    }
}
