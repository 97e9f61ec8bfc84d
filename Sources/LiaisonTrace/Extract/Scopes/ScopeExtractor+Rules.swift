import Foundation

extension ScopeExtractor {
    /// The cue rules and the Scope-clause rule (the items they make of an example read as a document), the patterns
    /// that bound and split aspects, and the vocabulary's rules.
    public var ruleDescriptions: [RuleDescription] {
        var cues = rules.map { RuleInfo(id: $0.id, summary: $0.summary, examples: $0.examples, file: $0.file,
                                        line: $0.line) }
        var patterns = rules.map { [$0.pattern] }
        if let clauseInfo {
            cues.append(clauseInfo)
            patterns.append(clauseSkip.map { [$0] } ?? [])
        }
        let items = zip(cues, patterns).map { rule, patterns in
            RuleDescription.items(rule, kind: "scopes", patterns: patterns, extractor: self, as: .deliverable,
                                  items: { $0.scopes }) { found in
                ["items": found.map {
                    ExpectedItem(polarity: $0.polarity, subject: $0.subject, aspect: $0.aspect).description
                }]
            }
        }
        return items + patternRules.map { $0.description(kind: "scopes") } + (vocabulary?.ruleDescriptions ?? [])
    }
}
