import Foundation

/// The extraction stage: runs every registered extractor over an analyzed document and fills its record.
public struct Extraction: Sendable {
    /// The configured extractors, in run order.
    public let extractors: [any Extractor]
    /// The engine built from every pattern the extractors compiled (nil: no rules).
    let engine: RuleEngine?
    /// How long one document may take (`limits.extract_seconds_per_mb`).
    public var budget: ExtractionBudget = .unlimited
    /// How texts are cut into sentences and headings (`kind: statements`).
    let outlineRules: OutlineRules
    /// Every rule of every extractor, each once, in run order.
    public let rules: [RuleDescription]
    /// Whether every rule's examples are known to give what they say: run when the stage was built, or run by an
    /// earlier run of the same build and rules (see `Pipeline.load(_:runningInto:)`).
    public let examplesPassed: Bool

    /// Builds every extractor from the rule library, then runs every rule's examples: a rule file of a kind no
    /// extractor reads, two rules with one id, or an example that does not give what it says is a `PipelineError`
    /// naming the file, the line and the rule.
    public init(rules library: RuleLibrary) throws(PipelineError) {
        try self.init(rules: library, checkingExamples: true)
    }

    /// Builds every extractor; runs the rules' examples only when `checkingExamples` (the example tests run them one
    /// rule at a time).
    init(rules library: RuleLibrary, checkingExamples: Bool, examplesKnownToPass: Bool = false) throws(PipelineError) {
        try Self.checkKinds(library)
        // The extractors compile their rules side by side (each mostly its own files; a file's patterns are
        // compiled once, under its lock); the first failure in registry order is the one reported, as when they
        // were built one after the other.
        let types = ExtractorRegistry.all
        let built = UnsafeSendableBuffer<Result<any Extractor, PipelineError>>(count: types.count)
        DispatchQueue.concurrentPerform(iterations: types.count) { index in
            do throws(PipelineError) {
                built[index] = .success(try types[index].init(rules: library))
            } catch {
                built[index] = .failure(error)
            }
        }
        var extractors: [any Extractor] = []
        for index in types.indices {
            switch built[index]! {
            case .success(let extractor): extractors.append(extractor)
            case .failure(let error): throw error
            }
        }
        self.extractors = extractors
        outlineRules = try OutlineRules(rules: library)
        rules = try Self.unique(outlineRules.ruleDescriptions + extractors.flatMap(\.ruleDescriptions))
        engine = RuleEngine(patterns: library.patterns)
        examplesPassed = checkingExamples || examplesKnownToPass
        if checkingExamples { try ExampleRunner(self).check(rules) }
    }

    /// An extraction with no rules (ingestion-only runs and tests).
    public init() {
        extractors = []
        engine = nil
        outlineRules = OutlineRules()
        rules = []
        examplesPassed = true
    }

    /// What the engine holds (nil: no rules), for benchmarks.
    public var engineSummary: String? { engine?.summary }

    /// The cue literals found most often in `documents` (see `RuleEngine.frequentCues`), for benchmarks.
    public func frequentCues(in documents: [AnalyzedDocument], top: Int) -> [(literal: String, hits: Int, patterns: [String])] {
        engine?.frequentCues(in: documents.map { ScanText($0.normalized.text) }, top: top) ?? []
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

    /// The record of `document`, however long it takes.
    public func run(_ document: AnalyzedDocument, diagnostics: inout [Diagnostic]) -> DocumentRecord {
        let context = self.context(for: document)
        var record = Self.emptyRecord(document)
        for extractor in extractors {
            extractor.extract(from: context, into: &record, diagnostics: &diagnostics)
        }
        return record
    }

    /// The record of `document` within the budget: when time runs out, the extractors stop and the error names the
    /// rule (or the extractor) that was running.
    public func record(of document: AnalyzedDocument,
                       diagnostics: inout [Diagnostic]) throws(ExtractionBudget.Exceeded) -> DocumentRecord {
        let context = self.context(for: document)
        let seconds = budget.seconds(forBytes: document.normalized.text.utf8.count)
        let start = DispatchTime.now().uptimeNanoseconds
        context.deadline = seconds.isFinite ? start + UInt64(seconds * 1e9) : nil
        var record = Self.emptyRecord(document)
        for extractor in extractors {
            let id = type(of: extractor).description.id
            extractor.extract(from: context, into: &record, diagnostics: &diagnostics)
            let overrun = context.overrun ?? (context.deadlinePassed() ? "extractor '\(id)'" : nil)
            if let overrun {
                let spent = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                throw ExtractionBudget.Exceeded(seconds: seconds, spent: spent, running: overrun, extractor: id)
            }
        }
        return record
    }

    static func emptyRecord(_ document: AnalyzedDocument) -> DocumentRecord {
        var record = DocumentRecord(source: document.ingested.source)
        record.fields = document.ingested.fields
        record.attachments = document.ingested.attachments
        if document.ingested.source.format == .email { record.document.kind = .email }
        return record
    }
}

/// How long extraction may take for one document: `secondsPerMB` of its text, at least `minimumSeconds`. Time grows
/// linearly with a document whatever its shape, so this is a safety net for what no rule foresaw; a document over
/// it is quarantined.
public struct ExtractionBudget: Sendable, Equatable {
    /// Seconds per MB (10^6 bytes) of normalized text.
    public var secondsPerMB: Double
    /// The budget of any document, however short.
    public var minimumSeconds: Double

    /// No limit.
    public static let unlimited = ExtractionBudget(secondsPerMB: .infinity)

    public init(secondsPerMB: Double, minimumSeconds: Double = 2) {
        self.secondsPerMB = secondsPerMB
        self.minimumSeconds = minimumSeconds
    }

    /// The seconds a text of `bytes` bytes may take.
    public func seconds(forBytes bytes: Int) -> Double {
        max(minimumSeconds, secondsPerMB * Double(bytes) / 1_000_000)
    }

    /// A document that ran out of time.
    public struct Exceeded: DiagnosticError, Equatable {
        /// Its budget and what it had spent when it stopped.
        public var seconds: Double
        public var spent: Double
        /// The rule (file, line and id) or the extractor that was running.
        public var running: String
        /// The extractor that was running.
        public var extractor: String
        /// The document (an attachment's path names its parent file too), when known.
        public var path: String?

        public func diagnostic(path: String) -> Diagnostic {
            Diagnostic(id: "extract.budget-exceeded", severity: .error,
                       summary: String(format: "extraction took over %.1f s (its budget) while running ", seconds)
                           + running + "; document quarantined",
                       explanation: "Raise limits.extract_seconds_per_mb in the pipeline file to give documents more "
                           + "time, or report the rule: it should run in time linear in the text.",
                       path: path, line: 1, column: 1)
        }
    }
}
