import Foundation

/// How pattern rules settle matches that overlap: the longest wins, then the earliest, then the rule listed
/// first. References and group names both follow it, so "ETSI TS 124 116" is one mention, not a group plus a
/// number.
enum OverlapResolution {
    /// The candidates that survive, in text order. `rank` is the rule's position in its files.
    static func longestFirst<Candidate>(_ candidates: [Candidate], range: (Candidate) -> NSRange,
                                        rank: (Candidate) -> Int) -> [Candidate] {
        let ordered = candidates.sorted {
            let (a, b) = (range($0), range($1))
            if a.length != b.length { return a.length > b.length }
            if a.location != b.location { return a.location < b.location }
            return rank($0) < rank($1)
        }
        var occupied = IndexSet()
        var kept: [Candidate] = []
        for candidate in ordered {
            let span = range(candidate).location..<(range(candidate).location + range(candidate).length)
            if occupied.intersects(integersIn: span) { continue }
            occupied.insert(integersIn: span)
            kept.append(candidate)
        }
        return kept.sorted { range($0).location < range($1).location }
    }
}
