import Foundation

/// Finds the relations sentences state with the cue rules of the `kind: relations` rule files: a document builds
/// on another ("builds upon", "is based on", "extends"), obsoletes, updates or revises it ("Obsoletes: 4053",
/// "(revision of S2-1811226)"), or was approved at a meeting ("was approved during the 3rd FG-MV meeting held in
/// December 2023" gives `approved-at` ITU-T FG-MV#3, 2023-12). Subjects and objects are canonical ids from the
/// references an earlier extractor found, or the document itself.
public struct RelationExtractor: Extractor {
    public static let description = ExtractorDescription(
        id: "relations", summary: "builds-on, approved-at, obsoletes, updates and revises relations")

    /// How a rule finds the subject.
    enum SubjectWay: String, Decodable, Sendable {
        case adjacent, this
        case nearestBefore = "nearest-before"
        case firstBefore = "first-before"
        case allAfter = "all-after"
    }

    /// How a rule finds the object.
    enum ObjectWay: String, Decodable, Sendable {
        case meeting, list
        case firstAfter = "first-after"
        case allAfter = "all-after"
    }

    /// One expected relation of an example: type, subject (`this` = the document itself), object, meeting date.
    struct ExpectedRelation: Decodable, Sendable, Equatable, CustomStringConvertible {
        var type: String
        var subject: String?
        var object: String
        var date: String?

        /// `type, subject, object, date`, as messages show it.
        var description: String { "\(type), \(subject ?? "this"), \(object), \(date ?? "null")" }

        init(type: String, subject: String?, object: String, date: String?) {
            self.type = type
            self.subject = subject
            self.object = object
            self.date = date
        }

        init(from decoder: Decoder) throws {
            let values = try decoder.singleValueContainer().decode([String?].self)
            guard values.count == 4, let type = values[0], let object = values[2] else {
                throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                        debugDescription: "expected [type, subject, object, date]"))
            }
            self.type = type
            subject = values[1]
            self.object = object
            date = values[3]
        }
    }

    /// One example of a relation rule.
    struct Example: ExampleSpec {
        var text: String
        var `class`: DocumentClass?
        var relations: [ExpectedRelation]

        var documentClass: DocumentClass? { `class` }
        var expected: [String: [String]] { ["relations": relations.map(\.description)] }
    }

    /// One example of the meeting patterns.
    struct MeetingExample: ExampleSpec {
        var text: String
        var meeting: String
        var date: String?

        var expected: [String: [String]] {
            var expected = ["meeting": [meeting]]
            if let date { expected["date"] = [date] }
            return expected
        }
    }

    struct RuleSpec: Decodable {
        var id: String
        var summary: String?
        var type: String
        var pattern: String
        var subject: [SubjectWay]
        var object: ObjectWay
        var object_window: Int?
        var object_template: String?
        var examples: [Lined<Example>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    /// A `kind: relations` rule file as written.
    struct FileSpec: Decodable {
        var adjacent_gap: Lined<PatternRuleSpec>?
        var meetings: Lined<MeetingSpec>?
        var rules: [Lined<RuleSpec>]?
    }

    struct MeetingSpec: Decodable {
        var id: String
        var ordinal: String
        var numbered: String
        /// Ordinal words in order ("first" is 1).
        var ordinal_words: [String]?
        var date_window: Int?
        var window: Int?
        var examples: [Lined<MeetingExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    /// A compiled cue rule.
    struct Rule: Sendable {
        let id: String
        let summary: String?
        let kind: Relation.Kind
        let pattern: Pattern
        let subject: [SubjectWay]
        let object: ObjectWay
        let objectWindow: Int
        let objectTemplate: String?
        let examples: [RuleExample]
        let file: String
        let line: Int

        /// Its id, summary, examples and place.
        var info: RuleInfo { RuleInfo(id: id, summary: summary, examples: examples, file: file, line: line) }
    }

    /// Cue rules in order.
    let rules: [Rule]
    /// The meeting patterns as a rule (its examples).
    let meetingRule: RuleInfo?
    let ordinalMeeting: Pattern?
    let numberedMeeting: Pattern?
    /// Ordinal words in order (lower case; "first" is 1).
    let ordinalWords: [String]
    let dateWindow: Int
    let meetingWindow: Int
    let adjacentGapRule: PatternRule?
    var adjacentGap: Pattern? { adjacentGapRule?.pattern }
    let groups: GroupCanonicalizer
    /// The shared vocabulary; nil when the pipeline has no rule file of this extractor's kind (it then finds nothing).
    let vocabulary: StatementVocabulary?

    /// The rule-file kinds it reads.
    public static let ruleKinds = ["relations", "statements", "groups"]

    public init(rules library: RuleLibrary) throws(PipelineError) {
        vocabulary = library.files(ofKind: "relations").isEmpty ? nil : try StatementVocabulary(rules: library)
        groups = try GroupCanonicalizer(rules: library)
        var rules: [Rule] = []
        var seen: [String: String] = [:]
        var meetingRule: RuleInfo?
        var ordinalMeeting: Pattern?
        var numberedMeeting: Pattern?
        var ordinalWords: [String] = []
        var dateWindow = 40
        var meetingWindow = 200
        var adjacentGapRule: PatternRule?
        for file in library.files(ofKind: "relations") {
            let decoded = try file.decodeStrictly(FileSpec.self)
            func compile(_ source: String, _ rule: String?, _ line: Int?) throws(PipelineError) -> Pattern {
                try file.pattern(source, rule: rule, line: line)
            }
            if let item = decoded.adjacent_gap {
                adjacentGapRule = try PatternRule(item.value, id: "relation.adjacent-gap", file: file, line: item.line)
            }
            if let item = decoded.meetings {
                let (spec, line) = (item.value, item.line)
                ordinalMeeting = try compile(spec.ordinal, spec.id, line)
                numberedMeeting = try compile(spec.numbered, spec.id, line)
                guard ordinalMeeting?.groupNames.contains("ordinal") == true,
                      numberedMeeting?.groupNames.contains("number") == true else {
                    throw file.error(line: line, rule: spec.id,
                                     "'ordinal' needs a group named 'ordinal', 'numbered' one named 'number'")
                }
                ordinalWords = (spec.ordinal_words ?? []).map { $0.lowercased() }
                dateWindow = spec.date_window ?? dateWindow
                meetingWindow = spec.window ?? meetingWindow
                meetingRule = RuleInfo(id: spec.id, summary: nil,
                                       examples: RuleExample.list(spec.examples, spec.counter_examples),
                                       file: file.path, line: line)
            }
            for item in decoded.rules ?? [] {
                let (spec, line) = (item.value, item.line)
                if let other = seen[spec.id] {
                    throw file.error(line: line, rule: spec.id, "duplicate rule id (also in \(other))")
                }
                seen[spec.id] = file.path
                guard let kind = Relation.Kind(rawValue: spec.type) else {
                    throw file.error(line: line, rule: spec.id,
                                     "unknown type '\(spec.type)'; known: "
                                        + Relation.Kind.allCases.map(\.rawValue).sorted().joined(separator: ", "))
                }
                let pattern = try compile(spec.pattern, spec.id, line)
                if spec.object == .list {
                    guard pattern.groupNames.contains("list"), let template = spec.object_template,
                          template.contains("{n}") else {
                        throw file.error(line: line, rule: spec.id,
                                         "'object: list' needs a group named 'list' and an 'object_template' with {n}")
                    }
                }
                rules.append(Rule(id: spec.id, summary: spec.summary, kind: kind, pattern: pattern,
                                  subject: spec.subject, object: spec.object, objectWindow: spec.object_window ?? 200,
                                  objectTemplate: spec.object_template,
                                  examples: RuleExample.list(spec.examples, spec.counter_examples),
                                  file: file.path, line: line))
            }
        }
        self.rules = rules
        self.meetingRule = meetingRule
        self.ordinalMeeting = ordinalMeeting
        self.numberedMeeting = numberedMeeting
        self.ordinalWords = ordinalWords
        self.dateWindow = dateWindow
        self.meetingWindow = meetingWindow
        self.adjacentGapRule = adjacentGapRule
    }

    public func extract(from context: ExtractionContext, into record: inout DocumentRecord,
                        diagnostics: inout [Diagnostic]) {
        guard !rules.isEmpty else { return }
        guard let vocabulary else { return }
        let scan = StatementScan(context: context, record: record, vocabulary: vocabulary)
        record.relations += relations(in: scan, senders: record.document.from)
    }

    func relations(in scan: StatementScan, senders: [String]) -> [Relation] {
        let context = scan.context
        var result: [Relation] = []
        let cues = CueIndex(rules.map(\.pattern), context: context)
        for (index, statement) in scan.statements.enumerated() {
            if scan.isSkipped(statement) { continue }
            var taken: [NSRange] = []
            var seen = Set<String>()
            for ruleIndex in rules.indices {  // by index: a rule is copied only where its cue is
                for match in cues.matches(ruleIndex, in: statement.range, context: context)
                where !taken.contains(where: { NSIntersectionRange($0, match.range).length > 0 }) {
                    let rule = rules[ruleIndex]
                    let objects = objects(rule, match, statement: statement, scan: scan, senders: senders)
                    guard !objects.isEmpty else { continue }
                    let subjects = subjects(rule, match, statement: statement, index: index, scan: scan)
                    guard !subjects.isEmpty else { continue }
                    taken.append(match.range)
                    for subject in subjects {
                        let subjectID = scan.output(subject)
                        for object in objects where object.id != subjectID {
                            let key = "\(rule.kind.rawValue)|\(subjectID ?? "")|\(object.id)"
                            guard seen.insert(key).inserted else { continue }
                            result.append(Relation(kind: rule.kind, subject: subjectID, object: object.id,
                                                   meetingDate: object.date, text: statement.text,
                                                   at: context.provenance(statement.range, rule: rule.id)))
                        }
                    }
                }
            }
        }
        return result
    }

    // MARK: - Subjects

    func subjects(_ rule: Rule, _ match: PatternMatch, statement: DocumentOutline.Statement, index: Int,
                  scan: StatementScan) -> [StatementScan.Subject] {
        let start = statement.range.location
        let before = NSRange(location: start, length: match.range.location - start)
        for way in rule.subject {
            switch way {
            case .this:
                return [.this]
            case .nearestBefore:
                if let last = scan.documentMentions(in: before).last {
                    return resolved(scan.subject(of: last, statementIndex: index))
                }
            case .firstBefore:
                if let first = scan.documentMentions(in: before).first {
                    return resolved(scan.subject(of: first, statementIndex: index))
                }
            case .adjacent:
                if let mention = scan.documentMentions(in: before).last {
                    let gapStart = NSMaxRange(mention.range)
                    let gap = NSRange(location: gapStart, length: match.range.location - gapStart)
                    if let adjacentGap, !adjacentGap.matches(in: scan.context, range: gap).isEmpty {
                        return resolved(scan.subject(of: mention, statementIndex: index))
                    }
                }
            case .allAfter:
                let after = clause(after: match.range, in: statement, ns: scan.context.scan, limit: rule.objectWindow)
                let found = scan.references(in: after).map { StatementScan.Subject.document($0.id) }
                if !found.isEmpty { return found }
            }
        }
        return []
    }

    func resolved(_ subject: StatementScan.Subject) -> [StatementScan.Subject] {
        subject == .unresolved ? [] : [subject]
    }

    // MARK: - Objects

    struct Object {
        var id: String
        var date: String?
    }

    func objects(_ rule: Rule, _ match: PatternMatch, statement: DocumentOutline.Statement, scan: StatementScan,
                 senders: [String]) -> [Object] {
        let ns = scan.context.scan
        switch rule.object {
        case .list:
            guard let list = match.groups["list"], let template = rule.objectTemplate else { return [] }
            return ns.substring(with: list).components(separatedBy: ",").compactMap { item in
                let digits = item.filter(\.isNumber)
                return digits.isEmpty ? nil : Object(id: template.replacingOccurrences(of: "{n}", with: digits))
            }
        case .firstAfter, .allAfter:
            let window = clause(after: match.range, in: statement, ns: ns, limit: rule.objectWindow)
            let found = scan.references(in: window)
            let objects = found.map { Object(id: $0.id) }
            return rule.object == .firstAfter ? Array(objects.prefix(1)) : objects
        case .meeting:
            let found = meeting(near: match.range, in: statement, context: scan.context, senders: senders)
            return found.map { [$0] } ?? []
        }
    }

    /// From the end of the cue to the end of its clause: a ";", the bracket closing one the cue is inside, or the
    /// statement end, at most `limit` characters.
    func clause(after cue: NSRange, in statement: DocumentOutline.Statement, ns: ScanText, limit: Int) -> NSRange {
        var depth = 0
        for index in statement.range.location..<cue.location where ns.character(at: index) == 0x28 { depth += 1 }
        for index in statement.range.location..<cue.location where ns.character(at: index) == 0x29 { depth -= 1 }
        if ns.substring(with: cue).hasPrefix("(") { depth += 1 }
        let start = NSMaxRange(cue)
        let end = min(NSMaxRange(statement.range), start + limit)
        var index = start
        while index < end {
            let unit = ns.character(at: index)
            if unit == 0x3B { break }
            if unit == 0x29 {
                if depth > 0 { break }
            }
            index += 1
        }
        return NSRange(location: start, length: index - start)
    }

    /// The meeting named in the statement nearest the cue.
    func meeting(near cue: NSRange, in statement: DocumentOutline.Statement, context: ExtractionContext,
                 senders: [String]) -> Object? {
        let ns = context.scan
        var candidates: [(range: NSRange, id: String)] = []
        for match in ordinalMeeting?.matches(in: context, range: statement.range) ?? [] {
            guard let ordinalRange = match.groups["ordinal"],
                  let number = ordinal(ns.substring(with: ordinalRange)) else { continue }
            let groupText = match.groups["group"].map { ns.substring(with: $0) } ?? ""
            guard let group = meetingGroup(groupText, senders: senders) else { continue }
            candidates.append((match.range, "\(group)#\(number)"))
        }
        for match in numberedMeeting?.matches(in: context, range: statement.range) ?? [] {
            guard let numberRange = match.groups["number"] else { continue }
            let groupText = match.groups["group"].map { ns.substring(with: $0) } ?? ""
            guard let group = meetingGroup(groupText, senders: senders) else { continue }
            let number = ns.substring(with: numberRange).lowercased().replacingOccurrences(of: "-", with: "")
            candidates.append((match.range, "\(group)#\(number)"))
        }
        func distance(_ range: NSRange) -> Int {
            range.location >= NSMaxRange(cue) ? range.location - NSMaxRange(cue) : cue.location - NSMaxRange(range)
        }
        guard let best = candidates.min(by: { distance($0.range) < distance($1.range) }),
              distance(best.range) <= meetingWindow else { return nil }
        let start = NSMaxRange(best.range)
        let window = NSRange(location: start, length: min(dateWindow, NSMaxRange(statement.range) - start))
        let date = vocabulary?.dates?.dates(in: context, range: window).first?.iso
        return Object(id: best.id, date: date)
    }

    /// The canonical group of a meeting phrase; no group text means the liaison's first sender.
    func meetingGroup(_ text: String, senders: [String]) -> String? {
        let trimmed = text.trimmingSpaces()
        if trimmed.isEmpty { return senders.first }
        if let canonical = groups.canonical(trimmed) { return canonical }
        return nil
    }

    /// "3rd" → 3, "seventh" → 7 (its place in `ordinalWords`).
    func ordinal(_ text: String) -> Int? {
        if let index = ordinalWords.firstIndex(of: text.lowercased()) { return index + 1 }
        return Int(text.prefix { $0.isNumber })
    }
}
