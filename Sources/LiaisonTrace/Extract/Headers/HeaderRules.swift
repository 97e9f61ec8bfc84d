import Foundation

/// What a header label means for the record.
public enum HeaderRole: String, Decodable, Sendable, CaseIterable {
    case title, from, to
    case respondsTo = "responds_to"
    case deadline, date, approval, ids, purpose, abstract, ignore
}

/// The compiled `kind: headers` rule files: header zone limits, forms with their labels, stamp and revision
/// patterns, own-id selection, reply and alias cues, and the cues for liaisons without a header block.
public struct HeaderRules: Sendable {
    /// Where the header zone ends.
    struct Zone: Sendable {
        var maxLines = 120
        var mastheadMaxLines = 20
        var mastheadMaxColumns = 3
        var proseMinWords = 10
        var sentenceMinWords = 6
        var columnGap = 3
        var bodyStarts: [ExamplePattern] = []
        var separators: [ExamplePattern] = []
    }

    /// A pattern with its examples.
    typealias ExamplePattern = PatternRule

    /// One field of a form.
    struct Field: Sendable {
        /// The field's rule id (`header.<form>.<role>[.<purpose>]` unless the rule file gives one).
        let id: String
        let role: HeaderRole
        /// For `to`: action, comment or information.
        let purpose: Addressee.Purpose?
        /// For `to`: the addressees keep the label as written ("Cc"), and a form's purpose field leaves them as
        /// they are (a copy stays a copy).
        let keepsLabel: Bool
        /// The values name people with their groups ("Jane Roe, Chair, IEEE 802.11"): only the groups count, and
        /// what is not a group is no unknown group.
        let namesPeople: Bool
        /// For `to` and `from`: a value that is one acronym no group rule knows names a group of the body this
        /// template says ("IETF {value}": a Datatracker "To Group" of "TLS" is the IETF's TLS working group).
        let acronymGroup: String?
        /// The label as it starts a line, a column or a cell, with its colon (anchored matching).
        let label: Pattern
        /// The label as a whole table cell or field name (colon optional).
        let wholeLabel: Pattern
        let maxLines: Int
        /// For `ids` fields: template making an id of a bare value ("RFC {value}").
        let idTemplate: String?
        /// A form whose fields include key fields is only chosen when one of them is present.
        let key: Bool
        /// Label examples and counter-examples.
        let examples: [RuleExample]
        let line: Int
    }

    /// One worked example of a form: a small header and what must come out of it.
    struct FormExample: ExampleSpec {
        var name: String?
        var text: String
        var expect: Expectation

        /// The expected values given, by record field (lists joined by ", ").
        var expected: [String: [String]] {
            var expected: [String: [String]] = [:]
            expected["ids"] = expect.ids
            expected["title"] = expect.title.map { [$0] }
            expected["from"] = expect.from
            expected["to"] = expect.to
            expected["responds_to"] = expect.responds_to
            expected["aliases"] = expect.aliases?.map { $0.joined(separator: ", ") }
            expected["deadline"] = expect.deadline.map { [$0] }
            expected["date"] = expect.date.map { [$0] }
            expected["meetings"] = expect.meetings
            expected["sdo"] = expect.sdo.map { [$0] }
            expected["kind"] = expect.kind.map { [$0] }
            return expected
        }
    }

    /// Expected header values of a form example (only the keys given are checked).
    struct Expectation: Decodable, Sendable {
        var ids: [String]?
        var title: String?
        var from: [String]?
        /// `purpose: group` strings.
        var to: [String]?
        var responds_to: [String]?
        var aliases: [[String]]?
        var deadline: String?
        var date: String?
        var meetings: [String]?
        var sdo: String?
        var kind: String?
    }

    /// A form: a set of labels one kind of document uses.
    struct Form: Sendable {
        let id: String
        let minLabels: Int
        /// The form's labels are message header field names, not text labels.
        let readsFields: Bool
        /// Formats the form applies to (all when empty).
        let formats: Set<String>
        let fields: [Field]
        let purposes: [(Pattern, Addressee.Purpose)]
        /// The form is only chosen when this pattern is found in the header zone (the body's name).
        let requires: Pattern?
        /// A label alone in its column counts without its colon outside tables too (a web page's table as text).
        let bareLabels: Bool
        let summary: String?
        let examples: [RuleExample]
        let file: String
        let line: Int
    }

    /// A pattern finding a document's own designation in its header zone, where no reference rule knows it
    /// ("Annex 12 to Document 5D/1845-E", "doc.: IEEE 802.11-25/1532r1"): the template makes the id.
    struct OwnIDPattern: Sendable {
        let id: String
        let summary: String?
        let pattern: Pattern
        let template: IDTemplate
        /// The reference kind the id ranks as when the primary id is chosen.
        let kind: Reference.Kind
        /// Only in documents classified as this body (the same number reads differently in each ITU sector).
        let sdo: String?
        let examples: [RuleExample]
        let file: String
        let line: Int

        /// The id a match makes.
        func id(of match: PatternMatch, in text: ScanText) -> String {
            template.render(match, in: text)
        }
    }

    /// An example of an own-id pattern or a title line: the text and what it yields.
    struct YieldExample: ExampleSpec {
        var text: String
        var ids: [String]?
        var title: String?
        var to: [String]?
        var span: String?

        var expected: [String: [String]] {
            var expected: [String: [String]] = [:]
            expected["ids"] = ids
            expected["title"] = title.map { [$0] }
            expected["to"] = to
            return expected
        }
    }

    /// A registration-stamp or tdoc-header pattern (groups `group` and `number`).
    typealias Stamp = PatternRule

    /// Which group owns a designation.
    struct Owner: Sendable {
        let id: String
        let pattern: Pattern
        let template: IDTemplate
        let examples: [RuleExample]
        let file: String
        let line: Int
    }

    /// A cue pattern with a target group (`target`, `sender`, `recipient`, `first`/`second`).
    struct Cue: Sendable {
        let id: String
        let summary: String?
        let pattern: Pattern
        let purpose: Addressee.Purpose?
        let examples: [RuleExample]
        let file: String
        let line: Int
    }

    /// An example of a cue: the text and the ids (reply and alias cues) or groups (header-less cues) it yields.
    struct CueExample: ExampleSpec {
        var text: String
        var ids: [String]?
        var groups: [String]?
        var span: String?

        var expected: [String: [String]] {
            var expected: [String: [String]] = [:]
            expected["ids"] = ids
            expected["groups"] = groups
            return expected
        }
    }

    var zone = Zone()
    var forms: [Form] = [] {
        didSet { labelIndex = HeaderLabelIndex(forms) }
    }
    /// The forms' labels by their first characters.
    private(set) var labelIndex = HeaderLabelIndex([])
    var stamps: [Stamp] = []
    var revisions: [ExamplePattern] = []
    var idKinds: [Reference.Kind] = []
    var deliverableKinds: [Reference.Kind] = []
    var deliverableLines = 30
    var rawIDRule: PatternRule?
    var rawID: Pattern? { rawIDRule?.pattern }
    var owners: [Owner] = []
    var ownIDPatterns: [OwnIDPattern] = []
    var mastheadPrefixRule: PatternRule?
    /// Dates a cover writes on a line with other numbers ("ETSI TS 124 116 V15.0.0 (2018-06)"): group `date`.
    var coverDates: [PatternRule] = []
    /// Title lines: a heading in the header zone that is the title when no field gives one (group `title`), and
    /// may name the addressees (group `to`, with the cue's `purpose`).
    var titleLines: [Cue] = []
    /// Cover titles: in the first `coverTitleLines` lines of a deliverable with no title field, the title a cover
    /// layout puts in a known place (group `title`).
    var coverTitles: [Cue] = []
    var coverTitleLines = 60
    var replyKinds: [Reference.Kind] = []
    var titleReplies: [Cue] = []
    var bodyReplies: [Cue] = []
    /// Reply cues of e-mail subjects ("[SG15 - LS 46] Re: ..."): the only reply cues read in e-mails.
    var subjectReplies: [Cue] = []
    var replySentences = 6
    var aliasSeparatorRule: PatternRule?
    var aliasSeparator: Pattern? { aliasSeparatorRule?.pattern }
    var aliasPatterns: [Cue] = []
    var senders: [Cue] = []
    var recipients: [Cue] = []
    var headerlessSentences = 6
    var ownerPurpose = Addressee.Purpose.information

    /// No rules: the header extractor finds nothing.
    public init() {}

    /// Compiles every `kind: headers` file of the library (forms and cues of later files are added; zone
    /// settings of a later file replace earlier ones).
    public init(rules library: RuleLibrary) throws(PipelineError) {
        for file in library.files(ofKind: "headers") {
            try load(file)
        }
    }

    // MARK: - Specs as written

    /// A `kind: headers` rule file as written.
    struct FileSpec: Decodable {
        var zone: ZoneSpec?
        var forms: [Lined<FormSpec>]?
        var stamps: [Lined<StampSpec>]?
        var revisions: [Lined<PatternRuleSpec>]?
        var ids: IDsSpec?
        var replies: RepliesSpec?
        var aliases: AliasesSpec?
        var headerless: Lined<HeaderlessSpec>?
        var titles: [Lined<TitleSpec>]?
        var cover_titles: CoverTitlesSpec?
    }

    struct CoverTitlesSpec: Decodable {
        var lines: Int?
        var patterns: [Lined<TitleSpec>]
    }

    struct TitleSpec: Decodable {
        var id: String
        var summary: String?
        var pattern: String
        var purpose: String?
        var examples: [Lined<YieldExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    struct OwnIDSpec: Decodable {
        var id: String
        var summary: String?
        var pattern: String
        var id_template: String
        var kind: Reference.Kind
        var sdo: String?
        var examples: [Lined<YieldExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }


    struct ZoneSpec: Decodable {
        var max_lines: Int?
        var masthead_max_lines: Int?
        var masthead_max_columns: Int?
        var prose_min_words: Int?
        var sentence_min_words: Int?
        var column_gap: Int?
        var body_starts: [Lined<PatternRuleSpec>]?
        var separators: [Lined<PatternRuleSpec>]?
    }

    struct FieldSpec: Decodable {
        var id: String?
        var role: HeaderRole
        var purpose: String?
        var labels: [String]
        var max_lines: Int?
        var id_template: String?
        var key: Bool?
        var keep_label: Bool?
        var names_people: Bool?
        var acronym_group: String?
        var examples: [Lined<TextExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    struct PurposeSpec: Decodable {
        var pattern: String
        var purpose: String
    }

    struct FormSpec: Decodable {
        var id: String
        var summary: String?
        var min_labels: Int?
        var source: String?
        var formats: [String]?
        var fields: [FieldSpec]
        var purposes: [PurposeSpec]?
        var requires: String?
        var bare_labels: Bool?
        var examples: [Lined<FormExample>]?
    }

    struct StampExampleSpec: ExampleSpec {
        var text: String
        var meeting: String
        var span: String?

        var expected: [String: [String]] { ["meeting": [meeting]] }
    }

    struct StampSpec: Decodable {
        var id: String
        var summary: String?
        var pattern: String
        var examples: [Lined<StampExampleSpec>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    struct OwnerSpec: Decodable {
        var id: String
        var pattern: String
        var group: String
        var examples: [String: String]?
        var counter_examples: [Lined<CounterExample>]?
    }

    struct IDsSpec: Decodable {
        var kinds: [Reference.Kind]?
        var deliverable_kinds: [Reference.Kind]?
        var deliverable_lines: Int?
        var raw_id: Lined<PatternRuleSpec>?
        var masthead_prefix: Lined<PatternRuleSpec>?
        var cover_dates: [Lined<PatternRuleSpec>]?
        var patterns: [Lined<OwnIDSpec>]?
        var owners: [Lined<OwnerSpec>]?
    }

    struct CueSpec: Decodable {
        var id: String
        var summary: String?
        var pattern: String
        var purpose: String?
        var examples: [Lined<CueExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    struct RepliesSpec: Decodable {
        var kinds: [Reference.Kind]?
        var title: [Lined<CueSpec>]?
        var body: [Lined<CueSpec>]?
        var subject: [Lined<CueSpec>]?
        var sentences: Int?
    }

    struct AliasesSpec: Decodable {
        var separator: Lined<PatternRuleSpec>?
        var patterns: [Lined<CueSpec>]?
    }

    struct HeaderlessSpec: Decodable {
        var sentences: Int?
        var senders: [Lined<CueSpec>]?
        var recipients: [Lined<CueSpec>]?
        var owner_purpose: String?
    }

    static let purposes: Set<String> = Set(Addressee.Purpose.allCases.map(\.rawValue))

    /// The purpose a rule names (nil when none), or an error naming the rule when it is not one of the record's.
    static func purpose(_ written: String?, file: RuleFile, line: Int, rule: String) throws(PipelineError)
        -> Addressee.Purpose? {
        guard let written else { return nil }
        guard let purpose = Addressee.Purpose(rawValue: written) else {
            throw file.error(line: line, rule: rule,
                             "unknown purpose '\(written)'; known: \(purposes.sorted().joined(separator: ", "))")
        }
        return purpose
    }

    // MARK: - Loading

    private mutating func load(_ file: RuleFile) throws(PipelineError) {
        let decoded = try file.decodeStrictly(FileSpec.self)
        if let spec = decoded.zone {
            zone.maxLines = spec.max_lines ?? zone.maxLines
            zone.mastheadMaxLines = spec.masthead_max_lines ?? zone.mastheadMaxLines
            zone.mastheadMaxColumns = spec.masthead_max_columns ?? zone.mastheadMaxColumns
            zone.proseMinWords = spec.prose_min_words ?? zone.proseMinWords
            zone.sentenceMinWords = spec.sentence_min_words ?? zone.sentenceMinWords
            zone.columnGap = max(2, spec.column_gap ?? zone.columnGap)
            zone.bodyStarts = try (spec.body_starts ?? []).map { item throws(PipelineError) in
                try PatternRule(item.value, id: "header.body-start", file: file, line: item.line)
            }
            zone.separators = try (spec.separators ?? []).map { item throws(PipelineError) in
                try PatternRule(item.value, id: "header.separator", file: file, line: item.line)
            }
        }
        for item in decoded.forms ?? [] {
            forms.append(try Self.form(item.value, file: file, line: item.line))
        }
        for item in decoded.stamps ?? [] {
            let (spec, line) = (item.value, item.line)
            let pattern = try Self.compile(spec.pattern, file: file, line: line, rule: spec.id)
            for name in ["group", "number"] where !pattern.groupNames.contains(name) {
                throw file.error(line: line, rule: spec.id, "pattern needs a named group '\(name)'")
            }
            stamps.append(Stamp(id: spec.id, summary: spec.summary, pattern: pattern,
                                examples: RuleExample.list(spec.examples, spec.counter_examples), file: file.path,
                                line: line))
        }
        for item in decoded.revisions ?? [] {
            revisions.append(try PatternRule(item.value, id: "header.revision", file: file, line: item.line))
        }
        if let spec = decoded.ids {
            idKinds = spec.kinds ?? idKinds
            deliverableKinds = spec.deliverable_kinds ?? deliverableKinds
            deliverableLines = spec.deliverable_lines ?? deliverableLines
            if let raw = spec.raw_id {
                rawIDRule = try PatternRule(raw.value, id: "header.raw-id", file: file, line: raw.line)
            }
            if let prefix = spec.masthead_prefix {
                mastheadPrefixRule = try PatternRule(prefix.value, id: "header.masthead-prefix", file: file,
                                                     line: prefix.line)
            }
            for item in spec.patterns ?? [] {
                ownIDPatterns.append(try Self.ownIDPattern(item.value, file: file, line: item.line))
            }
            for item in spec.cover_dates ?? [] {
                let rule = try PatternRule(item.value, id: "header.cover-date", file: file, line: item.line)
                guard rule.pattern.groupNames.contains("date") else {
                    throw file.error(line: item.line, rule: rule.id, "pattern needs a named group 'date'")
                }
                coverDates.append(rule)
            }
            for item in spec.owners ?? [] {
                let (owner, line) = (item.value, item.line)
                let pattern = try Self.compile(owner.pattern, file: file, line: line, rule: owner.id)
                let template: IDTemplate
                do {
                    template = try IDTemplate(owner.group, groups: Set(pattern.groupNames).union(["0"]))
                } catch let error as IDTemplate.Error {
                    throw file.error(line: line, rule: owner.id, error.message)
                } catch {
                    throw file.error(line: line, rule: owner.id, "\(error)")
                }
                let examples = RuleExample.mapping(owner.examples, key: "group", line: line, whole: false)
                    + RuleExample.counterExamples(owner.counter_examples)
                owners.append(Owner(id: owner.id, pattern: pattern, template: template, examples: examples,
                                    file: file.path, line: line))
            }
        }
        if let spec = decoded.replies {
            replyKinds = spec.kinds ?? replyKinds
            replySentences = spec.sentences ?? replySentences
            titleReplies += try Self.cues(spec.title ?? [], file: file, group: "target")
            bodyReplies += try Self.cues(spec.body ?? [], file: file, group: "target")
            subjectReplies += try Self.cues(spec.subject ?? [], file: file, group: "target")
        }
        if let spec = decoded.aliases {
            if let separator = spec.separator {
                aliasSeparatorRule = try PatternRule(separator.value, id: "header.alias.separator", file: file,
                                                     line: separator.line)
            }
            aliasPatterns += try Self.cues(spec.patterns ?? [], file: file, group: "first")
            for cue in aliasPatterns where !cue.pattern.groupNames.contains("second") {
                throw file.error(line: cue.line, rule: cue.id, "pattern needs named groups 'first' and 'second'")
            }
        }
        if let covers = decoded.cover_titles {
            coverTitleLines = covers.lines ?? coverTitleLines
            for item in covers.patterns {
                let (spec, line) = (item.value, item.line)
                let pattern = try Self.compile(spec.pattern, file: file, line: line, rule: spec.id)
                guard pattern.groupNames.contains("title") else {
                    throw file.error(line: line, rule: spec.id, "pattern needs a named group 'title'")
                }
                coverTitles.append(Cue(id: spec.id, summary: spec.summary, pattern: pattern, purpose: nil,
                                       examples: RuleExample.list(spec.examples, spec.counter_examples),
                                       file: file.path, line: line))
            }
        }
        for item in decoded.titles ?? [] {
            let (spec, line) = (item.value, item.line)
            let pattern = try Self.compile(spec.pattern, file: file, line: line, rule: spec.id, caseInsensitive: true)
            guard pattern.groupNames.contains("title") else {
                throw file.error(line: line, rule: spec.id, "pattern needs a named group 'title'")
            }
            let purpose = try Self.purpose(spec.purpose, file: file, line: line, rule: spec.id)
            titleLines.append(Cue(id: spec.id, summary: spec.summary, pattern: pattern, purpose: purpose,
                                  examples: RuleExample.list(spec.examples, spec.counter_examples), file: file.path,
                                  line: line))
        }
        if let item = decoded.headerless {
            let (spec, line) = (item.value, item.line)
            headerlessSentences = spec.sentences ?? headerlessSentences
            senders += try Self.cues(spec.senders ?? [], file: file, group: "sender")
            recipients += try Self.cues(spec.recipients ?? [], file: file, group: "recipient")
            if let purpose = try Self.purpose(spec.owner_purpose, file: file, line: line,
                                              rule: "headerless.owner_purpose") {
                ownerPurpose = purpose
            }
        }
    }

    static func compile(_ source: String, file: RuleFile, line: Int, rule: String,
                        caseInsensitive: Bool = false, searched: Bool = true) throws(PipelineError) -> Pattern {
        try file.pattern(source, rule: rule, line: line, caseInsensitive: caseInsensitive, searched: searched)
    }

    static func cues(_ items: [Lined<CueSpec>], file: RuleFile, group: String) throws(PipelineError) -> [Cue] {
        try items.map { item throws(PipelineError) in
            let (spec, line) = (item.value, item.line)
            let pattern = try compile(spec.pattern, file: file, line: line, rule: spec.id, caseInsensitive: true)
            guard pattern.groupNames.contains(group) else {
                throw file.error(line: line, rule: spec.id, "pattern needs a named group '\(group)'")
            }
            let purpose = try purpose(spec.purpose, file: file, line: line, rule: spec.id)
            return Cue(id: spec.id, summary: spec.summary, pattern: pattern, purpose: purpose,
                       examples: RuleExample.list(spec.examples, spec.counter_examples), file: file.path, line: line)
        }
    }

    static func ownIDPattern(_ spec: OwnIDSpec, file: RuleFile, line: Int) throws(PipelineError) -> OwnIDPattern {
        let pattern = try compile(spec.pattern, file: file, line: line, rule: spec.id)
        let template: IDTemplate
        do {
            template = try IDTemplate(spec.id_template, groups: Set(pattern.groupNames).union(["0"]))
        } catch let error as IDTemplate.Error {
            throw file.error(line: line, rule: spec.id, error.message)
        } catch {
            throw file.error(line: line, rule: spec.id, "\(error)")
        }
        return OwnIDPattern(id: spec.id, summary: spec.summary, pattern: pattern, template: template, kind: spec.kind,
                            sdo: spec.sdo, examples: RuleExample.list(spec.examples, spec.counter_examples),
                            file: file.path, line: line)
    }

    static func form(_ spec: FormSpec, file: RuleFile, line: Int) throws(PipelineError) -> Form {
        let readsFields = spec.source == "fields"
        if let source = spec.source, source != "fields", source != "text" {
            throw file.error(line: line, rule: spec.id, "unknown source '\(source)'; known: fields, text")
        }
        var fields: [Field] = []
        for field in spec.fields {
            let purpose = try Self.purpose(field.purpose, file: file, line: line, rule: field.id ?? spec.id)
            if field.role == .to, purpose == nil {
                throw file.error(line: line, rule: spec.id, "a 'to' field needs a purpose: "
                                 + purposes.sorted().joined(separator: ", "))
            }
            if field.labels.isEmpty { throw file.error(line: line, rule: spec.id, "a field needs labels") }
            let alternation = "(?:" + field.labels.joined(separator: "|") + ")"
            let label: Pattern
            let whole: Pattern
            // Labels are only matched where a segment starts, never searched for.
            if readsFields {
                label = try compile("^" + alternation + "$", file: file, line: line, rule: spec.id,
                                    caseInsensitive: true, searched: false)
                whole = label
            } else {
                label = try compile("[(\\[]?[ ]*" + alternation + "[ ]*:", file: file, line: line, rule: spec.id,
                                    caseInsensitive: true, searched: false)
                whole = try compile(alternation + "[ ]*:?[ ]*$", file: file, line: line, rule: spec.id,
                                    caseInsensitive: true, searched: false)
            }
            let id = field.id ?? "header.\(spec.id).\(field.role.rawValue)" + (field.purpose.map { ".\($0)" } ?? "")
            if field.keep_label == true || field.names_people == true || field.acronym_group != nil,
               field.role != .to, field.role != .from {
                throw file.error(line: line, rule: id,
                                 "keep_label, names_people and acronym_group are for 'to' and 'from' fields")
            }
            if let template = field.acronym_group, !template.contains("{value}") {
                throw file.error(line: line, rule: id, "acronym_group needs '{value}'")
            }
            fields.append(Field(id: id, role: field.role, purpose: purpose, keepsLabel: field.keep_label ?? false,
                                namesPeople: field.names_people ?? false, acronymGroup: field.acronym_group,
                                label: label, wholeLabel: whole,
                                maxLines: field.max_lines ?? 4, idTemplate: field.id_template, key: field.key ?? false,
                                examples: RuleExample.list(field.examples, field.counter_examples), line: line))
        }
        let purposes = try (spec.purposes ?? []).map { item throws(PipelineError) -> (Pattern, Addressee.Purpose) in
            guard let purpose = Addressee.Purpose(rawValue: item.purpose) else {
                throw file.error(line: line, rule: spec.id, "unknown purpose '\(item.purpose)'")
            }
            let pattern = try compile(item.pattern, file: file, line: line, rule: spec.id, caseInsensitive: true)
            return (pattern, purpose)
        }
        for format in spec.formats ?? [] where DocumentFormat(rawValue: format) == nil {
            throw file.error(line: line, rule: spec.id, "unknown format '\(format)'; known: "
                             + DocumentFormat.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if !readsFields, spec.examples?.isEmpty ?? true {
            throw file.error(line: line, rule: spec.id, "form needs examples (examples are its tests)")
        }
        let requires = try spec.requires.map { source throws(PipelineError) in
            try compile(source, file: file, line: line, rule: spec.id)
        }
        return Form(id: spec.id, minLabels: spec.min_labels ?? 3, readsFields: readsFields,
                    formats: Set(spec.formats ?? (readsFields ? ["email"] : [])), fields: fields, purposes: purposes,
                    requires: requires, bareLabels: spec.bare_labels ?? false,
                    summary: spec.summary, examples: RuleExample.list(spec.examples, nil), file: file.path,
                    line: line)
    }

    // MARK: - Queries

    /// The canonical group owning `id` ("SG11-LS159" -> "ITU-T SG11"), from the `ids.owners` rules.
    func owner(of id: String, groups: GroupCanonicalizer, engine: RuleEngine? = nil) -> String? {
        let nsID = id as NSString
        for owner in owners {
            guard let match = owner.pattern.match(in: id, at: 0, limit: nsID.length) else { continue }
            var values: [String: String] = ["0": nsID.substring(with: match.range)]
            for (name, range) in match.groups { values[name] = nsID.substring(with: range) }
            let name = owner.template.render(values)
            if let canonical = groups.canonical(name, engine: engine) { return canonical }
        }
        return nil
    }

    /// Whether `value` looks like a designation no reference rule knows ("JCA-IMT2020-O-001").
    func isRawID(_ value: String) -> Bool {
        guard let rawID else { return false }
        let length = (value as NSString).length
        return rawID.match(in: value, at: 0, limit: length)?.range.length == length
    }
}
