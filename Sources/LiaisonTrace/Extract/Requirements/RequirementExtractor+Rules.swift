import Foundation

extension RequirementExtractor {
    /// The lexicons (the keyword and modality of the requirement they find in an example read as a one-sentence
    /// document), the id and label rules, the exclusions (an excluded sentence gives no requirement), and the
    /// vocabulary's rules.
    public var ruleDescriptions: [RuleDescription] {
        let lexicons = lexicons.map { lexicon in
            RuleDescription.items(RuleInfo(id: lexicon.id, summary: lexicon.summary, examples: lexicon.examples,
                                           file: lexicon.file, line: lexicon.line),
                                  kind: "requirements", patterns: [lexicon.pattern], extractor: self,
                                  as: lexicon.classes.first, items: { $0.requirements }) { found in
                ["keyword": found.map(\.keyword), "modality": found.map(\.modality)]
            }
        }
        let ids = idRules.map { rule in
            RuleDescription(id: rule.id, kind: "requirements", summary: rule.summary, file: rule.file,
                            line: rule.line, patterns: [rule.pattern], examples: rule.examples) { _, input in
                let found = requirements(of: input, .deliverable)
                let own = rule.pattern.match(in: input.scan, at: input.range.location, limit: input.range.length)
                let numbered = found.filter { $0.id != nil || $0.label != nil }
                return RuleOutcome(values: ["id": found.compactMap(\.id), "label": found.compactMap(\.label)],
                                   spans: numbered.map { input.span(of: $0) }, matched: own != nil && !numbered.isEmpty)
            }
        }
        let exclusions = exclusions.map { rule in
            RuleDescription(id: rule.id, kind: "requirements", summary: rule.summary, file: rule.file,
                            line: rule.line, patterns: [rule.pattern],
                            examples: rule.examples.map(Self.givingNoRequirement)) { _, input in
                let found = requirements(of: input, Self.firstClass(of: rule))
                var outcome = input.outcome(of: rule.pattern.matches(in: input.scan, range: input.range))
                outcome.values["requirements"] = found.map(\.text)
                return outcome
            }
        }
        return lexicons + ids + exclusions + (vocabulary?.ruleDescriptions ?? [])
    }

    /// An exclusion example also says that the sentence gives no requirement.
    static func givingNoRequirement(_ example: RuleExample) -> RuleExample {
        var example = example
        if example.matches { example.expected["requirements"] = [] }
        return example
    }

    /// The class an exclusion's examples are read as: deliverable when it applies there.
    static func firstClass(of rule: SentenceRule) -> DocumentClass {
        guard let classes = rule.classes, !classes.contains(.deliverable) else { return .deliverable }
        return classes.min { $0.rawValue < $1.rawValue } ?? .deliverable
    }

    /// The requirements of the example read as a document of its class (`fallback` when it gives none).
    func requirements(of input: ExampleInput, _ fallback: DocumentClass?) -> [Requirement] {
        input.record(after: self, fallback).requirements
    }
}
