/// Something the simulation has promised to do later: the second half of a
/// transition that takes time (a pod starting, a grace period ending).
enum ScheduledAction: Hashable {
    case podStarted(pod: String)
    case podGone(pod: String)
    case advanceRollout(deployment: Int)
    case startRollout(deployment: Int)
    case crashLoop(pod: String)
    case nodeRecovered(node: Int)
    case jobFinished(cronJob: Int)
}

/// A min-heap of actions by due time. Ties keep insertion order, so the
/// sequence of actions depends only on the seed and the step times.
struct Schedule {
    private struct Item {
        let due: Int64
        let order: UInt64
        let action: ScheduledAction

        func precedes(_ other: Item) -> Bool { (due, order) < (other.due, other.order) }
    }

    private var heap: [Item] = []
    private var nextOrder: UInt64 = 0

    var count: Int { heap.count }

    mutating func add(_ action: ScheduledAction, at due: Int64) {
        heap.append(Item(due: due, order: nextOrder, action: action))
        nextOrder += 1
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    /// The earliest action due at or before `time`, removed from the schedule.
    mutating func popDue(upTo time: Int64) -> ScheduledAction? {
        guard let first = heap.first, first.due <= time else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < heap.count, heap[left].precedes(heap[smallest]) { smallest = left }
                if right < heap.count, heap[right].precedes(heap[smallest]) { smallest = right }
                guard smallest != parent else { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first.action
    }
}
