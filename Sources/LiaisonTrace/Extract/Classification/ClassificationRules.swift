import Foundation

/// The compiled `kind: classification` rule files: weighted cues for kinds and standards bodies, thresholds,
/// and the kinds some formats are by themselves.
public struct ClassificationRules: Sendable {
    /// One cue.
    struct Cue: Sendable {
        let id: String
        let summary: String?
        let kind: DocumentKind?
        let sdo: String?
        let weight: Int
        let sdoWeight: Int
        /// Where the cue looks.
        let place: Place
        let pattern: Pattern
        /// The branches of a pattern written as alternatives (`^\s*GSMA\s+Liaison|^\s*From\s*:\s*GSMA`), each
        /// compiled on its own: whether the cue matches is whether one of them does, and each has cues of its own,
        /// closer to its matches than the cues of the whole (which must serve every branch). Empty: the pattern.
        let branches: [Pattern]
        /// What to search to know whether the cue matches: the branches, or the pattern (made once, not per document).
        let searched: [Pattern]
        /// Examples and counter-examples.
        let examples: [RuleExample]
        let file: String
        let line: Int

        /// Whether the cue matches `text` (anywhere in it).
        func matches(_ text: String) -> Bool {
            pattern.hasMatch(in: text)
        }
    }

    /// Where a cue looks: the first lines, the whole text, or the metadata fields the reader found (as
    /// "name: value" lines: RFCXML's `rfc: RFC 9110`, HTML's `dcterms.identifier: urn:ietf:rfc:9205`).
    enum Place: String, Sendable { case head, anywhere, fields }

    /// A format that is a kind by itself unless another kind scores `unless`.
    struct FormatRule: Sendable {
        let kind: DocumentKind
        let unless: Int
    }

    var headLines = 60
    var minScore = 3
    var minLead = 2
    var sdoMinScore = 3
    var sdoMinLead = 2
    var formats: [String: FormatRule] = [:]
    var cues: [Cue] = []

    /// A `kind: classification` rule file as written.
    struct FileSpec: Decodable {
        var head_lines: Int?
        var min_score: Int?
        var min_lead: Int?
        var sdo_min_score: Int?
        var sdo_min_lead: Int?
        var formats: [String: Lined<FormatSpec>]?
        var cues: [Lined<CueSpec>]?
    }

    struct CueSpec: Decodable {
        var id: String
        var summary: String?
        var kind: String?
        var sdo: String?
        var weight: Int?
        var sdo_weight: Int?
        var pattern: String
        var `where`: String?
        var case_sensitive: Bool?
        var examples: [Lined<TextExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    struct FormatSpec: Decodable {
        var kind: String
        var unless: Int?
    }

    /// Compiles every classification file of the library (cues add up; settings of later files win).
    public init(rules library: RuleLibrary) throws(PipelineError) {
        for file in library.files(ofKind: "classification") {
            let spec = try file.decodeStrictly(FileSpec.self)
            headLines = max(1, spec.head_lines ?? headLines)
            minScore = spec.min_score ?? minScore
            minLead = spec.min_lead ?? minLead
            sdoMinScore = spec.sdo_min_score ?? sdoMinScore
            sdoMinLead = spec.sdo_min_lead ?? sdoMinLead
            for (format, item) in spec.formats ?? [:] {
                guard DocumentFormat(rawValue: format) != nil else {
                    throw file.error(line: item.line, rule: "formats.\(format)", "unknown format '\(format)'; known: "
                                        + DocumentFormat.allCases.map(\.rawValue).joined(separator: ", "))
                }
                guard let kind = DocumentKind(rawValue: item.value.kind) else {
                    throw file.error(line: item.line, rule: "formats.\(format)",
                                     "unknown kind '\(item.value.kind)'; known: "
                                        + DocumentKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                formats[format] = FormatRule(kind: kind, unless: item.value.unless ?? Int.max)
            }
            for item in spec.cues ?? [] {
                cues.append(try Self.cue(item.value, file: file, line: item.line))
            }
        }
    }

    static func cue(_ spec: CueSpec, file: RuleFile, line: Int) throws(PipelineError) -> Cue {
        var kind: DocumentKind?
        if let name = spec.kind {
            guard let known = DocumentKind(rawValue: name) else {
                throw file.error(line: line, rule: spec.id, "unknown kind '\(name)'; known: "
                                 + DocumentKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            kind = known
        }
        if kind == nil, spec.sdo == nil {
            throw file.error(line: line, rule: spec.id, "a cue needs a 'kind', an 'sdo' or both")
        }
        guard let place = Place(rawValue: spec.where ?? "head") else {
            throw file.error(line: line, rule: spec.id,
                             "unknown 'where: \(spec.where ?? "")'; known: head, anywhere, fields")
        }
        let caseInsensitive = !(spec.case_sensitive ?? false)
        let pattern = try file.pattern("(?m)" + spec.pattern, rule: spec.id, line: line,
                                       caseInsensitive: caseInsensitive)
        var branches: [Pattern] = []
        if let tree = RegexTree(spec.pattern), !tree.hasTopLevelFlags, tree.branches.count > 1 {
            // A branch that does not compile alone (none should) leaves the pattern whole.
            branches = (try? tree.branches.map { branch throws(PipelineError) in
                try file.pattern("(?m)" + branch.source, rule: spec.id, line: line, caseInsensitive: caseInsensitive)
            }) ?? []
        }
        let sdoWeight = spec.sdo_weight ?? (spec.sdo == nil ? 0 : spec.weight ?? 1)
        return Cue(id: spec.id, summary: spec.summary, kind: kind, sdo: spec.sdo, weight: spec.weight ?? 1,
                   sdoWeight: sdoWeight, place: place, pattern: pattern, branches: branches,
                   searched: branches.isEmpty ? [pattern] : branches,
                   examples: RuleExample.list(spec.examples, spec.counter_examples), file: file.path, line: line)
    }
}
