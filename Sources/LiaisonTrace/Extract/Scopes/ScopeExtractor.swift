import Foundation

/// Finds scope statements with the cue rules of the `kind: scopes` rule files: what a document includes ("the main
/// scope is", "The present document specifies") and excludes ("does not include", "is outside the scope of"),
/// the document each is about (a reference or self-mention in the sentence, or the document itself), and the
/// aspects it names (one item per aspect). Sentences of the document's Scope clause are includes-scope statements of
/// the document itself.
public struct ScopeExtractor: Extractor {
    public static let description = ExtractorDescription(
        id: "scopes", summary: "Scope statements (includes/excludes) with their subject document and aspects")

    /// How a rule finds the subject document.
    enum SubjectWay: String, Decodable, Sendable {
        case of, adjacent, before, section, this, group, unnamed
        /// The subject of the item an earlier cue of the same sentence made ("X is limited to A; it does not
        /// cover B"); none when no earlier cue made one.
        case previous
        case thisDeliverable = "this-deliverable"
        /// No named subject, in a liaison only (elsewhere the statement is about someone else: "Google is
        /// developing diagnostic applications" in a guideline).
        case unnamedInLiaison = "unnamed-in-liaison"
    }

    /// Where the included or excluded matter is, relative to the cue.
    enum AspectSide: String, Decodable, Sendable {
        case after, before, none
    }

    /// One expected item of an example: polarity, subject (`this` = the document itself), aspect.
    struct ExpectedItem: Decodable, Sendable, Equatable, CustomStringConvertible {
        var polarity: String
        var subject: String?
        var aspect: String?

        /// `polarity, subject, aspect`, as messages show it.
        var description: String { "\(polarity), \(subject ?? "this"), \(aspect ?? "null")" }

        init(polarity: String, subject: String?, aspect: String?) {
            self.polarity = polarity
            self.subject = subject
            self.aspect = aspect
        }

        init(from decoder: Decoder) throws {
            let values = try decoder.singleValueContainer().decode([String?].self)
            guard values.count == 3, let polarity = values[0] else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "expected [polarity, subject, aspect]"))
            }
            self.polarity = polarity
            subject = values[1]
            aspect = values[2]
        }
    }

    /// One example of a scope rule.
    struct Example: ExampleSpec {
        var text: String
        var `class`: DocumentClass?
        var items: [ExpectedItem]

        var documentClass: DocumentClass? { `class` }
        var expected: [String: [String]] { ["items": items.map(\.description)] }
    }

    struct RuleSpec: Decodable {
        var id: String
        var summary: String?
        var polarity: String
        var pattern: String
        var subject: [SubjectWay]
        var aspect: AspectSide?
        var split: Bool?
        /// Document classes it applies to (default: every class).
        var classes: [DocumentClass]?
        var examples: [Lined<Example>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    /// A `kind: scopes` rule file as written.
    struct FileSpec: Decodable {
        var adjacent_gap: Lined<PatternRuleSpec>?
        var sender_pronoun: Lined<PatternRuleSpec>?
        var split: SplitSpec?
        var clause: ClauseBoundsSpec?
        var scope_clause: Lined<ClauseSpec>?
        var rules: [Lined<RuleSpec>]?
    }

    struct SplitSpec: Decodable {
        var min_words: Int
        var separators: Lined<PatternRuleSpec>
        var dangling: Lined<PatternRuleSpec>
        var qualifiers: Lined<PatternRuleSpec>
        var end: Lined<PatternRuleSpec>
        var lead: Lined<PatternRuleSpec>
    }

    /// Where the clause before a cue starts.
    struct ClauseBoundsSpec: Decodable {
        var hard_break: Lined<PatternRuleSpec>
        var subordinator: Lined<PatternRuleSpec>
        var intro: Lined<PatternRuleSpec>
        var extraposed: Lined<PatternRuleSpec>
    }

    struct ClauseSpec: Decodable {
        var id: String
        var summary: String?
        var skip: String?
        var examples: [Lined<Example>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    /// A compiled cue rule.
    struct Rule: Sendable {
        let id: String
        let summary: String?
        let polarity: Scope.Polarity
        let pattern: Pattern
        let subject: [SubjectWay]
        let aspect: AspectSide
        let split: Bool
        /// Document classes it applies to; nil for every class.
        let classes: Set<DocumentClass>?
        let examples: [RuleExample]
        let file: String
        let line: Int
    }

    /// Cue rules in order.
    let rules: [Rule]
    /// Rule id of Scope-clause sentences.
    let clauseRule: String?
    /// The Scope-clause rule's examples and place.
    let clauseInfo: RuleInfo?
    let clauseSkip: Pattern?
    let adjacentGap: Pattern?
    /// A word naming the sender ("we", "our"), looked for between a named group and a cue (`subject: group`).
    let senderPronoun: Pattern?
    let separators: Pattern?
    let minWords: Int
    let qualifiers: Pattern?
    let aspectEnd: Pattern?
    let aspectLead: Pattern?
    let dangling: Pattern?
    let hardSeparator: Pattern?
    let subordinator: Pattern?
    let introClause: Pattern?
    let extraposed: Pattern?
    /// The patterns above as rules (their examples).
    let patternRules: [PatternRule]
    /// The shared vocabulary; nil when the pipeline has no rule file of this extractor's kind (it then finds nothing).
    let vocabulary: StatementVocabulary?

    /// The rule-file kinds it reads.
    public static let ruleKinds = ["scopes", "statements"]

    public init(rules library: RuleLibrary) throws(PipelineError) {
        vocabulary = library.files(ofKind: "scopes").isEmpty ? nil : try StatementVocabulary(rules: library)
        var rules: [Rule] = []
        var seen: [String: String] = [:]
        var clauseInfo: RuleInfo?
        var clauseSkip: Pattern?
        var minWords = 2
        var named: [String: PatternRule] = [:]
        var patternRules: [PatternRule] = []
        for file in library.files(ofKind: "scopes") {
            let decoded = try file.decodeStrictly(FileSpec.self)
            func compile(_ source: String, _ rule: String?, _ line: Int?) throws(PipelineError) -> Pattern {
                try file.pattern(source, rule: rule, line: line)
            }
            func add(_ item: Lined<PatternRuleSpec>?, _ id: String) throws(PipelineError) {
                guard let item else { return }
                let rule = try PatternRule(item.value, id: id, file: file, line: item.line)
                named[id] = rule
                patternRules.removeAll { $0.id == rule.id }
                patternRules.append(rule)
            }
            try add(decoded.adjacent_gap, "scope.adjacent-gap")
            try add(decoded.sender_pronoun, "scope.sender-pronoun")
            if let split = decoded.split {
                minWords = split.min_words
                try add(split.separators, "scope.split.separators")
                try add(split.dangling, "scope.split.dangling")
                try add(split.qualifiers, "scope.split.qualifiers")
                try add(split.end, "scope.split.end")
                try add(split.lead, "scope.split.lead")
            }
            if let clause = decoded.clause {
                try add(clause.hard_break, "scope.clause.hard-break")
                try add(clause.subordinator, "scope.clause.subordinator")
                try add(clause.intro, "scope.clause.intro")
                try add(clause.extraposed, "scope.clause.extraposed")
                if named["scope.clause.extraposed"]?.pattern.groupNames.contains("matter") == false {
                    throw file.error(line: clause.extraposed.line, rule: "scope.clause.extraposed",
                                     "pattern needs a group named 'matter'")
                }
            }
            if let item = decoded.scope_clause {
                let spec = item.value
                clauseInfo = RuleInfo(id: spec.id, summary: spec.summary,
                                      examples: RuleExample.list(spec.examples, spec.counter_examples),
                                      file: file.path, line: item.line)
                clauseSkip = try spec.skip.map { source throws(PipelineError) in
                    try compile(source, spec.id, item.line)
                }
            }
            for item in decoded.rules ?? [] {
                let (spec, line) = (item.value, item.line)
                if let other = seen[spec.id] {
                    throw file.error(line: line, rule: spec.id, "duplicate rule id (also in \(other))")
                }
                seen[spec.id] = file.path
                guard let polarity = Scope.Polarity(rawValue: spec.polarity) else {
                    throw file.error(line: line, rule: spec.id, "polarity must be 'includes' or 'excludes'")
                }
                let pattern = try compile(spec.pattern, spec.id, line)
                if spec.subject.contains(.of), !pattern.groupNames.contains("of") {
                    throw file.error(line: line, rule: spec.id, "'subject: of' needs a group named 'of'")
                }
                rules.append(Rule(id: spec.id, summary: spec.summary, polarity: polarity, pattern: pattern,
                                  subject: spec.subject, aspect: spec.aspect ?? .none, split: spec.split ?? false,
                                  classes: spec.classes.map(Set.init),
                                  examples: RuleExample.list(spec.examples, spec.counter_examples),
                                  file: file.path, line: line))
            }
        }
        self.rules = rules
        clauseRule = clauseInfo?.id
        self.clauseInfo = clauseInfo
        self.clauseSkip = clauseSkip
        self.minWords = minWords
        self.patternRules = patternRules
        adjacentGap = named["scope.adjacent-gap"]?.pattern
        senderPronoun = named["scope.sender-pronoun"]?.pattern
        separators = named["scope.split.separators"]?.pattern
        qualifiers = named["scope.split.qualifiers"]?.pattern
        aspectEnd = named["scope.split.end"]?.pattern
        aspectLead = named["scope.split.lead"]?.pattern
        dangling = named["scope.split.dangling"]?.pattern
        hardSeparator = named["scope.clause.hard-break"]?.pattern
        subordinator = named["scope.clause.subordinator"]?.pattern
        introClause = named["scope.clause.intro"]?.pattern
        extraposed = named["scope.clause.extraposed"]?.pattern
    }

    public func extract(from context: ExtractionContext, into record: inout DocumentRecord,
                        diagnostics: inout [Diagnostic]) {
        guard !rules.isEmpty || clauseRule != nil else { return }
        guard let vocabulary else { return }
        let scan = StatementScan(context: context, record: record, vocabulary: vocabulary)
        let located = { (range: SourceRange) -> NSRange in
            let start = context.location(forSource: range.start)
            return NSRange(location: start, length: max(0, context.location(forSource: range.end) - start))
        }
        let groups = record.groups.map { (id: $0.id, range: located($0.range)) }
            .sorted { $0.range.location < $1.range.location }
        record.scopes += scopes(in: scan, groups: groups, actions: record.actions.map { located($0.range) },
                                senders: record.document.from)
    }

    /// The scope statements of a scanned document. `groups` are the group mentions of the record and `senders` its
    /// `document.from` (for `subject: group`); `actions` are the ranges of its actions: a sentence that asks for
    /// something is no scope statement.
    func scopes(in scan: StatementScan, groups: [(id: String, range: NSRange)] = [], actions: [NSRange] = [],
                senders: [String] = []) -> [Scope] {
        let context = scan.context
        var result: [Scope] = []
        let statements = scan.statements
        let cues = CueIndex(rules.map(\.pattern), context: context)
        let actions = actions.sorted { $0.location < $1.location }
        // The rules for the document's class, asked once (a set of class names hashed per sentence and rule was 1% of
        // the extraction).
        let applicable = rules.indices.filter { rules[$0].classes?.contains(scan.documentClass) ?? true }
        var index = 0
        while index < statements.count {
            defer { index += 1 }
            let statement = statements[index]
            if scan.isSkipped(statement) { continue }
            // Actions do not overlap: the last one starting before the sentence ends is the one that could.
            let after = actions.partitionPoint { $0.location < NSMaxRange(statement.range) }
            if after > 0, NSMaxRange(actions[after - 1]) > statement.range.location { continue }
            let inScopeClause = scan.role(of: statement) == .scope
            // Cue matches, earlier rules winning overlaps.
            var taken: [NSRange] = []
            // By index: a rule is copied (with every reference it holds) only when one of its cues is there.
            var found: [(rule: Int, match: PatternMatch)] = []
            for ruleIndex in applicable {
                for match in cues.matches(ruleIndex, in: statement.range, context: context)
                where !taken.contains(where: { NSIntersectionRange($0, match.range).length > 0 }) {
                    taken.append(match.range)
                    found.append((ruleIndex, match))
                }
            }
            found.sort { $0.1.range.location < $1.1.range.location }
            let last = found.isEmpty ? index : scan.listEnd(after: index)
            let range = scan.range(from: index, to: last)
            let text = found.isEmpty ? "" : scan.text(range)
            var made = false
            var previous: StatementScan.Subject?
            let informative = statement.section.map { scan.outline.headings[$0].isInformative } ?? false
            for (ruleIndex, match) in found {
                let rule = rules[ruleIndex]
                guard let subject = subject(rule, match, statement: statement, index: index, scan: scan,
                                            inScopeClause: inScopeClause, groups: groups, senders: senders,
                                            previous: previous)
                else { continue }
                // An informative annex describes other things ("a switch device which is responsible for ..."):
                // neither the document's own scope nor one it can pin to a named subject.
                if informative, subject == .this || subject == .unnamed { continue }
                previous = subject
                let aspects = aspects(rule, match, statement: statement, index: index, last: last, scan: scan)
                for aspect in aspects.isEmpty ? [nil] : aspects.map(Optional.some) {
                    var scope = Scope(polarity: rule.polarity, subject: scan.output(subject), text: text,
                                      at: context.provenance(range, rule: rule.id))
                    scope.aspect = aspect
                    result.append(scope)
                }
                made = true
            }
            if made {
                index = last
                continue
            }
            if inScopeClause, let clauseRule,
               clauseSkip?.matches(in: context, range: statement.range).isEmpty ?? true {
                // "The remaining clauses are applicable to:" takes its list.
                let last = scan.listEnd(after: index)
                let range = scan.range(from: index, to: last)
                result.append(Scope(polarity: .includes, subject: scan.selfID, text: scan.text(range),
                                    at: context.provenance(range, rule: clauseRule)))
                index = last
            }
        }
        return result
    }

    // MARK: - Subject

    func subject(_ rule: Rule, _ match: PatternMatch, statement: DocumentOutline.Statement, index: Int,
                 scan: StatementScan, inScopeClause: Bool, groups: [(id: String, range: NSRange)] = [],
                 senders: [String] = [], previous: StatementScan.Subject? = nil) -> StatementScan.Subject? {
        for way in rule.subject {
            switch way {
            case .previous:
                if let previous { return previous }
            case .group:
                // The group named last before the cue in the sentence, else the first one after it; "we" after the
                // last one names the sender ("SG12 wishes to inform 3GPP that we have endorsed").
                let inSentence = groups.elements(within: statement.range) { $0.range }
                let before = inSentence.last(where: { NSMaxRange($0.range) <= match.range.location })
                let gapStart = before.map { NSMaxRange($0.range) } ?? statement.range.location
                let gap = NSRange(location: gapStart, length: match.range.location - gapStart)
                if let senderPronoun, senderPronoun.hasMatch(in: scan.context, range: gap) {
                    return senders.first.map { .document($0) } ?? .unnamed
                }
                if let before { return .document(before.id) }
                if let after = inSentence.first(where: { $0.range.location >= NSMaxRange(match.range) }) {
                    return .document(after.id)
                }
            case .unnamed:
                return .unnamed
            case .unnamedInLiaison:
                if scan.documentClass == .liaison { return .unnamed }
            case .of:
                guard let of = match.groups["of"] else { continue }
                let mentions = scan.documentMentions(in: statement.range).filter {
                    $0.range.location >= of.location && $0.range.location < NSMaxRange(of)
                }
                // "the scope of mobile benchmarking": about something else than a document.
                guard let first = mentions.first else { return nil }
                return resolved(scan.subject(of: first, statementIndex: index))
            case .adjacent:
                let before = NSRange(location: statement.range.location,
                                     length: match.range.location - statement.range.location)
                for mention in scan.documentMentions(in: before).reversed() {
                    let gapStart = NSMaxRange(mention.range)
                    let gap = NSRange(location: gapStart, length: match.range.location - gapStart)
                    guard let adjacentGap, !adjacentGap.matches(in: scan.context, range: gap).isEmpty else {
                        break
                    }
                    return resolved(scan.subject(of: mention, statementIndex: index))
                }
            case .before:
                let before = NSRange(location: statement.range.location,
                                     length: match.range.location - statement.range.location)
                if let last = scan.documentMentions(in: before).last {
                    return resolved(scan.subject(of: last, statementIndex: index))
                }
            case .section:
                if inScopeClause { return .this }
            case .this:
                return .this
            case .thisDeliverable:
                if scan.documentClass != .liaison { return .this }
            }
        }
        return nil
    }

    /// An anaphor with nothing to point to makes no subject.
    func resolved(_ subject: StatementScan.Subject) -> StatementScan.Subject? {
        subject == .unresolved ? nil : subject
    }

    // MARK: - Aspects

    func aspects(_ rule: Rule, _ match: PatternMatch, statement: DocumentOutline.Statement, index: Int, last: Int,
                 scan: StatementScan) -> [String] {
        switch rule.aspect {
        case .none:
            return []
        case .after:
            let start = NSMaxRange(match.range)
            var range = NSRange(location: start, length: NSMaxRange(statement.range) - start)
            if let end = aspectEnd?.firstMatch(in: scan.context, range: range) {
                range.length = end.range.location - start
            }
            var aspect = clean(scan.text(range))
            if last > index, aspect.isEmpty || aspect.lowercased().hasPrefix("the following") {
                return (index + 1...last).map { clean(scan.statements[$0].text) }.filter { !$0.isEmpty }
            }
            if aspect.lowercased().hasSuffix(" as follows") { aspect = String(aspect.dropLast(11)) }
            if aspect.isEmpty { return [] }
            return rule.split ? split(aspect) : [aspect]
        case .before:
            // The clause before the cue: after the last semicolon or colon, after a subordinating ", since" ("...
            // informative, since weight definition lies outside"), after a leading subordinate clause ("If ..., ").
            let clause = NSRange(location: statement.range.location,
                                 length: match.range.location - statement.range.location)
            var start = clause.location
            if let hard = hardSeparator?.matches(in: scan.context, range: clause).last {
                start = NSMaxRange(hard.range)
            }
            let rest = NSRange(location: start, length: NSMaxRange(clause) - start)
            if let soft = subordinator?.matches(in: scan.context, range: rest).last {
                start = NSMaxRange(soft.range)
            } else if let intro = introClause?.firstMatch(in: scan.context, range: rest) {
                start = NSMaxRange(intro.range)
            }
            var aspect = scan.text(NSRange(location: start, length: match.range.location - start))
            if let lead = aspectLead?.firstMatch(in: aspect) {
                aspect = String((aspect as NSString).substring(from: NSMaxRange(lead.range)))
            }
            aspect = clean(aspect)
            // "It is beyond the scope of this publication to discuss X": the matter is the infinitive after the cue.
            if aspect == "It" || aspect == "it" {
                let after = NSRange(location: NSMaxRange(match.range),
                                    length: NSMaxRange(statement.range) - NSMaxRange(match.range))
                guard let infinitive = extraposed?.firstMatch(in: scan.context, range: after),
                      var group = infinitive.groups["matter"] else { return [] }
                if let end = aspectEnd?.firstMatch(in: scan.context, range: group) {
                    group.length = end.range.location - group.location
                }
                aspect = clean(scan.text(group))
            }
            // Before the cue, "and" mostly joins one noun phrase: not split.
            return aspect.isEmpty ? [] : [aspect]
        }
    }

    /// Without trailing punctuation and conjunctions ("...; and").
    func clean(_ text: String) -> String {
        var result = text.trimmingSpaces()
        var changed = true
        while changed {
            changed = false
            for suffix in [".", ";", ",", ":", " and", " or"] where result.hasSuffix(suffix) {
                result = String(result.dropLast(suffix.count)).trimmingSpaces()
                changed = true
            }
        }
        return result
    }

    /// One aspect per coordinated part, when every part has at least `minWords` words; a part that starts with a
    /// qualifier joins the one before it. Separators inside brackets or quotes do not count.
    func split(_ aspect: String) -> [String] {
        guard !aspect.isEmpty else { return [] }
        guard let separators else { return [aspect] }
        let ns = aspect as NSString
        let protected = protectedSpans(ns)
        let cuts = separators.matches(in: aspect).map(\.range).filter { cut in
            !protected.contains { NSIntersectionRange($0, cut).length > 0 }
        }
        guard !cuts.isEmpty else { return [aspect] }
        var parts: [(text: String, separator: String)] = []
        var start = 0
        var separator = ""
        for cut in cuts {
            parts.append((ns.substring(with: NSRange(location: start, length: cut.location - start)), separator))
            separator = ns.substring(with: cut)
            start = NSMaxRange(cut)
        }
        parts.append((ns.substring(from: start), separator))
        var merged: [String] = []
        for part in parts {
            let trimmed = part.text.trimmingSpaces()
            if let previous = merged.last, let qualifiers, !qualifiers.matches(in: trimmed).isEmpty {
                merged[merged.count - 1] = previous + part.separator + trimmed
            } else {
                merged.append(trimmed)
            }
        }
        let words = merged.map { $0.split(separator: " ").count }
        if merged.count < 2 || words.contains(where: { $0 < minWords }) { return [aspect] }
        if let dangling, merged.contains(where: { !dangling.matches(in: $0).isEmpty }) { return [aspect] }
        return merged
    }

    /// Ranges inside brackets and quotes.
    func protectedSpans(_ text: NSString) -> [NSRange] {
        var spans: [NSRange] = []
        var depth = 0
        var openAt = 0
        var quoteAt: Int?
        for index in 0..<text.length {
            let unit = text.character(at: index)
            if unit == 0x22 {
                if let open = quoteAt {
                    spans.append(NSRange(location: open, length: index + 1 - open))
                    quoteAt = nil
                } else {
                    quoteAt = index
                }
            } else if unit == 0x28 || unit == 0x5B {
                if depth == 0 { openAt = index }
                depth += 1
            } else if unit == 0x29 || unit == 0x5D, depth > 0 {
                depth -= 1
                if depth == 0 { spans.append(NSRange(location: openAt, length: index + 1 - openAt)) }
            }
        }
        return spans
    }
}
