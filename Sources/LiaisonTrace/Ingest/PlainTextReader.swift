import Foundation

/// Reads plain text, Markdown and AsciiDoc. The ingested text is the decoded file itself, so for UTF-8 files
/// every range is a byte range of the file. Blocks: headings, list items, paragraphs (runs of non-blank lines),
/// and front-matter fields (YAML front matter of Markdown, which kramdown-rfc drafts end with "--- abstract").
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
        if Self.isBlank(text) {
            throw IngestError("ingest.empty", "file has no text", explanation: "The file holds only white space.")
        }
        return IngestedDocument(source: sourceInfo(input), text: text, blocks: blocks(of: text),
                                fields: [Field(name: "charset", value: decoded.charset)], diagnostics: diagnostics)
    }

    /// Splits text into blocks line by line. In unwrapped text (most lines long, as Word text dumps give),
    /// every line is a paragraph of its own; in wrapped text (RFC style), runs of lines are.
    func blocks(of text: String) -> [Block] {
        var text = text
        return text.withUTF8 { blocks(of: $0) }
    }

    private func blocks(of bytes: UnsafeBufferPointer<UInt8>) -> [Block] {
        let unwrapped = Self.isUnwrapped(bytes)
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
        while offset <= bytes.count {
            var lineEnd = offset
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let lineLength = lineEnd - offset
            defer { offset = lineEnd + 1 }
            lineNumber += 1
            let contentLength = lineLength > 0 && bytes[lineEnd - 1] == 0x0D ? lineLength - 1 : lineLength
            let line = UnsafeBufferPointer(rebasing: bytes[offset..<(offset + contentLength)])
            let (trimStart, trimEnd) = Self.trimmedBounds(line)
            let trimmedCount = trimEnd - trimStart
            var leading = 0
            while leading < line.count, line[leading] == 0x20 || line[leading] == 0x09 { leading += 1 }
            let range = SourceRange(offset + leading, offset + leading + trimmedCount)
            let trimmed = UnsafeBufferPointer(rebasing: line[trimStart..<trimEnd])
            if format == .markdown, lineNumber == 1, Self.equals(trimmed, "---") {
                inFrontMatter = true
                continue
            }
            // kramdown-rfc section markers ("--- abstract", "--- middle", "--- back") end the front matter; the
            // abstract's marker is its heading.
            if format == .markdown, let name = Self.sectionMarkerName(trimmed) {
                inFrontMatter = false
                closeParagraph()
                if Self.equals(UnsafeBufferPointer(rebasing: trimmed[name...]), "abstract") {
                    blocks.append(Block(kind: .heading, range: SourceRange(range.end - (trimmedCount - name), range.end),
                                        level: 1))
                }
                continue
            }
            if inFrontMatter {
                if Self.equals(trimmed, "---") || Self.equals(trimmed, "...") {
                    inFrontMatter = false
                } else if trimmedCount > 0 {
                    blocks.append(Block(kind: .field, range: range))
                }
                continue
            }
            if trimmedCount == 0 {
                closeParagraph()
                continue
            }
            if Self.mayStartBlock(trimmed[0]),
               let (kind, level) = lineKind(String(decoding: trimmed, as: UTF8.self), indented: leading > 0) {
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

    /// The offset of the section name in a kramdown-rfc section marker ("--- abstract": 4), nil for another line.
    static func sectionMarkerName(_ line: UnsafeBufferPointer<UInt8>) -> Int? {
        guard line.count > 4, line[0] == 0x2D, line[1] == 0x2D, line[2] == 0x2D, line[3] == 0x20 else { return nil }
        var name = 4
        while name < line.count, line[name] == 0x20 { name += 1 }
        guard name < line.count else { return nil }
        for index in name..<line.count {
            let byte = line[index] | 0x20
            guard byte >= 0x61 && byte <= 0x7A else { return nil }
        }
        return name
    }

    /// Whether a line starting with this byte may be a heading or list item (`lineKind` decides).
    private static func mayStartBlock(_ byte: UInt8) -> Bool {
        byte == 0x23 || byte == 0x3D || byte == 0x2D || byte == 0x2A || byte == 0x2B || byte >= 0x80
    }

    private static func equals(_ bytes: UnsafeBufferPointer<UInt8>, _ string: StaticString) -> Bool {
        bytes.count == string.utf8CodeUnitCount
            && (0..<bytes.count).allSatisfy { bytes[$0] == string.utf8Start[$0] }
    }

    /// The bounds of `line` without leading and trailing white space as `CharacterSet.whitespaces` counts it
    /// (tab and the space separators: U+0020, U+00A0, U+1680, U+2000-U+200B, U+202F, U+205F, U+3000).
    static func trimmedBounds(_ line: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        func spaceWidth(at index: Int) -> Int {
            let byte = line[index]
            if byte == 0x20 || byte == 0x09 { return 1 }
            if byte == 0xC2, index + 1 < line.count, line[index + 1] == 0xA0 { return 2 }
            if byte == 0xE1, index + 2 < line.count, line[index + 1] == 0x9A, line[index + 2] == 0x80 { return 3 }
            if byte == 0xE2, index + 2 < line.count {
                let second = line[index + 1]
                let third = line[index + 2]
                if second == 0x80, third >= 0x80 && third <= 0x8B || third == 0xAF { return 3 }
                if second == 0x81, third == 0x9F { return 3 }
            }
            if byte == 0xE3, index + 2 < line.count, line[index + 1] == 0x80, line[index + 2] == 0x80 { return 3 }
            return 0
        }
        var start = 0
        while start < line.count {
            let width = spaceWidth(at: start)
            if width == 0 { break }
            start += width
        }
        var end = line.count
        while end > start {
            // Step back to the start of the last scalar.
            var scalarStart = end - 1
            while scalarStart > start, line[scalarStart] & 0xC0 == 0x80 { scalarStart -= 1 }
            let width = spaceWidth(at: scalarStart)
            if width == 0 || scalarStart + width != end { break }
            end = scalarStart
        }
        return (start, end)
    }

    /// Whether the text holds only white space (in the sense of `Character.isWhitespace`).
    static func isBlank(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !(0x09...0x0D).contains($0) && $0 != 0x20 }) else { return true }
        if utf8[first] < 0x80 { return false }
        return text.allSatisfy { $0.isWhitespace }
    }

    /// True when at least half of the non-blank lines are longer than 120 bytes and few blank lines separate
    /// them: paragraphs are lines.
    static func isUnwrapped(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isUnwrapped($0) }
    }

    static func isUnwrapped(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var long = 0
        var nonBlank = 0
        var start = 0
        while start <= bytes.count {
            // The next line feed (memchr: this runs over every plain-text document).
            var end = bytes.count
            if start < bytes.count, let found = memchr(base + start, 0x0A, bytes.count - start) {
                end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            let length = end - start
            start = end + 1
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
