import Foundation

/// Matches of cue patterns, found once over the whole text and looked up sentence by sentence (one pass per pattern
/// instead of one call per pattern and sentence). A pattern anchored with `^` is matched on each sentence instead,
/// since its anchor means the start of the sentence.
///
/// The matches of all patterns lie in one array, pattern after pattern, with their starts and ends beside them in
/// arrays of integers: most look-ups find nothing in their sentence, and searching the matches themselves copied
/// each one it read (and retained what it holds).
struct CueIndex {
    let patterns: [Pattern]
    let anchored: [Bool]
    /// Pattern `p`'s matches are `matches[first[p]..<first[p + 1]]`, in text order; `starts` and `ends` are their
    /// ranges' bounds.
    private let first: [Int]
    private let matches: [PatternMatch]
    private let starts: [Int]
    private let ends: [Int]

    init(_ patterns: [Pattern], context: ExtractionContext) {
        self.patterns = patterns
        let anchored = patterns.map { $0.source.hasPrefix("^") }
        self.anchored = anchored
        var first = [0]
        var matches: [PatternMatch] = []
        for (index, pattern) in patterns.enumerated() {
            if !anchored[index] { matches += pattern.matches(in: context).filter { $0.range.length > 0 } }
            first.append(matches.count)
        }
        self.first = first
        self.matches = matches
        starts = matches.map(\.range.location)
        ends = matches.map { NSMaxRange($0.range) }
    }

    /// Matches of pattern `index` that lie within `range`, in text order.
    func matches(_ index: Int, in range: NSRange, context: ExtractionContext) -> [PatternMatch] {
        if anchored[index] { return patterns[index].matches(in: context, range: range) }
        let end = NSMaxRange(range)
        let stop = first[index + 1]
        // The first match starting at or after the range's start (the matches are in text order).
        var position = starts[first[index]..<stop].partitionPoint { $0 < range.location }
        var result: [PatternMatch] = []
        while position < stop, starts[position] < end {
            if ends[position] <= end { result.append(matches[position]) }
            position += 1
        }
        return result
    }
}
