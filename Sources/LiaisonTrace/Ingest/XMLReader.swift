import Foundation

/// Reads XML documents through libxml2 (strict: malformed XML is an error naming its line; no network, no DTD
/// loading, no external entities). The root element picks the vocabulary: RFCXML (`<rfc>`, v3 and v2) and
/// Metanorma (`<metanorma>`, `<itu-standard>` and other `*-standard` roots with `<bibdata>`) get structured
/// readings; any other XML gives one paragraph per element that directly holds text.
public struct XMLReader: DocumentReader {
    public let format = DocumentFormat.xml

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        let root = try LibXML.parseXML(input.data, limits: input.limits, format: "xml")
        var reading: XMLReading
        if root.name == "rfc" {
            reading = RFCXMLReading.read(root)
        } else if Self.isMetanorma(root) {
            reading = MetanormaReading.read(root)
        } else {
            reading = Self.readGeneric(root)
        }
        guard !reading.blocks.isEmpty else {
            throw IngestError("ingest.empty", "XML document has no text",
                              explanation: "No element of <\(root.name)> holds any text.")
        }
        reading.fields.insert(Field(name: "vocabulary", value: reading.vocabulary), at: 0)
        for entity in Self.externalEntities(in: input.data) {
            reading.diagnostics.append(Diagnostic(
                id: "ingest.xml.external-entity", severity: .warning,
                summary: "external entity '\(entity.name)' was not loaded; its content is missing",
                explanation: "External entities and DTDs are never fetched (no network, no local files). "
                    + "Expand them into the document to have their text read.",
                path: input.path, line: entity.line))
        }
        return IngestedDocument(source: sourceInfo(input), text: reading.text, blocks: reading.blocks,
                                fields: reading.fields, diagnostics: reading.diagnostics)
    }

    /// General entities declared with SYSTEM or PUBLIC in the document's internal DTD subset, with their lines.
    static func externalEntities(in data: Data) -> [(name: String, line: Int)] {
        let bytes = [UInt8](data.prefix(1 << 20))
        let declaration = Array("<!ENTITY".utf8)
        var found: [(name: String, line: Int)] = []
        var line = 1
        var index = 0
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        while index + declaration.count < bytes.count {
            if bytes[index] == 0x0A { line += 1 }
            // The internal subset ends before the root element's start tag.
            if bytes[index] == UInt8(ascii: "<"), index + 1 < bytes.count,
               bytes[index + 1] != UInt8(ascii: "!"), bytes[index + 1] != UInt8(ascii: "?") {
                break
            }
            guard bytes[index..<index + declaration.count].elementsEqual(declaration) else {
                index += 1
                continue
            }
            var cursor = index + declaration.count
            while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
            let start = cursor
            while cursor < bytes.count, !isSpace(bytes[cursor]) { cursor += 1 }
            let name = String(decoding: bytes[start..<cursor], as: UTF8.self)
            while cursor < bytes.count, isSpace(bytes[cursor]) { cursor += 1 }
            let keyword = String(decoding: bytes[cursor..<min(cursor + 6, bytes.count)], as: UTF8.self)
            if name != "%", !name.isEmpty, keyword == "SYSTEM" || keyword == "PUBLIC" {
                found.append((name, line))
            }
            index += declaration.count
        }
        return found
    }

    static func isMetanorma(_ root: XMLNode) -> Bool {
        root.name == "metanorma" || (root.name.hasSuffix("-standard") && root.element("bibdata") != nil)
    }

    // MARK: Other XML

    /// One paragraph per element that directly holds non-white-space text, with the text of its descendants
    /// (mixed content such as `<p>a <b>b</b> c</p>` stays one paragraph).
    static func readGeneric(_ root: XMLNode) -> XMLReading {
        var builder = TextBuilder()
        func visit(_ node: XMLNode) {
            let ownsText = node.children.contains { child in
                child.kind == .text && child.text.unicodeScalars.contains { !FlowBuilder.isSpace($0) }
            }
            if ownsText {
                var text = ""
                appendText(of: node, to: &text)
                builder.append(FlowBuilder.collapse(text), kind: .paragraph, sourceLine: node.line)
            } else {
                for child in node.children where child.kind == .element { visit(child) }
            }
        }
        visit(root)
        return XMLReading(vocabulary: "XML <\(root.name)>", builder: builder)
    }

    /// The text below `node`; a space separates element boundaries that fall between two letters or digits
    /// (`<name>A</name><name>B</name>` is "A B", `<b>word</b>,` stays "word,").
    private static func appendText(of node: XMLNode, to text: inout String) {
        for (index, child) in node.children.enumerated() {
            if child.kind == .text {
                text += child.text
                continue
            }
            separate(&text, next: child.textContent.unicodeScalars.first)
            appendText(of: child, to: &text)
            let next = node.children[(index + 1)...].lazy.compactMap { $0.textContent.unicodeScalars.first }.first
            separate(&text, next: next)
        }
    }

    private static func separate(_ text: inout String, next: Unicode.Scalar?) {
        guard let last = text.unicodeScalars.last, let next else { return }
        let isWord: (Unicode.Scalar) -> Bool = { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
        if isWord(last), isWord(next) { text += " " }
    }
}

/// What a vocabulary-specific reading produced.
struct XMLReading {
    var vocabulary: String
    var text: String
    var blocks: [Block]
    var fields: [Field] = []
    var diagnostics: [Diagnostic] = []

    init(vocabulary: String, builder: TextBuilder, fields: [Field] = [], diagnostics: [Diagnostic] = []) {
        self.vocabulary = vocabulary
        self.text = builder.text
        self.blocks = builder.blocks
        self.fields = fields
        self.diagnostics = diagnostics
    }
}
