/// The extraction stage: runs every registered extractor over an analyzed document and fills its record.
public struct Extraction: Sendable {
    /// The configured extractors, in run order.
    public let extractors: [any Extractor]
    /// The engine built from every pattern the extractors compiled (nil: no rules).
    let engine: RuleEngine?
    /// How texts are cut into sentences and headings (`kind: statements`).
    let outlineRules: OutlineRules
    /// Every rule of every extractor, each once, in run order.
    public let rules: [RuleDescription]

    /// Builds every extractor from the rule library, then runs every rule's examples: a rule file of a kind no
    /// extractor reads, two rules with one id, or an example that does not give what it says is a `PipelineError`
    /// naming the file, the line and the rule.
    public init(rules library: RuleLibrary) throws(PipelineError) {
        try self.init(rules: library, checkingExamples: true)
    }

    /// Builds every extractor; runs the rules' examples only when `checkingExamples` (the example tests run them one
    /// rule at a time).
    init(rules library: RuleLibrary, checkingExamples: Bool) throws(PipelineError) {
        try Self.checkKinds(library)
        var extractors: [any Extractor] = []
        for type in ExtractorRegistry.all {
            extractors.append(try type.init(rules: library))
        }
        self.extractors = extractors
        outlineRules = try OutlineRules(rules: library)
        rules = try Self.unique(outlineRules.ruleDescriptions + extractors.flatMap(\.ruleDescriptions))
        engine = RuleEngine(patterns: library.patterns)
        if checkingExamples { try ExampleRunner(self).check(rules) }
    }

    /// An extraction with no rules (ingestion-only runs and tests).
    public init() {
        extractors = []
        engine = nil
        outlineRules = OutlineRules()
        rules = []
    }

    /// What the extractors see of `document` (with the engine's cues).
    public func context(for document: AnalyzedDocument) -> ExtractionContext {
        ExtractionContext(document, engine: engine, outlineRules: outlineRules)
    }

    /// Rule files must be of a kind an extractor reads.
    static func checkKinds(_ library: RuleLibrary) throws(PipelineError) {
        let known = ExtractorRegistry.all.flatMap { $0.ruleKinds } + OutlineRules.ruleKinds
        for file in library.files where !known.contains(file.kind) {
            let line = file.node.mapping?["kind"]?.mark?.line ?? 1
            var summary = "no extractor reads rule files of kind '\(file.kind)'"
            if let suggestion = RuleDecoder.suggestion(for: file.kind, among: known) {
                summary += "; did you mean '\(suggestion)'?"
            }
            throw PipelineError(path: file.path, line: line,
                                summary: summary + " (known: \(Set(known).sorted().joined(separator: ", ")))")
        }
    }

    /// `rules` with rules shared by several extractors (the group and statement rules) once; two different rules
    /// with one id are an error.
    static func unique(_ rules: [RuleDescription]) throws(PipelineError) -> [RuleDescription] {
        var seen: [String: RuleDescription] = [:]
        var result: [RuleDescription] = []
        for rule in rules {
            if let other = seen[rule.id] {
                if other.file == rule.file, other.line == rule.line { continue }
                throw PipelineError(path: rule.file, line: rule.line, summary: "rule '\(rule.id)': duplicate rule id "
                                        + "(also at \(other.file):\(other.line))")
            }
            seen[rule.id] = rule
            result.append(rule)
        }
        return result
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
