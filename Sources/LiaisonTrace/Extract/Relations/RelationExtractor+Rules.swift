import Foundation

extension RelationExtractor {
    /// The cue rules (the relations they find in an example read as a document), the meeting patterns (the meeting
    /// named nearest the start of an example), the adjacent gap, and the vocabulary's rules.
    public var ruleDescriptions: [RuleDescription] {
        var result = rules.map { rule in
            RuleDescription.items(rule.info, kind: "relations", patterns: [rule.pattern], extractor: self,
                                  as: .deliverable, items: { $0.relations }) { found in
                ["relations": found.map {
                    ExpectedRelation(type: $0.type, subject: $0.subject, object: $0.object, date: $0.meetingDate)
                        .description
                }]
            }
        }
        if let rule = meetingRule, let ordinalMeeting, let numberedMeeting {
            result.append(RuleDescription(id: rule.id, kind: "relations", summary: rule.summary, file: rule.file,
                                          line: rule.line, patterns: [ordinalMeeting, numberedMeeting],
                                          examples: rule.examples) { _, input in
                guard let statement = input.firstStatement,
                      let found = meeting(near: NSRange(location: statement.range.location, length: 0),
                                          in: statement, context: input.context, senders: []) else {
                    return RuleOutcome()
                }
                return RuleOutcome(values: ["meeting": [found.id], "date": found.date.map { [$0] } ?? []],
                                   spans: [input.span(inDocument: statement.range)])
            })
        }
        if let adjacentGapRule { result.append(adjacentGapRule.description(kind: "relations")) }
        return result + (vocabulary?.ruleDescriptions ?? [])
    }
}
