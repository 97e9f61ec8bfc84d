import Foundation

/// Reads ODT (OpenDocument text) documents: `content.xml` in reading order (headings with their outline level,
/// paragraphs, list items, table cells, text boxes), then footnotes and endnotes; `meta.xml` gives the title,
/// creator and dates as fields. Tracked changes are read as accepted: the deleted text ODF keeps in
/// `text:tracked-changes` is dropped. Page headers and footers (in `styles.xml`) are not read.
public struct ODTReader: DocumentReader {
    public let format = DocumentFormat.odt

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        var package = try ZipContainer(data: input.data, format: .odt, limits: input.limits)
        var diagnostics: [Diagnostic] = []
        guard let content = try package.read(named: "content.xml") else {
            throw IngestError("ingest.odt.missing-part", "ODT package has no content.xml",
                              explanation: "The zip holds \(package.members.count) members, but an OpenDocument "
                                  + "text needs content.xml.")
        }
        var parser = OpenDocumentParser()
        do {
            try LibXML.stream(content, limits: input.limits, format: "odt") { parser.handle($0) }
        } catch {
            throw Self.partError(error, part: "content.xml")
        }
        parser.finish()

        var builder = TextBuilder()
        for block in parser.blocks {
            builder.append(block.text, kind: block.kind, level: block.level, table: block.table, row: block.row,
                           column: block.column)
        }
        if !parser.notes.isEmpty {
            builder.appendBlankLine()
            for block in parser.notes { builder.append(block.text, kind: .footnote) }
        }
        if parser.changes > 0 {
            diagnostics.append(Diagnostic(
                id: "ingest.odt.tracked-changes", severity: .note,
                summary: "\(parser.changes) tracked change\(parser.changes == 1 ? "" : "s") resolved as accepted text",
                explanation: "Inserted text is kept and deleted text dropped, as if every change were accepted."))
        }
        if builder.blocks.isEmpty {
            diagnostics.append(Diagnostic(id: "ingest.odt.no-text", severity: .warning,
                                          summary: "ODT document has no text in content.xml"))
        }

        var fields: [Field] = []
        do {
            if let meta = try package.read(named: "meta.xml") {
                fields = try Self.metaFields(meta, limits: input.limits)
            }
        } catch {
            if error.id.hasSuffix(".zip-bomb") || error.id.hasSuffix(".too-large") { throw error }
            let cause = Self.partError(error, part: "meta.xml")
            diagnostics.append(Diagnostic(id: "ingest.odt.malformed-part", severity: .warning,
                                          summary: cause.summary + "; document properties were skipped"))
        }
        return IngestedDocument(source: sourceInfo(input), text: builder.text, blocks: builder.blocks, fields: fields,
                                diagnostics: diagnostics)
    }

    /// Fields `title`, `creator`, `created`, `modified` from `meta.xml`.
    static func metaFields(_ data: Data, limits: IngestLimits) throws(IngestError) -> [Field] {
        let names = ["title": "title", "creator": "creator", "creation-date": "created", "date": "modified"]
        var values: [String: String] = [:]
        var current: String?
        try LibXML.stream(data, limits: limits, format: "odt") { event in
            switch event {
            case .start(let name, _, _, let depth):
                if depth == 2, let field = names[name], values[field] == nil {
                    current = field
                    values[field] = ""
                }
            case .end(_, _, let depth):
                if depth == 2 { current = nil }
            case .text(let text):
                if let current { values[current, default: ""] += text }
            }
        }
        return ["title", "creator", "created", "modified"].compactMap { name in
            let value = TextBuilder.trim(values[name] ?? "").replacingOccurrences(of: "\n", with: " ")
            return value.isEmpty ? nil : Field(name: name, value: value)
        }
    }

    private static func partError(_ error: IngestError, part: String) -> IngestError {
        if error.id.hasSuffix(".malformed") {
            var summary = "ODT part \(part) is not well-formed XML"
            if let line = error.line { summary += " (line \(line))" }
            return IngestError(error.id, summary, explanation: error.explanation)
        }
        return IngestError(error.id, error.summary + " in \(part)", explanation: error.explanation)
    }
}

/// A streaming state machine over an OpenDocument `content.xml`.
struct OpenDocumentParser {
    /// Body blocks in reading order.
    private(set) var blocks: [WordBlock] = []
    /// Footnotes and endnotes, in the order they are cited.
    private(set) var notes: [WordBlock] = []
    /// Tracked changes met (`text:changed-region`).
    private(set) var changes = 0

    private struct Paragraph {
        var text = ""
        var kind: BlockKind
        var level: Int?
    }

    private enum ContainerKind {
        case root
        case cell(table: Int, row: Int, column: Int)
        case textBox
        case note
    }

    private struct Container {
        var kind: ContainerKind
        var lines: [String] = []
    }

    private var skipDepth: Int?
    private var trackedChangesDepth: Int?
    private var paragraphs: [Paragraph] = []
    private var containers: [Container] = [Container(kind: .root)]
    private var tables: [(index: Int, row: Int, column: Int)] = []
    private var tableCount = 0
    private var listDepth = 0
    /// Automatic paragraph styles and the named styles they derive from (`P1` → `Title`).
    private var parentStyles: [String: String] = [:]

    private static let namespaces: [String: String] = [
        "urn:oasis:names:tc:opendocument:xmlns:text:1.0": "text:",
        "urn:oasis:names:tc:opendocument:xmlns:table:1.0": "table:",
        "urn:oasis:names:tc:opendocument:xmlns:office:1.0": "office:",
        "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0": "draw:",
        "urn:oasis:names:tc:opendocument:xmlns:style:1.0": "style:",
    ]

    /// Elements whose content is not visible body text.
    private static let skipped: Set<String> = [
        "office:annotation", "text:note-citation", "table:covered-table-cell", "draw:image", "text:bookmark-ref",
        "office:forms", "text:sequence-decls", "text:variable-decls", "text:user-field-decls",
    ]

    /// Handles one stream event.
    mutating func handle(_ event: XMLStreamEvent) {
        switch event {
        case .start(let name, let namespace, let attributes, let depth):
            guard skipDepth == nil else { return }
            let tag = (namespace.flatMap { Self.namespaces[$0] } ?? "?:") + name
            if trackedChangesDepth != nil {
                if tag == "text:changed-region" { changes += 1 }
                return
            }
            if tag == "text:tracked-changes" {
                trackedChangesDepth = depth
                return
            }
            if Self.skipped.contains(tag) {
                if tag == "table:covered-table-cell", !tables.isEmpty { tables[tables.count - 1].column += 1 }
                skipDepth = depth
                return
            }
            start(tag, attributes: attributes)
        case .end(let name, let namespace, let depth):
            if let skip = skipDepth {
                if depth == skip { skipDepth = nil }
                return
            }
            if let tracked = trackedChangesDepth {
                if depth == tracked { trackedChangesDepth = nil }
                return
            }
            end((namespace.flatMap { Self.namespaces[$0] } ?? "?:") + name)
        case .text(let text):
            guard skipDepth == nil, trackedChangesDepth == nil, !paragraphs.isEmpty else { return }
            // ODF collapses white space in text content; explicit spaces come as text:s.
            let collapsed = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
            paragraphs[paragraphs.count - 1].text += collapsed
        }
    }

    /// Closes what a truncated part left open.
    mutating func finish() {
        while !paragraphs.isEmpty { endParagraph() }
        while containers.count > 1 { endContainer() }
        flushLines(of: 0)
    }

    private mutating func start(_ tag: String, attributes: [(name: String, namespace: String?, value: String)]) {
        func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
        switch tag {
        case "style:style":
            if let name = attribute("name"), let parent = attribute("parent-style-name") {
                parentStyles[name] = parent
            }
        case "text:h":
            let level = attribute("outline-level").flatMap { Int($0) } ?? 1
            paragraphs.append(Paragraph(kind: .heading, level: min(max(level, 1), 10)))
        case "text:p":
            var style = attribute("style-name") ?? ""
            if let parent = parentStyles[style] { style = parent }
            if style == "Title" {
                paragraphs.append(Paragraph(kind: .title))
            } else if listDepth > 0 {
                paragraphs.append(Paragraph(kind: .listItem, level: listDepth))
            } else {
                paragraphs.append(Paragraph(kind: .paragraph))
            }
        case "text:list":
            listDepth += 1
        case "text:tab":
            appendText("\t")
        case "text:s":
            appendText(String(repeating: " ", count: min(max(attribute("c").flatMap { Int($0) } ?? 1, 1), 1000)))
        case "text:line-break":
            appendText("\n")
        case "table:table":
            if case .cell = containers.last?.kind { flushLines(of: containers.count - 1) }
            tables.append((tableCount, -1, -1))
            tableCount += 1
        case "table:table-row":
            if !tables.isEmpty {
                tables[tables.count - 1].row += 1
                tables[tables.count - 1].column = -1
            }
        case "table:table-cell":
            guard !tables.isEmpty else { return }
            tables[tables.count - 1].column += 1
            let table = tables[tables.count - 1]
            containers.append(Container(kind: .cell(table: table.index, row: max(table.row, 0),
                                                    column: table.column)))
            // A cell spanning several columns covers the next ones, which come as covered cells.
        case "text:note":
            containers.append(Container(kind: .note))
        case "draw:text-box":
            containers.append(Container(kind: .textBox))
        default:
            break
        }
    }

    private mutating func end(_ tag: String) {
        switch tag {
        case "text:p", "text:h":
            endParagraph()
        case "text:list":
            listDepth = max(0, listDepth - 1)
        case "table:table-cell":
            if case .cell = containers.last?.kind { endContainer() }
        case "table:table":
            if !tables.isEmpty { tables.removeLast() }
        case "text:note":
            if case .note = containers.last?.kind { endContainer() }
        case "draw:text-box":
            if case .textBox = containers.last?.kind { endContainer() }
        default:
            break
        }
    }

    private mutating func appendText(_ text: String) {
        guard skipDepth == nil, !paragraphs.isEmpty else { return }
        paragraphs[paragraphs.count - 1].text += text
    }

    private mutating func endParagraph() {
        guard let paragraph = paragraphs.popLast() else { return }
        let index = containers.count - 1
        switch containers[index].kind {
        case .cell, .note:
            containers[index].lines.append(paragraph.text)
        case .root, .textBox:
            if !TextBuilder.trim(paragraph.text).isEmpty {
                blocks.append(WordBlock(text: paragraph.text, kind: paragraph.kind, level: paragraph.level))
            }
        }
    }

    private mutating func endContainer() {
        flushLines(of: containers.count - 1)
        if containers.count > 1 { containers.removeLast() }
    }

    private mutating func flushLines(of index: Int) {
        let lines = containers[index].lines.filter { !TextBuilder.trim($0).isEmpty }
        containers[index].lines = []
        guard !lines.isEmpty else { return }
        let text = lines.joined(separator: "\n")
        switch containers[index].kind {
        case .cell(let table, let row, let column):
            blocks.append(WordBlock(text: text, kind: .tableCell, table: table, row: row, column: column))
        case .note:
            notes.append(WordBlock(text: text, kind: .footnote))
        case .root, .textBox:
            blocks.append(WordBlock(text: text, kind: .paragraph))
        }
    }
}
