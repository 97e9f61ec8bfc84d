import Foundation

extension ActionExtractor {
    /// The cue rules (the actions they make of an example read as a liaison), the addressee line, the pronouns,
    /// the determiners and the deadline cue.
    public var ruleDescriptions: [RuleDescription] {
        var result = rules.map { rule in
            RuleDescription.items(rule.info, kind: "actions", patterns: [rule.pattern], extractor: self, as: .liaison,
                                  items: { $0.actions }) { found in
                ["to": found.map { $0.to.joined(separator: ", ") }, "deadline": found.map { $0.deadline ?? "none" }]
            }
        }
        if let rule = addresseeLineRule, let addresseeLine, let blockFiller {
            result.append(RuleDescription(id: rule.id, kind: "actions", summary: rule.summary, file: rule.file,
                                          line: rule.line, patterns: [addresseeLine, blockFiller],
                                          examples: rule.examples) { _, input in
                guard let statement = input.firstStatement,
                      let (addressees, _) = addresseeBlock(statement, input.context) else { return RuleOutcome() }
                return RuleOutcome(values: ["to": [addressees.joined(separator: ", ")]],
                                   spans: [input.span(inDocument: statement.range)])
            })
        }
        if let rule = determinerRule {
            result.append(RuleDescription(id: rule.id, kind: "actions", summary: rule.summary, file: rule.file,
                                          line: rule.line, patterns: [], examples: rule.examples) { _, input in
                let found = names(input.example)
                return RuleOutcome(values: ["names": found], spans: found.isEmpty ? [] : [input.span(input.range)])
            })
        }
        result += [pronounRule, deadlineRule].compactMap { $0?.description(kind: "actions") }
        return result + (vocabulary?.ruleDescriptions ?? [])
    }
}
