/// A first-in first-out queue of slot indices that reuses its storage.
struct SlotQueue: Sendable {
    private var items: [Int32] = []
    private var head = 0

    var count: Int { items.count - head }
    var isEmpty: Bool { head == items.count }

    mutating func push(_ slot: Int32) { items.append(slot) }

    mutating func pop() -> Int32? {
        guard head < items.count else { return nil }
        let slot = items[head]
        head += 1
        // Compact once the consumed prefix dominates, keeping pops O(1) amortised.
        if head == items.count {
            items.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 1024, head * 2 > items.count {
            items.removeFirst(head)
            head = 0
        }
        return slot
    }
}
