/// Turns a walk over a markup tree (HTML, RFCXML, Metanorma) into blocks. The walker says where blocks start
/// and end and hands over text; the builder joins inline text with HTML white-space rules (runs collapse to one
/// space, nothing is glued, nothing is doubled), keeps white space in preformatted blocks, and records kinds,
/// table positions and source lines.
///
/// Blocks nest the way markup does: a paragraph inside a list item or a table cell becomes a line of that item
/// or cell ("atomic" blocks), while a list nested in a list item splits it, and the item's remaining text
/// continues as another block of the same kind.
struct FlowBuilder {
    /// What the next block will be.
    struct Template {
        var kind: BlockKind
        var level: Int?
        var table: Int?
        var row: Int?
        var column: Int?
        var sourceLine: Int?
        var name: String?
        /// Nested paragraphs become lines of this block instead of blocks of their own.
        var atomic = false
        /// White space is kept as is (pre, artwork, source code).
        var preserve = false
        /// Text put before the block's first content, such as a reference label.
        var prefix: String?
        /// The block is a label for the next block (a definition term): its text is carried over instead of
        /// becoming a block, when it is one line.
        var label = false
    }

    /// Text waiting to start the next block; a bracketed reference label also makes that block a reference.
    private struct Carry {
        var text: String
        var kind: BlockKind?
        var name: String?
        var line: Int?
    }

    private(set) var builder = TextBuilder()
    private var owners: [Template] = []
    /// For each open paragraph: whether it is only lines of an atomic block.
    private var paragraphs: [Bool] = []
    private var buffer = ""
    private var bufferTemplate: Template?
    private var pendingSpace = false
    private var carry: Carry?
    private var tables: [(index: Int, row: Int, column: Int)] = []
    private var tableCount = 0
    private var deferred: [(text: String, line: Int?)] = []

    /// The blocks so far (flush first).
    var blocks: [Block] { builder.blocks }
    /// The text so far (flush first).
    var text: String { builder.text }

    // MARK: Blocks

    /// Ends the inline text collected so far as a block.
    mutating func flush() {
        defer {
            buffer = ""
            bufferTemplate = nil
            pendingSpace = false
        }
        guard let template = bufferTemplate, buffer.unicodeScalars.contains(where: { !Self.isSpace($0) }) else {
            return
        }
        builder.append(buffer, kind: template.kind, level: template.level, table: template.table, row: template.row,
                       column: template.column, sourceLine: template.sourceLine, name: template.name)
    }

    /// Starts a block of its own (heading, list item, cell, code). Text until `end()` goes into it.
    mutating func begin(_ template: Template) {
        flush()
        owners.append(template)
    }

    /// Ends the block started last.
    mutating func end() {
        if let owner = owners.last, owner.label, let template = bufferTemplate, !buffer.contains("\n") {
            let text = TextBuilder.trim(buffer)
            buffer = ""
            bufferTemplate = nil
            pendingSpace = false
            if !text.isEmpty { carryLabel(text, line: template.sourceLine) }
        }
        flush()
        if !owners.isEmpty { owners.removeLast() }
    }

    /// A definition term carried into its description: "TIME-REQ-01: The RoIP terminal...", and for reference
    /// lists "[RFC2119] Bradner, S., ..." as a `.reference` block named "RFC2119".
    private mutating func carryLabel(_ text: String, line: Int?) {
        let inner = text.dropFirst().dropLast()
        if text.count > 2, text.hasPrefix("["), text.hasSuffix("]"), !inner.contains("]"), !inner.contains("[") {
            carry = Carry(text: text, kind: .reference, name: String(inner), line: line)
            return
        }
        guard let last = text.unicodeScalars.last else { return }
        let punctuated = ":.;)]-–—".unicodeScalars.contains(last)
        setCarry(punctuated ? text : text + ":", line: line)
    }

    /// A paragraph: a block of its own, or new lines within an enclosing atomic block.
    mutating func beginParagraph(line: Int?, kind: BlockKind = .paragraph, name: String? = nil) {
        if owners.last?.atomic == true {
            softBreak()
            paragraphs.append(true)
        } else {
            begin(Template(kind: kind, sourceLine: line, name: name))
            paragraphs.append(false)
        }
    }

    /// Ends a paragraph started with `beginParagraph`.
    mutating func endParagraph() {
        if paragraphs.popLast() == true { softBreak() } else { end() }
    }

    /// A structural boundary (div, section, list, table): ends the current block, or breaks the line inside an
    /// atomic block.
    mutating func boundary() {
        if owners.last?.atomic == true { softBreak() } else { flush() }
    }

    /// Appends a whole block at once (reference entries, fields rendered as text).
    mutating func block(_ text: String, _ template: Template) {
        flush()
        builder.append(text, kind: template.kind, level: template.level, table: template.table, row: template.row,
                       column: template.column, sourceLine: template.sourceLine, name: template.name)
    }

    /// Text to put before the next block's first content (a clause number, a term label).
    mutating func setCarry(_ text: String, line: Int?) {
        let trimmed = Self.collapse(text)
        guard !trimmed.isEmpty else { return }
        if carry == nil {
            carry = Carry(text: trimmed, line: line)
        } else {
            carry!.text += " " + trimmed
        }
    }

    /// Emits carried text that no block took (a term without a definition) as a paragraph of its own.
    mutating func finishCarry(line: Int?) {
        guard let pending = carry else { return }
        flush()
        builder.append(pending.text, kind: .paragraph, sourceLine: pending.line ?? line)
        carry = nil
    }

    /// A block kept aside and appended by `emitDeferred()` (footnotes after their paragraph or table).
    mutating func deferBlock(_ text: String, line: Int?) {
        let trimmed = Self.collapse(text)
        if !trimmed.isEmpty { deferred.append((trimmed, line)) }
    }

    /// Appends the blocks kept aside.
    mutating func emitDeferred() {
        guard !deferred.isEmpty else { return }
        flush()
        for (text, line) in deferred { builder.append(text, kind: .footnote, sourceLine: line) }
        deferred.removeAll()
    }

    /// Ends everything: the last block, any carried text, deferred blocks.
    mutating func finish() {
        flush()
        finishCarry(line: nil)
        emitDeferred()
    }

    // MARK: Text

    /// Appends text from a text node at `line` (the line the node starts on).
    mutating func text(_ string: String, line: Int?) {
        if owners.last?.preserve == true {
            if bufferTemplate == nil { start(line: line) }
            buffer += string.contains("\r") ? string.replacingOccurrences(of: "\r\n", with: "\n") : string
            return
        }
        var line = line
        for scalar in string.unicodeScalars {
            if Self.isSpace(scalar) {
                if scalar == "\n", bufferTemplate == nil, let current = line { line = current + 1 }
                pendingSpace = true
                continue
            }
            if bufferTemplate == nil { start(line: line) }
            if pendingSpace, !buffer.isEmpty, !buffer.hasSuffix("\n") {
                buffer.unicodeScalars.append(" ")
            }
            pendingSpace = false
            buffer.unicodeScalars.append(scalar)
        }
    }

    /// Marks a possible word break between two elements: a space unless one is already there.
    mutating func space() {
        pendingSpace = true
    }

    /// A line break inside the block (`<br>`).
    mutating func lineBreak() {
        guard bufferTemplate != nil else { return }
        if owners.last?.preserve == true {
            buffer += "\n"
        } else if !buffer.hasSuffix("\n\n") {
            buffer += "\n"
        }
        pendingSpace = false
    }

    private mutating func softBreak() {
        guard bufferTemplate != nil, !buffer.isEmpty, !buffer.hasSuffix("\n") else { return }
        buffer += "\n"
        pendingSpace = false
    }

    private mutating func start(line: Int?) {
        var template = owners.last ?? Template(kind: .paragraph, sourceLine: line)
        if template.sourceLine == nil { template.sourceLine = line }
        let prefix = [owners.last?.prefix, carry?.text].compactMap { $0 }.joined(separator: " ")
        if let kind = carry?.kind {
            template.kind = kind
            template.name = carry?.name
            template.sourceLine = carry?.line ?? template.sourceLine
        } else if template.sourceLine == nil {
            template.sourceLine = carry?.line
        }
        if !owners.isEmpty, owners[owners.count - 1].prefix != nil { owners[owners.count - 1].prefix = nil }
        carry = nil
        template.prefix = nil
        bufferTemplate = template
        buffer = prefix
        pendingSpace = !prefix.isEmpty
    }

    // MARK: Tables

    /// Starts a table; cells get its index (0-based, in document order).
    mutating func beginTable() {
        flush()
        tables.append((tableCount, -1, 0))
        tableCount += 1
    }

    /// Ends the innermost table.
    mutating func endTable() {
        flush()
        if !tables.isEmpty { tables.removeLast() }
    }

    /// Starts a row of the innermost table.
    mutating func beginRow() {
        guard !tables.isEmpty else { return }
        tables[tables.count - 1].row += 1
        tables[tables.count - 1].column = 0
    }

    /// The template of the next cell of the current row; `span` columns are taken.
    mutating func cell(line: Int?, span: Int = 1) -> Template {
        if tables.isEmpty { beginTable() }
        if tables[tables.count - 1].row < 0 { beginRow() }
        let current = tables[tables.count - 1]
        tables[tables.count - 1].column += max(1, span)
        return Template(kind: .tableCell, table: current.index, row: current.row, column: current.column,
                        sourceLine: line, atomic: true)
    }

    // MARK: Helpers

    /// HTML white space, plus no-break space (it only ever separates words in these formats).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "\n", "\r", "\u{0C}", "\u{A0}": return true
        default: return false
        }
    }

    /// `string` with white-space runs collapsed to single spaces and trimmed.
    static func collapse(_ string: String) -> String {
        var out = String.UnicodeScalarView()
        var pending = false
        for scalar in string.unicodeScalars {
            if isSpace(scalar) {
                pending = !out.isEmpty
            } else {
                if pending { out.append(" ") }
                pending = false
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// The line a text node starts on: libxml2 records the line where the node's first chunk ends.
    static func startLine(of node: XMLNode, parentLine: Int?) -> Int? {
        guard node.line > 0 else { return parentLine }
        let newlines = node.text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        return max(parentLine ?? 1, node.line - newlines)
    }
}
