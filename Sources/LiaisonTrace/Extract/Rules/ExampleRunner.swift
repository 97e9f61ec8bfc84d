import Foundation

/// Runs the examples of rules: every rule's when an `Extraction` is built (the first failure is a `PipelineError`
/// naming the file, the example's line and the rule), and one rule's at a time in the tests, there also after a
/// multi-byte prefix line whose bytes every span must shift by.
public struct ExampleRunner: Sendable {
    /// One example that does not give what it says.
    public struct Failure: Sendable, CustomStringConvertible {
        /// The rule.
        public var rule: String
        /// The rule file.
        public var file: String
        /// The example's line in it.
        public var line: Int
        /// What went wrong, naming the example.
        public var message: String

        /// `file:line: rule 'id': message`.
        public var description: String { "\(file):\(line): rule '\(rule)': \(message)" }
    }

    /// The extraction whose rules run (it gives the engine, the sentence rules and the reference extractor).
    let extraction: Extraction

    /// A runner over `extraction`'s rules.
    public init(_ extraction: Extraction) {
        self.extraction = extraction
    }

    /// The failures of `rule`'s examples; empty when every example gives what it says. With a `prefix` (a line of
    /// its own, such as `"é日😀\n"`), each example also runs after it and must give the same values, with every
    /// span shifted by the prefix's UTF-8 length and one line down per line feed of the prefix.
    public func failures(of rule: RuleDescription, prefix: String? = nil) -> [Failure] {
        var failures: [Failure] = []
        if rule.examples.isEmpty {
            failures.append(Failure(rule: rule.id, file: rule.file, line: rule.line,
                                    message: "has no examples (examples are its tests)"))
        }
        for example in rule.examples {
            func fail(_ message: String) {
                failures.append(Failure(rule: rule.id, file: rule.file, line: example.line,
                                        message: "\(example.matches ? "example" : "counter-example") "
                                            + "\(Self.quote(example.text)): \(message)"))
            }
            let input = ExampleInput(example, prefix: "", extraction: extraction)
            let outcome = rule.evaluate(example, input)
            if let problem = Self.problem(example, outcome, input) {
                fail(problem)
                continue
            }
            guard let prefix, example.matches else { continue }
            let shifted = ExampleInput(example, prefix: prefix, extraction: extraction)
            let moved = rule.evaluate(example, shifted)
            if let problem = Self.shiftProblem(outcome, moved, prefix: prefix) {
                fail("after \(Self.quote(prefix)): \(problem)")
            }
        }
        return failures
    }

    /// Runs every rule's examples; throws for the first failure.
    func check(_ rules: [RuleDescription]) throws(PipelineError) {
        for rule in rules {
            let found = failures(of: rule)
            guard let first = found.first else { continue }
            let more = found.count > 1 ? " (and \(found.count - 1) more failing examples)" : ""
            throw PipelineError(path: first.file, line: first.line,
                                summary: "rule '\(first.rule)': \(first.message)\(more)")
        }
    }

    /// What is wrong with `outcome` for `example`, or nil.
    static func problem(_ example: RuleExample, _ outcome: RuleOutcome, _ input: ExampleInput) -> String? {
        guard example.matches else {
            guard outcome.matched else { return nil }
            let found = outcome.spans.first.map { "matches \(quote(input.text(of: $0)))" } ?? "matches"
            return found + describe(outcome.values, keys: outcome.values.keys.sorted())
        }
        var problems: [String] = []
        for (name, expected) in example.expected.sorted(by: { $0.key < $1.key }) {
            let found = outcome.values[name] ?? []
            if found != expected { problems.append("expected \(name) \(list(expected)), found \(list(found))") }
        }
        if !outcome.matched {
            problems.insert("does not match", at: 0)
        } else if let span = example.span {
            let found = outcome.spans.first.map { input.text(of: $0) }
            if found != span { problems.append("expected span \(quote(span)), found \(found.map(quote) ?? "none")") }
        }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    /// What differs between an example's outcome and its outcome after the prefix, or nil.
    static func shiftProblem(_ plain: RuleOutcome, _ moved: RuleOutcome, prefix: String) -> String? {
        if plain.values != moved.values {
            let keys = Set(plain.values.keys).union(moved.values.keys).sorted()
            return "values changed from\(describe(plain.values, keys: keys)) to\(describe(moved.values, keys: keys))"
        }
        guard plain.spans.count == moved.spans.count else {
            return "\(plain.spans.count) spans became \(moved.spans.count)"
        }
        let bytes = prefix.utf8.count
        let lines = prefix.filter { $0 == "\n" }.count
        for (before, after) in zip(plain.spans, moved.spans) {
            let expected = ExampleSpan(range: (before.range.lowerBound + bytes)..<(before.range.upperBound + bytes),
                                       line: before.line.map { $0 + lines }, column: before.column)
            if after != expected { return "span \(before) should have moved to \(expected), found \(after)" }
        }
        return nil
    }

    static func describe(_ values: [String: [String]], keys: [String]) -> String {
        keys.map { " \($0) \(list(values[$0] ?? []))" }.joined(separator: ",")
    }

    static func list(_ values: [String]) -> String {
        "[" + values.joined(separator: ", ") + "]"
    }

    static func quote(_ text: String) -> String {
        let shown = text.count > 70 ? String(text.prefix(70)) + "…" : text
        return "\"" + shown.replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}

/// One example's text as a rule sees it: the text alone (with the prefix before it, when any), or the same text
/// read as a plain-text document and extracted as the pipeline would.
final class ExampleInput: @unchecked Sendable { // used by one thread; lazy members fill once
    /// The prefix and the example's text.
    let text: String
    /// Where the example is in `text` (UTF-16).
    let range: NSRange
    /// The class the example is read as.
    let documentClass: DocumentClass?
    let extraction: Extraction

    init(_ example: RuleExample, prefix: String, extraction: Extraction) {
        text = prefix + example.text
        let start = (prefix as NSString).length
        range = NSRange(location: start, length: (text as NSString).length - start)
        documentClass = example.documentClass
        self.extraction = extraction
    }

    /// The text for pattern matching.
    private(set) lazy var scan = ScanText(text)

    /// Where the example starts in the document's normalized text (UTF-16).
    var documentStart: Int { context.location(forSource: scan.utf8Offset(range.location)) }

    /// The example's text alone (without the prefix).
    var example: String { scan.string(range) }

    /// The text read as a plain-text document (an unreadable text is an empty one).
    private(set) lazy var document: AnalyzedDocument = {
        let input = ReaderInput(path: "example.txt", data: Data(text.utf8))
        let ingested = (try? Ingestor().ingest(input))
            ?? IngestedDocument(source: SourceInfo(path: "example.txt", format: .text, sha256: ""), text: "",
                                blocks: [])
        return AnalyzedDocument(ingested)
    }()

    /// What the extractors see of `document`.
    private(set) lazy var context: ExtractionContext = extraction.context(for: document)

    /// The first statement of the example (after the prefix).
    var firstStatement: DocumentOutline.Statement? {
        let start = documentStart
        return context.outline.statements.first { $0.range.location >= start }
    }

    /// The record of `document` after every extractor (header forms).
    private(set) lazy var fullRecord: DocumentRecord = {
        var diagnostics: [Diagnostic] = []
        return extraction.run(document, diagnostics: &diagnostics)
    }()

    /// The record a sentence-level extractor starts from: the document's kind and sdo set for the example's class
    /// (`fallback` when the example gives none), and the references found.
    func record(_ fallback: DocumentClass?) -> DocumentRecord {
        var record = Self.record(for: document, documentClass ?? fallback)
        var diagnostics: [Diagnostic] = []
        references?.extract(from: context, into: &record, diagnostics: &diagnostics)
        return record
    }

    /// The record `extractor` makes of the document, starting from `record(fallback)`.
    func record(after extractor: some Extractor, _ fallback: DocumentClass?) -> DocumentRecord {
        var record = record(fallback)
        var diagnostics: [Diagnostic] = []
        extractor.extract(from: context, into: &record, diagnostics: &diagnostics)
        return record
    }

    /// An empty record of `document` whose kind and sdo say it is of `documentClass`, as the header and
    /// classification extractors would have set them.
    static func record(for document: AnalyzedDocument, _ documentClass: DocumentClass?) -> DocumentRecord {
        var record = DocumentRecord(source: document.ingested.source)
        switch documentClass {
        case .ietf?:
            record.document.sdo = "IETF"
            record.document.kind = .deliverable
        case .liaison?:
            record.document.kind = .liaison
        case .deliverable?:
            record.document.kind = .deliverable
        case nil:
            break
        }
        return record
    }

    /// The extraction's reference extractor.
    var references: ReferenceExtractor? {
        extraction.extractors.lazy.compactMap { $0 as? ReferenceExtractor }.first
    }

    // MARK: - Spans

    /// The span of a UTF-16 range of `text`.
    func span(_ range: NSRange) -> ExampleSpan {
        ExampleSpan(range: scan.utf8Offset(range.location)..<scan.utf8Offset(NSMaxRange(range)))
    }

    /// The span of a UTF-16 range of the document's normalized text, where its provenance puts it.
    func span(inDocument range: NSRange) -> ExampleSpan {
        let place = context.provenance(range, rule: "")
        return ExampleSpan(range: place.range.start..<place.range.end, line: place.line, column: place.column)
    }

    /// The span of an extracted item.
    func span(of item: some Located) -> ExampleSpan {
        ExampleSpan(range: item.range.start..<item.range.end, line: item.line, column: item.column)
    }

    /// The text a span covers.
    func text(of span: ExampleSpan) -> String {
        let bytes = Array(text.utf8)
        let range = span.range.clamped(to: 0..<bytes.count)
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// The outcome of pattern matches in `text`: their spans, and the named groups of the first as `groups.<name>`.
    func outcome(of matches: [PatternMatch]) -> RuleOutcome {
        var values: [String: [String]] = [:]
        for (name, group) in matches.first?.groups ?? [:] { values["groups.\(name)"] = [scan.string(group)] }
        return RuleOutcome(values: values, spans: matches.map { span($0.range) })
    }
}
