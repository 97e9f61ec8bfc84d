import Foundation

/// Fills the record's `document` part from the header: the label/value pairs of the form the document uses
/// (`headers.yaml`: ITU-T A.1 liaison form, 3GPP LS template, tdoc and CR covers, IETF liaison fields, e-mail
/// header fields), the document's own numbers (masthead, registration stamps, "Ref." values), its meetings,
/// what it answers ("Response to" values, then reply cues in the title and the opening sentences), aliases, and,
/// for liaisons without a header block, the sender and addressees named in the opening sentences.
///
/// Date precedence for `document.date`: the date in the approval field ("ITU-T SG12 meeting (19 January 2017)"),
/// then a date field (IETF "Submission Date", CR "Date", e-mail "Date"), then the meeting date written next to
/// the document's primary number (the place/date line under a 3GPP tdoc header), then the first date of the
/// masthead. A date range gives its last day.
///
/// Runs after the reference extractor (it reads `record.references` inside header values and removes the
/// mentions of the document's own numbers from the header zone) and after the classifier (reply and header-less
/// cues are read for liaisons only).
public struct HeaderFieldExtractor: Extractor {
    public static let description = ExtractorDescription(
        id: "headers", summary: "Header fields (ids, title, from, to, responds_to, deadline, date), meetings, aliases")

    /// The compiled header rules.
    public let rules: HeaderRules
    let groups: GroupCanonicalizer

    public init(rules library: RuleLibrary) throws(PipelineError) {
        rules = try HeaderRules(rules: library)
        groups = try GroupCanonicalizer(rules: library)
    }

    /// What the header says, gathered before it goes into the record.
    struct Draft {
        var title: String?
        /// A title from document properties: used only when the text names none (templates leave junk there).
        var propertiesTitle: String?
        var from: [String] = []
        var to: [Addressee] = []
        /// Purposes of `to` entries that a form's `purpose` field may override (not copies).
        var overridable: Set<Int> = []
        var respondsTo: [String] = []
        var respondsFromField = false
        var aliases: [[String]] = []
        var deadline: String?
        var approvalDate: String?
        var fieldDate: String?
        var purpose: String?
        /// Own ids from `ids` fields (raw or templated, not found by a reference rule).
        var rawIDs: [(id: String, range: SourceRange)] = []
        /// Source ranges of `ids` field values.
        var idValueRanges: [SourceRange] = []
        /// Source ranges of every other value.
        var otherValueRanges: [SourceRange] = []
        /// Source ranges of the title value.
        var titleParts: [NSRange] = []
        var fields: [HeaderFieldReference] = []
        /// Qualifiers for the references in some ranges (answered titles and senders).
        var qualifiers: [(ranges: [SourceRange], values: [String: String])] = []
    }

    public func extract(from context: ExtractionContext, into record: inout DocumentRecord,
                        diagnostics: inout [Diagnostic]) {
        guard !rules.forms.isEmpty else { return }
        let format = context.document.ingested.source.format.rawValue
        let textForms = rules.forms.indices.filter {
            let form = rules.forms[$0]
            return !form.readsFields && (form.formats.isEmpty || form.formats.contains(format))
        }
        let scanner = HeaderScanner(context, rules: rules, textForms: textForms)
        let form = chooseForm(scanner, textForms: textForms)
        var draft = Draft()
        if let form {
            for occurrence in scanner.occurrences {
                guard let fieldIndex = occurrence.fields[form] else {
                    draft.otherValueRanges += occurrence.parts.map { sourceRange($0, context) }
                    continue
                }
                apply(occurrence, form: form, field: fieldIndex, context: context, record: record, draft: &draft,
                      diagnostics: &diagnostics)
            }
        } else {
            for occurrence in scanner.occurrences {
                draft.otherValueRanges += occurrence.parts.map { sourceRange($0, context) }
            }
        }
        for (index, fieldForm) in rules.forms.enumerated()
        where fieldForm.readsFields && fieldForm.formats.contains(format) {
            applyMessageFields(form: index, context: context, draft: &draft, diagnostics: &diagnostics)
        }
        if let purpose = draft.purpose {
            for index in draft.overridable.sorted() { draft.to[index].purpose = purpose }
        }

        let own = ownIdentifiers(context, scanner: scanner, record: record, draft: draft)
        if record.document.kind == .liaison {
            replyCues(context, scanner: scanner, record: record, draft: &draft)
        }
        aliasCues(context, record: &record, draft: &draft)
        for (ranges, values) in draft.qualifiers { qualify(&record, in: ranges, with: values) }
        if record.document.kind == .liaison, form == nil {
            headerless(context, scanner: scanner, draft: &draft, diagnostics: &diagnostics)
        }

        var header = record.document
        header.ids = own.ids
        if let title = draft.title ?? draft.propertiesTitle { header.title = title }
        header.from = Self.unique(draft.from)
        var seenTo = Set<Addressee>()
        header.to = draft.to.filter { seenTo.insert($0).inserted }
        header.respondsTo = Self.unique(draft.respondsTo.filter { !own.ids.contains($0) })
        header.deadline = draft.deadline
        header.date = draft.approvalDate ?? draft.fieldDate ?? own.meetingDate
        if !draft.aliases.isEmpty { header.aliases = draft.aliases }
        if header.sdo == nil { header.sdo = senderBody(header.from) }
        record.document = header
        record.meetings = own.meetings
        record.headerFields = draft.fields
        pruneOwnReferences(context, scanner: scanner, ids: Set(own.ids), record: &record)
    }

    // MARK: - Forms

    /// The text form with the most distinct fields labelled in the zone, if it reaches its minimum.
    func chooseForm(_ scanner: HeaderScanner, textForms: [Int]) -> Int? {
        var best: (form: Int, count: Int)?
        for form in textForms {
            let present = Set(scanner.occurrences.compactMap { $0.fields[form] })
            let count = present.count
            guard count >= rules.forms[form].minLabels else { continue }
            let keys = rules.forms[form].fields.indices.filter { rules.forms[form].fields[$0].key }
            if !keys.isEmpty, present.isDisjoint(with: keys) { continue }
            if best == nil || count > best!.count { best = (form, count) }
        }
        return best?.form
    }

    /// Applies one label/value pair of the chosen form.
    func apply(_ occurrence: HeaderScanner.Occurrence, form formIndex: Int, field fieldIndex: Int,
               context: ExtractionContext, record: DocumentRecord, draft: inout Draft,
               diagnostics: inout [Diagnostic]) {
        let form = rules.forms[formIndex]
        let field = form.fields[fieldIndex]
        let value = Self.collapse(occurrence.parts.map { context.string($0) }.joined(separator: " "))
        let ranges = occurrence.parts.map { sourceRange($0, context) }
        let rule = "header.\(form.id).\(field.role.rawValue)"
        let whole = occurrence.parts.isEmpty ? occurrence.labelRange
            : NSUnionRange(occurrence.labelRange, occurrence.parts.last!)
        if field.role != .ignore, field.role != .abstract {
            var label = context.string(occurrence.labelRange)
            label = label.trimmingCharacters(in: CharacterSet(charactersIn: "([: "))
            draft.fields.append(HeaderFieldReference(field: field.role.rawValue, purpose: field.purpose, label: label,
                                                     value: value, at: context.provenance(whole, rule: rule)))
        }
        if field.role == .ids { draft.idValueRanges += ranges } else { draft.otherValueRanges += ranges }
        let isNone = DateNormalizer.isNoValue(value)
        switch field.role {
        case .title:
            if draft.title == nil, !isNone {
                draft.title = value
                draft.titleParts = occurrence.parts
            }
        case .from:
            if !isNone { draft.from += groupList(value, context: context, at: whole, diagnostics: &diagnostics) }
        case .to:
            guard !isNone, let purpose = field.purpose else { break }
            for group in groupList(value, context: context, at: whole, diagnostics: &diagnostics) {
                if purpose != "copy" { draft.overridable.insert(draft.to.count) }
                draft.to.append(Addressee(group: group, purpose: purpose))
            }
        case .respondsTo:
            guard !isNone else { break }
            let mentions = references(in: ranges, record: record, kinds: Set(rules.replyKinds))
            if !mentions.isEmpty { draft.respondsFromField = true }
            draft.respondsTo += mentions.map(\.id)
            draft.aliases += separatorAliases(mentions, context: context)
            if !mentions.isEmpty { draft.qualifiers.append((ranges, answeredTitle(value, mentions: mentions))) }
        case .deadline:
            draft.deadline = draft.deadline ?? date(value, context: context, at: whole, field: "deadline",
                                                    diagnostics: &diagnostics)
        case .approval:
            if draft.approvalDate == nil, !isNone { draft.approvalDate = DateNormalizer.normalize(value)?.value }
        case .date:
            draft.fieldDate = draft.fieldDate ?? date(value, context: context, at: whole, field: "date",
                                                      diagnostics: &diagnostics)
        case .ids:
            guard !isNone else { break }
            let found = references(in: ranges, record: record, kinds: nil)
            if found.isEmpty, let range = ranges.first {
                let candidate = field.idTemplate.map { $0.replacingOccurrences(of: "{value}", with: value) } ?? value
                if rules.isRawID(candidate) || field.idTemplate != nil {
                    draft.rawIDs.append((candidate, range))
                }
            }
        case .purpose:
            if let purpose = rules.purpose(value, form: form) { draft.purpose = purpose }
        case .abstract, .ignore:
            break
        }
    }

    /// Applies the message header fields (`source: fields` forms) of an e-mail.
    func applyMessageFields(form formIndex: Int, context: ExtractionContext, draft: inout Draft,
                            diagnostics: inout [Diagnostic]) {
        let form = rules.forms[formIndex]
        let ingested = context.document.ingested
        // Named fields (e-mail headers, document properties), then unnamed field blocks ("title: ..." lines of
        // Markdown front matter).
        var entries: [(name: String, value: String, block: (block: Block, range: NSRange)?)] = ingested.fields.map {
            field in
            (field.name, field.value, context.blocks.first {
                $0.block.kind == .field && $0.block.name?.caseInsensitiveCompare(field.name) == .orderedSame
            })
        }
        for entry in context.blocks where entry.block.kind == .field && entry.block.name == nil {
            let line = context.string(entry.range)
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingSpaces()
            entries.append((String(line[..<colon]).trimmingSpaces(),
                            value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"")
                                ? String(value.dropFirst().dropLast()) : value, entry))
        }
        for (name, fieldValue, block) in entries {
            guard let spec = form.fields.first(where: {
                $0.label.match(in: name, at: 0, limit: (name as NSString).length) != nil
            }) else { continue }
            let value = Self.collapse(fieldValue)
            if value.isEmpty { continue }
            let rule = "header.\(form.id).\(spec.role.rawValue)"
            let field = Field(name: name, value: value)
            let provenance = block.map { context.provenance($0.range, rule: rule) }
                ?? Provenance(line: 1, column: 1, range: SourceRange(0, 0), rule: rule)
            draft.fields.append(HeaderFieldReference(field: spec.role.rawValue, purpose: spec.purpose,
                                                     label: field.name, value: value, at: provenance))
            let at = block?.range ?? NSRange(location: 0, length: 0)
            switch spec.role {
            case .title where form.id == "document-properties":
                if draft.propertiesTitle == nil, !value.isEmpty { draft.propertiesTitle = value }
            case .title:
                if draft.title == nil, !value.isEmpty { draft.title = value }
            case .date:
                if draft.fieldDate == nil { draft.fieldDate = DateNormalizer.normalize(value)?.value }
            case .from:
                draft.from += groupList(value, context: context, at: at, diagnostics: &diagnostics,
                                        reportUnknown: false)
            case .to:
                for group in groupList(value, context: context, at: at, diagnostics: &diagnostics,
                                       reportUnknown: false) {
                    draft.to.append(Addressee(group: group, purpose: spec.purpose ?? "information"))
                }
            case .deadline:
                draft.deadline = draft.deadline ?? DateNormalizer.normalize(value)?.value
            case .ids:
                let id = spec.idTemplate.map { $0.replacingOccurrences(of: "{value}", with: value) } ?? value
                draft.rawIDs.append((id, provenance.range))
            default:
                break
            }
        }
    }

    // MARK: - Values

    /// A date value, or nil with a warning when there is a value but no date in it.
    func date(_ value: String, context: ExtractionContext, at range: NSRange, field: String,
              diagnostics: inout [Diagnostic]) -> String? {
        if DateNormalizer.isNoValue(value) { return nil }
        if let found = DateNormalizer.normalize(value) { return found.value }
        diagnostics.append(context.diagnostic(
            "extract.header.unparsed-date", .warning, "\(field) value '\(value)' is not a date LiaisonTrace can read",
            at: range, explanation: "Expected a date such as '24 November 2017', '1 Aug 2017' or '2017-09-30'."))
        return nil
    }

    /// References (from the reference extractor) inside `ranges`, in text order, of `kinds` (any when nil).
    func references(in ranges: [SourceRange], record: DocumentRecord, kinds: Set<String>?) -> [Reference] {
        record.references.filter { reference in
            (kinds?.contains(reference.kind) ?? true) && ranges.contains { $0.encloses(reference.range) }
        }
    }

    /// Sets of mentions joined by the alias separator ("R2-1801767/ S4-180219").
    func separatorAliases(_ mentions: [Reference], context: ExtractionContext) -> [[String]] {
        guard let separator = rules.aliasSeparator, mentions.count > 1 else { return [] }
        var sets: [[String]] = []
        var current = [mentions[0].id]
        for (previous, next) in zip(mentions, mentions.dropFirst()) {
            let between = context.document.ingested.text(of: SourceRange(previous.range.end, max(previous.range.end,
                                                                                               next.range.start)))
            if !between.contains("\n"), !separator.matches(in: between).isEmpty {
                current.append(next.id)
            } else {
                if current.count > 1 { sets.append(current) }
                current = [next.id]
            }
        }
        if current.count > 1 { sets.append(current) }
        return sets.map { Self.unique($0) }.filter { $0.count > 1 }
    }

    func sourceRange(_ range: NSRange, _ context: ExtractionContext) -> SourceRange {
        context.provenance(range, rule: "").range
    }

    /// The standards body all senders belong to, when they agree.
    func senderBody(_ from: [String]) -> String? {
        let bodies = Set(from.compactMap { groups.mentions(in: $0).first?.body })
        guard bodies.count == 1, let body = bodies.first, body != "other" else { return nil }
        return body
    }

    static func collapse(_ text: String) -> String {
        text.split { $0 == " " || $0 == "\n" || $0 == "\t" }.joined(separator: " ")
    }

    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.filter { seen.insert($0).inserted }
    }
}

extension SourceRange {
    /// Whether `other` lies within this range.
    func encloses(_ other: SourceRange) -> Bool {
        other.start >= start && other.end <= end
    }
}
