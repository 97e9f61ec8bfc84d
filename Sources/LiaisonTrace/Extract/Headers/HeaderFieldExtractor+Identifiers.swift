import Foundation

extension HeaderFieldExtractor {
    /// The document's own numbers, its meetings and the meeting date next to its primary number.
    struct OwnIdentifiers {
        var ids: [String] = []
        var meetings: [MeetingReference] = []
        var meetingDate: String?
        /// Where own-id patterns matched: the references inside are part of the document's own number.
        var patternRanges: [SourceRange] = []
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
                guard let match = stamp.pattern.firstMatch(in: text, range: row.range),
                      let groupRange = match.groups["group"], let numberRange = match.groups["number"],
                      let group = groups.mentions(in: text, range: groupRange).last?.id else { continue }
                stampRows.insert(rowIndex)
                let number = Self.meetingNumber(context.string(numberRange))
                let span = NSRange(location: match.range.location,
                                   length: numberRange.location + numberRange.length - match.range.location)
                let rowRange = sourceRange(row.range, context)
                let tdoc = record.references.first {
                    $0.kind == .tdoc && $0.range.start >= rowRange.start && $0.range.end <= rowRange.end
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
                let segmentText = context.string(segment.range)
                let rest = segmentText.replacingOccurrences(of: only.text, with: "")
                // Or a number at the end of a banner, where a reader joined the masthead's columns
                // ("TELECOMMUNICATION STANDARDIZATION SECTOR COM 16 - LS 12 - E").
                let banner = only.range.end == segmentRange.end && rules.mastheadPrefixRule.map { rule in
                    let prefix = context.document.ingested.text(of: SourceRange(segmentRange.start,
                                                                                only.range.start))
                    let length = (prefix as NSString).length
                    return rule.pattern.match(in: prefix, at: 0, limit: length)?.range.length == length
                } ?? false
                if rest.filter(\.isLetter).count <= 6 || banner {
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
            /// A reference kind, or nil for an id written in an ids field that no rule knows.
            var kind: Reference.Kind?
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
            candidates.append(Candidate(id: raw.id, kind: nil, start: raw.range.start, row: Int.max))
        }
        for found in patternIdentifiers(context, scanner: scanner, record: record, draft: draft) {
            candidates.append(Candidate(id: found.id, kind: found.kind, start: found.range.start, row: found.row))
            result.patternRanges.append(found.range)
        }
        candidates.sort { $0.start < $1.start }

        var primary: Candidate?
        let senders = Set(draft.from)
        let kindRank = Dictionary(uniqueKeysWithValues: rules.idKinds.enumerated().map { ($1, $0) })
        let owned = candidates.filter {
            rules.owner(of: $0.id, groups: groups, engine: context.engine).map(senders.contains) ?? false
        }
        func rank(_ candidate: Candidate) -> Int { candidate.kind.flatMap { kindRank[$0] } ?? 99 }
        primary = owned.min { (rank($0), $0.start) < (rank($1), $1.start) }
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
                // A cover's date on a line with other numbers ("ETSI TS 124 116 V15.0.0 (2018-06)").
                if let value = coverDate(string) {
                    dates.append((row, value))
                    continue
                }
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

    /// The date a cover-date rule finds in `line`.
    func coverDate(_ line: String) -> String? {
        for rule in rules.coverDates {
            guard let match = rule.pattern.firstMatch(in: line), let range = match.groups["date"] else { continue }
            if let value = DateNormalizer.normalize((line as NSString).substring(with: range))?.value { return value }
        }
        return nil
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
                            claimed: [SourceRange] = [], record: inout DocumentRecord) {
        // "doc.: IEEE 802.11-25/1532r1" is the document's number, not the standard IEEE 802.11.
        record.references.removeAll { reference in claimed.contains { $0.encloses(reference.range) } }
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
            return Self.isWholeLine(reference.text, in: ingested.text, from: lineStart, to: lineEnd)
        }
    }

    /// Whether bytes `start..<end` of `text`, without their leading and trailing white space and line breaks (as
    /// `trimmingSpacesAndNewlines` trims), are `value`. Reads the white space at both ends and `value`'s length, not
    /// the line: on a document written on one line, every reference would otherwise read all of it.
    static func isWholeLine(_ value: String, in text: String, from start: Int, to end: Int) -> Bool {
        var text = text
        var wanted = value
        return text.withUTF8 { bytes in
            var low = max(0, min(start, bytes.count))
            var high = max(low, min(end, bytes.count))
            func isTrimmed(_ code: UInt32) -> Bool {
                guard let scalar = Unicode.Scalar(code) else { return false }
                return Substring.isSpace(scalar) || Substring.isNewline(scalar)
            }
            /// The scalar value starting at `index` and its length in bytes.
            func scalar(at index: Int) -> (code: UInt32, width: Int) {
                let lead = bytes[index]
                let width = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
                var code = width == 1 ? UInt32(lead) : UInt32(lead) & (0x7F >> UInt32(width))
                for offset in 1..<width where index + offset < bytes.count {
                    code = code << 6 | UInt32(bytes[index + offset] & 0x3F)
                }
                return (code, min(width, bytes.count - index))
            }
            while low < high {
                let next = scalar(at: low)
                guard isTrimmed(next.code) else { break }
                low += next.width
            }
            while high > low {
                var lead = high - 1
                while lead > low, bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
                guard isTrimmed(scalar(at: lead).code) else { break }
                high = lead
            }
            return wanted.withUTF8 { valueBytes in
                high - low == valueBytes.count && (valueBytes.isEmpty
                    || memcmp(bytes.baseAddress! + low, valueBytes.baseAddress!, valueBytes.count) == 0)
            }
        }
    }
}
