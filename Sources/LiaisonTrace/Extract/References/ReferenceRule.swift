import Foundation

/// A `kind: references` rule file as written.
struct ReferencesFileSpec: Decodable {
    /// The standards body of the file's designations (a rule's own `sdo` wins).
    var sdo: String?
    /// The citation-label rule of `CitationAnchorExtractor`.
    var citation_anchor: Lined<PatternRuleSpec>?
    var rules: [Lined<ReferenceRuleSpec>]?
}

/// A reference rule as written in a `kind: references` rule file.
struct ReferenceRuleSpec: Decodable {
    var id: String
    var summary: String?
    /// Reference kind: `liaison`, `tdoc`, `specification`, `recommendation`, `rfc`...
    var kind: Reference.Kind?
    /// The standards body of the designations (defaults to the file's `sdo`).
    var sdo: String?
    var pattern: String
    /// Canonical id template: `{group}`, `{group:compact}`, `{group:upper}`, `{group:int}`, `{group:lower}`.
    var id_template: String?
    /// A pattern tried right after a match (and after each continuation) to pick up list items such as
    /// ", 23.502 and 23.503"; its named groups override the first match's for the template.
    var continuation: String?
    /// A pattern tried right after a match for numeric ranges ("-7235"); group `to` ends the range of `number`.
    var range: String?
    /// Qualifier templates, such as `version: '{version}'`.
    var qualifiers: [String: String]?
    /// Matches are placeholders (`SP-170XXX`): reported as diagnostics, not references.
    var placeholder: Bool?
    /// Matches are dropped when the text right before them (up to 24 characters) matches this pattern.
    var not_after: String?
    /// Examples that are also the rule's tests.
    var examples: [Lined<ReferenceExample>]?
    var counter_examples: [Lined<CounterExample>]?
}

/// One example: the text, the canonical ids the rule must find in it, and the text of its first match.
struct ReferenceExample: ExampleSpec {
    var text: String
    var ids: [String]?
    var span: String?

    var expected: [String: [String]] { ids.map { ["ids": $0] } ?? [:] }
}

/// A compiled reference rule.
public struct ReferenceRule: Sendable {
    public let id: String
    /// What it finds.
    public let summary: String?
    public let kind: Reference.Kind
    /// The standards body of what the rule finds.
    public let sdo: String?
    let pattern: Pattern
    let template: IDTemplate
    let continuation: Pattern?
    let range: Pattern?
    let qualifiers: [(String, IDTemplate)]
    let placeholder: Bool
    let notAfter: Pattern?
    /// The rule's examples.
    public let examples: [RuleExample]
    /// Where it was written.
    public let file: String
    public let line: Int

    init(_ spec: ReferenceRuleSpec, sdo fileSDO: String?, file: RuleFile, line: Int) throws(PipelineError) {
        id = spec.id
        summary = spec.summary
        guard let kind = spec.kind else {
            throw file.error(line: line, rule: spec.id, "a reference rule needs a kind: "
                             + Reference.Kind.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self.kind = kind
        sdo = spec.sdo ?? fileSDO
        self.file = file.path
        self.line = line
        func compile(_ source: String, _ what: String) throws(PipelineError) -> Pattern {
            try file.pattern(source, rule: spec.id, line: line, what: what)
        }
        pattern = try compile(spec.pattern, "pattern")
        continuation = try spec.continuation.map { source throws(PipelineError) in try compile(source, "continuation") }
        range = try spec.range.map { source throws(PipelineError) in try compile(source, "range") }
        notAfter = try spec.not_after.map { source throws(PipelineError) in try compile(source, "not_after") }
        placeholder = spec.placeholder ?? false
        examples = RuleExample.list(spec.examples, spec.counter_examples)
        let groups = Set(pattern.groupNames + (continuation?.groupNames ?? []))
        do {
            template = try IDTemplate(spec.id_template ?? "{0}", groups: groups.union(["0"]))
            qualifiers = try (spec.qualifiers ?? [:]).sorted { $0.key < $1.key }.map { key, value in
                (key, try IDTemplate(value, groups: groups.union(["0"])))
            }
        } catch let error as IDTemplate.Error {
            throw file.error(line: line, rule: spec.id, error.message)
        } catch {
            throw file.error(line: line, rule: spec.id, "\(error)")
        }
    }
}

/// A canonical-id template such as `{group:compact}-LS{number:int}`.
struct IDTemplate: Sendable {
    struct Error: Swift.Error { var message: String }

    enum Piece: Sendable {
        case literal(String)
        case group(String, [String])
    }

    let pieces: [Piece]

    static let transforms: Set<String> = ["compact", "upper", "lower", "int", "nodash", "trim"]

    init(_ source: String, groups: Set<String>) throws {
        var pieces: [Piece] = []
        var rest = Substring(source)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { pieces.append(.literal(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw Error(message: "template '\(source)' has an unclosed '{'")
            }
            let parts = rest[rest.index(after: open)..<close].split(separator: ":").map(String.init)
            guard let name = parts.first, groups.contains(name) else {
                throw Error(message: "template '\(source)' names a group the pattern does not have; did you mean one of \(groups.sorted().joined(separator: ", "))?")
            }
            for transform in parts.dropFirst() where !Self.transforms.contains(transform) {
                throw Error(message: "template '\(source)' uses unknown transform '\(transform)'; known: \(Self.transforms.sorted().joined(separator: ", "))")
            }
            pieces.append(.group(name, Array(parts.dropFirst())))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.literal(String(rest))) }
        self.pieces = pieces
    }

    /// Fills the template from group values (missing groups are empty).
    func render(_ values: [String: String]) -> String {
        render { values[$0] }
    }

    /// Fills the template from the groups of `match` in `text` ("0": the whole match), making only the texts of
    /// the groups it names.
    func render(_ match: PatternMatch, in text: ScanText) -> String {
        render { name in name == "0" ? text.string(match.range) : match.groups[name].map(text.string) }
    }

    /// Fills the template from the value of each group it names (nil: empty).
    func render(_ value: (String) -> String?) -> String {
        var out = ""
        for piece in pieces {
            switch piece {
            case .literal(let text): out += text
            case .group(let name, let transforms):
                var value = value(name) ?? ""
                for transform in transforms { value = Self.apply(transform, value) }
                out += value
            }
        }
        return out.trimmingSpaces()
    }

    static func apply(_ transform: String, _ value: String) -> String {
        switch transform {
        case "compact": return value.filter { $0 != " " }
        case "upper": return value.uppercased()
        case "lower": return value.lowercased()
        case "nodash": return value.filter { $0 != "-" && $0 != " " }
        case "trim": return value.trimmingSpaces()
        case "int":
            let digits = value.filter(\.isNumber)
            let trimmed = digits.drop { $0 == "0" }
            return trimmed.isEmpty ? (digits.isEmpty ? value : "0") : String(trimmed)
        default: return value
        }
    }
}
