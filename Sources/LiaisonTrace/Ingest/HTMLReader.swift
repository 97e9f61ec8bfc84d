import Foundation

/// Reads HTML documents through libxml2's forgiving HTML parser. The ingested text is the page's visible text
/// in reading order: one block per paragraph, heading, list item, table cell or preformatted block, with inline
/// markup joined into its block. Scripts, styles, navigation, tables of contents and form controls are dropped.
/// `<title>` and descriptive `<meta>` tags become fields.
public struct HTMLReader: DocumentReader {
    public let format = DocumentFormat.html

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        var diagnostics: [Diagnostic] = []
        var fields: [Field] = []
        let charset = Self.charset(of: input.data)
        switch charset {
        case .declared(let name):
            fields.append(Field(name: "charset", value: name))
        case .assumed(let name, let valid):
            fields.append(Field(name: "charset", value: name))
            if !valid {
                diagnostics.append(Diagnostic(
                    id: "ingest.html.charset-assumed", severity: .warning,
                    summary: "HTML declares no charset and is not valid UTF-8; decoded as \(name)",
                    explanation: "Add <meta charset=\"...\"> to the page, or re-save it as UTF-8.", line: 1))
            }
        case .byteOrderMark:
            break
        }
        let root = try LibXML.parseHTML(input.data, limits: input.limits, encoding: charset.override)

        var walker = HTMLWalker()
        walker.collectMetadata(root)
        fields += walker.fields
        if let title = walker.title, !walker.hasHeading1(root) {
            walker.flow.block(title.text, .init(kind: .title, sourceLine: title.line))
        }
        walker.walk(root, parentLine: nil)
        walker.flow.finish()
        guard !walker.flow.blocks.isEmpty else {
            throw IngestError("ingest.empty", "HTML document has no text",
                              explanation: "The page has no visible text outside scripts, styles and navigation.")
        }
        return IngestedDocument(source: sourceInfo(input), text: walker.flow.text, blocks: walker.flow.blocks,
                                fields: fields, diagnostics: diagnostics)
    }

    // MARK: Charset

    /// How the page's bytes are to be decoded.
    enum Charset: Equatable {
        /// The page says (`<meta charset>`, `http-equiv`, XML declaration): libxml2 follows it.
        case declared(String)
        /// A byte order mark: libxml2 follows it.
        case byteOrderMark
        /// Nothing declared: UTF-8 when the bytes are valid UTF-8, else windows-1252 (the HTML default).
        case assumed(String, valid: Bool)

        /// The encoding to hand to libxml2, when its own detection must be overridden.
        var override: String? {
            if case .assumed(let name, _) = self { return name }
            return nil
        }
    }

    /// Finds the declared charset in the head (before `<body`, at most the first 64 KiB).
    static func charset(of data: Data) -> Charset {
        let bytes = [UInt8](data.prefix(65_536))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) || bytes.starts(with: [0xFF, 0xFE])
            || bytes.starts(with: [0xFE, 0xFF]) {
            return .byteOrderMark
        }
        let lower = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        let end = find(Array("<body".utf8), in: lower, from: 0) ?? lower.count
        var index = 0
        while let tag = find(Array("<meta".utf8), in: lower, from: index), tag < end {
            let close = lower[tag...].firstIndex(of: UInt8(ascii: ">")) ?? lower.count
            if let name = value(after: Array("charset".utf8), in: bytes, lower: lower, range: tag..<close) {
                return .declared(name)
            }
            index = close
        }
        if lower.starts(with: Array("<?xml".utf8)) {
            let close = lower.firstIndex(of: UInt8(ascii: ">")) ?? lower.count
            if let name = value(after: Array("encoding".utf8), in: bytes, lower: lower, range: 0..<close) {
                return .declared(name)
            }
        }
        if String(validating: data, as: UTF8.self) != nil { return .assumed("UTF-8", valid: true) }
        return .assumed("windows-1252", valid: false)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }

    /// The value of `key=value` (quoted or not) inside `range`, such as `charset=utf-8`.
    private static func value(after key: [UInt8], in bytes: [UInt8], lower: [UInt8], range: Range<Int>) -> String? {
        let slice = Array(lower[range])
        guard let found = find(key, in: slice, from: 0) else { return nil }
        var index = found + key.count
        while index < slice.count, slice[index] == 0x20 { index += 1 }
        guard index < slice.count, slice[index] == UInt8(ascii: "=") else { return nil }
        index += 1
        while index < slice.count, slice[index] == 0x20 || slice[index] == 0x22 || slice[index] == 0x27 {
            index += 1
        }
        var value: [UInt8] = []
        while index < slice.count {
            let byte = bytes[range.lowerBound + index]
            let isNameByte = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A)
                || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F || byte == 0x2E || byte == 0x3A
            guard isNameByte else { break }
            value.append(byte)
            index += 1
        }
        return value.isEmpty ? nil : String(decoding: value, as: UTF8.self)
    }
}

/// Walks a parsed HTML tree into a `FlowBuilder`.
struct HTMLWalker {
    var flow = FlowBuilder()
    var fields: [Field] = []
    var title: (text: String, line: Int)?
    private var listDepth = 0

    /// Elements whose content is never text of the document.
    static let dropped: Set<String> = [
        "script", "style", "noscript", "template", "nav", "svg", "head", "button", "select", "option", "input",
        "textarea", "iframe", "object", "embed", "canvas", "audio", "video", "map", "img", "picture", "source",
        "track", "link", "meta", "base", "title", "colgroup", "col", "datalist", "dialog",
    ]
    /// Elements that separate blocks without being one (their text becomes paragraphs).
    static let containers: Set<String> = [
        "html", "body", "div", "section", "article", "aside", "main", "header", "footer", "blockquote", "figure",
        "form", "fieldset", "details", "hgroup", "center", "search", "hr", "frameset", "noframes",
    ]
    /// Elements that are one paragraph.
    static let paragraphs: Set<String> = ["p", "address", "legend", "summary"]
    /// Meta names kept as fields (exact) and name prefixes kept as fields.
    static let metaNames: Set<String> = ["description", "keywords", "author", "subject", "date", "rfc.number"]
    static let metaPrefixes = ["citation_", "dc.", "dcterms.", "dct.", "prism.", "og:title"]

    // MARK: Metadata

    /// Reads `<title>` and `<meta name>` anywhere outside SVG.
    mutating func collectMetadata(_ node: XMLNode) {
        for child in node.children where child.kind == .element {
            switch child.name {
            case "svg", "math", "script", "style", "template":
                continue
            case "title":
                let text = FlowBuilder.collapse(child.textContent)
                if title == nil, !text.isEmpty {
                    title = (text, child.line)
                    fields.append(Field(name: "title", value: text))
                }
            case "meta":
                let name = (child.attribute("name") ?? child.attribute("property") ?? "").lowercased()
                let content = FlowBuilder.collapse(child.attribute("content") ?? "")
                guard !name.isEmpty, !content.isEmpty,
                      Self.metaNames.contains(name) || Self.metaPrefixes.contains(where: { name.hasPrefix($0) }),
                      !fields.contains(where: { $0.value == content }) else { continue }
                fields.append(Field(name: child.attribute("name") ?? name, value: content))
            default:
                collectMetadata(child)
            }
        }
    }

    /// Whether the visible body has an `<h1>`.
    func hasHeading1(_ node: XMLNode) -> Bool {
        node.children.contains { child in
            child.kind == .element && !isDropped(child) && (child.name == "h1" || hasHeading1(child))
        }
    }

    // MARK: Walk

    private func isDropped(_ node: XMLNode) -> Bool {
        if Self.dropped.contains(node.name) { return true }
        if node.attribute("hidden") != nil { return true }
        if let role = node.attribute("role")?.lowercased(), role == "navigation" || role == "doc-toc" {
            return true
        }
        if node.attribute("id")?.lowercased() == "toc" { return true }
        if let classes = node.attribute("class"), classes.split(separator: " ").contains(where: { $0 == "toc" }) {
            return true
        }
        return false
    }

    mutating func walk(_ node: XMLNode, parentLine: Int?) {
        if node.kind == .text {
            flow.text(node.text, line: FlowBuilder.startLine(of: node, parentLine: parentLine))
            return
        }
        if isDropped(node) { return }
        let name = node.name
        let line = node.line > 0 ? node.line : parentLine
        if let classes = node.attribute("class"), classes.split(separator: " ").contains("zzMoveToFollowing") {
            // Metanorma HTML: a clause number that its script moves into the following paragraph.
            flow.setCarry(node.textContent, line: line)
            return
        }
        switch name {
        case "br":
            flow.lineBreak()
        case "wbr":
            break
        case "h1", "h2", "h3", "h4", "h5", "h6":
            flow.begin(.init(kind: .heading, level: Int(String(name.last!)), sourceLine: line, atomic: true))
            walkChildren(node, line: line)
            flow.end()
        case "li":
            flow.begin(.init(kind: .listItem, level: max(1, listDepth), sourceLine: line, atomic: true))
            walkChildren(node, line: line)
            flow.end()
        case "ul", "ol", "menu", "dir":
            flow.boundary()
            listDepth += 1
            walkChildren(node, line: line)
            listDepth -= 1
            flow.boundary()
        case "dl":
            flow.boundary()
            walkChildren(node, line: line)
            flow.finishCarry(line: line)
            flow.boundary()
        case "dt":
            // A one-line term starts its description's block ("[RFC2119] Bradner, S., ..." is a reference).
            flow.begin(.init(kind: .paragraph, sourceLine: line, atomic: true, label: true))
            walkChildren(node, line: line)
            flow.end()
        case "dd", "caption", "figcaption":
            flow.begin(.init(kind: .paragraph, sourceLine: line, atomic: true))
            walkChildren(node, line: line)
            flow.end()
        case "pre", "xmp", "listing", "plaintext":
            flow.begin(.init(kind: .code, sourceLine: line, atomic: true, preserve: true))
            walkChildren(node, line: line)
            flow.end()
        case "table":
            flow.beginTable()
            walkChildren(node, line: line)
            flow.endTable()
        case "thead", "tbody", "tfoot":
            walkChildren(node, line: line)
        case "tr":
            flow.beginRow()
            walkChildren(node, line: line)
        case "td", "th":
            let span = Int(node.attribute("colspan") ?? "") ?? 1
            flow.begin(flow.cell(line: line, span: span))
            walkChildren(node, line: line)
            flow.end()
        default:
            if Self.paragraphs.contains(name) {
                flow.beginParagraph(line: line)
                walkChildren(node, line: line)
                flow.endParagraph()
            } else if Self.containers.contains(name) {
                flow.boundary()
                walkChildren(node, line: line)
                flow.boundary()
            } else {
                walkChildren(node, line: line)
            }
        }
    }

    private mutating func walkChildren(_ node: XMLNode, line: Int?) {
        for child in node.children { walk(child, parentLine: line) }
    }
}
