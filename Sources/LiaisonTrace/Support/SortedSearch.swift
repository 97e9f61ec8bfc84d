import Foundation

extension RandomAccessCollection where Index == Int {
    /// Binary search in a collection partitioned by `isBefore` (every element for which it holds comes first):
    /// the index of the first element for which it does not hold, or `endIndex`.
    func partitionPoint(_ isBefore: (Element) -> Bool) -> Int {
        var low = startIndex
        var high = endIndex
        while low < high {
            let middle = (low + high) / 2
            if isBefore(self[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The elements, sorted by where their ranges start, whose ranges lie wholly inside `range`.
    func elements(within range: NSRange, rangeOf: (Element) -> NSRange) -> [Element] {
        var index = partitionPoint { rangeOf($0).location < range.location }
        var result: [Element] = []
        while index < endIndex, rangeOf(self[index]).location < NSMaxRange(range) {
            if NSMaxRange(rangeOf(self[index])) <= NSMaxRange(range) { result.append(self[index]) }
            index += 1
        }
        return result
    }
}
