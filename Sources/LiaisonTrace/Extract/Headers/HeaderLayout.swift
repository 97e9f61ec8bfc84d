import Foundation

/// The top of a document as rows of column segments, whatever the reader: a text line split where columns are
/// (runs of spaces as pdftotext -layout leaves them, tabs as antiword and Word leave them, `|` table borders), or
/// a table row whose segments are its cells (when the reader gives table cells with table/row/column). Header
/// labels are looked for at the start of segments; values are the rest of a segment, the next segment, or the
/// next row.
struct HeaderLayout {
    /// A piece of a row: trimmed range in the normalized text (UTF-16) and its column.
    struct Segment {
        var range: NSRange
        /// Offset from the start of the line (text rows), or 1000 x the cell's column (table rows).
        var column: Int
    }

    /// One row.
    struct Row {
        /// The whole row (a line, or the span of a table row's cells).
        var range: NSRange
        /// The row's segments, once it is split (`isSplit`).
        var segments: [Segment]
        var isTable: Bool
        /// Whether `segments` are known: a text line is split at its columns when first asked for (`split`).
        fileprivate(set) var isSplit = true
        var isBlank: Bool { segments.isEmpty }

        init(range: NSRange, segments: [Segment], isTable: Bool) {
            self.range = range
            self.segments = segments
            self.isTable = isTable
        }
    }

    private(set) var rows: [Row]
    /// What splitting a text line needs.
    private let context: ExtractionContext?
    private let columnGap: Int
    private let tabs: [Int]

    /// Rows of the first `maxLines` lines of `context`. Text lines are split into segments only when `split` asks:
    /// a header zone ends after a few dozen lines, often short of `maxLines`, and the lines after it can be long
    /// paragraphs.
    init(_ context: ExtractionContext, maxLines: Int, columnGap: Int) {
        self.columnGap = columnGap
        let lines = context.lines.prefix(maxLines)
        guard let last = lines.last else {
            rows = []
            self.context = nil
            tabs = []
            return
        }
        self.context = context
        let limit = last.location + last.length
        // Table cells by (table, row), in order.
        var cellsByRow: [[Int]: [(column: Int, range: NSRange)]] = [:]
        var rowOrder: [[Int]] = []
        for (block, range) in context.blocks where block.kind == .tableCell && range.location < limit {
            guard let table = block.table, let row = block.row else { continue }
            let key = [table, row]
            if cellsByRow[key] == nil { rowOrder.append(key) }
            cellsByRow[key, default: []].append((block.column ?? 0, context.trim(range)))
        }
        var tableRowAt: [Int: [Int]] = [:]   // line index -> table row key starting there
        var coveredLines = IndexSet()
        // Metadata lines (front matter, message header fields) are not a printed header: blank rows here.
        var metadataLines = IndexSet()
        let lineStarts = lines.map(\.location)
        func lineIndex(of location: Int) -> Int {
            max(0, lineStarts.partitionPoint { $0 <= location } - 1)
        }
        for (block, range) in context.blocks where block.kind == .field && range.location < limit {
            let first = lineIndex(of: range.location)
            let lastLine = lineIndex(of: max(range.location, range.location + range.length - 1))
            metadataLines.insert(integersIn: first...max(first, lastLine))
        }
        for key in rowOrder {
            guard let cells = cellsByRow[key], !cells.isEmpty else { continue }
            let start = cells.map(\.range.location).min()!
            let end = cells.map { $0.range.location + $0.range.length }.max()!
            let first = lineIndex(of: start)
            let lastLine = lineIndex(of: max(start, end - 1))
            if tableRowAt[first] == nil { tableRowAt[first] = key }
            coveredLines.insert(integersIn: first...max(first, lastLine))
        }
        tabs = Self.tabs(in: context, before: limit)
        var result: [Row] = []
        var emitted = Set<[Int]>()
        for (index, line) in lines.enumerated() {
            if metadataLines.contains(index) {
                result.append(Row(range: line, segments: [], isTable: false))
                continue
            }
            if coveredLines.contains(index) {
                if let key = tableRowAt[index], emitted.insert(key).inserted, let cells = cellsByRow[key] {
                    let segments = cells.sorted { ($0.column, $0.range.location) < ($1.column, $1.range.location) }
                        .filter { $0.range.length > 0 }
                        .map { Segment(range: $0.range, column: 1000 * $0.column) }
                    let start = cells.map(\.range.location).min()!
                    let end = cells.map { $0.range.location + $0.range.length }.max()!
                    result.append(Row(range: NSRange(location: start, length: end - start), segments: segments,
                                      isTable: true))
                }
                continue
            }
            var row = Row(range: line, segments: [], isTable: false)
            row.isSplit = false
            result.append(row)
        }
        rows = result
    }

    /// Splits row `index` into its segments, unless it is split already.
    mutating func split(_ index: Int) {
        guard !rows[index].isSplit, let context else { return }
        rows[index].segments = Self.segments(of: rows[index].range, in: context, gap: columnGap, tabs: tabs)
        rows[index].isSplit = true
    }

    @inline(__always)
    static func isColumnSpace(_ unit: UInt16) -> Bool { unit == 0x20 || unit == 0x09 || unit == 0xA0 }

    /// Splits a line at column gaps: `gap` spaces or more, any run of white space that was a tab in the
    /// ingested text (`tabs`: sorted offsets), and `|` characters.
    static func segments(of line: NSRange, in context: ExtractionContext, gap: Int, tabs: [Int]) -> [Segment] {
        let text = context.scan
        var segments: [Segment] = []
        var start: Int?
        var lastNonSpace = line.location
        var index = line.location
        let end = line.location + line.length
        func close(at stop: Int) {
            if let first = start, stop > first {
                segments.append(Segment(range: NSRange(location: first, length: stop - first),
                                        column: first - line.location))
            }
            start = nil
        }
        while index < end {
            let unit = text.character(at: index)
            if unit == 0x7C { // '|'
                close(at: lastNonSpace)
                index += 1
                continue
            }
            if unit == 0x20 || unit == 0x09 || unit == 0xA0 {
                var runEnd = index
                while runEnd < end, Self.isColumnSpace(text.character(at: runEnd)) { runEnd += 1 }
                let firstTab = tabs.partitionPoint { $0 < index }
                let sawTab = firstTab < tabs.count && tabs[firstTab] < runEnd
                if start != nil, runEnd - index >= gap || sawTab || runEnd == end {
                    close(at: lastNonSpace)
                }
                index = runEnd
                continue
            }
            if start == nil { start = index }
            index += 1
            lastNonSpace = index
        }
        close(at: lastNonSpace)
        return segments
    }
}

extension HeaderLayout {
    /// UTF-16 offsets (before `limit`, in order) of the normalized text's spaces that were tabs in the ingested
    /// text (normalization turns tabs into spaces; antiword and Word separate label and value with one). Found
    /// from the ingested text's tabs, so a document without tabs costs one byte search.
    static func tabs(in context: ExtractionContext, before limit: Int) -> [Int] {
        var ingested = context.document.ingested.text
        let normalized = context.document.normalized
        let scan = context.scan
        let end = min(limit, scan.count)
        let mapped = scan.utf8.count
        var result: [Int] = []
        ingested.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return }
            var from = 0
            while from < bytes.count, let found = memchr(base + from, 0x09, bytes.count - from) {
                let tab = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                from = tab + 1
                // Every normalized byte that came from this tab alone (a space, unless normalization did more).
                var utf8 = normalized.normalizedOffset(forSource: tab)
                if utf8 >= mapped || scan.utf16Offset(utf8) >= end { break }
                while utf8 < mapped {
                    let source = normalized.sourceRange(utf8, utf8 + 1)
                    guard source.start == tab, source.end == tab + 1 else { break }
                    let offset = scan.utf16Offset(utf8)
                    if offset < end, scan[offset] == 0x20, scan.utf8Offset(offset) == utf8 { result.append(offset) }
                    utf8 += 1
                }
            }
        }
        return result
    }
}
