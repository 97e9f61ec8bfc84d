import Foundation

/// Finds the actions a liaison asks of its addressees with the cue rules of the `kind: actions` rule files
/// ("kindly asks CT1 and CT4 to", "is kindly asked to", "would welcome your views", "Please ...", "ACTION:"),
/// names the addressees with the group rules (from the cue, the sentence, an enclosing "To CT1 and CT4:" block, or
/// the liaison's action addressees) and attaches a deadline (a date in the sentence, or the liaison's deadline).
public struct ActionExtractor: Extractor {
    public static let description = ExtractorDescription(
        id: "actions", summary: "Requested actions with canonical addressees and deadlines")

    /// How a rule names the addressees.
    enum AddresseeSource: String, Decodable, Sendable {
        /// The pattern's `to` group.
        case group
        /// The groups named in the sentence before the cue.
        case before
        /// Nothing in the sentence: the block or the liaison's addressees.
        case context
    }

    /// One example of an action rule (or of the addressee line).
    struct Example: ExampleSpec {
        /// A liaison's text (`\n` starts a line).
        var text: String
        /// Canonical addressees the rule must give.
        var to: [String]
        /// The deadline it must give.
        var deadline: String?
        /// The kind of document it is read as (default: a liaison).
        var kind: DocumentKind?

        var documentKind: DocumentKind? { kind }

        var expected: [String: [String]] {
            var expected = ["to": [to.joined(separator: ", ")]]
            if let deadline { expected["deadline"] = [deadline] }
            return expected
        }
    }

    /// An example of the determiners: an addressee text and the names kept of it.
    struct NamesExample: ExampleSpec {
        var text: String
        var names: [String]

        var expected: [String: [String]] { ["names": names] }
    }

    struct RuleSpec: Decodable {
        var id: String
        var summary: String?
        var pattern: String
        var addressee: AddresseeSource?
        var classes: [DocumentClass]?
        var kinds: [DocumentKind]?
        var examples: [Lined<Example>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    /// A compiled cue rule.
    struct Rule: Sendable {
        let id: String
        let summary: String?
        let pattern: Pattern
        let addressee: AddresseeSource
        let classes: Set<DocumentClass>
        /// Document kinds it is limited to (`email`: questions put to a mailing list); nil for every kind.
        let kinds: Set<DocumentKind>?
        let examples: [RuleExample]
        let file: String
        let line: Int

        /// Its id, summary, examples and place.
        var info: RuleInfo { RuleInfo(id: id, summary: summary, examples: examples, file: file, line: line) }
    }

    /// A `kind: actions` rule file as written.
    struct FileSpec: Decodable {
        var classes: [DocumentClass]?
        var addressee_line: Lined<AddresseeLineSpec>?
        var pronouns: Lined<PatternRuleSpec>?
        var determiners: Lined<DeterminersSpec>?
        var deadline: Lined<PatternRuleSpec>?
        var rules: [Lined<RuleSpec>]?
    }

    struct AddresseeLineSpec: Decodable {
        var id: String
        var pattern: String
        var block_filler: String
        var examples: [Lined<Example>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    struct DeterminersSpec: Decodable {
        var id: String
        var words: [String]
        var examples: [Lined<NamesExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    /// Cue rules in order.
    let rules: [Rule]
    let addresseeLine: Pattern?
    let blockFiller: Pattern?
    let addresseeLineRule: RuleInfo?
    let pronounRule: PatternRule?
    var pronouns: Pattern? { pronounRule?.pattern }
    /// Words that make an addressee text no name (lower case).
    let determiners: Set<String>
    /// The determiner list as a rule (its examples).
    let determinerRule: RuleInfo?
    let deadlineRule: PatternRule?
    var deadlineCue: Pattern? { deadlineRule?.pattern }
    let groups: GroupCanonicalizer
    /// The shared vocabulary; nil when the pipeline has no rule file of this extractor's kind (it then finds nothing).
    let vocabulary: StatementVocabulary?

    /// The rule-file kinds it reads.
    public static let ruleKinds = ["actions", "statements", "groups"]

    public init(rules library: RuleLibrary) throws(PipelineError) {
        vocabulary = library.files(ofKind: "actions").isEmpty ? nil : try StatementVocabulary(rules: library)
        groups = try GroupCanonicalizer(rules: library)
        var rules: [Rule] = []
        var addresseeLine: Pattern?
        var blockFiller: Pattern?
        var lineRule: RuleInfo?
        var pronounRule: PatternRule?
        var determiners: Set<String> = []
        var determinerRule: RuleInfo?
        var deadlineRule: PatternRule?
        var seen: [String: String] = [:]
        for file in library.files(ofKind: "actions") {
            func compile(_ source: String, _ rule: String?, _ line: Int?) throws(PipelineError) -> Pattern {
                try file.pattern(source, rule: rule, line: line)
            }
            let decoded = try file.decodeStrictly(FileSpec.self)
            let defaultClasses = decoded.classes ?? [.liaison]
            if let item = decoded.addressee_line {
                let (spec, line) = (item.value, item.line)
                addresseeLine = try compile(spec.pattern, spec.id, line)
                guard addresseeLine?.groupNames.contains("to") == true else {
                    throw file.error(line: line, rule: spec.id, "pattern needs a group named 'to'")
                }
                blockFiller = try compile("^(?:\(spec.block_filler))$", spec.id, line)
                lineRule = RuleInfo(id: spec.id, summary: nil,
                                    examples: RuleExample.list(spec.examples, spec.counter_examples),
                                    file: file.path, line: line)
            }
            if let item = decoded.pronouns {
                pronounRule = try PatternRule(item.value, id: "action.pronouns", file: file, line: item.line)
            }
            if let item = decoded.determiners {
                determiners = Set(item.value.words.map { $0.lowercased() })
                let spec = item.value
                determinerRule = RuleInfo(id: spec.id, summary: nil,
                                          examples: RuleExample.list(spec.examples, spec.counter_examples),
                                          file: file.path, line: item.line)
            }
            if let item = decoded.deadline {
                deadlineRule = try PatternRule(item.value, id: "action.deadline-cue", file: file, line: item.line)
            }
            for item in decoded.rules ?? [] {
                let (spec, line) = (item.value, item.line)
                if let other = seen[spec.id] {
                    throw file.error(line: line, rule: spec.id, "duplicate rule id (also in \(other))")
                }
                seen[spec.id] = file.path
                let pattern = try compile(spec.pattern, spec.id, line)
                let addressee = spec.addressee ?? (pattern.groupNames.contains("to") ? .group : .context)
                if addressee == .group, !pattern.groupNames.contains("to") {
                    throw file.error(line: line, rule: spec.id, "'addressee: group' needs a group named 'to'")
                }
                rules.append(Rule(id: spec.id, summary: spec.summary, pattern: pattern, addressee: addressee,
                                  classes: Set(spec.classes ?? defaultClasses), kinds: spec.kinds.map(Set.init),
                                  examples: RuleExample.list(spec.examples, spec.counter_examples),
                                  file: file.path, line: line))
            }
        }
        self.rules = rules
        self.addresseeLine = addresseeLine
        self.blockFiller = blockFiller
        addresseeLineRule = lineRule
        self.pronounRule = pronounRule
        self.determiners = determiners
        self.determinerRule = determinerRule
        self.deadlineRule = deadlineRule
    }

    public func extract(from context: ExtractionContext, into record: inout DocumentRecord,
                        diagnostics: inout [Diagnostic]) {
        guard !rules.isEmpty else { return }
        guard let vocabulary else { return }
        let scan = StatementScan(context: context, record: record, vocabulary: vocabulary)
        let applicable = rules.filter {
            $0.classes.contains(scan.documentClass) && ($0.kinds?.contains(record.document.kind) ?? true)
        }
        guard !applicable.isEmpty else { return }
        let fallback = record.document.to.filter { $0.purpose == .action }.map(\.group)
        var block: [String]?
        var blockSection: Int?
        var index = 0
        let statements = scan.statements
        while index < statements.count {
            defer { index += 1 }
            let statement = statements[index]
            if statement.section != blockSection { block = nil }
            // An addressee line may look like a heading ("To oneM2M Technical Plenary"); its block is its section.
            var searchRange = statement.range
            if scan.role(of: statement) != .excluded, let (addressees, rest) = addresseeBlock(statement, context) {
                block = addressees
                blockSection = statement.section
                guard let rest else { continue }
                searchRange = rest
            } else if scan.isSkipped(statement) {
                continue
            }
            guard let (rule, match) = firstCue(applicable, in: searchRange, context) else { continue }
            let last = scan.listEnd(after: index)
            let range = scan.range(from: index, to: last)
            index = last
            var to = addressees(rule, match, statement: statement, context)
            // A request to the liaison's own senders is one it reports, not one it makes.
            if !to.isEmpty, !record.document.from.isEmpty, Set(to).isSubset(of: record.document.from) { continue }
            if to.isEmpty { to = block ?? fallback }
            let deadline = deadline(in: range, context) ?? record.document.deadline
            record.actions.append(ActionItem(to: to, text: scan.text(range), deadline: deadline,
                                             at: context.provenance(range, rule: rule.id)))
        }
    }

    /// The first rule (in order) whose cue is in `range`.
    func firstCue(_ rules: [Rule], in range: NSRange, _ context: ExtractionContext) -> (Rule, PatternMatch)? {
        // By index: a rule is copied (with every reference it holds) only when its cue is there.
        for index in rules.indices {
            if let match = rules[index].pattern.firstMatch(in: context, range: range) {
                return (rules[index], match)
            }
        }
        return nil
    }

    /// "To CT1 and CT4:" at the start of a statement: its addressees and the rest of the statement (nil when the
    /// line is all there is).
    func addresseeBlock(_ statement: DocumentOutline.Statement, _ context: ExtractionContext)
        -> ([String], NSRange?)? {
        guard let addresseeLine, let match = addresseeLine.firstMatch(in: context, range: statement.range),
              match.range.location == statement.range.location, let toRange = match.groups["to"] else { return nil }
        let toText = context.string(toRange)
        let mentions = groups.mentions(in: toText, inheritWithinLists: true, engine: context.engine)
        guard !mentions.isEmpty else { return nil }
        // Only group names and filler words.
        var leftover = toText as NSString
        for mention in mentions.reversed() {
            leftover = leftover.replacingCharacters(in: mention.range, with: " ") as NSString
        }
        if let blockFiller, (leftover as String).trimmingSpaces().isEmpty == false,
           blockFiller.matches(in: leftover as String).isEmpty {
            return nil
        }
        var seen = Set<String>()
        let ids = mentions.map(\.id).filter { seen.insert($0).inserted }
        let restStart = NSMaxRange(match.range)
        let rest = context.trim(NSRange(location: restStart, length: NSMaxRange(statement.range) - restStart))
        return (ids, rest.length > 0 ? rest : nil)
    }

    /// Addressees named by the sentence for `rule`, canonicalized; empty when it names none.
    func addressees(_ rule: Rule, _ match: PatternMatch, statement: DocumentOutline.Statement,
                    _ context: ExtractionContext) -> [String] {
        switch rule.addressee {
        case .context:
            return []
        case .before:
            let start = statement.range.location
            let range = NSRange(location: start, length: match.range.location - start)
            return groups.canonicalList(context.string(range), engine: context.engine)
        case .group:
            guard let toRange = match.groups["to"] else { return [] }
            return names(DocumentOutline.collapsed(context, toRange), engine: context.engine)
        }
    }

    /// Canonical group names in an addressee text; a pronoun gives none; a text naming no known group but looking
    /// like a name ("oneM2M") is kept as written.
    func names(_ text: String, engine: RuleEngine? = nil) -> [String] {
        if let pronouns, !pronouns.matches(in: text).isEmpty { return [] }
        let found = groups.canonicalList(text, engine: engine)
        if !found.isEmpty { return found }
        let words = text.split(separator: " ")
        guard let first = words.first, words.count <= 4, !determiners.contains(first.lowercased()),
              first.contains(where: { $0.isUppercase || $0.isNumber }) else { return [] }
        return [text]
    }

    /// The first date after a deadline cue in `range`.
    func deadline(in range: NSRange, _ context: ExtractionContext) -> String? {
        guard let deadlineCue, let dates = vocabulary?.dates else { return nil }
        for cue in deadlineCue.matches(in: context, range: range) {
            let start = NSMaxRange(cue.range)
            let window = NSRange(location: start, length: min(40, NSMaxRange(range) - start))
            if let date = dates.dates(in: context, range: window).first,
               date.range.location == start {
                return date.iso
            }
        }
        return nil
    }
}
