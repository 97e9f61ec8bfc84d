import Foundation

/// Finds the header zone of a document and the label/value pairs in it, in every layout readers produce:
/// "Label: value" on one line (any spacing or tabs), the label alone and the value on the next line(s) (one table
/// cell per line), label and value in neighbouring columns (pdftotext) or cells of one table row, values
/// continued on indented lines, and "-" or nothing for none.
struct HeaderScanner {
    /// A label seen in the zone and the value that goes with it.
    struct Occurrence {
        /// The label (UTF-16 range, with its colon).
        var labelRange: NSRange
        /// Value pieces, one per line or cell, trimmed.
        var parts: [NSRange]
        /// For each form (by index), the field (by index) the label is; empty for none.
        var fields: [Int: Int]
        /// Row of the label.
        var row: Int
    }

    /// What a segment turned out to be.
    enum SegmentRole { case free, label, value }

    private(set) var layout: HeaderLayout
    /// Label occurrences in text order.
    private(set) var occurrences: [Occurrence] = []
    /// Role of every segment, by row and segment index.
    private(set) var roles: [[SegmentRole]] = []
    /// Index of the first row with a label (rows before it are the masthead), or nil.
    private(set) var firstLabelRow: Int?
    /// Rows in the zone (those after it are body).
    private(set) var zoneRowCount = 0
    /// Where the zone ends (UTF-16 offset in the normalized text).
    private(set) var zoneEnd = 0
    /// Where the opening of the body starts: the abstract's value, or the zone end.
    private(set) var openingStart = 0
    /// Rows that are separators (banners).
    private(set) var separatorRows = IndexSet()
    /// Unlabelled rows a title-line rule matches (by index of `HeaderRules.titleLines`), in order.
    private(set) var titleRows: [(row: Int, cue: Int)] = []
    /// The most rows the masthead can have.
    private let mastheadMaxRows: Int

    init(_ context: ExtractionContext, rules: HeaderRules, textForms: [Int]) {
        layout = HeaderLayout(context, maxLines: rules.zone.maxLines, columnGap: rules.zone.columnGap)
        mastheadMaxRows = rules.zone.mastheadMaxLines
        roles = layout.rows.map { [SegmentRole](repeating: .free, count: $0.segments.count) }
        scan(context, rules: rules, textForms: textForms)
        // What is read of the zone after the scan: all of its rows split.
        for index in 0..<zoneRowCount { _ = row(index) }
    }

    /// Row `index`, split into its segments (and their roles) if it was not yet.
    private mutating func row(_ index: Int) -> HeaderLayout.Row {
        if !layout.rows[index].isSplit {
            layout.split(index)
            roles[index] = [SegmentRole](repeating: .free, count: layout.rows[index].segments.count)
        }
        return layout.rows[index]
    }

    // MARK: - Scanning

    private mutating func scan(_ context: ExtractionContext, rules: HeaderRules, textForms: [Int]) {
        let rowCount = layout.rows.count
        let text = context
        func matchesAny(_ patterns: [HeaderRules.ExamplePattern], _ range: NSRange) -> Bool {
            patterns.contains { !$0.pattern.matches(in: text, range: range).isEmpty }
        }
        func isStamp(_ row: HeaderLayout.Row) -> Bool {
            rules.stamps.contains { !$0.pattern.matches(in: text, range: row.range).isEmpty }
        }
        var isTextForm = [Bool](repeating: false, count: rules.forms.count)
        for formIndex in textForms { isTextForm[formIndex] = true }
        /// The label at the start of `segment`: its range and, per form, the field it is.
        func label(_ segment: HeaderLayout.Segment, isTable: Bool) -> (NSRange, [Int: Int])? {
            guard segment.range.length > 0 else { return nil }
            var best: (NSRange, [Int: Int])?
            for entry in rules.labelIndex.entries(startingWith: text.scan[segment.range.location])
            where isTextForm[entry.form] {
                let location = segment.range.location
                let length = segment.range.length
                var found = entry.label.match(in: text, at: location, limit: length)?.range
                if found == nil, isTable || entry.bareLabels,
                   let whole = entry.wholeLabel.match(in: text, at: location, limit: length),
                   whole.range.length == length {
                    found = whole.range
                }
                guard let range = found else { continue }
                if let current = best, current.0.length > range.length { continue }
                if let current = best, current.0.length == range.length {
                    best = (range, current.1.merging([entry.form: entry.field]) { first, _ in first })
                } else {
                    best = (range, [entry.form: entry.field])
                }
            }
            return best
        }
        func words(_ range: NSRange) -> Int { Self.words(in: context.scan, range) }

        var index = 0
        var zoneEndRow: Int?
        var zoneEndOffset: Int?
        rowLoop: while index < rowCount {
            let row = self.row(index)
            if row.isBlank {
                index += 1
                continue
            }
            let rowText = context.string(row.range)
            if matchesAny(rules.zone.bodyStarts, row.range) {
                zoneEndRow = index
                break
            }
            if matchesAny(rules.zone.separators, row.range) {
                separatorRows.insert(index)
                index += 1
                continue
            }
            var labelled = false
            var lastRowUsed = index
            var segmentIndex = 0
            // The rest of a segment whose label had no value before the next label ("Cc: Contact Person: Name").
            var pending: HeaderLayout.Segment?
            while segmentIndex < row.segments.count {
                let segment = pending ?? row.segments[segmentIndex]
                guard pending != nil || roles[index][segmentIndex] == .free,
                      let (labelRange, fields) = label(segment, isTable: row.isTable) else {
                    pending = nil
                    segmentIndex += 1
                    continue
                }
                pending = nil
                labelled = true
                if firstLabelRow == nil { firstLabelRow = index }
                roles[index][segmentIndex] = .label
                let maxLines = fields.map { rules.forms[$0.key].fields[$0.value].maxLines }.max() ?? 4
                let endsHeader = fields.contains { rules.forms[$0.key].fields[$0.value].role == .abstract }
                var parts: [NSRange] = []
                var valueColumn = 0
                var nextLine = false
                let restStart = labelRange.location + labelRange.length
                let rest = context.trim(NSRange(location: restStart,
                                                length: segment.range.location + segment.range.length - restStart))
                var rowsUsed = index
                // A label of the same form right after this one ("Cc: Contact Person: ..."), not a word that is a
                // label in some other form ("Subject: Re: [S2-2402499] ...").
                if rest.length > 0, let restLabel = label(HeaderLayout.Segment(range: rest, column: 0), isTable: false),
                   !Set(restLabel.1.keys).isDisjoint(with: fields.keys) {
                    pending = HeaderLayout.Segment(range: rest,
                                                   column: segment.column + rest.location - segment.range.location)
                } else if rest.length > 0 {
                    parts.append(Self.closingParenthesisTrimmed(rest, labelRange: labelRange, in: context))
                    valueColumn = segment.column + (rest.location - segment.range.location)
                } else if segmentIndex + 1 < row.segments.count {
                    let next = row.segments[segmentIndex + 1]
                    if label(next, isTable: row.isTable) == nil {
                        parts.append(next.range)
                        roles[index][segmentIndex + 1] = .value
                        valueColumn = next.column
                        segmentIndex += 1
                    }
                } else if index + 1 < rowCount {
                    // Label alone: the value is on the next row (one table cell per line).
                    let next = self.row(index + 1)
                    if let first = next.segments.first, label(first, isTable: next.isTable) == nil,
                       !matchesAny(rules.zone.separators, next.range), !isStamp(next) {
                        parts.append(first.range)
                        roles[index + 1][0] = .value
                        valueColumn = first.column
                        rowsUsed = index + 1
                        nextLine = true
                    }
                }
                // Continuation lines.
                if !parts.isEmpty, segmentIndex == row.segments.count - 1 || nextLine {
                    var next = rowsUsed + 1
                    while parts.count < maxLines, next < rowCount {
                        let candidate = self.row(next)
                        guard let first = candidate.segments.first, !candidate.isTable || nextLine,
                              roles[next][0] == .free, label(first, isTable: candidate.isTable) == nil,
                              !matchesAny(rules.zone.separators, candidate.range), !isStamp(candidate),
                              !matchesAny(rules.zone.bodyStarts, candidate.range) else { break }
                        let indentOK = nextLine ? first.column + 2 >= valueColumn
                            : first.column > 0 && first.column + 2 >= valueColumn
                        guard indentOK else { break }
                        // One cell per line: a prose line after the value is the body, not more value.
                        if nextLine, words(first.range) >= rules.zone.proseMinWords { break }
                        parts.append(first.range)
                        roles[next][0] = .value
                        rowsUsed = next
                        next += 1
                    }
                }
                lastRowUsed = max(lastRowUsed, rowsUsed)
                occurrences.append(Occurrence(labelRange: labelRange, parts: parts, fields: fields, row: index))
                if endsHeader {
                    openingStart = parts.first?.location ?? (labelRange.location + labelRange.length)
                    let labelEnd = labelRange.location + labelRange.length
                    let valueEnd = parts.last.map { $0.location + $0.length } ?? labelEnd
                    zoneEndOffset = valueEnd
                    zoneEndRow = rowsUsed + 1
                    break rowLoop
                }
                if pending == nil { segmentIndex += 1 }
            }
            if !labelled, roles[index].allSatisfy({ $0 == .free }) {
                // A title line ("REPLY LIAISON STATEMENT TO 3GPP TSG RAN ON IMT-2030", or a heading whose second
                // line is the title) is header, not prose.
                let titleRange = titleSearchRange(index)
                for (cue, rule) in rules.titleLines.enumerated() {
                    guard let match = rule.pattern.firstMatch(in: text, range: titleRange),
                          match.range.location < row.range.location + row.range.length + 1 else { continue }
                    titleRows.append((index, cue))
                    let end = match.range.location + match.range.length
                    var last = index
                    while last + 1 < rowCount, layout.rows[last + 1].range.location < end { last += 1 }
                    index = max(lastRowUsed, last) + 1
                    continue rowLoop
                }
                let count = words(row.range)
                let trimmed = rowText.trimmingSpaces()
                // Form text ("For HELP on using this form: ...") has colons; body prose starts without one.
                let formLike = trimmed.contains(": ") || trimmed.hasSuffix(":")
                // A sentence: one column, a line ending in '.', '!' or '?' after a word (not "Ed." or "Inc.").
                // A table cell's lines are read one by one, as a text rendering of the table would show them:
                // a help cell whose last line is a web address is not a sentence of all its words.
                let sentence = row.segments.count == 1 && rowText.split(separator: "\n").contains {
                    Self.isSentence($0, minWords: rules.zone.sentenceMinWords)
                }
                if (firstLabelRow != nil && count >= rules.zone.proseMinWords && !formLike) || sentence {
                    zoneEndRow = index
                    break
                }
            }
            index = lastRowUsed + 1
        }
        let endRow = zoneEndRow ?? rowCount
        zoneRowCount = endRow
        if let offset = zoneEndOffset {
            zoneEnd = offset
        } else if endRow < rowCount {
            zoneEnd = layout.rows[endRow].range.location
        } else {
            zoneEnd = layout.rows.last.map { $0.range.location + $0.range.length } ?? 0
        }
        if zoneEndOffset == nil { openingStart = zoneEnd }
    }

    /// How many words, between spaces and line feeds, `range` of `text` holds (as splitting its characters there
    /// counts them). In ASCII without carriage returns, one character per unit: counted unit by unit.
    static func words(in text: ScanText, _ range: NSRange) -> Int {
        var count = 0
        var inWord = false
        for offset in range.location..<(range.location + range.length) {
            let unit = text[offset]
            if unit >= 0x80 || unit == 0x0D { return text.string(range).split { $0 == " " || $0 == "\n" }.count }
            let separator = unit == 0x20 || unit == 0x0A
            if !separator, !inWord { count += 1 }
            inWord = !separator
        }
        return count
    }

    /// Whether `line` is a sentence of at least `minWords` words: it ends in '.', '!' or '?' right after a word of
    /// four letters or more (not "Ed." or "Inc.").
    static func isSentence(_ line: Substring, minWords: Int) -> Bool {
        let trimmed = line.trimmingSpaces()
        guard let last = trimmed.last, ".!?".contains(last) else { return false }
        let words = trimmed.split(separator: " ")
        return words.count >= minWords && (words.last.map { $0.filter(\.isLetter).count >= 4 } ?? false)
    }

    /// A value that a "(Ref: ...)" label opened ends before its closing parenthesis.
    private static func closingParenthesisTrimmed(_ range: NSRange, labelRange: NSRange,
                                                  in context: ExtractionContext) -> NSRange {
        let label = context.string(labelRange)
        guard label.hasPrefix("(") || label.hasPrefix("["), range.length > 0 else { return range }
        let last = context.scan.character(at: range.location + range.length - 1)
        guard last == 0x29 || last == 0x5D else { return range }
        return context.trim(NSRange(location: range.location, length: range.length - 1))
    }

    // MARK: - Queries

    /// Where title-line rules look for a title starting on `row`: the row and the one after it.
    func titleSearchRange(_ row: Int) -> NSRange {
        let rows = layout.rows
        guard row + 1 < rows.count else { return rows[row].range }
        return NSUnionRange(rows[row].range, rows[row + 1].range)
    }

    /// Rows of the masthead: the zone's rows before the first label, at most `masthead_max_lines` (a long table
    /// at the top of a document is its content, not its masthead).
    var mastheadRows: Range<Int> { 0..<min(firstLabelRow ?? zoneRowCount, zoneRowCount, mastheadMaxRows) }

    /// Free (unlabeled, not a value) segments of zone rows.
    func freeSegments() -> [(row: Int, segment: HeaderLayout.Segment)] {
        var result: [(Int, HeaderLayout.Segment)] = []
        for rowIndex in 0..<zoneRowCount {
            for (segmentIndex, segment) in layout.rows[rowIndex].segments.enumerated()
            where roles[rowIndex][segmentIndex] == .free {
                result.append((rowIndex, segment))
            }
        }
        return result
    }
}
