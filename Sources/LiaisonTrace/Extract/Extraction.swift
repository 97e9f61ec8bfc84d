/// The extraction stage: runs every registered extractor over an analyzed document and fills its record.
public struct Extraction: Sendable {
    /// The configured extractors, in run order.
    public let extractors: [any Extractor]
    /// The engine built from every pattern the extractors compiled (nil: no rules).
    let engine: RuleEngine?

    /// Builds every extractor from the rule library.
    public init(rules: RuleLibrary) throws(PipelineError) {
        var extractors: [any Extractor] = []
        for type in ExtractorRegistry.all {
            extractors.append(try type.init(rules: rules))
        }
        self.extractors = extractors
        engine = RuleEngine(patterns: rules.patterns)
    }

    /// An extraction with no rules (ingestion-only runs and tests).
    public init() {
        extractors = []
        engine = nil
    }

    /// What the extractors see of `document` (with the engine's cues).
    public func context(for document: AnalyzedDocument) -> ExtractionContext {
        ExtractionContext(document, engine: engine)
    }

    /// The record of `document`.
    public func run(_ document: AnalyzedDocument, diagnostics: inout [Diagnostic]) -> DocumentRecord {
        var record = DocumentRecord(source: document.ingested.source)
        record.fields = document.ingested.fields
        record.attachments = document.ingested.attachments
        if document.ingested.source.format == .email { record.document.kind = .email }
        let context = self.context(for: document)
        for extractor in extractors {
            extractor.extract(from: context, into: &record, diagnostics: &diagnostics)
        }
        return record
    }
}
