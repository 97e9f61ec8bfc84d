import Foundation

extension HeaderFieldExtractor {
    /// The purposes a form's `purpose` fields give. A value is read in parts separated by ';': a part that names
    /// groups gives each of them the purpose its cue says ("For action to ITU-T SG13; for information to 3GPP",
    /// "ITU-T SG2 for action; others for information"), adding the groups that are not addressees yet; a part that
    /// names none ("For Action", "others for information") sets the purpose of every addressee no part named.
    /// Copy recipients (fields that keep their label) keep theirs.
    func applyPurposes(_ context: ExtractionContext, draft: inout Draft) {
        for (value, _, formIndex) in draft.purposeValues {
            let form = rules.forms[formIndex]
            var rest: Addressee.Purpose?
            var named = Set<String>()
            for part in value.split(separator: ";") {
                let text = String(part)
                let cues = purposeCues(in: text, form: form)
                guard let first = cues.first else { continue }
                let mentions = groups.mentions(in: text, inheritWithinLists: true, engine: context.engine)
                guard !mentions.isEmpty else {
                    rest = rest ?? first.purpose
                    continue
                }
                // "For action to X, for information to Y": a group takes the cue before it; "X for action": the
                // cue after it.
                let leading = (text as NSString).substring(to: first.location).allSatisfy(\.isWhitespace)
                for mention in mentions {
                    let purpose = leading
                        ? cues.last { $0.location < mention.range.location }?.purpose ?? first.purpose
                        : cues.first { $0.location >= mention.range.location + mention.range.length }?.purpose
                            ?? cues[cues.count - 1].purpose
                    named.insert(mention.id)
                    let existing = draft.to.indices.filter { draft.to[$0].group == mention.id }
                    if existing.isEmpty {
                        draft.to.append(Addressee(group: mention.id, purpose: purpose))
                    }
                    for index in existing where draft.overridable.contains(index) { draft.to[index].purpose = purpose }
                }
            }
            if let rest {
                for index in draft.overridable.sorted() where !named.contains(draft.to[index].group) {
                    draft.to[index].purpose = rest
                }
            }
        }
    }

    /// The purpose cues of a form in `text`, in text order (UTF-16 offsets).
    func purposeCues(in text: String, form: HeaderRules.Form) -> [(location: Int, purpose: Addressee.Purpose)] {
        var cues: [(location: Int, purpose: Addressee.Purpose)] = []
        for (pattern, purpose) in form.purposes {
            for match in pattern.matches(in: text)
            where !cues.contains(where: { $0.location == match.range.location }) {
                cues.append((match.range.location, purpose))
            }
        }
        return cues.sorted { $0.location < $1.location }
    }

    /// The title line of the header zone ("REPLY LIAISON STATEMENT TO 3GPP TSG RAN", "ON IMT-2030" on the line
    /// under it) when no field gave a title: the title, and the addressees it names with the cue's purpose, which
    /// a purpose field may change.
    func titleLines(_ context: ExtractionContext, scanner: HeaderScanner, draft: inout Draft) {
        guard draft.title == nil, let found = scanner.titleRows.first else { return }
        let cue = rules.titleLines[found.cue]
        guard let match = cue.pattern.firstMatch(in: context, range: scanner.titleSearchRange(found.row)),
              let titleRange = match.groups["title"] else { return }
        var parts = [titleRange]
        // A heading in capitals goes on over the lines in capitals under it.
        let rows = scanner.layout.rows
        let end = match.range.location + match.range.length
        var last = found.row
        while last + 1 < rows.count, rows[last + 1].range.location < end { last += 1 }
        if Self.isCapitals(context.string(titleRange)) {
            var next = last + 1
            while next < scanner.zoneRowCount, parts.count < 3, !rows[next].isBlank,
                  rows[next].segments.count == 1, scanner.roles[next].allSatisfy({ $0 == .free }),
                  !scanner.separatorRows.contains(next), Self.isCapitals(context.string(rows[next].range)) {
                parts.append(context.trim(rows[next].range))
                next += 1
            }
        }
        draft.title = Self.collapse(parts.map { context.string($0) }.joined(separator: " "))
        draft.titleParts = parts
        let whole = NSUnionRange(match.range, parts[parts.count - 1])
        draft.fields.append(HeaderFieldReference(field: HeaderRole.title.rawValue, purpose: nil, label: "",
                                                 value: draft.title ?? "",
                                                 at: context.provenance(whole, rule: cue.id)))
        guard let toRange = match.groups["to"], draft.to.isEmpty else { return }
        let purpose = cue.purpose ?? .information
        for mention in leadingGroups(context, span: toRange) {
            draft.overridable.insert(draft.to.count)
            draft.to.append(Addressee(group: mention, purpose: purpose))
        }
    }

    /// A deliverable's title where its cover puts it ("<title>" over "Recommendation ITU-T E.840", the lines under
    /// "ETSI TS 124 116 V15.0.0 (2018-06)"), in its first lines.
    func coverTitle(_ context: ExtractionContext, draft: inout Draft) {
        guard !rules.coverTitles.isEmpty else { return }
        var end = 0
        var lines = 0
        let scan = context.scan
        while end < context.length, lines < rules.coverTitleLines {
            if scan[end] == 0x0A { lines += 1 }
            end += 1
        }
        let zone = NSRange(location: 0, length: end)
        for rule in rules.coverTitles {
            guard let match = rule.pattern.firstMatch(in: context, range: zone),
                  let titleRange = match.groups["title"] else { continue }
            let title = Self.collapse(context.string(titleRange))
            guard title.contains(where: \.isLetter) else { continue }
            draft.title = title
            draft.titleParts = [titleRange]
            draft.fields.append(HeaderFieldReference(field: HeaderRole.title.rawValue, purpose: nil, label: "",
                                                     value: title, at: context.provenance(match.range, rule: rule.id)))
            return
        }
    }

    /// Whether `text` has letters and none of them is lower case.
    static func isCapitals(_ text: String) -> Bool {
        text.contains(where: \.isLetter) && !text.contains(where: \.isLowercase)
    }

    /// Own designations that only own-id patterns know, in the header zone and in running headers and footers:
    /// (id, kind, source range, row) for the documents the pattern's body condition admits.
    func patternIdentifiers(_ context: ExtractionContext, scanner: HeaderScanner, record: DocumentRecord,
                            draft: Draft) -> [(id: String, kind: Reference.Kind, range: SourceRange, row: Int)] {
        let patterns = rules.ownIDPatterns.filter { $0.sdo == nil || $0.sdo == record.document.sdo }
        guard !patterns.isEmpty else { return [] }
        var places = [NSRange(location: 0, length: scanner.zoneEnd)]
        for block in context.blocks where block.block.kind == .header || block.block.kind == .footer {
            places.append(block.range)
        }
        let rows = scanner.layout.rows
        var found: [(id: String, kind: Reference.Kind, range: SourceRange, row: Int)] = []
        var taken: [NSRange] = []
        for pattern in patterns {
            for place in places {
                for match in pattern.pattern.matches(in: context, range: place) {
                    guard !taken.contains(where: { NSIntersectionRange($0, match.range).length > 0 }) else { continue }
                    let range = sourceRange(match.range, context)
                    if draft.otherValueRanges.contains(where: { $0.encloses(range) }) { continue }
                    taken.append(match.range)
                    let row = rows.firstIndex { NSLocationInRange(match.range.location, $0.range) } ?? Int.max
                    found.append((pattern.id(of: match, in: context.scan), pattern.kind, range, row))
                }
            }
        }
        return found
    }
}
