import Foundation

extension Pattern {
    /// Matches within `range` of the context's text, found on a copy of just that range: NSRegularExpression on Linux
    /// reads the whole string on every call, so sentence-by-sentence matching on the full text would cost the length
    /// of the document per sentence. Ranges are those of the full text; `^` and `$` match at the ends of `range`.
    func localMatches(in context: ExtractionContext, range: NSRange) -> [PatternMatch] {
        guard range.length > 0 else { return [] }
        let piece = context.string(range)
        return matches(in: piece).map { match in
            var shifted = match
            shifted.range.location += range.location
            for (name, group) in match.groups {
                shifted.groups[name] = NSRange(location: group.location + range.location, length: group.length)
            }
            return shifted
        }
    }
}

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
            anchored[index] ? [] : pattern.matches(in: context.text).filter { $0.range.length > 0 }
        }
    }

    /// Matches of pattern `index` that lie within `range`, in text order.
    func matches(_ index: Int, in range: NSRange, context: ExtractionContext) -> [PatternMatch] {
        if anchored[index] { return patterns[index].localMatches(in: context, range: range) }
        let result = found[index].elements(within: range) { $0.range }
        return result
    }
}
