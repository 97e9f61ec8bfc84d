import CICU
import Foundation
@testable import LiaisonTrace

// The implementations the byte-level fast paths replaced, kept as references for FastPathEquivalenceTests.

struct ReferenceNormalizer {
    /// Join `exam-\nple` into `example` (for PDF text, where line breaks are the renderer's).
    var dehyphenate: Bool

    /// Creates the stage.
    init(dehyphenate: Bool = false) {
        self.dehyphenate = dehyphenate
    }

    /// The normalizer before the byte-level fast path.
    func normalize(_ text: String) -> ReferenceNormalized {
        var output = Output(capacity: text.utf8.count)
        let scalars = Array(text.unicodeScalars)
        var offsets: [Int] = []
        offsets.reserveCapacity(scalars.count + 1)
        var offset = 0
        for scalar in scalars {
            offsets.append(offset)
            offset += UTF8.width(scalar)
        }
        offsets.append(offset)

        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let start = offsets[index]
            let end = offsets[index + 1]
            let value = scalar.value
            if value < 0x80 {
                if value == 0x0D {
                    if index + 1 < scalars.count, scalars[index + 1] == "\n" {
                        index += 1
                        continue
                    }
                    output.append(0x0A, start, end)
                } else if value == 0x09 || value == 0x0B || value == 0x0C {
                    output.append(0x20, start, end)
                } else {
                    output.append(UInt8(value), start, end)
                }
                index += 1
                continue
            }
            if let mapped = Self.mapped(scalar) {
                if let byte = mapped { output.append(byte, start, end) }
                index += 1
                continue
            }
            if lt_nfkc_is_inert(value) == 1 {
                output.append(scalar, start, end)
                index += 1
                continue
            }
            // A normalization segment: this scalar and the following ones up to the next NFKC boundary.
            var segmentEnd = index + 1
            while segmentEnd < scalars.count, scalars[segmentEnd].value >= 0x80,
                  lt_nfkc_boundary_before(scalars[segmentEnd].value) == 0 {
                segmentEnd += 1
            }
            let segment = String(String.UnicodeScalarView(scalars[index..<segmentEnd]))
            for normalizedScalar in Self.nfkc(segment).unicodeScalars {
                if normalizedScalar.value < 0x80 {
                    output.append(UInt8(normalizedScalar.value), start, offsets[segmentEnd])
                } else if let mapped = Self.mapped(normalizedScalar) {
                    if let byte = mapped { output.append(byte, start, offsets[segmentEnd]) }
                } else {
                    output.append(normalizedScalar, start, offsets[segmentEnd])
                }
            }
            index = segmentEnd
        }
        if dehyphenate { output.joinHyphenatedWords() }
        return ReferenceNormalized(text: String(decoding: output.bytes, as: UTF8.self), starts: output.starts,
                              ends: output.ends)
    }

    /// Characters replaced outright: `.some(byte)` becomes that ASCII byte, `.some(nil)` is dropped.
    static func mapped(_ scalar: Unicode.Scalar) -> UInt8?? {
        switch scalar.value {
        case 0x00A0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return .some(0x20)
        case 0x00AD, 0x200B...0x200D, 0x2060, 0xFEFF: return .some(nil)
        case 0x2010...0x2015, 0x2043, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return .some(0x2D)
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032: return .some(0x27)
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033: return .some(0x22)
        case 0x2028, 0x2029: return .some(0x0A)
        default: return nil
        }
    }

    static func nfkc(_ string: String) -> String {
        let units = Array(string.utf16)
        var capacity = units.count * 4 + 8
        for _ in 0..<2 {
            var destination = [UInt16](repeating: 0, count: capacity)
            let needed = lt_nfkc(units, Int32(units.count), &destination, Int32(capacity))
            if needed < 0 { return string }
            if Int(needed) <= capacity { return String(decoding: destination[0..<Int(needed)], as: UTF16.self) }
            capacity = Int(needed)
        }
        return string
    }

    struct Output {
        var bytes: [UInt8] = []
        var starts: [Int32] = []
        var ends: [Int32] = []

        init(capacity: Int) {
            bytes.reserveCapacity(capacity)
            starts.reserveCapacity(capacity)
            ends.reserveCapacity(capacity)
        }

        mutating func append(_ byte: UInt8, _ start: Int, _ end: Int) {
            bytes.append(byte)
            starts.append(Int32(start))
            ends.append(Int32(end))
        }

        mutating func append(_ scalar: Unicode.Scalar, _ start: Int, _ end: Int) {
            for byte in String(scalar).utf8 { append(byte, start, end) }
        }

        /// Removes `-\n` and the next line's indentation between two lowercase letters ("stand-\n  ardization").
        mutating func joinHyphenatedWords() {
            var keep = [Bool](repeating: true, count: bytes.count)
            var changed = false
            var i = 2
            while i + 1 < bytes.count {
                if bytes[i] == 0x2D, bytes[i + 1] == 0x0A, Self.isLower(bytes[i - 1]), Self.isLower(bytes[i - 2]) {
                    var next = i + 2
                    while next < bytes.count, bytes[next] == 0x20 { next += 1 }
                    if next < bytes.count, Self.isLower(bytes[next]) {
                        for removed in i..<next { keep[removed] = false }
                        changed = true
                        i = next
                        continue
                    }
                }
                i += 1
            }
            guard changed else { return }
            var newBytes: [UInt8] = []
            var newStarts: [Int32] = []
            var newEnds: [Int32] = []
            newBytes.reserveCapacity(bytes.count)
            for index in bytes.indices where keep[index] {
                newBytes.append(bytes[index])
                newStarts.append(starts[index])
                newEnds.append(ends[index])
            }
            bytes = newBytes
            starts = newStarts
            ends = newEnds
        }

        private static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    }
}


enum ReferencePlainText {
    static func blocks(of text: String, format: DocumentFormat) -> [Block] {
        let unwrapped = isUnwrapped(text)
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
            if format == .markdown, trimmed.wholeMatch(of: /--- +[A-Za-z]+/) != nil {
                inFrontMatter = false
                closeParagraph()
                let name = trimmed.drop { $0 == "-" || $0 == " " }
                if name == "abstract" {
                    blocks.append(Block(kind: .heading, range: SourceRange(range.end - name.utf8.count, range.end),
                                        level: 1))
                }
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
            if let (kind, level) = lineKind(trimmed, indented: leading > 0, format: format) {
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

    static func lineKind(_ line: String, indented: Bool, format: DocumentFormat) -> (BlockKind, Int?)? {
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

/// What the reference normalizer gives: the text and a table per byte.
struct ReferenceNormalized {
    var text: String
    var starts: [Int32]
    var ends: [Int32]
}

/// Overlap resolution as it was written with Foundation's IndexSet.
enum ReferenceOverlapResolution {
    static func longestFirst<Candidate>(_ candidates: [Candidate], range: (Candidate) -> NSRange,
                                        rank: (Candidate) -> Int) -> [Candidate] {
        let ordered = candidates.sorted {
            let (a, b) = (range($0), range($1))
            if a.length != b.length { return a.length > b.length }
            if a.location != b.location { return a.location < b.location }
            return rank($0) < rank($1)
        }
        var occupied = IndexSet()
        var kept: [Candidate] = []
        for candidate in ordered {
            let span = range(candidate).location..<(range(candidate).location + range(candidate).length)
            if occupied.intersects(integersIn: span) { continue }
            occupied.insert(integersIn: span)
            kept.append(candidate)
        }
        return kept.sorted { range($0).location < range($1).location }
    }
}
