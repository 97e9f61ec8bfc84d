import Foundation

/// What every extractor sees: the normalized text (in UTF-16 units, as rule patterns count them), the map back to
/// the ingested text, the blocks, and lazily computed lines, sentences and outline. With a `RuleEngine`, the
/// document's literal cues are found in one pass the first time a pattern asks, and patterns run only there.
public final class ExtractionContext: @unchecked Sendable { // lazy members are filled by the one thread using it
    /// The analyzed document.
    public let document: AnalyzedDocument
    /// The normalized text.
    public let text: String
    /// The normalized text as the rule engine reads it (UTF-16 units; offsets are `NSRange` locations).
    public let scan: ScanText
    /// The engine whose cues narrow where patterns run (nil: every pattern scans the ranges it is asked about).
    let engine: RuleEngine?
    /// How the text is cut into sentences and headings.
    let outlineRules: OutlineRules
    /// Blocks with their ranges in normalized UTF-16 units.
    public let blocks: [(block: Block, range: NSRange)]

    /// Prepares a document for extraction (with no `outlineRules`, no heading is recognized in plain text and no
    /// abbreviation or function word is known).
    public init(_ document: AnalyzedDocument, engine: RuleEngine? = nil, outlineRules: OutlineRules = OutlineRules()) {
        self.document = document
        self.engine = engine
        self.outlineRules = outlineRules
        text = document.normalized.text
        let scan = ScanText(text)
        self.scan = scan
        blocks = document.ingested.blocks.map { block in
            let start = scan.utf16Offset(document.normalized.normalizedOffset(forSource: block.range.start))
            let end = scan.utf16Offset(document.normalized.normalizedOffset(forSource: block.range.end))
            return (block, NSRange(location: start, length: max(0, end - start)))
        }
    }

    /// The number of UTF-16 units of the normalized text.
    public var length: Int { scan.count }

    /// The UTF-16 unit at `offset`.
    @inline(__always)
    public func unit(at offset: Int) -> UInt16 { scan[offset] }

    /// Builds what every pattern search needs first (the cue scan), to time it apart.
    public func prepareScan() {
        _ = candidates
    }

    /// Where each pattern's cues occur (computed on first use).
    private(set) lazy var candidates: CandidateIndex? = engine?.candidates(in: scan)

    /// The normalized text of a UTF-16 range.
    public func string(_ range: NSRange) -> String {
        scan.string(range)
    }

    /// The surface form of a UTF-16 range of the normalized text: the ingested text it came from, unnormalized.
    public func surface(_ range: NSRange) -> String {
        document.ingested.text(of: provenance(range, rule: "").range)
    }

    /// Provenance (line, column, ingested-text byte range) of a UTF-16 range of the normalized text.
    public func provenance(_ range: NSRange, rule: String) -> Provenance {
        let start = scan.utf8Offset(range.location)
        let end = scan.utf8Offset(range.location + range.length)
        return document.provenance(start, end, rule: rule)
    }

    /// The UTF-16 location in `text` of ingested-text byte `sourceOffset` (to find record items, such as
    /// references, in the normalized text).
    public func location(forSource sourceOffset: Int) -> Int {
        scan.utf16Offset(document.normalized.normalizedOffset(forSource: sourceOffset))
    }

    /// When extraction must stop (monotonic nanoseconds; nil: never).
    var deadline: UInt64?
    /// The rule that was running when the deadline passed; from then on patterns find nothing, so the extractors
    /// finish at once.
    var overrun: String?
    private var clockCountdown = 0

    /// Whether the deadline has passed.
    func deadlinePassed() -> Bool {
        guard let deadline else { return false }
        return DispatchTime.now().uptimeNanoseconds > deadline
    }

    /// Whether `pattern` may still run: false once the deadline passed (the clock is read every 32 calls).
    @inline(__always)
    func withinBudget(_ pattern: Pattern) -> Bool {
        guard deadline != nil else { return true }
        if overrun != nil { return false }
        clockCountdown -= 1
        guard clockCountdown <= 0 else { return true }
        clockCountdown = 32
        if deadlinePassed() {
            overrun = pattern.origin
            return false
        }
        return true
    }

    /// What the sentence-level extractors derive from the record (see `StatementScan`), kept for the next one.
    var statementScanParts: StatementScan.Parts?

    /// Headings, sections and list structure, shared by the sentence-level extractors.
    public private(set) lazy var outline = DocumentOutline(self)

    /// A diagnostic pointing at a UTF-16 range.
    public func diagnostic(_ id: String, _ severity: Severity, _ summary: String, at range: NSRange,
                           explanation: String? = nil) -> Diagnostic {
        let place = provenance(range, rule: id)
        return Diagnostic(id: id, severity: severity, summary: summary, explanation: explanation,
                          path: document.ingested.source.path, line: place.line, column: place.column,
                          range: place.range)
    }

    /// Lines of the normalized text as UTF-16 ranges (without the newline).
    public private(set) lazy var lines: [NSRange] = {
        var result: [NSRange] = []
        var start = 0
        let units = scan.units
        for index in 0..<units.count where units[index] == 0x0A {
            result.append(NSRange(location: start, length: index - start))
            start = index + 1
        }
        result.append(NSRange(location: start, length: units.count - start))
        return result
    }()

    /// The start of the line that `location` is in.
    public func lineStart(at location: Int) -> Int {
        let index = lines.partitionPoint { $0.location <= location }
        return index > 0 ? lines[index - 1].location : 0
    }

    /// Sentences (ICU sentence break iterator, `en_US@ss=standard`) within paragraph-like blocks (paragraphs, list
    /// items, table cells, footnotes) — or within the whole text when the document has no blocks — as trimmed
    /// UTF-16 ranges. Line breaks that only wrap a sentence are read as spaces; a line break stays a break before a
    /// list item, a heading or a `Field:` line, after a colon, a heading-like short line or a blank line
    /// (see `SentenceSegmenter`).
    public private(set) lazy var sentences: [NSRange] = SentenceSegmenter.sentences(of: self)

    /// `range` without leading and trailing white space.
    public func trim(_ range: NSRange) -> NSRange {
        var start = range.location
        var end = range.location + range.length
        while start < end, Self.isSpace(scan[start]) { start += 1 }
        while end > start, Self.isSpace(scan[end - 1]) { end -= 1 }
        return NSRange(location: start, length: end - start)
    }

    static func isSpace(_ unit: UInt16) -> Bool { unit == 0x20 || unit == 0x0A || unit == 0x09 || unit == 0x0D }
}

extension Pattern {
    /// Every match within `range` of the document's normalized text (all of it when nil). `^`, `$` and lookarounds
    /// see only `range`. With an engine, the pattern runs only where its cues are.
    func matches(in context: ExtractionContext, range: NSRange? = nil, limit: Int = .max) -> [PatternMatch] {
        guard context.withinBudget(self) else { return [] }
        return matches(in: context.scan, range: range, engine: context.engine, candidates: context.candidates,
                       limit: limit)
    }

    /// Every match within `range` of `text` (all of it when nil), tried only where `candidates` (the cues `engine`
    /// found in `text`) say, when the engine scans for this pattern's cues.
    func matches(in text: ScanText, range: NSRange?, engine: RuleEngine?, candidates: CandidateIndex?,
                 limit: Int = .max) -> [PatternMatch] {
        if let engine, let slot = engine.slot(of: self), let candidates,
           !(candidates.hasFoldTraps && cues?.foldSensitive == true) {
            return matches(in: text, range: range ?? NSRange(location: 0, length: text.count),
                           candidates: candidates.positions(of: slot), shortRuns: candidates.hasShortRuns,
                           foldTraps: candidates.hasFoldTraps, limit: limit)
        }
        if PatternProfile.isEnabled { PatternProfile.fullScan(source, units: range?.length ?? text.count) }
        return matches(in: text, range: range, limit: limit)
    }

    /// The first match within `range` of the document's normalized text.
    func firstMatch(in context: ExtractionContext, range: NSRange? = nil) -> PatternMatch? {
        matches(in: context, range: range, limit: 1).first
    }

    /// Whether the pattern matches within `range` of the document's normalized text.
    func hasMatch(in context: ExtractionContext, range: NSRange? = nil) -> Bool {
        firstMatch(in: context, range: range) != nil
    }

    /// The match starting exactly at `location` of the document's normalized text, within `limit` units (which is
    /// all it sees).
    func match(in context: ExtractionContext, at location: Int, limit: Int) -> PatternMatch? {
        match(in: context.scan, at: location, limit: limit)
    }
}
