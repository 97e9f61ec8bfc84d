import Foundation

/// Matches of cue patterns, found once over the whole text and looked up sentence by sentence (one pass per pattern
/// instead of one call per pattern and sentence). A pattern anchored with `^` is matched on each sentence instead,
/// since its anchor means the start of the sentence.
struct CueIndex {
    let patterns: [Pattern]
    let anchored: [Bool]
    let found: [[PatternMatch]]

    init(_ patterns: [Pattern], context: ExtractionContext) {
        self.patterns = patterns
        let anchored = patterns.map { $0.source.hasPrefix("^") }
        self.anchored = anchored
        found = patterns.enumerated().map { index, pattern in
            anchored[index] ? [] : pattern.matches(in: context).filter { $0.range.length > 0 }
        }
    }

    /// Matches of pattern `index` that lie within `range`, in text order.
    func matches(_ index: Int, in range: NSRange, context: ExtractionContext) -> [PatternMatch] {
        if anchored[index] { return patterns[index].matches(in: context, range: range) }
        return found[index].elements(within: range) { $0.range }
    }
}
