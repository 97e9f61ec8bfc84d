import CICU
import Foundation

/// What every extractor sees: the normalized text (as a String for regular expressions, which count UTF-16
/// units), the map back to the ingested text, the blocks, and lazily computed sentences.
public final class ExtractionContext: @unchecked Sendable {
    /// The analyzed document.
    public let document: AnalyzedDocument
    /// The normalized text.
    public let text: String
    /// UTF-16 view of `text` for substring extraction by NSRange.
    public let nsText: NSString
    /// For every UTF-16 offset of `text` (and its end), the UTF-8 offset.
    private let utf16ToUTF8: [Int32]
    /// For every UTF-8 offset of `text` (and its end), the UTF-16 offset.
    private let utf8ToUTF16: [Int32]
    /// Blocks with their ranges in normalized UTF-16 units.
    public let blocks: [(block: Block, range: NSRange)]

    /// Prepares a document for extraction.
    public init(_ document: AnalyzedDocument) {
        self.document = document
        text = document.normalized.text
        nsText = text as NSString
        var map: [Int32] = []
        map.reserveCapacity(text.utf16.count + 1)
        var utf8Offset: Int32 = 0
        for scalar in text.unicodeScalars {
            let width = Int32(UTF8.width(scalar))
            map.append(utf8Offset)
            if scalar.value > 0xFFFF { map.append(utf8Offset) }
            utf8Offset += width
        }
        map.append(utf8Offset)
        utf16ToUTF8 = map
        var utf8ToUTF16: [Int32] = []
        utf8ToUTF16.reserveCapacity(Int(utf8Offset) + 1)
        var utf16Offset: Int32 = 0
        for scalar in text.unicodeScalars {
            for _ in 0..<UTF8.width(scalar) { utf8ToUTF16.append(utf16Offset) }
            utf16Offset += scalar.value > 0xFFFF ? 2 : 1
        }
        utf8ToUTF16.append(utf16Offset)
        self.utf8ToUTF16 = utf8ToUTF16
        blocks = document.ingested.blocks.map { block in
            let start = document.normalized.normalizedOffset(forSource: block.range.start)
            let end = document.normalized.normalizedOffset(forSource: block.range.end)
            let location = Int(utf8ToUTF16[min(start, utf8ToUTF16.count - 1)])
            let endLocation = Int(utf8ToUTF16[min(end, utf8ToUTF16.count - 1)])
            return (block, NSRange(location: location, length: max(0, endLocation - location)))
        }
    }

    /// The normalized text of a UTF-16 range.
    public func string(_ range: NSRange) -> String {
        nsText.substring(with: range)
    }

    /// The surface form of a UTF-16 range of the normalized text: the ingested text it came from, unnormalized.
    public func surface(_ range: NSRange) -> String {
        document.ingested.text(of: provenance(range, rule: "").range)
    }

    /// Provenance (line, column, ingested-text byte range) of a UTF-16 range of the normalized text.
    public func provenance(_ range: NSRange, rule: String) -> Provenance {
        let start = Int(utf16ToUTF8[min(range.location, utf16ToUTF8.count - 1)])
        let end = Int(utf16ToUTF8[min(range.location + range.length, utf16ToUTF8.count - 1)])
        return document.provenance(start, end, rule: rule)
    }

    /// The UTF-16 location in `text` of ingested-text byte `sourceOffset` (to find record items, such as
    /// references, in the normalized text).
    public func location(forSource sourceOffset: Int) -> Int {
        let normalized = document.normalized.normalizedOffset(forSource: sourceOffset)
        return Int(utf8ToUTF16[min(normalized, utf8ToUTF16.count - 1)])
    }

    /// Headings, sections and list structure, shared by the sentence-level extractors.
    public private(set) lazy var outline = DocumentOutline(self)

    /// A diagnostic pointing at a UTF-16 range.
    public func diagnostic(_ id: String, _ severity: Severity, _ summary: String, at range: NSRange,
                           explanation: String? = nil) -> Diagnostic {
        let place = provenance(range, rule: id)
        return Diagnostic(id: id, severity: severity, summary: summary, explanation: explanation,
                          path: document.ingested.source.path, line: place.line, column: place.column,
                          range: place.range)
    }

    /// Lines of the normalized text as UTF-16 ranges (without the newline).
    public private(set) lazy var lines: [NSRange] = {
        var result: [NSRange] = []
        var start = 0
        let length = nsText.length
        var index = 0
        while index < length {
            if nsText.character(at: index) == 0x0A {
                result.append(NSRange(location: start, length: index - start))
                start = index + 1
            }
            index += 1
        }
        if start <= length { result.append(NSRange(location: start, length: length - start)) }
        return result
    }()

    /// Sentences (ICU sentence break iterator, `en_US@ss=standard`) within paragraph-like blocks (paragraphs, list
    /// items, table cells, footnotes) — or within the whole text when the document has no blocks — as trimmed
    /// UTF-16 ranges. Line breaks that only wrap a sentence are read as spaces; a line break stays a break before a
    /// list item, a heading or a `Field:` line, after a colon, a heading-like short line or a blank line
    /// (see `SentenceSegmenter`).
    public private(set) lazy var sentences: [NSRange] = SentenceSegmenter.sentences(of: self)

    /// `range` without leading and trailing white space.
    public func trim(_ range: NSRange) -> NSRange {
        var start = range.location
        var end = range.location + range.length
        while start < end, Self.isSpace(nsText.character(at: start)) { start += 1 }
        while end > start, Self.isSpace(nsText.character(at: end - 1)) { end -= 1 }
        return NSRange(location: start, length: end - start)
    }

    static func isSpace(_ unit: unichar) -> Bool { unit == 0x20 || unit == 0x0A || unit == 0x09 || unit == 0x0D }
}
