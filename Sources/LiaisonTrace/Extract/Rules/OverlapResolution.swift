import Foundation

/// How pattern rules settle matches that overlap: the longest wins, then the earliest, then the rule listed
/// first. References and group names both follow it, so "ETSI TS 124 116" is one mention, not a group plus a
/// number.
enum OverlapResolution {
    /// The candidates that survive, in text order. `rank` is the rule's position in its files.
    static func longestFirst<Candidate>(_ candidates: [Candidate], range: (Candidate) -> NSRange,
                                        rank: (Candidate) -> Int) -> [Candidate] {
        guard candidates.count > 1 else { return candidates }
        let ordered = candidates.sorted {
            let (a, b) = (range($0), range($1))
            if a.length != b.length { return a.length > b.length }
            if a.location != b.location { return a.location < b.location }
            return rank($0) < rank($1)
        }
        // The places the kept candidates take, one bit each, from the first candidate's start on. (Foundation's
        // IndexSet did this at about 1,100 instructions an insertion; the bits cost the span's length in words, and
        // the kept spans do not overlap, so all of them together cost the text's length at most.)
        var low = Int.max
        var high = Int.min
        for candidate in candidates {
            let span = range(candidate)
            low = min(low, span.location)
            high = max(high, span.location + span.length)
        }
        var occupied = Occupied(count: high - low)
        var kept: [Candidate] = []
        for candidate in ordered {
            let span = range(candidate)
            let start = span.location - low
            if occupied.intersects(start, start + span.length) { continue }
            occupied.insert(start, start + span.length)
            kept.append(candidate)
        }
        return kept.sorted { range($0).location < range($1).location }
    }

    /// A set of places `0..<count`, one bit each.
    struct Occupied {
        private var words: [UInt64]

        init(count: Int) {
            words = [UInt64](repeating: 0, count: count / 64 + 1)
        }

        /// Whether one of `start..<end` is in the set.
        func intersects(_ start: Int, _ end: Int) -> Bool {
            var index = start
            while index < end {
                let (word, mask, count) = Self.piece(index, end)
                if words[word] & mask != 0 { return true }
                index += count
            }
            return false
        }

        /// Puts `start..<end` in the set.
        mutating func insert(_ start: Int, _ end: Int) {
            var index = start
            while index < end {
                let (word, mask, count) = Self.piece(index, end)
                words[word] |= mask
                index += count
            }
        }

        /// The word holding `index`, the mask of the places from `index` to `end` in it, and how many they are.
        @inline(__always)
        private static func piece(_ index: Int, _ end: Int) -> (word: Int, mask: UInt64, count: Int) {
            let bit = index & 63
            let count = min(64 - bit, end - index)
            let ones: UInt64 = count == 64 ? ~0 : (1 << UInt64(count)) - 1
            return (index >> 6, ones << UInt64(bit), count)
        }
    }
}
