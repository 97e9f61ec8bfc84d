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
        var aliases: [[String]] = []
        var deadline: String?
        var approvalDate: String?
        var fieldDate: String?
        /// Values of the form's `purpose` fields ("For Action", "ITU-T SG2 for action; others for information").
        var purposeValues: [(value: String, range: NSRange, form: Int)] = []
        /// The title's addressees (a title line "LIAISON STATEMENT TO 3GPP TSG RAN ON ...").
        var titleLine: (row: Int, range: NSRange)?
        /// Own ids from `ids` fields (raw or templated, not found by a reference rule).
        var rawIDs: [(id: String, range: SourceRange)] = []
        /// Source ranges of `ids` field values.
        var idValueRanges: [SourceRange] = []
        /// Source ranges of every other value.
        var otherValueRanges: [SourceRange] = []
        /// Parts of sender and addressee values (normalized ranges).
        var groupValueParts: [NSRange] = []
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
        // A form whose body's name is nowhere near the top ("requires") gives no labels: IEEE's "Re:" is no label
        // in an e-mail's "Subject: Re: ...".
        let head = NSRange(location: 0, length: min(context.length, 16_000))
        let textForms = rules.forms.indices.filter {
            let form = rules.forms[$0]
            return !form.readsFields && (form.formats.isEmpty || form.formats.contains(format))
                && (form.requires.map { $0.hasMatch(in: context, range: head) } ?? true)
        }
        let scanner = HeaderScanner(context, rules: rules, textForms: textForms)
        let form = chooseForm(scanner, textForms: textForms, context: context)
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
        titleLines(context, scanner: scanner, draft: &draft)
        if record.document.kind == .deliverable, draft.title == nil {
            coverTitle(context, draft: &draft)
        }
        applyPurposes(context, draft: &draft)

        let own = ownIdentifiers(context, scanner: scanner, record: record, draft: draft)
        // An e-mail answers what its subject tags ("[SG15 - LS 46] Re: draft reply ..."); a "reply to X" in its
        // subject names what it is about, and its body is discussion, not a liaison's opening.
        if record.document.kind == .liaison || record.document.kind == .email {
            replyCues(context, scanner: scanner, record: record, draft: &draft,
                      readsBody: record.document.kind == .liaison)
        }
        aliasCues(context, record: &record, draft: &draft)
        for (ranges, values) in draft.qualifiers { qualify(&record, in: ranges, with: values) }
        if record.document.kind == .liaison, form == nil {
            headerless(context, scanner: scanner, draft: &draft, diagnostics: &diagnostics)
        }
        // A liaison that names no sender is sent by the group its number belongs to ("Annex 12 to Document
        // 5D/1845-E" is Working Party 5D's).
        if record.document.kind == .liaison, draft.from.isEmpty, let primary = own.ids.first,
           let owner = rules.owner(of: primary, groups: groups, engine: context.engine) {
            draft.from = [owner]
        }
        dropGroupNamedReferences(context, scanner: scanner, draft: draft, record: &record)

        var header = record.document
        header.ids = own.ids
        if let title = draft.title ?? draft.propertiesTitle { header.title = title }
        header.from = Self.unique(draft.from)
        var seenTo = Set<String>()
        header.to = draft.to.filter { seenTo.insert($0.group + "\u{0}" + $0.purpose.rawValue).inserted }
        header.respondsTo = Self.unique(draft.respondsTo.filter { !own.ids.contains($0) })
        header.deadline = draft.deadline
        header.date = draft.approvalDate ?? draft.fieldDate ?? own.meetingDate
        if !draft.aliases.isEmpty { header.aliases = draft.aliases }
        if header.sdo == nil { header.sdo = senderBody(header.from, engine: context.engine) }
        record.document = header
        record.meetings = own.meetings
        record.headerFields = draft.fields
        pruneOwnReferences(context, scanner: scanner, ids: Set(own.ids), claimed: own.patternRanges, record: &record)
    }

    // MARK: - Forms

    /// The text form with the most distinct fields labelled in the zone, if it reaches its minimum (the first of
    /// equals), has one of its key fields when it has some, and the name its `requires` pattern looks for.
    func chooseForm(_ scanner: HeaderScanner, textForms: [Int], context: ExtractionContext) -> Int? {
        var best: (form: Int, count: Int)?
        for form in textForms {
            let present = Set(scanner.occurrences.compactMap { $0.fields[form] })
            let count = present.count
            guard count >= rules.forms[form].minLabels else { continue }
            if let requires = rules.forms[form].requires,
               !requires.hasMatch(in: context, range: NSRange(location: 0, length: scanner.zoneEnd)) { continue }
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
            let label = Self.labelText(context.string(occurrence.labelRange))
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
            draft.groupValueParts += occurrence.parts
            if !isNone {
                draft.from += acronymGroup(value, field: field, engine: context.engine)
                    ?? groupList(value, context: context, at: whole, diagnostics: &diagnostics,
                                 reportUnknown: !field.namesPeople)
            }
        case .to:
            draft.groupValueParts += occurrence.parts
            guard !isNone, let purpose = field.purpose else { break }
            let label = field.keepsLabel ? Self.labelText(context.string(occurrence.labelRange)) : nil
            for group in acronymGroup(value, field: field, engine: context.engine)
                ?? groupList(value, context: context, at: whole, diagnostics: &diagnostics,
                             reportUnknown: !field.namesPeople) {
                if !field.keepsLabel { draft.overridable.insert(draft.to.count) }
                draft.to.append(Addressee(group: group, purpose: purpose, label: label))
            }
        case .respondsTo:
            guard !isNone else { break }
            let mentions = references(in: ranges, record: record, kinds: Set(rules.replyKinds))
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
            if !isNone { draft.purposeValues.append((value, whole, formIndex)) }
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
                if draft.title == nil, !value.isEmpty {
                    draft.title = value
                    // The field's block ("Subject: [SG15 - LS 46] Re: ..."): title reply cues read it.
                    if let block { draft.titleParts = [Self.valueRange(of: block.range, in: context)] }
                }
            case .date:
                if draft.fieldDate == nil { draft.fieldDate = DateNormalizer.normalize(value)?.value }
            case .from:
                draft.from += groupList(value, context: context, at: at, diagnostics: &diagnostics,
                                        reportUnknown: false)
            case .to:
                for group in groupList(value, context: context, at: at, diagnostics: &diagnostics,
                                       reportUnknown: false) {
                    draft.to.append(Addressee(group: group, purpose: spec.purpose ?? .information,
                                              label: spec.keepsLabel ? field.name : nil))
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

    /// Removes the references that are part of a longer group name anywhere ("the IEEE 802.11 Working Group"), or
    /// of a group name in a sender or addressee value or in the masthead ("From: IEEE 802.11", "IEEE 802.11
    /// Wireless LANs" over the header): they name a group, not the standard IEEE 802.11.
    func dropGroupNamedReferences(_ context: ExtractionContext, scanner: HeaderScanner, draft: Draft,
                                  record: inout DocumentRecord) {
        // Anywhere: a reference inside a longer group name ("the IEEE 802.11 Working Group").
        if !record.groups.isEmpty, !record.references.isEmpty {
            let names = record.groups.map(\.range).sorted { $0.start < $1.start }
            var next = 0
            var inside = IndexSet()
            let order = record.references.indices.sorted {
                record.references[$0].range.start < record.references[$1].range.start
            }
            for index in order {
                let reference = record.references[index]
                while next < names.count, names[next].end <= reference.range.start { next += 1 }
                var probe = next
                while probe < names.count, names[probe].start <= reference.range.start {
                    if names[probe].encloses(reference.range), names[probe].length > reference.range.length {
                        inside.insert(index)
                        break
                    }
                    probe += 1
                }
            }
            if !inside.isEmpty {
                record.references = record.references.indices.filter { !inside.contains($0) }
                    .map { record.references[$0] }
            }
        }
        let places = draft.groupValueParts + scanner.mastheadRows.map { scanner.layout.rows[$0].range }
        guard !places.isEmpty else { return }
        let parts = places.map { sourceRange($0, context) }
        guard record.references.contains(where: { reference in parts.contains { $0.encloses(reference.range) } })
        else { return }
        let names = places.flatMap { groups.mentions(in: context, range: $0) }
            .map { sourceRange($0.range, context) }
        record.references.removeAll { reference in
            parts.contains { $0.encloses(reference.range) } && names.contains { $0.encloses(reference.range) }
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
    func references(in ranges: [SourceRange], record: DocumentRecord, kinds: Set<Reference.Kind>?) -> [Reference] {
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
    func senderBody(_ from: [String], engine: RuleEngine? = nil) -> String? {
        let bodies = Set(from.compactMap { groups.mentions(in: $0, engine: engine).first?.body })
        guard bodies.count == 1, let body = bodies.first, body != "other" else { return nil }
        return body
    }

    /// The group a value names when it is one acronym and the field has an `acronym_group` template ("TLS" in a
    /// Datatracker "To Group" is "IETF TLS"); nil when the value is anything else or a group rule knows it.
    func acronymGroup(_ value: String, field: HeaderRules.Field, engine: RuleEngine? = nil) -> [String]? {
        guard let template = field.acronymGroup else { return nil }
        let trimmed = value.trimmingSpaces()
        guard (2...16).contains(trimmed.count), trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
              trimmed.contains(where: \.isLetter), groups.mentions(in: trimmed, engine: engine).isEmpty else { return nil }
        return [template.replacingOccurrences(of: "{value}", with: trimmed.uppercased())]
    }

    /// The value part of a "Name: value" field block (after the colon and its spaces), or the whole block.
    static func valueRange(of range: NSRange, in context: ExtractionContext) -> NSRange {
        let line = context.string(range) as NSString
        let colon = line.range(of: ":")
        guard colon.location != NSNotFound else { return range }
        let start = range.location + colon.location + 1
        return context.trim(NSRange(location: start, length: range.location + range.length - start))
    }

    /// A label as written, without its colon, brackets and the asterisk of a mandatory field ("Cc", "To").
    static func labelText(_ label: String) -> String {
        label.trimmingCharacters(in: CharacterSet(charactersIn: "([:]* "))
    }

    static func collapse(_ text: String) -> String {
        // An ASCII text without carriage returns has one character per byte: the outline's collapse of the bytes
        // gives what splitting the characters gives. (Elsewhere a space can be part of a character, " " with a
        // combining accent, and "\r\n" is one character.)
        guard text.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) else {
            return text.split { $0 == " " || $0 == "\n" || $0 == "\t" }.joined(separator: " ")
        }
        return DocumentOutline.collapse(text)
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
