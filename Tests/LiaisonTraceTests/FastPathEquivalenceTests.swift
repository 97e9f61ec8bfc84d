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

    /// Overlap resolution with its bit set against the IndexSet it replaced: random candidates (empty ones, spans
    /// across word boundaries, equal spans of several rules, offsets far from zero), the same survivors in order.
    func testOverlapResolutionMatchesReference() {
        var generator = SplitMix(seed: 7)
        for round in 0..<3000 {
            let base = round % 3 == 0 ? 0 : Int(generator.next() % 100_000)
            let candidates = (0..<Int(generator.next() % 24)).map { index in
                (range: NSRange(location: base + Int(generator.next() % 300), length: Int(generator.next() % 140)),
                 rule: Int(generator.next() % 5), index: index)
            }
            let fast = OverlapResolution.longestFirst(candidates, range: \.range, rank: \.rule).map(\.index)
            let reference = ReferenceOverlapResolution.longestFirst(candidates, range: \.range, rank: \.rule)
                .map(\.index)
            XCTAssertEqual(fast, reference, "\(candidates)")
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

    /// The engine's text: its UTF-16 units are those of `String.utf16`, whatever runs of ASCII (read eight bytes at
    /// a time) stand between other characters; the offsets between the two encodings, found from the characters
    /// outside ASCII alone, are those of maps of every offset made by walking the scalars (inside a character: its
    /// start); and the boundary traps are those a scan of the scalars finds.
    func testScanTextUnitsAndOffsetsMatchFullMaps() throws {
        var generator = SplitMix(seed: 99)
        var texts = try texts() + randomTexts(count: 2000)
        // Long ASCII runs of every length around eight, between characters of every width.
        for _ in 0..<500 {
            texts.append((0..<Int(generator.next() % 12)).map { _ in
                String(repeating: "x", count: Int(generator.next() % 20))
                    + ["é", "日", "😀", "\u{2019}", "", "٣"][Int(generator.next() % 6)]
            }.joined())
        }
        for text in texts {
            let scan = ScanText(text)
            XCTAssertEqual(Array(scan.units), Array(text.utf16), text.debugDescription)
            // For each UTF-8 offset the UTF-16 one, and the other way round.
            var toUTF16: [Int] = []
            var toUTF8: [Int] = []
            var (offset8, offset16) = (0, 0)
            var traps = false
            for scalar in text.unicodeScalars {
                toUTF16 += Array(repeating: offset16, count: UTF8.width(scalar))
                toUTF8 += Array(repeating: offset8, count: UTF16.width(scalar))
                offset8 += UTF8.width(scalar)
                offset16 += UTF16.width(scalar)
                if !scalar.isASCII, ScanText.isBoundaryTrap(scalar.value) { traps = true }
            }
            toUTF16.append(offset16)
            toUTF8.append(offset8)
            XCTAssertEqual((0...text.utf8.count).map(scan.utf16Offset), toUTF16, text.debugDescription)
            XCTAssertEqual((0...text.utf16.count).map(scan.utf8Offset), toUTF8, text.debugDescription)
            XCTAssertEqual(scan.isASCII, text.utf8.allSatisfy { $0 < 0x80 })
            XCTAssertEqual(scan.hasBoundaryTraps, traps, text.debugDescription)
            XCTAssertEqual(scan.utf16Offset(-3), 0)
            XCTAssertEqual(scan.utf8Offset(text.utf16.count + 5), text.utf8.count)
        }
        // The engine asks whether a text holds a fold trap only when it holds a boundary trap: each fold trap is one.
        for trap in PatternLiterals.foldExceptions.keys {
            let scan = ScanText("é and " + String(trap) + " and more")
            XCTAssertTrue(RuleEngine.hasFoldTraps(scan.utf8), "\(trap)")
            XCTAssertTrue(scan.hasBoundaryTraps, "\(trap)")
        }
    }

    /// The requirement extractor's quotation spans, found four UTF-16 units at a time between quotes and line
    /// feeds, against the loop over every unit it replaced: on the real texts, on random texts thick with quotes,
    /// apostrophes and blank lines, with resets anywhere.
    func testQuotationsMatchReference() throws {
        /// The loop the fast path replaced.
        func reference(_ text: ScanText, resets: [Int]) -> [NSRange] {
            var spans: [NSRange] = []
            var openDouble: Int?
            var openSingle: Int?
            let length = text.length
            var start = 0
            for end in resets.filter({ $0 > 0 && $0 < length }).sorted() + [length] where end >= start {
                for index in start..<end {
                    let unit = text[index]
                    let previous: UInt16 = index > 0 ? text[index - 1] : 0x0A
                    if unit == 0x0A, previous == 0x0A {
                        openDouble = nil
                        openSingle = nil
                    } else if unit == 0x22 {
                        if let open = openDouble {
                            spans.append(NSRange(location: open, length: index + 1 - open))
                            openDouble = nil
                        } else {
                            openDouble = index
                        }
                    } else if unit == 0x27 {
                        let after: UInt16 = index + 1 < length ? text[index + 1] : 0x20
                        if openSingle == nil, [0x20, 0x0A, 0x28, 0x5B].contains(previous) {
                            openSingle = index
                        } else if let open = openSingle, !SentenceSegmenter.isLetterOrDigit(after) {
                            spans.append(NSRange(location: open, length: index + 1 - open))
                            openSingle = nil
                        }
                    }
                }
                openDouble = nil
                openSingle = nil
                start = end
            }
            return spans.sorted { $0.location < $1.location }
        }
        var generator = SplitMix(seed: 2027)
        let pieces = ["\"", "'", "\n", "\n\n", " ", "(", "[", "word", "x", "FG-MV's", "é", "😀", "\u{2019}", ".",
                      "  \"a b\" ", " 'c' "]
        var texts = try texts()
        texts += (0..<3000).map { _ in
            (0..<Int(generator.next() % 80)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
        }
        var spans = 0
        for string in texts {
            let text = ScanText(string)
            let resets = (0..<Int(generator.next() % 4)).map { _ in Int(generator.next() % UInt64(text.count + 2)) }
            let expected = reference(text, resets: resets)
            XCTAssertEqual(RequirementExtractor.quotations(text, resets: resets), expected,
                           "\(string.prefix(200).debugDescription) resets \(resets)")
            spans += expected.count
        }
        XCTAssertGreaterThan(spans, 1000, "quotation spans compared")
    }

    /// `WordMasks.lanes` finds a unit among four exactly: random words, and words whose lanes are near the unit.
    func testWordMasksFindExactlyTheUnitsEqualToOne() {
        var generator = SplitMix(seed: 5)
        let near: [UInt16] = [0x00, 0x01, 0x21, 0x22, 0x23, 0x26, 0x27, 0x28, 0x0A, 0x0B, 0x09, 0x7F, 0x80, 0xFF,
                              0x122, 0x2022, 0x8022, 0xFFFF, 0x8000, 0x7FFF]
        for round in 0..<200_000 {
            let lanes: [UInt16] = (0..<4).map { _ in
                round % 2 == 0 ? UInt16(truncatingIfNeeded: generator.next()) : near[Int(generator.next() % 20)]
            }
            let word = lanes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (16 * UInt64($1.offset)) }
            for unit: UInt16 in [0x22, 0x27, 0x0A, lanes[Int(generator.next() % 4)]] {
                XCTAssertEqual(WordMasks.lanes(word, equalTo: unit) != 0, lanes.contains(unit), "\(lanes) \(unit)")
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
