import Foundation

/// An example as a rule file writes it: its text, the span and document class it may give, and what the rule must
/// yield from it. Each kind of rule has its own example type (reference examples give `ids`, action examples `to`
/// and `deadline`...); all of them become `RuleExample`s.
protocol ExampleSpec: Decodable, Sendable {
    /// The text.
    var text: String { get }
    /// The exact text the rule's first match must cover.
    var span: String? { get }
    /// The class of document the text is read as.
    var documentClass: DocumentClass? { get }
    /// The kind of document the text is read as, when a rule depends on it (e-mails); nil for the class's kind.
    var documentKind: DocumentKind? { get }
    /// What the rule must yield, by name.
    var expected: [String: [String]] { get }
}

extension ExampleSpec {
    var span: String? { nil }
    var documentClass: DocumentClass? { nil }
    var documentKind: DocumentKind? { nil }
}

extension Decoder {
    /// The text of an example written as a plain string, or nil when it is a mapping.
    func plainText() -> String? {
        try? singleValueContainer().decode(String.self)
    }
}

/// An example of a pattern rule: a text alone, or `{text:, span:, groups:, class:}` where `groups` gives what the
/// pattern's named groups must capture in its first match.
struct TextExample: ExampleSpec {
    var text: String
    var span: String?
    var groups: [String: String]?
    var `class`: DocumentClass?

    enum CodingKeys: String, CodingKey, CaseIterable { case text, span, groups, `class` }

    init(from decoder: any Decoder) throws {
        if let text = decoder.plainText() { self.text = text; return }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        span = try container.decodeIfPresent(String.self, forKey: .span)
        groups = try container.decodeIfPresent([String: String].self, forKey: .groups)
        `class` = try container.decodeIfPresent(DocumentClass.self, forKey: .class)
    }

    var documentClass: DocumentClass? { `class` }

    var expected: [String: [String]] {
        var expected: [String: [String]] = [:]
        for (name, value) in groups ?? [:] { expected["groups.\(name)"] = [value] }
        return expected
    }
}

/// A counter-example: a text alone, or `{text:, class:, kind:}`; the rule must find nothing in it.
struct CounterExample: Decodable, Sendable {
    var text: String
    var `class`: DocumentClass?
    /// The kind of document the text is read as, when a rule depends on it (e-mails).
    var kind: DocumentKind?

    enum CodingKeys: String, CodingKey, CaseIterable { case text, `class`, kind }

    init(from decoder: any Decoder) throws {
        if let text = decoder.plainText() { self.text = text; return }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        `class` = try container.decodeIfPresent(DocumentClass.self, forKey: .class)
        kind = try container.decodeIfPresent(DocumentKind.self, forKey: .kind)
    }
}

extension RuleExample {
    /// The examples and counter-examples of a rule as written.
    static func list<Spec: ExampleSpec>(_ examples: [Lined<Spec>]?, _ counter: [Lined<CounterExample>]?)
        -> [RuleExample] {
        (examples ?? []).map { item in
            RuleExample(text: item.value.text, matches: true, expected: item.value.expected, span: item.value.span,
                        line: item.line, documentClass: item.value.documentClass, documentKind: item.value.documentKind)
        } + counterExamples(counter)
    }

    /// Counter-examples as written.
    static func counterExamples(_ counter: [Lined<CounterExample>]?) -> [RuleExample] {
        (counter ?? []).map { item in
            RuleExample(text: item.value.text, matches: false, line: item.line, documentClass: item.value.class,
                        documentKind: item.value.kind)
        }
    }

    /// Examples written as a mapping from a text to what it stands for (`"ITU-T SG 11": ITU-T SG11`). With
    /// `whole`, each text is one whole name, so the rule's match must cover all of it.
    static func mapping(_ examples: [String: String]?, key: String, line: Int, whole: Bool = true) -> [RuleExample] {
        (examples ?? [:]).sorted { $0.key < $1.key }.map { text, value in
            RuleExample(text: text, matches: true, expected: [key: [value]], span: whole ? text : nil, line: line)
        }
    }
}

/// A pattern with its examples, as a rule file writes one that is part of a kind's settings (`adjacent_gap`, a
/// header separator, an outline pattern): `{id:, summary:, pattern:, examples:, counter_examples:}`; `id` is optional
/// where the setting has a fixed name.
struct PatternRuleSpec: Decodable {
    var id: String?
    var summary: String?
    var pattern: String
    var examples: [Lined<TextExample>]?
    var counter_examples: [Lined<CounterExample>]?

    /// The examples and counter-examples.
    var ruleExamples: [RuleExample] { RuleExample.list(examples, counter_examples) }
}

/// A rule's id, summary, examples and place, for rules whose logic is code (a word list, a line that opens a block).
struct RuleInfo: Sendable {
    let id: String
    let summary: String?
    let examples: [RuleExample]
    let file: String
    let line: Int
}

/// A compiled pattern rule: a pattern and its examples, run on the example's text alone.
struct PatternRule: Sendable {
    let id: String
    let summary: String?
    let pattern: Pattern
    let examples: [RuleExample]
    let file: String
    let line: Int

    /// A rule of `pattern` with `examples`.
    init(id: String, summary: String?, pattern: Pattern, examples: [RuleExample], file: String, line: Int) {
        self.id = id
        self.summary = summary
        self.pattern = pattern
        self.examples = examples
        self.file = file
        self.line = line
    }

    /// Compiles `spec` of `file`; `id` is used when the spec gives none. `wrap` turns the written pattern into
    /// the compiled one (`^(?:...)$`).
    init(_ spec: PatternRuleSpec, id: String, file: RuleFile, line: Int, caseInsensitive: Bool = false,
         wrap: (String) -> String = { $0 }) throws(PipelineError) {
        let id = spec.id ?? id
        self.init(id: id, summary: spec.summary,
                  pattern: try file.pattern(wrap(spec.pattern), rule: id, line: line, caseInsensitive: caseInsensitive),
                  examples: spec.ruleExamples, file: file.path, line: line)
    }

    /// The rule's description, run as `RuleDescription.matching`.
    func description(kind: String) -> RuleDescription {
        RuleDescription.matching(pattern, id: id, kind: kind, summary: summary, file: file, line: line,
                                 examples: examples)
    }
}

extension RuleDescription {
    /// A rule of a sentence-level extractor: run on an example read as a document of its class (`fallback` when the
    /// example gives none) after the references, it yields the `values` of the items `extractor` made by this rule,
    /// at their places.
    static func items<Item: Located & Sendable>(
        _ rule: RuleInfo, kind: String, patterns: [Pattern], extractor: some Extractor, as fallback: DocumentClass?,
        items: @escaping @Sendable (DocumentRecord) -> [Item],
        values: @escaping @Sendable ([Item]) -> [String: [String]]
    ) -> RuleDescription {
        RuleDescription(id: rule.id, kind: kind, summary: rule.summary, file: rule.file, line: rule.line,
                        patterns: patterns, examples: rule.examples) { _, input in
            let found = items(input.record(after: extractor, fallback)).filter { $0.rule == rule.id }
            return RuleOutcome(values: values(found), spans: found.map { input.span(of: $0) })
        }
    }

    /// A rule that is one pattern run on the example's text: it matches where the pattern does; its values are the
    /// named groups of the first match (`groups.<name>`). `compiledAlso`: other patterns compiled for the rule (the
    /// branches a classification cue is searched by).
    static func matching(_ pattern: Pattern, id: String, kind: String, summary: String?, file: String, line: Int,
                         examples: [RuleExample], compiledAlso: [Pattern] = []) -> RuleDescription {
        RuleDescription(id: id, kind: kind, summary: summary, file: file, line: line,
                        patterns: [pattern] + compiledAlso,
                        examples: examples) { _, input in
            input.outcome(of: pattern.matches(in: input.scan, range: input.range))
        }
    }
}
