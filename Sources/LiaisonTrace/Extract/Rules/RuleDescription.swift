import Foundation

/// What every rule of every kind says about itself (SwiftLint style): its id, the kind of rule file it is written
/// in, a summary, where it is written, the patterns it compiles, and the examples that must and must not match,
/// which are its tests. `Extraction.rules` lists them all; `ExampleRunner` runs their examples when the rules are
/// loaded and in the tests (one test case per rule).
public struct RuleDescription: Sendable, CustomStringConvertible {
    /// Unique id across the library, such as `reference.3gpp.tdoc` or `header.itu-t-liaison.title`.
    public let id: String
    /// The `kind` of the rule file it is written in (`references`, `groups`, `headers`...).
    public let kind: String
    /// What the rule finds.
    public let summary: String?
    /// The rule file.
    public let file: String
    /// 1-based line of the rule in the file.
    public let line: Int
    /// The sources of the patterns the rule compiles, as compiled.
    public let patterns: [String]
    /// Examples (`matches`) and counter-examples (not `matches`).
    public let examples: [RuleExample]
    /// Runs the rule on one example's text.
    let evaluate: @Sendable (RuleExample, ExampleInput) -> RuleOutcome

    /// Describes a rule. `patterns` are the compiled sources.
    init(id: String, kind: String, summary: String?, file: String, line: Int, patterns: [Pattern],
         examples: [RuleExample], evaluate: @escaping @Sendable (RuleExample, ExampleInput) -> RuleOutcome) {
        self.id = id
        self.kind = kind
        self.summary = summary
        self.file = file
        self.line = line
        self.patterns = patterns.map(\.source)
        self.examples = examples
        self.evaluate = evaluate
    }

    /// The id (test cases are named by it).
    public var description: String { id }
}

/// One example of a rule: a text, and whether the rule must match it; when it must, what it must yield and the
/// exact text its match must cover.
public struct RuleExample: Sendable {
    /// The text (`\n` written in a rule file starts a new line).
    public var text: String
    /// True for an example, false for a counter-example (the rule must find nothing).
    public var matches: Bool
    /// What the rule must yield, by name (`ids`, `to`, `modality`...); only the names given are checked.
    public var expected: [String: [String]]
    /// The exact substring of `text` the rule's first match must cover.
    public var span: String?
    /// The example's line in the rule file (the rule's line when examples have no lines of their own).
    public var line: Int
    /// The class of document the example is read as (sentence-level rules).
    var documentClass: DocumentClass?

    /// An example or counter-example.
    init(text: String, matches: Bool, expected: [String: [String]] = [:], span: String? = nil, line: Int,
         documentClass: DocumentClass? = nil) {
        self.text = text.replacingOccurrences(of: "\\n", with: "\n")
        self.matches = matches
        self.expected = expected
        self.span = span
        self.line = line
        self.documentClass = documentClass
    }
}

/// What a rule made of an example's text.
public struct RuleOutcome: Sendable {
    /// What it yielded, by name, each a list in text order.
    public var values: [String: [String]]
    /// Where it matched (first match first).
    public var spans: [ExampleSpan]
    /// Whether the rule found anything (by default: whether it has a span).
    public var matched: Bool

    /// An outcome; `matched` defaults to having a span.
    init(values: [String: [String]] = [:], spans: [ExampleSpan] = [], matched: Bool? = nil) {
        self.values = values
        self.spans = spans
        self.matched = matched ?? !spans.isEmpty
    }
}

/// Where a rule matched in an example: a UTF-8 byte range of the example's input text, and the line and column an
/// extracted item reports (nil for rules run on the text alone).
public struct ExampleSpan: Sendable, Equatable {
    /// Byte range in the input text.
    public var range: Range<Int>
    /// 1-based line, when the rule reported one.
    public var line: Int?
    /// 1-based column, when the rule reported one.
    public var column: Int?
}
