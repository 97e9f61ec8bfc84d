import Foundation

/// Reads Word 97-2003 (.doc) through antiword and PDF through pdftotext (`ConverterTable`), then splits the
/// converter's text into blocks.
///
/// The ingested text is the converter's output with line ends normalized, trailing blanks and runs of blank lines
/// dropped, and (PDF) each form feed (page break) turned into a line break. Blocks:
/// - .doc: antiword writes one paragraph per line (`-w 0`), so every line is a paragraph or a list item. Tables
///   come out as lines of `|`-separated cells (one line per visual row; a cell that wraps continues on the next
///   lines, in the same column); each non-empty cell of each line is a `.tableCell` block with its table, the
///   visual row and the column.
/// - .pdf: paragraphs are runs of non-blank lines (pdftotext -layout keeps columns side by side); a line that
///   starts with a bullet starts a list item. Running headers and footers become `.header`/`.footer` blocks: a
///   page number alone on a line ("- 2 -", "Page 2 of 4", "2") at the top or bottom of a page, a short line
///   repeated in the top (or bottom) three lines of at least half the pages (digits compared as one), and a short
///   line right under a page number at the top of a page that the first page also shows near its top (the
///   document number ITU-T repeats under the page number).
///
/// Tracked changes in .doc: antiword's plain mode prints deleted text with the inserted text and no markers;
/// its `-f` (formatted text) mode leaves deleted text out, and otherwise prints the same text. The reader counts
/// revision marks in the file itself (`WordRevisionMarks`): a document with marks gets the note
/// `ingest.doc.tracked-changes` when the converter is antiword with `-f` and without `-r` (changes accepted),
/// and the warning `ingest.doc.tracked-changes-merged` otherwise.
public struct ConvertedReader: DocumentReader {
    public let format: DocumentFormat

    /// A reader for `.doc` or `.pdf`.
    public init(format: DocumentFormat) {
        self.format = format
    }

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        let converter = format == .pdf ? input.converters.pdf : input.converters.doc
        let output = try ExternalConverter(converter: converter, format: format, limits: input.limits).run(on: input)
        var diagnostics: [Diagnostic] = []
        let raw: String
        if let valid = String(validating: output.stdout, as: UTF8.self) {
            raw = valid
        } else {
            raw = String(decoding: output.stdout, as: UTF8.self)
            diagnostics.append(Diagnostic(
                id: "ingest.\(format.rawValue).invalid-utf8", severity: .warning,
                summary: "\(converter.command) output is not valid UTF-8; bad bytes were replaced with U+FFFD",
                explanation: "Check that the converter arguments ask for UTF-8 output."))
        }
        let pages = Self.pages(of: raw, splitOnFormFeed: format == .pdf)
        guard pages.contains(where: { $0.contains { !$0.isEmpty } }) else {
            if format == .pdf {
                throw IngestError("ingest.pdf.no-text", "PDF has no text layer; it may be a scanned image",
                                  explanation: "Run OCR on it (for example ocrmypdf) and ingest the result.")
            }
            throw IngestError("ingest.\(format.rawValue).no-text", "\(converter.command) found no text in the document")
        }
        if let line = ExternalConverter.firstLine(output.stderr) {
            diagnostics.append(Diagnostic(id: "ingest.\(format.rawValue).converter-message", severity: .note,
                                          summary: "\(converter.command) reported: \(line)"))
        }
        var fields: [Field] = []
        let layout: Layout
        if format == .pdf {
            layout = Self.pdfLayout(pages)
            fields.append(Field(name: "pages", value: String(pages.count)))
        } else {
            layout = Self.docLayout(pages.flatMap { $0 })
            if let diagnostic = Self.trackedChanges(in: input.data, converter: converter) {
                diagnostics.append(diagnostic)
            }
        }
        return IngestedDocument(source: sourceInfo(input), text: layout.text, blocks: layout.blocks, fields: fields,
                                diagnostics: diagnostics)
    }

    // MARK: - Text

    /// The converter output as pages of lines: CRLF and CR to LF, trailing blanks dropped, runs of blank lines
    /// reduced to one, no blank lines at the ends of a page.
    static func pages(of text: String, splitOnFormFeed: Bool) -> [[String]] {
        let unified = text.contains("\r") ? text.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n") : text
        var pageTexts = splitOnFormFeed ? unified.split(separator: "\u{0C}", omittingEmptySubsequences: false)
            .map(String.init) : [unified.replacingOccurrences(of: "\u{0C}", with: "\n")]
        // pdftotext ends the last page with a form feed too.
        if pageTexts.count > 1, pageTexts.last?.allSatisfy({ $0.isWhitespace }) == true { pageTexts.removeLast() }
        return pageTexts.map { page in
            var lines: [String] = []
            for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
                var trimmed = Substring(line)
                while let last = trimmed.last, last == " " || last == "\t" { trimmed = trimmed.dropLast() }
                if trimmed.isEmpty, lines.last?.isEmpty ?? true { continue }
                lines.append(String(trimmed))
            }
            while lines.last?.isEmpty == true { lines.removeLast() }
            return lines
        }
    }

    /// Ingested text and blocks.
    struct Layout {
        var text = ""
        var blocks: [Block] = []
        fileprivate var offset = 0

        /// Appends a line and returns the byte offset where it starts.
        fileprivate mutating func append(line: String) -> Int {
            let start = offset
            text += line
            text += "\n"
            offset += line.utf8.count + 1
            return start
        }
    }

    // MARK: - Word

    static func docLayout(_ lines: [String]) -> Layout {
        var layout = Layout()
        var table = -1
        var row = 0
        var inTable = false
        for line in lines {
            let start = layout.append(line: line)
            guard let content = contentRange(of: line) else {
                inTable = false
                continue
            }
            if let cells = tableCells(line) {
                if !inTable {
                    table += 1
                    row = 0
                    inTable = true
                } else {
                    row += 1
                }
                for (column, cell) in cells.enumerated() where !cell.isEmpty {
                    layout.blocks.append(Block(kind: .tableCell, range: SourceRange(start + cell.lowerBound,
                                                                                    start + cell.upperBound),
                                               table: table, row: row, column: column))
                }
                continue
            }
            inTable = false
            let kind: BlockKind = isListItem(line) ? .listItem : .paragraph
            layout.blocks.append(Block(kind: kind, range: SourceRange(start + content.lowerBound,
                                                                      start + content.upperBound)))
        }
        return layout
    }

    /// The UTF-8 byte range of `line` without white space at either end (no-break spaces included), nil for a
    /// blank line.
    static func contentRange(of line: String) -> Range<Int>? {
        let scalars = scalarOffsets(line)
        let range = trimmed(scalars, 0..<scalars.count)
        return range.isEmpty ? nil : scalars[range.lowerBound].offset..<scalars[range.upperBound - 1].end
    }

    /// For an antiword table line (`|cell|cell|`), the byte range of each cell's text without its padding
    /// (empty ranges for empty cells); nil for other lines.
    static func tableCells(_ line: String) -> [Range<Int>]? {
        let scalars = scalarOffsets(line)
        let content = trimmed(scalars, 0..<scalars.count)
        guard content.count >= 2, scalars[content.lowerBound].scalar == "|",
              scalars[content.upperBound - 1].scalar == "|" else { return nil }
        var cells: [Range<Int>] = []
        var cellStart = content.lowerBound + 1
        for index in (content.lowerBound + 1)..<content.upperBound where scalars[index].scalar == "|" {
            let cell = trimmed(scalars, cellStart..<index)
            let offset = scalars[cellStart].offset
            cells.append(cell.isEmpty ? offset..<offset
                            : scalars[cell.lowerBound].offset..<scalars[cell.upperBound - 1].end)
            cellStart = index + 1
        }
        return cells
    }

    /// Each scalar of `line` with its UTF-8 byte offsets.
    private static func scalarOffsets(_ line: String) -> [(scalar: Unicode.Scalar, offset: Int, end: Int)] {
        var result: [(scalar: Unicode.Scalar, offset: Int, end: Int)] = []
        var offset = 0
        for scalar in line.unicodeScalars {
            let end = offset + UTF8.width(scalar)
            result.append((scalar, offset, end))
            offset = end
        }
        return result
    }

    /// `range` (of scalar indexes) without white space at either end.
    private static func trimmed(_ scalars: [(scalar: Unicode.Scalar, offset: Int, end: Int)],
                                _ range: Range<Int>) -> Range<Int> {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high, scalars[low].scalar.properties.isWhitespace { low += 1 }
        while high > low, scalars[high - 1].scalar.properties.isWhitespace { high -= 1 }
        return low..<high
    }

    /// A line that starts with a bullet (•, –, -, *, ·, ▪, o...) followed by a space or tab.
    static func isListItem(_ line: String) -> Bool {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard let first = trimmed.first, let second = trimmed.dropFirst().first else { return false }
        let bullets: Set<Character> = ["\u{2022}", "\u{2013}", "-", "*", "\u{00B7}", "\u{25AA}", "\u{25E6}",
                                       "\u{F0B7}", "\u{F0A7}", "\u{25CF}", "\u{25CB}", "\u{25A0}", "\u{25A1}",
                                       "\u{27A2}", "\u{00D8}"]
        if second == "\t" { return bullets.contains(first) || first == "o" }
        return second == " " && bullets.contains(first)
    }

    /// The tracked-changes diagnostic for a .doc, if it has revision marks.
    static func trackedChanges(in data: Data, converter: Converter) -> Diagnostic? {
        guard let marks = WordRevisionMarks.scan(data), !marks.isEmpty else { return nil }
        let program = converter.command.split(separator: "/").last.map(String.init) ?? converter.command
        let accepts = program == "antiword" && converter.arguments.contains("-f") && !converter.arguments.contains("-r")
        let counts = "\(marks.deletedRuns) deleted and \(marks.insertedRuns) inserted runs"
        if accepts || marks.deletedRuns == 0 {
            return Diagnostic(id: "ingest.doc.tracked-changes", severity: .note,
                              summary: "document has tracked changes (\(counts)); text shown with changes accepted")
        }
        return Diagnostic(
            id: "ingest.doc.tracked-changes-merged", severity: .warning,
            summary: "document has tracked changes (\(counts)); deleted and inserted text are merged",
            explanation: "The text reads as old and new values run together (\"SP-170780190531\"). antiword leaves "
                + "deleted text out with -f: add \"-f\" to converters.doc.arguments in the pipeline file.")
    }

    // MARK: - PDF

    private enum Running { case header, footer }

    static func pdfLayout(_ pages: [[String]]) -> Layout {
        let running = runningLines(pages)
        let documentWidth = textWidth(pages)
        var layout = Layout()
        var paragraph: (kind: BlockKind, start: Int, end: Int)?
        var previous: LineShape?
        func close(_ layout: inout Layout) {
            if let open = paragraph {
                layout.blocks.append(Block(kind: open.kind, range: SourceRange(open.start, open.end)))
            }
            paragraph = nil
            previous = nil
        }
        for (pageIndex, lines) in pages.enumerated() {
            if pageIndex > 0 {
                close(&layout)
                _ = layout.append(line: "")
            }
            let width = textWidth([lines], fallback: documentWidth)
            for (lineIndex, line) in lines.enumerated() {
                let start = layout.append(line: line)
                guard let content = contentRange(of: line) else {
                    close(&layout)
                    continue
                }
                let range = SourceRange(start + content.lowerBound, start + content.upperBound)
                if let kind = running[pageIndex][lineIndex] {
                    close(&layout)
                    layout.blocks.append(Block(kind: kind == .header ? .header : .footer, range: range))
                    continue
                }
                let shape = LineShape(line)
                if let before = previous, paragraph != nil, shape.continues(before, width: width) {
                    paragraph?.end = range.end
                } else {
                    close(&layout)
                    paragraph = (shape.isListItem ? .listItem : .paragraph, range.start, range.end)
                }
                previous = shape
            }
            close(&layout)
        }
        return layout
    }

    /// The right margin of the text, in characters: the 90th percentile of where lines of 20 characters or more
    /// without column gaps end; `fallback` when fewer than 8 lines say.
    static func textWidth(_ pages: [[String]], fallback: Int = 80) -> Int {
        let ends = pages.joined().map(LineShape.init).filter { !$0.hasGap && $0.end - $0.indent >= 20 }.map(\.end)
            .sorted()
        guard ends.count >= 8 else { return fallback }
        return ends[min(ends.count - 1, ends.count * 9 / 10)]
    }

    /// Where a pdftotext -layout line's text sits, to tell paragraph breaks from wrapped lines.
    struct LineShape {
        /// Column of the first character.
        var indent = 0
        /// Column after the last character.
        var end = 0
        /// Length of the first word.
        var firstWord = 0
        /// Columns where text resumes after a run of three or more spaces (side-by-side columns, forms).
        var gapColumns: [Int] = []
        /// Column where a list item's text starts after its bullet.
        var bulletTextColumn: Int?
        /// Column where the text after a short label starts ("a) text", "NOTE 1: text").
        var labelTextColumn: Int?
        var isListItem = false
        /// The line ends with `.`, `:`, `;`, `!` or `?`.
        var endsSentence = false
        /// The line starts with an uppercase letter or a digit.
        var startsSentence = false

        var hasGap: Bool { !gapColumns.isEmpty }

        init(_ line: String) {
            let characters = Array(line)
            guard let first = characters.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return }
            indent = first
            end = (characters.lastIndex(where: { $0 != " " && $0 != "\t" }) ?? first) + 1
            firstWord = characters[first...].prefix { $0 != " " && $0 != "\t" }.count
            endsSentence = [".", ":", ";", "!", "?"].contains(characters[end - 1])
            startsSentence = characters[first].isUppercase || characters[first].isNumber
            var spaces = 0
            for column in first..<end {
                if characters[column] == " " || characters[column] == "\t" {
                    spaces += 1
                } else {
                    if spaces >= 3 { gapColumns.append(column) }
                    spaces = 0
                }
            }
            // A short label ending in ")", "." or ":" ("a)", "1.", "NOTE 1:"), then text.
            var column = first
            var words = 0
            while column < end, column - first <= 12, words < 2 {
                let wordEnd = characters[column..<end].firstIndex { $0 == " " || $0 == "\t" } ?? end
                words += 1
                if [")", ".", ":"].contains(characters[wordEnd - 1]) {
                    labelTextColumn = characters[wordEnd..<end].firstIndex { $0 != " " && $0 != "\t" }
                    break
                }
                column = characters[wordEnd..<end].firstIndex { $0 != " " && $0 != "\t" } ?? end
            }
            isListItem = ConvertedReader.isListItem(line)
            if isListItem {
                let afterBullet = characters[(first + 1)...].firstIndex { $0 != " " && $0 != "\t" }
                bulletTextColumn = afterBullet
                if let afterBullet { gapColumns.removeAll { $0 == afterBullet } }
            }
        }

        /// Whether this line continues the block that `previous` is in.
        func continues(_ previous: LineShape, width: Int) -> Bool {
            if isListItem || fitsAfter(previous, width) { return false }
            if previous.hasGap || hasGap {
                // Forms and columns: only a line aligned under a column of the line above continues it.
                return previous.gapColumns.contains { abs($0 - indent) <= 1 } || aligned(previous.bulletTextColumn)
                    || aligned(previous.labelTextColumn)
            }
            // A list item's next lines are indented past its bullet.
            if previous.bulletTextColumn != nil { return indent > previous.indent }
            // More indented: a new paragraph, unless aligned under the text after a label ("a)", "NOTE 1:").
            if indent > previous.indent + 2 { return aligned(previous.labelTextColumn) }
            // Much less indented: the line above stood apart (a right-aligned number in a title block).
            return indent + 8 >= previous.indent
        }

        /// Whether this line starts at `column`, give or take one (proportional fonts).
        private func aligned(_ column: Int?) -> Bool {
            column.map { abs($0 - indent) <= 1 } ?? false
        }

        /// Whether this line's first word would have fitted at the end of `previous` (so `previous` ended early).
        /// Characters are not all as wide in the PDF, so a word fits only with room to spare, unless `previous`
        /// ends a sentence and this line starts like a new one.
        private func fitsAfter(_ previous: LineShape, _ width: Int) -> Bool {
            let slack = previous.endsSentence && startsSentence ? 0 : width / 8
            return previous.end + 1 + firstWord <= width - slack
        }
    }

    /// For each page and line, whether it is a running header or footer.
    private static func runningLines(_ pages: [[String]]) -> [[Running?]] {
        var result = pages.map { [Running?](repeating: nil, count: $0.count) }
        guard pages.count >= 2 else { return result }
        let regionSize = 3
        // Indexes of the first and last non-blank lines of each page.
        let tops = pages.map { lines in Array(lines.indices.filter { !lines[$0].isEmpty }.prefix(regionSize)) }
        let bottoms = pages.map { lines in Array(lines.indices.filter { !lines[$0].isEmpty }.suffix(regionSize)) }

        // Page numbers.
        for page in pages.indices {
            for index in tops[page] where isPageNumber(pages[page][index]) { result[page][index] = .header }
            for index in bottoms[page] where isPageNumber(pages[page][index]) && result[page][index] == nil {
                result[page][index] = .footer
            }
        }
        // Short lines repeated on at least half the pages, in the same region.
        for (region, kind) in [(tops, Running.header), (bottoms, Running.footer)] {
            var pagesWith: [String: Set<Int>] = [:]
            for page in pages.indices {
                for index in region[page] {
                    guard let key = repetitionKey(pages[page][index]) else { continue }
                    pagesWith[key, default: []].insert(page)
                }
            }
            for page in pages.indices {
                for index in region[page] where result[page][index] == nil {
                    guard let key = repetitionKey(pages[page][index]), let found = pagesWith[key],
                          found.count >= 2, found.count * 2 >= pages.count else { continue }
                    // On the first page (often a title page), only its first or last line.
                    if page == 0, index != (kind == .header ? region[page].first : region[page].last) { continue }
                    result[page][index] = kind
                }
            }
        }
        // The document number under a page number, also shown near the top of the first page.
        let firstPageTop = pages[0].prefix(12).map(collapsed).joined(separator: "\n")
        for page in pages.indices.dropFirst() {
            let top = tops[page]
            for (position, index) in top.enumerated().dropFirst() where result[page][index] == nil {
                guard result[page][top[position - 1]] == .header, isPageNumber(pages[page][top[position - 1]]) else {
                    continue
                }
                let line = collapsed(pages[page][index])
                if line.count <= 40, firstPageTop.contains(line) { result[page][index] = .header }
            }
        }
        return result
    }

    /// The line with runs of blanks reduced to one space, trimmed.
    private static func collapsed(_ line: String) -> String {
        line.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// How a line is compared across pages: collapsed, runs of digits as `#`; nil when too long to be a header.
    private static func repetitionKey(_ line: String) -> String? {
        let text = collapsed(line)
        guard !text.isEmpty, text.count <= 160 else { return nil }
        var key = ""
        var lastWasDigit = false
        for character in text {
            if character.isASCII, character.isNumber {
                if !lastWasDigit { key.append("#") }
                lastWasDigit = true
            } else {
                key.append(character)
                lastWasDigit = false
            }
        }
        return key
    }

    /// "2", "- 2 -", "-2-", "– 2 –", "Page 2", "Page 2 of 4", "2/4", "[2]" (a bare number has at most 3 digits).
    static func isPageNumber(_ line: String) -> Bool {
        var text = collapsed(line).lowercased()
        guard !text.isEmpty, text.count <= 20 else { return false }
        for (open, close) in [("-", "-"), ("–", "–"), ("—", "—"), ("[", "]"), ("(", ")")]
        where text.hasPrefix(open) && text.hasSuffix(close) && text.count > 2 {
            text = String(text.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
            break
        }
        let paged = text.hasPrefix("page ")
        if paged { text = String(text.dropFirst(5)) }
        let parts = text.components(separatedBy: " of ").flatMap { $0.components(separatedBy: "/") }
        guard parts.count <= 2 else { return false }
        return parts.allSatisfy { part in
            let part = part.trimmingCharacters(in: .whitespaces)
            return !part.isEmpty && part.count <= (parts.count == 1 && !paged ? 3 : 4)
                && part.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }
}
