import Foundation

/// One mention of a group (study group, working group, body) in text.
public struct GroupMention: Sendable, Hashable {
    /// Canonical group name, such as `ITU-T SG11` or `3GPP SA2`.
    public var id: String
    /// The standards body the group belongs to.
    public var body: String
    /// Where it is (UTF-16 range in the searched text).
    public var range: NSRange
    /// The rule that matched (`group.<body>`).
    public var rule: String
    /// The text is a known misspelling of the group's name (rule `misspelt: true`).
    public var misspelt = false
}

/// Canonical group names from the `kind: groups` rule file: `ITU-T Study Group 11` = `SG11` = `ITU-T SG11`,
/// `3GPP TSG SA WG2` = `SA2`; in lists a bare `SG2` after `ITU-D SG1,` is ITU-D's.
public struct GroupCanonicalizer: Sendable {
    /// A `kind: groups` rule file as written.
    struct FileSpec: Decodable {
        var groups: [Lined<Spec>]?
    }

    struct Spec: Decodable {
        /// The rule's id in tests and messages.
        var id: String
        var summary: String?
        /// The canonical-name template.
        var canonical: String
        var body: String
        var pattern: String
        var bare: Bool?
        var misspelt: Bool?
        var inherit: [String: String]?
        /// The rule the record names (default `group.<body>`).
        var rule: String?
        var examples: [String: String]?
        var counter_examples: [Lined<CounterExample>]?
    }

    /// One compiled group rule.
    public struct Rule: Sendable {
        let template: IDTemplate
        let body: String
        let pattern: Pattern
        let bare: Bool
        /// The pattern matches a known misspelling of the canonical name.
        let misspelt: Bool
        let inherit: [String: IDTemplate]
        /// Rule id the record names (`group.<body>`).
        public let id: String
        /// The rule's own id.
        public let name: String
        let summary: String?
        /// Examples: texts that are one group name, and counter-examples.
        public let examples: [RuleExample]
        public let file: String
        public let line: Int
    }

    /// The rules, in file order.
    public let rules: [Rule]

    /// Compiles the group rules.
    public init(rules library: RuleLibrary) throws(PipelineError) {
        var rules: [Rule] = []
        for file in library.files(ofKind: "groups") {
            for item in try file.decodeStrictly(FileSpec.self).groups ?? [] {
                let (spec, line) = (item.value, item.line)
                let pattern = try file.pattern(spec.pattern, rule: spec.id, line: line)
                let groups = Set(pattern.groupNames)
                do {
                    let template = try IDTemplate(spec.canonical, groups: groups)
                    var inherit: [String: IDTemplate] = [:]
                    for (body, source) in spec.inherit ?? [:] { inherit[body] = try IDTemplate(source, groups: groups) }
                    rules.append(Rule(template: template, body: spec.body, pattern: pattern, bare: spec.bare ?? false,
                                      misspelt: spec.misspelt ?? false, inherit: inherit,
                                      id: spec.rule ?? "group.\(spec.body.lowercased())",
                                      name: spec.id, summary: spec.summary,
                                      examples: RuleExample.mapping(spec.examples, key: "id", line: line)
                                        + RuleExample.counterExamples(spec.counter_examples),
                                      file: file.path, line: line))
                } catch let error as IDTemplate.Error {
                    throw file.error(line: line, rule: spec.id, error.message)
                } catch {
                    throw file.error(line: line, rule: spec.id, "\(error)")
                }
            }
        }
        self.rules = rules
    }

    /// Group mentions in `text` (within `range`), longest match first on overlaps, in text order. Bare names
    /// inherit the body of the closest explicit mention before them when `inheritWithinLists` is set. With an
    /// `engine`, only the rules whose cues the string holds are run.
    public func mentions(in text: String, range: NSRange? = nil, inheritWithinLists: Bool = false,
                         engine: RuleEngine? = nil) -> [GroupMention] {
        mentions(in: SearchText(text, engine: engine), range: range, inheritWithinLists: inheritWithinLists)
    }

    /// Group mentions in a document's normalized text (within `range`), as `mentions(in:range:inheritWithinLists:)`.
    public func mentions(in context: ExtractionContext, range: NSRange? = nil,
                         inheritWithinLists: Bool = false) -> [GroupMention] {
        mentions(in: SearchText(context), range: range, inheritWithinLists: inheritWithinLists)
    }

    func mentions(in text: SearchText, range: NSRange?, inheritWithinLists: Bool) -> [GroupMention] {
        let nsText = text.scan
        var candidates: [(match: PatternMatch, rule: Int)] = []
        for index in rules.indices {  // by index: no copy of each rule per call
            for match in text.matches(rules[index].pattern, range: range) where match.range.length > 0 {
                candidates.append((match, index))
            }
        }
        let kept = OverlapResolution.longestFirst(candidates, range: { $0.match.range }, rank: { $0.rule })
        var result: [GroupMention] = []
        var currentBody: String?
        for (match, index) in kept {
            let rule = rules[index]
            var id = rule.template.render(match, in: nsText)
            var body = rule.body
            if rule.bare, inheritWithinLists, let inherited = currentBody, let template = rule.inherit[inherited] {
                id = template.render(match, in: nsText)
                body = inherited
            } else if !rule.bare {
                currentBody = rule.body
            }
            result.append(GroupMention(id: id, body: body, range: match.range, rule: rule.id,
                                       misspelt: rule.misspelt))
        }
        return result
    }

    /// The canonical ids of a list such as a header value ("ITU-T SG2, SG5, ITU-D SG1, SG2"), each once, in order.
    public func canonicalList(_ value: String, engine: RuleEngine? = nil) -> [String] {
        var seen = Set<String>()
        return mentions(in: value, inheritWithinLists: true, engine: engine).map(\.id)
            .filter { seen.insert($0).inserted }
    }

    /// The canonical id when the whole of `name` is one group name, else nil.
    public func canonical(_ name: String, engine: RuleEngine? = nil) -> String? {
        let trimmed = name.trimmingSpacesAndNewlines()
        let found = mentions(in: trimmed, engine: engine)
        guard found.count == 1, let mention = found.first, mention.range.location == 0,
              mention.range.length == (trimmed as NSString).length else { return nil }
        return mention.id
    }
}

extension GroupCanonicalizer {
    /// One description per group rule: the canonical name of an example that is one whole group name, where the
    /// rule's own pattern matches.
    var ruleDescriptions: [RuleDescription] {
        rules.map { rule in
            RuleDescription(id: rule.name, kind: "groups", summary: rule.summary, file: rule.file, line: rule.line,
                            patterns: [rule.pattern], examples: rule.examples) { _, input in
                let found = mentions(in: input.text, range: input.range)
                let whole = found.count == 1 && found[0].range == input.range
                let own = rule.pattern.matches(in: input.scan, range: input.range)
                return RuleOutcome(values: ["id": whole ? [found[0].id] : []], spans: own.map { input.span($0.range) },
                                   matched: whole && !own.isEmpty)
            }
        }
    }
}
