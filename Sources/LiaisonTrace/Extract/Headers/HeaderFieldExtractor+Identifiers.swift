import Foundation

extension HeaderFieldExtractor {
    /// The document's own numbers, its meetings and the meeting date next to its primary number.
    struct OwnIdentifiers {
        var ids: [String] = []
        var meetings: [MeetingReference] = []
        var meetingDate: String?
    }

    /// Own ids: mentions (of `ids.kinds`) in the masthead (the zone before the first label), on registration
    /// stamps and tdoc header lines (with their "(revision of ...)" notes) and in `ids` fields. The primary id is
    /// the one the sending group owns (an ITU-T LS number before the TD that carried it; RAN2's R2- number
    /// before SA2's registrations), else the LS number, else the number of the header line closest to the first
    /// label (registration stamps are printed above the document's own header). Documents without any take the
    /// deliverable designations of their first lines.
    func ownIdentifiers(_ context: ExtractionContext, scanner: HeaderScanner, record: DocumentRecord,
                        draft: Draft) -> OwnIdentifiers {
        var result = OwnIdentifiers()
        let rows = scanner.layout.rows
        let text = context
        var stampRows = IndexSet()
        for rowIndex in 0..<scanner.zoneRowCount {
            let row = rows[rowIndex]
            for stamp in rules.stamps {
                guard let match = stamp.pattern.matches(in: text, range: row.range).first,
                      let groupRange = match.groups["group"], let numberRange = match.groups["number"],
                      let group = groups.mentions(in: text, range: groupRange).last?.id else { continue }
                stampRows.insert(rowIndex)
                let number = Self.meetingNumber(context.string(numberRange))
                let span = NSRange(location: match.range.location,
                                   length: numberRange.location + numberRange.length - match.range.location)
                let rowRange = sourceRange(row.range, context)
                let tdoc = record.references.first {
                    $0.kind == "tdoc" && $0.range.start >= rowRange.start && $0.range.end <= rowRange.end
                }?.id
                result.meetings.append(MeetingReference(
                    id: "\(group)#\(number)", group: group, number: number, tdoc: tdoc, text: context.string(span),
                    at: context.provenance(span, rule: stamp.id)))
                break
            }
        }
        // Where own numbers may be.
        var places: [SourceRange] = []
        var placeRows: [Int] = []
        // Masthead: a number standing alone in its column ("SG2-LS27", "COM 12 - LS 11 - E", "Tdoc S2-132101").
        // A masthead line has few columns; a row of a data table at the top of a document (a list of work items
        // with their tdoc numbers) is content, not a masthead.
        for rowIndex in scanner.mastheadRows where !stampRows.contains(rowIndex)
            && rows[rowIndex].segments.count <= rules.zone.mastheadMaxColumns {
            for segment in rows[rowIndex].segments {
                let segmentRange = sourceRange(segment.range, context)
                let inside = record.references.filter {
                    $0.range.start >= segmentRange.start && $0.range.end <= segmentRange.end
                }
                guard inside.count == 1, let only = inside.first else { continue }
                let rest = context.string(segment.range).replacingOccurrences(of: only.text, with: "")
                if rest.filter(\.isLetter).count <= 6 {
                    places.append(segmentRange)
                    placeRows.append(rowIndex)
                }
            }
        }
        for rowIndex in stampRows {
            places.append(sourceRange(rows[rowIndex].range, context))
            placeRows.append(rowIndex)
            // "(revision of S2-1811226)" on the stamp line or the line under it.
            for next in [rowIndex, rowIndex + 1] where next < scanner.zoneRowCount {
                for revision in rules.revisions {
                    for match in revision.pattern.matches(in: text, range: rows[next].range) {
                        places.append(sourceRange(match.range, context))
                        placeRows.append(next)
                    }
                }
            }
        }
        let kinds = Set(rules.idKinds)
        struct Candidate {
            var id: String
            var kind: String
            var start: Int
            var row: Int
        }
        var candidates: [Candidate] = []
        for reference in record.references where kinds.contains(reference.kind) {
            let inOther = draft.otherValueRanges.contains { $0.encloses(reference.range) }
            let inIDs = draft.idValueRanges.contains { $0.encloses(reference.range) }
            if inOther && !inIDs { continue }
            if let place = places.indices.first(where: {
                reference.range.start >= places[$0].start && reference.range.end <= places[$0].end
            }) {
                candidates.append(Candidate(id: reference.id, kind: reference.kind, start: reference.range.start,
                                            row: placeRows[place]))
            } else if inIDs {
                candidates.append(Candidate(id: reference.id, kind: reference.kind, start: reference.range.start,
                                            row: Int.max))
            }
        }
        for raw in draft.rawIDs {
            candidates.append(Candidate(id: raw.id, kind: "raw", start: raw.range.start, row: Int.max))
        }
        candidates.sort { $0.start < $1.start }

        var primary: Candidate?
        let senders = Set(draft.from)
        let kindRank = Dictionary(uniqueKeysWithValues: rules.idKinds.enumerated().map { ($1, $0) })
        let owned = candidates.filter { rules.owner(of: $0.id, groups: groups).map(senders.contains) ?? false }
        primary = owned.min { (kindRank[$0.kind] ?? 99, $0.start) < (kindRank[$1.kind] ?? 99, $1.start) }
        if primary == nil { primary = candidates.first { $0.kind == rules.idKinds.first } }
        if primary == nil {
            let firstLabel = scanner.firstLabelRow ?? scanner.zoneRowCount
            primary = candidates.filter { $0.row < firstLabel && stampRows.contains($0.row) }.last ?? candidates.first
        }
        if candidates.isEmpty, record.document.kind == .deliverable {
            result.ids = deliverableIdentifiers(context, record: record, draft: draft)
        } else {
            result.ids = Self.unique((primary.map { [$0.id] } ?? []) + candidates.map(\.id))
        }

        // The date on the primary number's header line or just under it, else the first masthead date.
        var dates: [(row: Int, value: String)] = []
        for (row, segment) in scanner.freeSegments() {
            // A table cell of several lines is read line by line, as its text rendering shows it: "(07/2016)" under
            // "Supplement 5" in one cover cell is a date alone on its line.
            for line in context.string(segment.range).split(separator: "\n") {
                let string = String(line)
                guard let found = DateNormalizer.normalize(string) else { continue }
                let rest = (string as NSString).replacingCharacters(in: found.range, with: "")
                if rest.contains(where: \.isNumber) { continue }
                dates.append((row, found.value))
            }
        }
        if let row = primary?.row, row != Int.max,
           let near = dates.first(where: { $0.row >= row && $0.row <= row + 2 }) {
            result.meetingDate = near.value
        } else {
            result.meetingDate = dates.first?.value
        }
        return result
    }

    /// Designations of a published deliverable in its first lines ("ETSI TS 124 116 ... (3GPP TS 24.116 ...)").
    func deliverableIdentifiers(_ context: ExtractionContext, record: DocumentRecord, draft: Draft) -> [String] {
        let kinds = Set(rules.deliverableKinds)
        let found = record.references.filter { reference in
            kinds.contains(reference.kind) && reference.line <= rules.deliverableLines
                && !draft.otherValueRanges.contains { $0.encloses(reference.range) }
        }
        return Self.unique(draft.rawIDs.map(\.id) + found.map(\.id))
    }

    /// "129BIS" -> "129bis", "129-BIS" -> "129bis", "153E" -> "153e".
    static func meetingNumber(_ written: String) -> String {
        written.filter { $0 != "-" }.lowercased()
    }

    /// Removes from the references the mentions of the document's own numbers in the header zone, in running
    /// headers and footers, and on lines that hold nothing else (page headers of text renderings): a document's
    /// own numbers are not references to other documents.
    func pruneOwnReferences(_ context: ExtractionContext, scanner: HeaderScanner, ids: Set<String>,
                            record: inout DocumentRecord) {
        guard !ids.isEmpty else { return }
        // The zone up to the abstract: an abstract is content, and may name the document itself.
        let zoneEnd = sourceRange(NSRange(location: min(scanner.zoneEnd, scanner.openingStart), length: 0),
                                  context).start
        let pageBlocks = context.document.ingested.blocks.filter { $0.kind == .header || $0.kind == .footer }
            .map(\.range)
        let ingested = context.document.ingested
        record.references.removeAll { reference in
            guard ids.contains(reference.id) else { return false }
            if reference.range.end <= zoneEnd { return true }
            if pageBlocks.contains(where: { reference.range.start >= $0.start && reference.range.end <= $0.end }) {
                return true
            }
            let lineStart = context.document.lines.startOfLine(reference.line)
            let lineEnd = reference.line < context.document.lines.lineCount
                ? context.document.lines.startOfLine(reference.line + 1) : ingested.text.utf8.count
            let line = ingested.text(of: SourceRange(lineStart, lineEnd))
                .trimmingSpacesAndNewlines()
            return line == reference.text
        }
    }
}
