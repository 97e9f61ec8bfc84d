import Foundation
import XCTest
@testable import LiaisonTrace

/// The byte-level fast paths (normalizer, plain-text blocks, line index) against the straightforward versions they
/// replaced, kept here as references: on every real text file and on random strings mixing ASCII, spaces, line
/// ends and multi-byte characters, both give the same result.
final class FastPathEquivalenceTests: XCTestCase {
    /// Real texts: every text-like file of ../shared/corpus-real, and the Corpus folder.
    func texts() throws -> [String] {
        var result: [String] = []
        var folders = [TestSupport.packageRoot.appendingPathComponent("Corpus")]
        if let real = TestSupport.realCorpus { folders.append(real) }
        for folder in folders {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
            while let url = files?.nextObject() as? URL {
                guard ["txt", "md", "adoc", "eml", "html", "xml"].contains(url.pathExtension),
                      let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                result.append(text)
            }
        }
        XCTAssertGreaterThan(result.count, 3)
        return result
    }

    /// Random strings built from pieces that exercise every branch.
    func randomTexts(count: Int) -> [String] {
        var generator = SplitMix(seed: 42)
        let pieces = ["a", "Z", " ", "  ", "\t", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", "\u{00A0}", "\u{2003}",
                      "\u{3000}", "\u{202F}", "é", "e\u{0301}", "ﬁ", "①", "²", "日本", "😀", "\u{00AD}", "\u{200B}",
                      "\u{2013}", "\u{2019}", "\u{201C}", "\u{2028}", "Å", "ｶ", "ﾞ", "\u{FEFF}", "- item", "# Head",
                      "* x", "• y", "= Title", "---", "...", "word-", "\u{1680}", "\u{205F}", "\u{0085}", "\u{0000}", " \u{0301}", "\u{200B}\u{0301}"]
        return (0..<count).map { _ in
            (0..<Int(generator.next() % 60)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
                .joined()
        }
    }

    func testNormalizerMatchesReference() throws {
        for text in try texts() + randomTexts(count: 3000) {
            for dehyphenate in [false, true] {
                let fast = Normalizer(dehyphenate: dehyphenate).normalize(text)
                let reference = ReferenceNormalizer(dehyphenate: dehyphenate).normalize(text)
                XCTAssertEqual(fast.text, reference.text, "text of \(text.debugDescription.prefix(80))")
                let tables = fast.map.tables
                XCTAssertEqual(tables.starts, reference.starts, "starts of \(text.debugDescription.prefix(80))")
                XCTAssertEqual(tables.ends, reference.ends, "ends of \(text.debugDescription.prefix(80))")
                // Every offset finds the first byte whose source starts there or after, as a search of the table.
                for offset in stride(from: 0, through: text.utf8.count + 1, by: max(1, text.utf8.count / 64)) {
                    XCTAssertEqual(fast.normalizedOffset(forSource: offset),
                                   reference.starts.partitionPoint { Int($0) < offset })
                }
            }
        }
    }

    func testPlainTextBlocksMatchReference() throws {
        for text in try texts() + randomTexts(count: 3000) {
            for format in [DocumentFormat.text, .markdown, .asciidoc] {
                let reader = PlainTextReader(format: format)
                XCTAssertEqual(reader.blocks(of: text), ReferencePlainText.blocks(of: text, format: format),
                               "\(format) blocks of \(text.debugDescription.prefix(80))")
            }
            XCTAssertEqual(PlainTextReader.isBlank(text), text.allSatisfy { $0.isWhitespace })
            XCTAssertEqual(PlainTextReader.isUnwrapped(text), ReferencePlainText.isUnwrapped(text),
                           "unwrapped: \(text.debugDescription.prefix(80))")
        }
        for text in ["", "\n", String(repeating: "x", count: 121), String(repeating: "x", count: 121) + "\n\nshort\n",
                     "a\n" + String(repeating: "y", count: 200)] {
            XCTAssertEqual(PlainTextReader.isUnwrapped(text), ReferencePlainText.isUnwrapped(text), text)
        }
    }

    /// The format sniffer's first lines, found on bytes, against `split(separator: "\n")` on characters.
    func testSnifferFirstLinesMatchSplit() throws {
        for text in try texts().map { String($0.prefix(2048)) } + randomTexts(count: 3000) {
            for count in [1, 3, 40] {
                XCTAssertEqual(FormatSniffer.firstLines(of: text, count: count).map(String.init),
                               text.split(separator: "\n", omittingEmptySubsequences: false).prefix(count)
                                   .map(String.init), text.debugDescription)
            }
        }
    }

    func testLineIndexMatchesCounting() throws {
        for text in try texts().filter({ $0.utf8.count < 60_000 }).prefix(10) + randomTexts(count: 300) {
            let index = LineIndex(text)
            let bytes = Array(text.utf8)
            var line = 1
            var column = 1
            for offset in 0...bytes.count {
                if offset == bytes.count || bytes[offset] & 0xC0 != 0x80 {
                    let position = index.position(of: offset)
                    if position.line != line || position.column != column {
                        XCTFail("offset \(offset): \(position), expected line \(line) column \(column)")
                        return
                    }
                }
                guard offset < bytes.count else { break }
                if bytes[offset] == 0x0A {
                    line += 1
                    column = 1
                } else if bytes[offset] & 0xC0 != 0x80 {
                    column += 1
                }
            }
        }
    }
}

/// A small deterministic random number generator.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The trimming helpers against Foundation's character sets.
final class TrimmingTests: XCTestCase {
    func testTrimmingMatchesFoundation() {
        var generator = SplitMix(seed: 7)
        let pieces = ["a", " ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}", "\u{1680}", "\u{2003}",
                      "\u{200B}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}", "é", "\u{0301}", "日", "😀"]
        for _ in 0..<5000 {
            let text = (0..<Int(generator.next() % 8)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
                .joined()
            XCTAssertEqual(text.trimmingSpaces(), text.trimmingCharacters(in: .whitespaces), text.debugDescription)
            XCTAssertEqual(text.trimmingSpacesAndNewlines(), text.trimmingCharacters(in: .whitespacesAndNewlines),
                           text.debugDescription)
            let dotted = text + (generator.next() % 2 == 0 ? "." : "")
            XCTAssertEqual(dotted.trimming { $0 == "." || String.isSpace($0) || String.isNewline($0) },
                           dotted.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "."))),
                           dotted.debugDescription)
        }
    }
}
