import Foundation

/// A block of text found in one WordprocessingML part, before it goes into a `TextBuilder`.
struct WordBlock: Equatable, Sendable {
    var text: String
    var kind: BlockKind
    var level: Int?
    var table: Int?
    var row: Int?
    var column: Int?
}

/// What a paragraph style says about paragraphs that use it, after following `w:basedOn`.
struct WordStyleTable: Sendable {
    /// One `w:style` of `styles.xml` (paragraph styles only).
    struct Style: Sendable {
        var name: String?
        var basedOn: String?
        var outlineLevel: Int?
        var numbered: Bool?
        var numberingLevel: Int?
    }

    /// How a style makes a paragraph read.
    struct Role: Equatable, Sendable {
        var kind: BlockKind
        var level: Int?
    }

    var styles: [String: Style] = [:]

    /// Parses `word/styles.xml`.
    static func parse(_ data: Data, limits: IngestLimits) throws(IngestError) -> WordStyleTable {
        var table = WordStyleTable()
        var current: (id: String, style: Style)?
        var stack: [String] = []
        try LibXML.stream(data, limits: limits, format: "docx") { event in
            switch event {
            case .start(let name, _, let attributes, _):
                let parent = stack.last
                stack.append(name)
                switch (name, parent) {
                case ("style", _):
                    let type = attributes.first { $0.name == "type" }?.value ?? "paragraph"
                    if let id = attributes.first(where: { $0.name == "styleId" })?.value, type == "paragraph" {
                        current = (id, Style())
                    } else {
                        current = nil
                    }
                case ("name", "style"):
                    current?.style.name = value(attributes)
                case ("basedOn", "style"):
                    current?.style.basedOn = value(attributes)
                case ("outlineLvl", "pPr"):
                    if stack.count >= 3, stack[stack.count - 3] == "style" {
                        current?.style.outlineLevel = value(attributes).flatMap { Int($0) }
                    }
                case ("numId", "numPr"):
                    current?.style.numbered = value(attributes) != "0"
                case ("ilvl", "numPr"):
                    current?.style.numberingLevel = value(attributes).flatMap { Int($0) }
                default:
                    break
                }
            case .end(let name, _, _):
                stack.removeLast()
                if name == "style", let done = current {
                    if table.styles[done.id] == nil { table.styles[done.id] = done.style }
                    current = nil
                }
            case .text:
                break
            }
        }
        return table
    }

    /// The role of paragraphs with style id `id`: heading (with level), title, list item, or plain paragraph.
    func role(of id: String) -> Role {
        var visited: Set<String> = []
        var next: String? = id
        var numbered: Bool?
        var numberingLevel: Int?
        while let currentID = next, visited.insert(currentID).inserted, visited.count <= 16 {
            guard let style = styles[currentID] else {
                // No styles.xml entry: the ids of built-in styles are still telling.
                if let role = Self.role(ofName: currentID, styleID: true) { return role }
                break
            }
            if let name = style.name, let role = Self.role(ofName: name, styleID: false) {
                if role.kind == .listItem, let level = numberingLevel ?? style.numberingLevel {
                    return Role(kind: .listItem, level: level + 1)
                }
                return role
            }
            if let outline = style.outlineLevel, (0..<9).contains(outline) {
                return Role(kind: .heading, level: outline + 1)
            }
            if numbered == nil { numbered = style.numbered }
            if numberingLevel == nil { numberingLevel = style.numberingLevel }
            next = style.basedOn
        }
        if numbered == true { return Role(kind: .listItem, level: (numberingLevel ?? 0) + 1) }
        return Role(kind: .paragraph, level: nil)
    }

    /// Roles told by a style name (`heading 2`, `Title`, `List Bullet 2`) or a built-in style id (`Heading2`).
    /// Also knows the list styles of the ITU-T (`enumlev1`) and 3GPP/ETSI (`B1`, `B2+`) templates.
    static func role(ofName name: String, styleID: Bool) -> Role? {
        let lower = name.lowercased()
        let compact = lower.replacingOccurrences(of: " ", with: "")
        if compact == "title" { return Role(kind: .title, level: nil) }
        if compact.hasPrefix("heading"), let level = Int(compact.dropFirst("heading".count)), (1...9).contains(level) {
            return Role(kind: .heading, level: level)
        }
        let trailingDigits = compact.reversed().prefix { $0.isASCII && $0.isNumber }
        let level = min(max(Int(String(trailingDigits.reversed())) ?? 1, 1), 9)
        let base = compact.dropLast(trailingDigits.count)
        if ["list", "listbullet", "listnumber", "listparagraph"].contains(base) {
            return Role(kind: .listItem, level: level)
        }
        if base == "enumlev", !trailingDigits.isEmpty { return Role(kind: .listItem, level: level) }
        let bullet = compact.hasSuffix("+") ? compact.dropLast() : Substring(compact)
        if !styleID, bullet.first == "b", let level = Int(bullet.dropFirst()), (1...9).contains(level) {
            return Role(kind: .listItem, level: level)
        }
        return nil
    }

    private static func value(_ attributes: [(name: String, namespace: String?, value: String)]) -> String? {
        attributes.first { $0.name == "val" }?.value
    }
}

/// A streaming state machine over one WordprocessingML part (`document.xml`, a header, footer, footnotes or
/// endnotes part), fed with `LibXML.stream` events. It keeps what a reader of the printed document sees: run text,
/// tabs and breaks, field results (not field codes), inserted and moved-to text (not deleted or moved-from text),
/// text boxes once (the `mc:Choice`, not the `mc:Fallback`), and it turns paragraphs and table cells into blocks.
struct WordprocessingParser {
    /// Which kind of part is parsed, which decides the kinds of the blocks.
    enum Mode: Sendable {
        case body
        case header
        case footer
        case notes
    }

    let mode: Mode
    let styles: WordStyleTable
    /// Blocks found so far, in reading order.
    private(set) var blocks: [WordBlock] = []
    /// Relationship ids of `w:headerReference` and `w:footerReference`, in document order.
    private(set) var headerReferences: [String] = []
    private(set) var footerReferences: [String] = []
    /// Tracked changes met: insertions (including moves to) and deletions (including moves from).
    private(set) var insertions = 0
    private(set) var deletions = 0

    private struct Paragraph {
        var text = ""
        var style: String?
        var numberingID: String?
        var numberingLevel: Int?
        var outlineLevel: Int?
        var markDeleted = false
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
        /// Text of paragraphs whose paragraph mark was deleted: it joins the next paragraph.
        var carry = ""
    }

    private struct Table {
        var index: Int
        var row = -1
        var column = -1
    }

    private var stack: [String] = []
    private var skipDepth: Int?
    private var collecting = false
    private var paragraphs: [Paragraph] = []
    private var containers: [Container] = [Container(kind: .root)]
    private var tables: [Table] = []
    private var tableCount = 0
    private var hiddenRuns: [Bool] = []
    private var placeholderControls: [Bool] = []

    /// A parser for one part.
    init(mode: Mode, styles: WordStyleTable) {
        self.mode = mode
        self.styles = styles
    }

    private static let mainNamespaces: Set<String> = [
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",
    ]
    private static let mathNamespaces: Set<String> = [
        "http://schemas.openxmlformats.org/officeDocument/2006/math",
        "http://purl.oclc.org/ooxml/officeDocument/math",
    ]
    private static let compatibilityNamespace = "http://schemas.openxmlformats.org/markup-compatibility/2006"

    /// Elements whose whole content is not part of the accepted, visible text.
    private static let skipped: Set<String> = [
        "delText", "delInstrText", "instrText", "moveFrom", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
        "tblPrExChange", "trPrChange", "tcPrChange", "tblGridChange", "numberingChange", "rt", "mc:Fallback",
    ]

    /// Handles one stream event.
    mutating func handle(_ event: XMLStreamEvent) {
        switch event {
        case .start(let name, let namespace, let attributes, let depth):
            if skipDepth != nil { return }
            let tag = Self.tag(name, namespace)
            let parent = stack.last
            stack.append(tag)
            start(tag, parent: parent, attributes: attributes, depth: depth)
        case .end(let name, let namespace, let depth):
            if let skip = skipDepth {
                guard depth == skip else { return }
                skipDepth = nil
                stack.removeLast()
                return
            }
            let tag = Self.tag(name, namespace)
            if !stack.isEmpty { stack.removeLast() }
            end(tag)
        case .text(let text):
            if skipDepth == nil, collecting, !paragraphs.isEmpty { paragraphs[paragraphs.count - 1].text += text }
        }
    }

    /// Closes whatever a truncated part left open (a well-formed part leaves nothing).
    mutating func finish() {
        while !paragraphs.isEmpty { endParagraph() }
        while containers.count > 1 { endContainer() }
        endContainer()
    }

    private static func tag(_ name: String, _ namespace: String?) -> String {
        guard let namespace else { return "?:" + name }
        if mainNamespaces.contains(namespace) { return name }
        if mathNamespaces.contains(namespace) { return "m:" + name }
        if namespace == compatibilityNamespace { return "mc:" + name }
        return "?:" + name
    }

    private mutating func skip(depth: Int) {
        skipDepth = depth
        collecting = false
    }

    private mutating func start(_ tag: String, parent: String?,
                                attributes: [(name: String, namespace: String?, value: String)], depth: Int) {
        if Self.skipped.contains(tag) {
            if tag == "moveFrom" { deletions += 1 }
            skip(depth: depth)
            return
        }
        switch tag {
        case "p":
            paragraphs.append(Paragraph())
        case "pStyle" where parent == "pPr":
            setParagraph { $0.style = Self.value(attributes) }
        case "numId" where parent == "numPr":
            setParagraph { $0.numberingID = Self.value(attributes) }
        case "ilvl" where parent == "numPr":
            setParagraph { $0.numberingLevel = Self.value(attributes).flatMap { Int($0) } }
        case "outlineLvl" where parent == "pPr":
            setParagraph { $0.outlineLevel = Self.value(attributes).flatMap { Int($0) } }
        case "r":
            hiddenRuns.append(false)
        case "vanish" where parent == "rPr" && stack.dropLast(2).last == "r":
            if !hiddenRuns.isEmpty { hiddenRuns[hiddenRuns.count - 1] = Self.isOn(attributes) }
        case "t" where parent == "r", "m:t":
            collecting = !(hiddenRuns.last ?? false)
        case "tab" where parent == "r", "ptab" where parent == "r":
            appendRunText("\t")
        case "br" where parent == "r", "cr" where parent == "r":
            appendRunText("\n")
        case "noBreakHyphen" where parent == "r":
            appendRunText("-")
        case "sym" where parent == "r":
            appendRunText(Self.symbol(attributes))
        case "del":
            deletions += 1
            if parent == "rPr" {
                // A deleted paragraph mark: the paragraph runs on into the next one.
                if stack.dropLast(2).last == "pPr" { setParagraph { $0.markDeleted = true } }
            } else if parent == "trPr" {
                // A deleted table row: skip the rest of the row.
                if !tables.isEmpty { tables[tables.count - 1].row -= 1 }
                let rowDepth = depth - 2
                stack.removeLast(2)
                skip(depth: rowDepth)
            } else {
                skip(depth: depth)
            }
        case "ins", "moveTo":
            insertions += 1
        case "tbl":
            startTable()
        case "tr":
            if !tables.isEmpty {
                tables[tables.count - 1].row += 1
                tables[tables.count - 1].column = -1
            }
        case "tc":
            startCell()
        case "txbxContent":
            containers.append(Container(kind: .textBox))
        case "footnote", "endnote":
            let type = attributes.first { $0.name == "type" }?.value ?? "normal"
            if type == "normal" {
                containers.append(Container(kind: .note))
            } else {
                skip(depth: depth)
            }
        case "headerReference", "footerReference":
            if let id = attributes.first(where: { $0.name == "id" && ($0.namespace ?? "").contains("relationships") }) {
                if tag == "headerReference" { headerReferences.append(id.value) } else {
                    footerReferences.append(id.value)
                }
            }
        case "sdt":
            placeholderControls.append(false)
        case "showingPlcHdr" where parent == "sdtPr":
            if !placeholderControls.isEmpty { placeholderControls[placeholderControls.count - 1] = true }
        case "sdtContent":
            // A content control still showing its placeholder ("Click here to enter text") has no real text.
            if placeholderControls.last == true { skip(depth: depth) }
        default:
            break
        }
    }

    private mutating func end(_ tag: String) {
        switch tag {
        case "t", "m:t":
            collecting = false
        case "r":
            if !hiddenRuns.isEmpty { hiddenRuns.removeLast() }
        case "p":
            endParagraph()
        case "tc":
            if case .cell = containers.last?.kind { endContainer() }
        case "tbl":
            if !tables.isEmpty { tables.removeLast() }
        case "txbxContent":
            if case .textBox = containers.last?.kind { endContainer() }
        case "footnote", "endnote":
            if case .note = containers.last?.kind { endContainer() }
        case "sdt":
            if !placeholderControls.isEmpty { placeholderControls.removeLast() }
        default:
            break
        }
    }

    private mutating func setParagraph(_ change: (inout Paragraph) -> Void) {
        guard !paragraphs.isEmpty else { return }
        change(&paragraphs[paragraphs.count - 1])
    }

    private mutating func appendRunText(_ text: String) {
        guard !(hiddenRuns.last ?? false) else { return }
        setParagraph { $0.text += text }
    }

    private mutating func startTable() {
        if case .cell = containers.last?.kind {
            // A table nested in a cell: what the cell said so far comes first, as its own block.
            flushLines(of: containers.count - 1)
        }
        tables.append(Table(index: tableCount))
        tableCount += 1
    }

    private mutating func startCell() {
        guard mode == .body, !tables.isEmpty else { return }
        tables[tables.count - 1].column += 1
        let table = tables[tables.count - 1]
        containers.append(Container(kind: .cell(table: table.index, row: max(table.row, 0), column: table.column)))
    }

    private mutating func endParagraph() {
        guard let paragraph = paragraphs.popLast() else { return }
        let index = containers.count - 1
        if paragraph.markDeleted {
            containers[index].carry += paragraph.text
            return
        }
        let text = containers[index].carry + paragraph.text
        containers[index].carry = ""
        switch containers[index].kind {
        case .cell, .note:
            containers[index].lines.append(text)
        case .root, .textBox:
            emit(text, role: role(of: paragraph))
        }
    }

    private mutating func endContainer() {
        guard !containers.isEmpty else { return }
        let index = containers.count - 1
        if !containers[index].carry.isEmpty {
            let carry = containers[index].carry
            containers[index].carry = ""
            switch containers[index].kind {
            case .cell, .note: containers[index].lines.append(carry)
            case .root, .textBox: emit(carry, role: WordStyleTable.Role(kind: .paragraph, level: nil))
            }
        }
        flushLines(of: index)
        if containers.count > 1 { containers.removeLast() }
    }

    /// Emits the collected lines of a cell or note as one multi-line block.
    private mutating func flushLines(of index: Int) {
        let lines = containers[index].lines.filter { !TextBuilder.trim($0).isEmpty }
        containers[index].lines = []
        guard !lines.isEmpty else { return }
        let text = lines.joined(separator: "\n")
        switch containers[index].kind {
        case .cell(let table, let row, let column):
            blocks.append(WordBlock(text: text, kind: .tableCell, table: table, row: row, column: column))
        default:
            emit(text, role: WordStyleTable.Role(kind: .paragraph, level: nil))
        }
    }

    private mutating func emit(_ text: String, role: WordStyleTable.Role) {
        guard !TextBuilder.trim(text).isEmpty else { return }
        switch mode {
        case .body: blocks.append(WordBlock(text: text, kind: role.kind, level: role.level))
        case .header: blocks.append(WordBlock(text: text, kind: .header))
        case .footer: blocks.append(WordBlock(text: text, kind: .footer))
        case .notes: blocks.append(WordBlock(text: text, kind: .footnote))
        }
    }

    private func role(of paragraph: Paragraph) -> WordStyleTable.Role {
        if let outline = paragraph.outlineLevel, (0..<9).contains(outline) {
            return WordStyleTable.Role(kind: .heading, level: outline + 1)
        }
        let styleRole = paragraph.style.map { styles.role(of: $0) }
        if let styleRole, styleRole.kind != .paragraph, styleRole.kind != .listItem { return styleRole }
        if let id = paragraph.numberingID {
            if id != "0" {
                return WordStyleTable.Role(kind: .listItem, level: (paragraph.numberingLevel ?? 0) + 1)
            }
            // Numbering removed on the paragraph itself.
            return WordStyleTable.Role(kind: .paragraph, level: nil)
        }
        return styleRole ?? WordStyleTable.Role(kind: .paragraph, level: nil)
    }

    private static func value(_ attributes: [(name: String, namespace: String?, value: String)]) -> String? {
        attributes.first { $0.name == "val" }?.value
    }

    /// Whether a toggle property (`<w:vanish/>`, `<w:vanish w:val="false"/>`) is on.
    private static func isOn(_ attributes: [(name: String, namespace: String?, value: String)]) -> Bool {
        guard let value = value(attributes)?.lowercased() else { return true }
        return !["0", "false", "off"].contains(value)
    }

    /// Symbol-font code points that are not letters.
    private static let symbolFont: [UInt32: String] = [
        0x2D: "\u{2212}", 0xA3: "≤", 0xA5: "∞", 0xAC: "←", 0xAD: "↑", 0xAE: "→", 0xAF: "↓", 0xB0: "°", 0xB1: "±",
        0xB3: "≥", 0xB4: "×", 0xB5: "∝", 0xB7: "•", 0xB8: "÷", 0xB9: "≠", 0xBA: "≡", 0xBB: "≈", 0xD2: "®", 0xD3: "©",
        0xD4: "™", 0xD7: "·", 0xE2: "®", 0xE3: "©", 0xE4: "™",
    ]
    /// The Symbol font's A–Z then a–z, as Greek letters.
    private static let symbolGreek = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖαβχδεφγηιϕκλμνοπθρστυϖωξψζ"

    /// The character of a `w:sym`: Symbol and Wingdings code points mapped for the few that matter in text.
    private static func symbol(_ attributes: [(name: String, namespace: String?, value: String)]) -> String {
        guard let hex = attributes.first(where: { $0.name == "char" })?.value, let code = UInt32(hex, radix: 16)
        else { return "" }
        let font = (attributes.first { $0.name == "font" }?.value ?? "").lowercased()
        let low = code >= 0xF000 && code <= 0xF0FF ? code - 0xF000 : code
        if font.hasPrefix("symbol") {
            if let mapped = symbolFont[low] { return mapped }
            if low >= 0x41, low <= 0x7A, let scalar = Unicode.Scalar(low) {
                // Latin letters of the Symbol font are Greek ones.
                let letters = Array(symbolGreek)
                let index = scalar.properties.isUppercase ? Int(low - 0x41) : Int(low - 0x61) + 26
                if (0..<letters.count).contains(index), scalar.properties.isAlphabetic { return String(letters[index]) }
            }
            if low >= 0x20, low < 0x7F, let scalar = Unicode.Scalar(low) { return String(Character(scalar)) }
            return ""
        }
        if font.hasPrefix("wingdings") {
            let table: [UInt32: String] = [
                0x9F: "•", 0xA7: "▪", 0xD8: "➢", 0xDF: "←", 0xE0: "→", 0xE8: "➔", 0xFB: "✗", 0xFC: "✓",
            ]
            return table[low] ?? ""
        }
        if code >= 0xE000 && code <= 0xF8FF { return "" }
        return Unicode.Scalar(code).map { String(Character($0)) } ?? ""
    }
}
