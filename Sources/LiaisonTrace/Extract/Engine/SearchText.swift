import Foundation

/// The text a rule searches: a document's normalized text, where the engine's cues narrow every search, or a bare
/// string (a header value, a rule example), where they narrow it too when an engine is given (its literal scan over
/// the string costs less than running every rule's pattern over it). Both count in UTF-16 units.
struct SearchText {
    /// The text.
    let scan: ScanText
    /// The document, when the text is one.
    let context: ExtractionContext?
    /// For a bare string, the engine and where its cues are in the string.
    private let engine: RuleEngine?
    private let candidates: CandidateIndex?

    /// A document's normalized text.
    init(_ context: ExtractionContext) {
        scan = context.scan
        self.context = context
        engine = nil
        candidates = nil
    }

    /// A bare string, searched through `engine`'s cues when given.
    init(_ string: String, engine: RuleEngine? = nil) {
        scan = ScanText(string)
        context = nil
        self.engine = engine
        candidates = engine?.candidates(in: scan)
    }

    /// Every match of `pattern` within `range` (all of the text when nil).
    func matches(_ pattern: Pattern, range: NSRange? = nil) -> [PatternMatch] {
        if let context { return pattern.matches(in: context, range: range) }
        return pattern.matches(in: scan, range: range, engine: engine, candidates: candidates)
    }

    /// The match of `pattern` starting exactly at `location`, within `limit` units (which is all it sees).
    func match(_ pattern: Pattern, at location: Int, limit: Int) -> PatternMatch? {
        pattern.match(in: scan, at: location, limit: limit)
    }

    /// The text of a range.
    func string(_ range: NSRange) -> String { scan.string(range) }
}
