/// A document ready for extraction: what the reader produced, its normalized text, and the map between them.
public struct AnalyzedDocument: Sendable {
    /// The reader's output.
    public let ingested: IngestedDocument
    /// The normalized text extractors search.
    public let normalized: NormalizedText
    /// Lines of the ingested text.
    public let lines: LineIndex

    /// Normalizes `ingested` (joining hyphenated words for PDF text).
    public init(_ ingested: IngestedDocument) {
        self.ingested = ingested
        normalized = Normalizer(dehyphenate: ingested.source.format == .pdf).normalize(ingested.text)
        lines = LineIndex(ingested.text)
    }

    /// Provenance for normalized bytes `start..<end` found by `rule`.
    public func provenance(_ start: Int, _ end: Int, rule: String) -> Provenance {
        let range = normalized.sourceRange(start, end)
        let position = lines.position(of: range.start)
        return Provenance(line: position.line, column: position.column, range: range, rule: rule)
    }
}
