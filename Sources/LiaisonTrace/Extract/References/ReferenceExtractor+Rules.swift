import Foundation

extension ReferenceExtractor {
    /// The rule-file kinds it reads.
    public static let ruleKinds = ["references"]

    /// One description per reference rule: the ids it finds in an example read as a document, at the mentions'
    /// places.
    public var ruleDescriptions: [RuleDescription] {
        rules.map { rule in
            RuleDescription(id: rule.id, kind: "references", summary: rule.summary, file: rule.file, line: rule.line,
                            patterns: [rule.pattern] + [rule.continuation, rule.range, rule.notAfter].compactMap { $0 },
                            examples: rule.examples) { _, input in
                let found = mentions(in: input.context, range: nil).filter { $0.rule.id == rule.id }
                return RuleOutcome(values: ["ids": found.map(\.id)],
                                   spans: found.map { input.span(inDocument: $0.range) })
            }
        }
    }
}

extension CitationAnchorExtractor {
    /// The rule-file kinds it reads.
    public static let ruleKinds = ["references"]

    /// The citation-label rule.
    public var ruleDescriptions: [RuleDescription] {
        labelRule.map { [$0.description(kind: "references")] } ?? []
    }
}
