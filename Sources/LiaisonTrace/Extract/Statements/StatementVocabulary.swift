import Foundation

/// The class of a document, which decides the keyword lexicons and cue rules that apply to it.
enum DocumentClass: String, Codable, Sendable, CaseIterable {
    /// IETF RFCs and Internet-Drafts: BCP 14 key words, upper case only.
    case ietf
    /// Liaison statements and the e-mails that carry them.
    case liaison
    /// Recommendations, specifications, reports, change requests, work items and the rest.
    case deliverable
}

/// What a section heading says about the sentences under it.
enum SectionRole: String, Sendable {
    /// References, contents, boilerplate, conventions: no statements of the document's own.
    case excluded
    /// The document's Scope clause.
    case scope
    /// A liaison's Actions section.
    case actions
}

/// The shared vocabulary of the sentence-level extractors, from the `kind: statements` rule file: document
/// classes, self-mentions, section roles and dates. Each extractor compiles its own copy at start-up.
struct StatementVocabulary: Sendable {
    /// The `kind: statements` rule file as written.
    struct FileSpec: Decodable {
        var classes: Lined<ClassesSpec>?
        var self_mention: Lined<SelfMentionSpec>?
        var sections: SectionSpec?
        /// Read by `OutlineRules`.
        var sentences: OutlineRules.SentencesSpec?
        /// Read by `OutlineRules`.
        var outline: OutlineRules.OutlineSpec?
        var dates: Lined<ActionDeadline.Spec>?
    }

    /// The two classes decided by patterns (`deliverable` is the rest).
    struct ClassesSpec: Decodable {
        var ietf: Lined<ClassSpec>
        var liaison: Lined<ClassSpec>
    }

    struct ClassSpec: Decodable {
        var sdo: [String]?
        var kinds: [String]?
        var patterns: [String]
        var examples: [Lined<TextExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    struct SelfMentionSpec: Decodable {
        var pattern: String
        var liaison_nouns: String
        var examples: [Lined<SelfMentionExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    struct SelfMentionExample: ExampleSpec {
        var text: String
        var noun: String

        var expected: [String: [String]] { ["noun": [noun]] }
    }

    struct SectionSpec: Decodable {
        var excluded: Lined<ExcludedSpec>
        var scope: Lined<PatternRuleSpec>
        var actions: Lined<PatternRuleSpec>
    }

    /// Section titles, each a pattern, with examples.
    struct ExcludedSpec: Decodable {
        var patterns: [String]
        var examples: [Lined<TextExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    /// Compiled class rules.
    struct ClassRule: Sendable {
        var sdo: Set<String>
        var kinds: Set<String>
        var patterns: [Pattern]
        var examples: [RuleExample]
        var line: Int
    }

    let ietf: ClassRule
    let liaison: ClassRule
    let selfMention: Pattern
    let liaisonNouns: Pattern
    let excludedSections: [Pattern]
    let scopeSection: Pattern
    let actionsSection: Pattern
    /// How dates are read (nil: the file gives no `dates`).
    let dates: ActionDeadline?
    /// The rule file and the rules' lines and examples, for their descriptions.
    let file: String
    let selfMentionRule: (examples: [RuleExample], line: Int)
    let sectionRules: [(role: SectionRole, examples: [RuleExample], line: Int)]
    let dateRule: (examples: [RuleExample], line: Int)?

    /// Compiles the `kind: statements` rule file of `library` (there must be exactly one).
    public init(rules library: RuleLibrary) throws(PipelineError) {
        let files = library.files(ofKind: "statements")
        guard let file = files.first else {
            throw PipelineError(path: "pipeline", line: nil,
                                summary: "no 'kind: statements' rule file; the sentence-level extractors need one "
                                    + "(did you mean to list rules/statements.yaml?)")
        }
        self.file = file.path
        func compile(_ source: String, _ what: String, line: Int?) throws(PipelineError) -> Pattern {
            try file.pattern(source, rule: what, line: line)
        }
        let decoded = try file.decodeStrictly(FileSpec.self)
        guard let classes = decoded.classes else {
            throw file.error(line: 1, rule: nil, "missing 'classes' (with 'ietf' and 'liaison')")
        }
        func classRule(_ item: Lined<ClassSpec>, _ name: String) throws(PipelineError) -> ClassRule {
            let spec = item.value
            var patterns: [Pattern] = []
            for source in spec.patterns {
                patterns.append(try compile(source, "statement.class.\(name)", line: item.line))
            }
            return ClassRule(sdo: Set(spec.sdo ?? []), kinds: Set(spec.kinds ?? []), patterns: patterns,
                             examples: RuleExample.list(spec.examples, spec.counter_examples), line: item.line)
        }
        ietf = try classRule(classes.value.ietf, "ietf")
        liaison = try classRule(classes.value.liaison, "liaison")

        guard let selfItem = decoded.self_mention else {
            throw file.error(line: 1, rule: nil, "missing 'self_mention'")
        }
        let (selfSpec, selfLine) = (selfItem.value, selfItem.line)
        selfMention = try compile(selfSpec.pattern, "statement.self-mention", line: selfLine)
        guard selfMention.groupNames.contains("noun") else {
            throw file.error(line: selfLine, rule: "statement.self-mention", "pattern needs a group named 'noun'")
        }
        liaisonNouns = try compile(selfSpec.liaison_nouns, "statement.self-mention", line: selfLine)
        selfMentionRule = (RuleExample.list(selfSpec.examples, selfSpec.counter_examples), selfLine)

        guard let sections = decoded.sections else {
            throw file.error(line: 1, rule: nil, "missing 'sections'")
        }
        func whole(_ source: String) -> String { "^(?i:\(source))$" }
        let excluded = sections.excluded
        var excludedPatterns: [Pattern] = []
        for source in excluded.value.patterns {
            excludedPatterns.append(try compile(whole(source), "statement.section.excluded", line: excluded.line))
        }
        excludedSections = excludedPatterns
        scopeSection = try compile(whole(sections.scope.value.pattern), "statement.section.scope",
                                   line: sections.scope.line)
        actionsSection = try compile(whole(sections.actions.value.pattern), "statement.section.actions",
                                     line: sections.actions.line)
        sectionRules = [
            (.excluded, RuleExample.list(excluded.value.examples, excluded.value.counter_examples), excluded.line),
            (.scope, sections.scope.value.ruleExamples, sections.scope.line),
            (.actions, sections.actions.value.ruleExamples, sections.actions.line),
        ]
        if let item = decoded.dates {
            dates = try ActionDeadline(item.value, file: file, line: item.line, rule: "statement.dates")
            dateRule = (RuleExample.list(item.value.examples, item.value.counter_examples), item.line)
        } else {
            dates = nil
            dateRule = nil
        }
    }

    // MARK: - Document class

    /// The class of the document being extracted: from the record's `kind` and `sdo` when an earlier extractor
    /// set them, else from the class patterns (ietf on the first 20 000 characters, liaison on the first 4 000).
    func documentClass(of context: ExtractionContext, record: DocumentRecord) -> DocumentClass {
        let kind = record.document.kind
        if kind != .other, liaison.kinds.contains(kind.rawValue) { return .liaison }
        if let sdo = record.document.sdo {
            if ietf.sdo.contains(sdo) { return .ietf }
            if kind != .other { return .deliverable }
        }
        let head = context.string(NSRange(location: 0, length: min(context.scan.length, 20_000)))
        if ietf.patterns.contains(where: { !$0.matches(in: head).isEmpty }) { return .ietf }
        if kind != .other { return .deliverable }
        // A liaison says so in its header; a deliverable may show a liaison form further down (ITU-T A.1).
        let top = context.string(NSRange(location: 0, length: min(context.scan.length, 4_000)))
        if liaison.patterns.contains(where: { !$0.matches(in: top).isEmpty }) { return .liaison }
        return .deliverable
    }

    /// The class of a bare text (rule examples).
    func documentClass(ofText text: String) -> DocumentClass {
        if ietf.patterns.contains(where: { !$0.matches(in: text).isEmpty }) { return .ietf }
        if liaison.patterns.contains(where: { !$0.matches(in: text).isEmpty }) { return .liaison }
        return .deliverable
    }

    // MARK: - Sections

    /// The role of a section from its heading title.
    func role(ofSection title: String) -> SectionRole? {
        if excludedSections.contains(where: { !$0.matches(in: title).isEmpty }) { return .excluded }
        if !scopeSection.matches(in: title).isEmpty { return .scope }
        if !actionsSection.matches(in: title).isEmpty { return .actions }
        return nil
    }

    /// Roles of all headings of an outline, by heading index. A heading without a role of its own takes the role
    /// of the heading it is nested in (by level), so the terms under "Definitions" are excluded too; a heading of
    /// unknown level belongs to the section before it.
    func sectionRoles(_ outline: DocumentOutline) -> [SectionRole?] {
        var roles: [SectionRole?] = []
        var stack: [(level: Int, role: SectionRole?)] = []
        for heading in outline.headings {
            let own = role(ofSection: heading.title)
            if let level = heading.level {
                while let top = stack.last, top.level >= level { stack.removeLast() }
                let role = own ?? stack.last?.role
                roles.append(role)
                stack.append((level, role))
            } else {
                roles.append(own ?? stack.last?.role)
            }
        }
        return roles
    }

    // MARK: - Self-mentions

    /// A phrase by which the document names itself, or (in a liaison) points back to a deliverable.
    struct SelfMention: Sendable {
        /// Where the whole phrase is.
        var range: NSRange
        /// The noun ("Recommendation", "LS").
        var noun: String
        /// Whether the noun names a liaison (so, in a liaison, the liaison itself).
        var isLiaisonNoun: Bool
    }

    /// Self-mentions within `range` of the context's text.
    func selfMentions(in context: ExtractionContext, range: NSRange) -> [SelfMention] {
        guard range.length > 0 else { return [] }
        return selfMentions(in: context.string(range)).map { mention in
            var shifted = mention
            shifted.range.location += range.location
            return shifted
        }
    }

    /// Self-mentions within `range` of `text`.
    func selfMentions(in text: String, range: NSRange? = nil) -> [SelfMention] {
        let ns = text as NSString
        return selfMention.matches(in: text, range: range).compactMap { match in
            guard let nounRange = match.groups["noun"] else { return nil }
            let noun = ns.substring(with: nounRange)
            return SelfMention(range: match.range, noun: noun, isLiaisonNoun: !liaisonNouns.matches(in: noun).isEmpty)
        }
    }
}

extension StatementVocabulary {
    /// The class rules (the class a text alone gets), the self-mention rule, the section roles and the dates.
    var ruleDescriptions: [RuleDescription] {
        var result: [RuleDescription] = []
        for (name, rule) in [(DocumentClass.ietf, ietf), (.liaison, liaison)] {
            result.append(RuleDescription(id: "statement.class.\(name.rawValue)", kind: "statements",
                                          summary: nil, file: file, line: rule.line, patterns: rule.patterns,
                                          examples: rule.examples) { _, input in
                let matched = documentClass(ofText: input.example) == name
                return RuleOutcome(spans: matched ? [input.span(input.range)] : [])
            })
        }
        result.append(RuleDescription(id: "statement.self-mention", kind: "statements", summary: nil, file: file,
                                      line: selfMentionRule.line, patterns: [selfMention, liaisonNouns],
                                      examples: selfMentionRule.examples) { _, input in
            let found = selfMentions(in: input.text, range: input.range)
            return RuleOutcome(values: ["noun": found.prefix(1).map(\.noun)], spans: found.map { input.span($0.range) })
        })
        let patterns: [SectionRole: [Pattern]] = [.excluded: excludedSections, .scope: [scopeSection],
                                                  .actions: [actionsSection]]
        for (role, examples, line) in sectionRules {
            result.append(RuleDescription(id: "statement.section.\(role.rawValue)", kind: "statements", summary: nil,
                                          file: file, line: line, patterns: patterns[role] ?? [],
                                          examples: examples) { _, input in
                RuleOutcome(spans: self.role(ofSection: input.example) == role ? [input.span(input.range)] : [])
            })
        }
        if let dates, let dateRule {
            result.append(RuleDescription(id: "statement.dates", kind: "statements", summary: nil, file: file,
                                          line: dateRule.line, patterns: dates.patterns,
                                          examples: dateRule.examples) { _, input in
                let found = dates.dates(in: input.text, range: input.range)
                return RuleOutcome(values: ["dates": found.map(\.iso)], spans: found.map { input.span($0.range) })
            })
        }
        return result
    }
}
