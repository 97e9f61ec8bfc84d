import Foundation

/// Reads plain text, Markdown and AsciiDoc. The ingested text is the decoded file itself, so for UTF-8 files
/// every range is a byte range of the file. Blocks: headings, list items, paragraphs (runs of non-blank lines),
/// and front-matter fields.
public struct PlainTextReader: DocumentReader {
    public let format: DocumentFormat

    /// A reader for `.txt`, `.md` or `.adoc` text.
    public init(format: DocumentFormat = .text) {
        self.format = format
    }

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        let decoded = try CharsetDecoder.decode(input.data, format: format)
        var diagnostics: [Diagnostic] = []
        if let diagnostic = decoded.diagnostic { diagnostics.append(diagnostic.at(path: input.path)) }
        let text = decoded.text
        if text.allSatisfy({ $0.isWhitespace }) {
            throw IngestError("ingest.empty", "file has no text", explanation: "The file holds only white space.")
        }
        return IngestedDocument(source: sourceInfo(input), text: text, blocks: blocks(of: text),
                                fields: [Field(name: "charset", value: decoded.charset)], diagnostics: diagnostics)
    }

    /// Splits text into blocks line by line. In unwrapped text (most lines long, as Word text dumps give),
    /// every line is a paragraph of its own; in wrapped text (RFC style), runs of lines are.
    func blocks(of text: String) -> [Block] {
        let unwrapped = Self.isUnwrapped(text)
        var blocks: [Block] = []
        var paragraphStart: Int?
        var paragraphEnd = 0
        var offset = 0
        var inFrontMatter = false
        var lineNumber = 0
        func closeParagraph() {
            if let start = paragraphStart {
                blocks.append(Block(kind: .paragraph, range: SourceRange(start, paragraphEnd)))
            }
            paragraphStart = nil
        }
        for line in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            let lineLength = line.count
            let contentLength = line.last == 0x0D ? lineLength - 1 : lineLength
            let lineText = String(decoding: line.prefix(contentLength), as: UTF8.self)
            let trimmed = lineText.trimmingCharacters(in: .whitespaces)
            let leading = lineText.utf8.prefix { $0 == 0x20 || $0 == 0x09 }.count
            let range = SourceRange(offset + leading, offset + contentLength - (lineText.utf8.count - leading
                - trimmed.utf8.count))
            defer { offset += lineLength + 1 }
            if format == .markdown, lineNumber == 1, trimmed == "---" {
                inFrontMatter = true
                continue
            }
            if inFrontMatter {
                if trimmed == "---" || trimmed == "..." { inFrontMatter = false } else if !trimmed.isEmpty {
                    blocks.append(Block(kind: .field, range: range))
                }
                continue
            }
            if trimmed.isEmpty {
                closeParagraph()
                continue
            }
            if let (kind, level) = lineKind(trimmed, indented: leading > 0) {
                closeParagraph()
                blocks.append(Block(kind: kind, range: range, level: level))
                continue
            }
            if paragraphStart == nil { paragraphStart = range.start }
            paragraphEnd = range.end
            if unwrapped { closeParagraph() }
        }
        closeParagraph()
        return blocks
    }

    /// True when at least half of the non-blank lines are longer than 120 bytes and few blank lines separate
    /// them: paragraphs are lines.
    static func isUnwrapped(_ text: String) -> Bool {
        var long = 0
        var nonBlank = 0
        for line in text.utf8.split(separator: 0x0A) {
            let length = line.count
            if length <= 1 { continue }
            nonBlank += 1
            if length > 120 { long += 1 }
        }
        return nonBlank > 0 && long * 2 >= nonBlank
    }

    private func lineKind(_ line: String, indented: Bool) -> (BlockKind, Int?)? {
        let first = line.first!
        switch format {
        case .markdown:
            if first == "#" {
                let level = line.prefix { $0 == "#" }.count
                if level <= 6, line.dropFirst(level).first == " " { return (.heading, level) }
            }
        case .asciidoc:
            if first == "=" {
                let level = line.prefix { $0 == "=" }.count
                if line.dropFirst(level).first == " " { return (level == 1 ? .title : .heading, level - 1) }
            }
        default:
            break
        }
        if (first == "-" || first == "*" || first == "•" || first == "·" || first == "+"),
           line.dropFirst().first == " " {
            return (.listItem, nil)
        }
        return nil
    }
}
