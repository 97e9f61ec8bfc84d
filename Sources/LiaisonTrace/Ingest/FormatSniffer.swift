import Foundation

/// Chooses a format from the content first and the file extension second.
public enum FormatSniffer {
    /// The format of `data` named `path`, or an error for empty files and binary junk.
    public static func sniff(_ data: Data, pathExtension ext: String) throws(IngestError) -> DocumentFormat {
        if data.isEmpty { throw IngestError("ingest.empty", "file is empty") }
        let head = [UInt8](data.prefix(8192))
        if head.starts(with: Array("%PDF-".utf8)) { return .pdf }
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .doc }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || head.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return zipFormat(head, ext: ext)
        }
        let hasBOM = head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF])
            || head.starts(with: [0xEF, 0xBB, 0xBF])
        if !hasBOM, looksBinary(head) {
            throw IngestError("ingest.binary", "file looks binary, not a document format LiaisonTrace reads",
                              explanation: "Readable formats: txt, md, adoc, html, xml, docx, odt, doc, pdf, eml.")
        }
        let text = String(decoding: head.prefix(2048), as: UTF8.self)
        let start = text.drop { $0.isWhitespace || $0 == "\u{FEFF}" }.prefix(512).lowercased()
        if start.hasPrefix("<!doctype html") || start.hasPrefix("<html") { return .html }
        if start.hasPrefix("<?xml") || start.hasPrefix("<") {
            if ext == "html" || ext == "htm" || start.contains("<html") { return .html }
            if start.hasPrefix("<?xml") || start.hasPrefix("<!--") || start.hasPrefix("<!doctype") || isXMLName(start) {
                return .xml
            }
        }
        if looksLikeMail(text) { return .email }
        switch ext {
        case "md", "markdown": return .markdown
        case "adoc", "asciidoc": return .asciidoc
        case "html", "htm": return .html
        case "xml": return .xml
        case "eml", "mbox": return .email
        default: return .text
        }
    }

    private static func zipFormat(_ head: [UInt8], ext: String) -> DocumentFormat {
        // The first entry of an ODF package is an uncompressed "mimetype" naming the type.
        let prefix = String(decoding: head.prefix(200), as: UTF8.self)
        if prefix.contains("mimetypeapplication/vnd.oasis.opendocument.text") { return .odt }
        switch ext {
        case "docx", "docm", "dotx": return .docx
        case "odt": return .odt
        case "zip": return .zip
        default:
            // Word packages start with [Content_Types].xml or word/ entries.
            return prefix.contains("[Content_Types].xml") || prefix.contains("word/") ? .docx : .zip
        }
    }

    private static func isXMLName(_ start: String) -> Bool {
        guard start.hasPrefix("<"), let next = start.dropFirst().first else { return false }
        return next.isLetter || next == "_"
    }

    /// More than 10 % control bytes (other than tab, newline, form feed, carriage return) or any NUL.
    static func looksBinary(_ bytes: [UInt8]) -> Bool {
        guard !bytes.isEmpty else { return false }
        var control = 0
        for byte in bytes {
            if byte == 0 { return true }
            if byte < 0x20, byte != 0x09, byte != 0x0A, byte != 0x0C, byte != 0x0D { control += 1 }
        }
        return control * 10 > bytes.count
    }

    /// RFC 5322 header lines at the top, including From: and one of Date:/Subject:/Message-ID:.
    static func looksLikeMail(_ text: String) -> Bool {
        var names: Set<String> = []
        for line in firstLines(of: text, count: 40) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" { continue }
            if line.hasPrefix("From ") { continue } // mbox separator
            guard let colon = line.firstIndex(of: ":") else { return false }
            let name = line[..<colon]
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                return false
            }
            names.insert(name.lowercased())
        }
        return names.contains("from") && !names.isDisjoint(with: ["date", "subject", "message-id"])
    }

    /// The first `count` lines of `text`, as `text.split(separator: "\n", omittingEmptySubsequences: false)` gives
    /// them, without splitting the rest of the text. Found on the UTF-8 bytes: a line feed is a character "\n" of
    /// its own unless a carriage return comes before it ("\r\n" is one character, which "\n" does not equal).
    static func firstLines(of text: String, count: Int) -> [Substring] {
        var lines: [Substring] = []
        let utf8 = text.utf8
        var lineStart = utf8.startIndex
        var previous: UInt8 = 0
        var index = utf8.startIndex
        while index < utf8.endIndex, lines.count < count {
            let byte = utf8[index]
            if byte == 0x0A, previous != 0x0D {
                lines.append(text[lineStart..<index])
                lineStart = utf8.index(after: index)
            }
            previous = byte
            utf8.formIndex(after: &index)
        }
        if lines.count < count { lines.append(text[lineStart...]) }
        return lines
    }
}
