/// For every byte of a normalized text, the span of the ingested text it came from, kept as runs: a byte copied
/// as it was continues an *identity* run (byte i comes from source byte s + i), and the bytes a changed character
/// produced share one *span* run (all from the same source span). Plain ASCII text is one run, whatever its size,
/// where a table per byte would cost eight bytes per byte.
struct OffsetMap: Sendable, Equatable {
    /// Where each run starts in the normalized text.
    private var normalizedStarts: [Int32] = []
    /// Where each run's source starts.
    private var sourceStarts: [Int32] = []
    /// For span runs, where the source span ends; -1 for identity runs.
    private var sourceEnds: [Int32] = []
    /// The number of normalized bytes mapped.
    private(set) var count = 0

    /// Maps the next normalized byte to source bytes `start..<end`.
    mutating func append(start: Int, end: Int) {
        let last = sourceStarts.count - 1
        if end == start + 1 {
            if last >= 0, sourceEnds[last] < 0,
               Int(sourceStarts[last]) + count - Int(normalizedStarts[last]) == start {
                count += 1
                return
            }
            newRun(start: start, end: -1)
        } else if last >= 0, sourceEnds[last] >= 0, Int(sourceStarts[last]) == start, Int(sourceEnds[last]) == end {
            count += 1
            return
        } else {
            newRun(start: start, end: end)
        }
    }

    /// Maps the next `length` normalized bytes to the source bytes from `start` on, one to one.
    mutating func appendIdentity(start: Int, length: Int) {
        guard length > 0 else { return }
        append(start: start, end: start + 1)
        count += length - 1
    }

    private mutating func newRun(start: Int, end: Int) {
        normalizedStarts.append(Int32(count))
        sourceStarts.append(Int32(start))
        sourceEnds.append(Int32(end))
        count += 1
    }

    /// The run holding normalized byte `index`.
    @inline(__always)
    private func run(of index: Int) -> Int {
        normalizedStarts.partitionPoint { Int($0) <= index } - 1
    }

    /// The first source byte of the character that produced normalized byte `index`.
    func start(at index: Int) -> Int {
        let run = run(of: index)
        let base = Int(sourceStarts[run])
        return sourceEnds[run] < 0 ? base + index - Int(normalizedStarts[run]) : base
    }

    /// One past the last source byte of the character that produced normalized byte `index`.
    func end(at index: Int) -> Int {
        let run = run(of: index)
        return sourceEnds[run] < 0 ? Int(sourceStarts[run]) + index - Int(normalizedStarts[run]) + 1
            : Int(sourceEnds[run])
    }

    /// The first normalized byte whose source starts at or after `sourceOffset` (`count` when none does).
    func firstIndex(atOrAfterSource sourceOffset: Int) -> Int {
        // Sources start in order, so runs are found by where their last byte's source starts.
        let run = sourceStarts.indices.partitionPoint { lastStart(of: $0) < sourceOffset }
        guard run < sourceStarts.count else { return count }
        let base = Int(sourceStarts[run])
        if sourceEnds[run] < 0 { return Int(normalizedStarts[run]) + max(0, sourceOffset - base) }
        return Int(normalizedStarts[run])
    }

    private func lastStart(of run: Int) -> Int {
        let length = (run + 1 < normalizedStarts.count ? Int(normalizedStarts[run + 1]) : count)
            - Int(normalizedStarts[run])
        return sourceEnds[run] < 0 ? Int(sourceStarts[run]) + length - 1 : Int(sourceStarts[run])
    }

    /// The map without the normalized bytes `keep` says to drop.
    func keeping(_ keep: [Bool]) -> OffsetMap {
        var result = OffsetMap()
        var run = 0
        for index in 0..<count {
            while run + 1 < normalizedStarts.count, Int(normalizedStarts[run + 1]) <= index { run += 1 }
            guard keep[index] else { continue }
            let base = Int(sourceStarts[run])
            if sourceEnds[run] < 0 {
                let start = base + index - Int(normalizedStarts[run])
                result.append(start: start, end: start + 1)
            } else {
                result.append(start: base, end: Int(sourceEnds[run]))
            }
        }
        return result
    }

    /// Every byte's start and end, as tables (for tests).
    var tables: (starts: [Int32], ends: [Int32]) {
        ((0..<count).map { Int32(start(at: $0)) }, (0..<count).map { Int32(end(at: $0)) })
    }
}
