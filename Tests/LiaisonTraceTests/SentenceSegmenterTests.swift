import XCTest
@testable import LiaisonTrace

/// Sentences and outline as the sentence-level extractors see them.
final class SentenceSegmenterTests: XCTestCase {
    func statements(_ text: String, name: String = "x.txt") throws -> [DocumentOutline.Statement] {
        let context = StatementTestSupport.context(AnalyzedDocument(try TestSupport.ingest(text, name: name)))
        return context.outline.statements
    }

    func testWrappedLinesJoinAndStructureBreaks() throws {
        let text = """
        1       Introduction
        This liaison is seeking information regarding the potential impact if changes are made to the IMSI
        as specified in Recommendation E.212. In addition, the need for changes (e.g.
        IoT/MTC/M2M type communications) may result from requirements relative to IMSIs. Faced with an increase
        of demand for IMSIs, the following options were identified:
            -     Option 1 - No change - Keep the current format of MCC, MNC and MSIN and address the
                  new demands with assignments of new MNCs
            -     Option 2 - Format extension
                                                        -2-
        Title:             LS on Evolution of IMSI format
        Source:            ITU-T Study Group 2
        """
        let found = try statements(text)
        XCTAssertEqual(found.map(\.text), [
            "1 Introduction",
            "This liaison is seeking information regarding the potential impact if changes are made to the IMSI as "
                + "specified in Recommendation E.212.",
            "In addition, the need for changes (e.g. IoT/MTC/M2M type communications) may result from requirements "
                + "relative to IMSIs.",
            "Faced with an increase of demand for IMSIs, the following options were identified:",
            "Option 1 - No change - Keep the current format of MCC, MNC and MSIN and address the new demands with "
                + "assignments of new MNCs",
            "Option 2 - Format extension",
            "-2-",
            "Title: LS on Evolution of IMSI format",
            "Source: ITU-T Study Group 2",
        ])
        XCTAssertEqual(found.map(\.isHeading), [true, false, false, false, false, false, false, false, false])
        XCTAssertEqual(found.map(\.isListItem), [false, false, false, false, true, true, false, false, false])
    }

    func testOneParagraphPerLineAndHeadingsWithoutBlankLines() throws {
        let text = """
        Foreword
        This Technical Specification (TS) has been produced by JTC Broadcast.
        1\tScope
        The present document introduces the 5G Broadcast System.
        2\tReferences
        [1]\tETSI TS 122 101: "Service principles".
        """
        let context = StatementTestSupport.context(AnalyzedDocument(try TestSupport.ingest(text, name: "x.txt")))
        XCTAssertEqual(context.outline.headings.map(\.title), ["Foreword", "Scope", "References"])
        XCTAssertEqual(context.outline.headings.map(\.number), [nil, "1", "2"])
        let sections = context.outline.statements.map { $0.section.map { context.outline.headings[$0].title } ?? "-" }
        XCTAssertEqual(sections, ["Foreword", "Foreword", "Scope", "Scope", "References", "References"])
    }

    /// A short capitalized line alone is a heading unless it has more than eight words, a bar, a colon and a space,
    /// or a run of three spaces (layout columns); each rule is checked on its own.
    func testUnnumberedHeadingsAndWhatRulesThemOut() throws {
        func headings(_ line: String) throws -> [String] {
            let text = "The group met.\n\n\(line)\n\nThe work goes on.\n"
            let context = StatementTestSupport.context(AnalyzedDocument(try TestSupport.ingest(text, name: "x.txt")))
            return context.outline.headings.map(\.title)
        }
        XCTAssertEqual(try headings("Working Methods Overview"), ["Working Methods Overview"])
        XCTAssertEqual(try headings("One Two Three Four Five Six Seven Eight"),
                       ["One Two Three Four Five Six Seven Eight"])
        XCTAssertEqual(try headings("One Two Three Four Five Six Seven Eight Nine"), [])
        XCTAssertEqual(try headings("Annex  Two    "), ["Annex Two"], "two spaces are one word gap")
        XCTAssertEqual(try headings("Scope | Overview"), [])
        XCTAssertEqual(try headings("Scope: Overview"), [])
        XCTAssertEqual(try headings("Scope:Overview"), ["Scope:Overview"])
        XCTAssertEqual(try headings("Source   Title"), [])
        XCTAssertEqual(try headings("Été Overview"), ["Été Overview"])
        XCTAssertEqual(DocumentOutline.words(Array("  a  b c ".utf8)), 3)
        XCTAssertEqual(DocumentOutline.words([]), 0)
    }

    /// `collapse` and its fast test, eight bytes at a time, against a plain loop over random texts of spaces, line
    /// ends, tabs, other control characters, letters and characters outside ASCII.
    func testCollapsingWhiteSpace() {
        func plain(_ bytes: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            var pending = false
            for byte in bytes {
                if [0x20, 0x0A, 0x09, 0x0D].contains(byte) { pending = !out.isEmpty } else {
                    if pending { out.append(0x20); pending = false }
                    out.append(byte)
                }
            }
            return out
        }
        var generator = SystemRandomNumberGenerator()
        let pieces = [" ", " ", " ", "\n", "\t", "\r", "\u{0B}", "\u{01}", "a", "b", "A", "é", "\u{7F}", "日", "_", "!"]
        var changed = 0
        for _ in 0..<30_000 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined()
            let bytes = Array(text.utf8)
            let collapsed = bytes.withUnsafeBufferPointer { DocumentOutline.collapse($0) }
            XCTAssertEqual(collapsed.map { Array($0.utf8) } ?? bytes, plain(bytes), text.debugDescription)
            XCTAssertEqual(collapsed == nil, plain(bytes) == bytes, text.debugDescription)
            if collapsed != nil { changed += 1 }
        }
        XCTAssertGreaterThan(changed, 10_000)
        XCTAssertEqual(DocumentOutline.collapse("  a \n\t b  "), "a b")
        XCTAssertEqual(DocumentOutline.collapse("abcdefgh ijklmnop"), "abcdefgh ijklmnop")
        XCTAssertEqual(DocumentOutline.collapse("abcdefg  hijklmnop"), "abcdefg hijklmnop", "across eight bytes")
    }

    /// Blocks that overlap (a list item inside a table cell) give each sentence once.
    func testSentencesOfOverlappingBlocksComeOnce() throws {
        let text = "First sentence in the cell. Second one.\nItem text of the list.\nThird block here."
        func sentences(_ ranges: [(BlockKind, Int, Int)]) -> [String] {
            let blocks = ranges.map { Block(kind: $0.0, range: SourceRange($0.1, $0.2)) }
            let ingested = IngestedDocument(source: SourceInfo(path: "x.docx", format: .docx, sha256: ""), text: text,
                                            blocks: blocks)
            let context = StatementTestSupport.context(AnalyzedDocument(ingested))
            return context.sentences.map { context.string($0) }
        }
        let cell = (BlockKind.tableCell, 0, 62)
        let item = (BlockKind.listItem, 40, 62)
        let third = (BlockKind.paragraph, 63, text.utf8.count)
        XCTAssertEqual(sentences([cell, item, third]), ["First sentence in the cell.", "Second one.",
                                                        "Item text of the list.", "Third block here."])
        XCTAssertEqual(sentences([cell, third]), sentences([cell, item, third]))
    }

    /// The context's lines are those of a plain pass over the text's UTF-16 units, in ASCII texts and in texts with
    /// characters of two, three and four bytes.
    func testLinesAreThoseOfThePlainText() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces = ["a", "Word", " ", "\n", "\n\n", "é", "日本", "😀", "\t", "𐐀x"]
        var texts = ["x", "x\n", "a\nb\n", "\n\nz"]
        for _ in 0..<300 {
            // (Not blank: a blank file is quarantined.)
            texts.append("T" + (0..<Int.random(in: 1...40, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined())
        }
        for text in texts {
            let context = StatementTestSupport.context(AnalyzedDocument(try TestSupport.ingest(text, name: "x.txt")))
            let units = Array(context.text.utf16)
            var expected: [NSRange] = []
            var start = 0
            for (index, unit) in units.enumerated() where unit == 0x0A {
                expected.append(NSRange(location: start, length: index - start))
                start = index + 1
            }
            expected.append(NSRange(location: start, length: units.count - start))
            XCTAssertEqual(context.lines, expected, text.debugDescription)
        }
    }

    func testTableOfContentsLinesAreNoHeadings() throws {
        let text = "Contents\n1\tScope\t8\n2\tReferences\t8\n\n1\tScope\nThe present document specifies X.\n"
        let context = StatementTestSupport.context(AnalyzedDocument(try TestSupport.ingest(text, name: "x.txt")))
        XCTAssertEqual(context.outline.headings.map(\.title), ["Contents", "Scope"])
    }

    func testInformativeSectionsNest() throws {
        let text = """
        == Requirements

        The UE shall work.

        [appendix,obligation=informative]
        == Comparison

        === Open Compute Project

        The board shall boot.

        == Bibliography
        """
        let context = StatementTestSupport.context(AnalyzedDocument(try TestSupport.ingest(text, name: "x.adoc")))
        XCTAssertEqual(context.outline.headings.map(\.title), ["Requirements", "Comparison", "Open Compute Project",
                                                               "Bibliography"])
        XCTAssertEqual(context.outline.headings.map(\.isInformative), [false, true, true, false])
    }

    func testSentenceRangesMapToTheIngestedText() throws {
        let text = TestSupport.multiBytePrefix + "The UE shall\nsupport it. Done."
        let context = StatementTestSupport.context(AnalyzedDocument(try TestSupport.ingest(text, name: "x.txt")))
        let first = try XCTUnwrap(context.outline.statements.first { $0.text.hasPrefix("The UE") })
        let place = context.provenance(first.range, rule: "test")
        XCTAssertEqual(place.line, 2)
        XCTAssertEqual(place.column, 1)
        XCTAssertEqual(place.range, SourceRange(10, 10 + "The UE shall\nsupport it.".utf8.count))
    }

    func testSentenceExtractorsAreRegisteredAfterReferences() {
        let names = ExtractorRegistry.all.map { $0.description.id }
        XCTAssertEqual(names.first, "references")
        for id in ["actions", "requirements", "scopes", "relations"] {
            XCTAssertTrue(names.contains(id), id)
        }
    }

    /// The packed look-up of abbreviations answers as the lower-cased string's look-up in the set: every
    /// abbreviation in four cases, shorter and longer words, and characters whose lower case is ASCII (Kelvin sign).
    func testAbbreviationLookUpMatchesTheWordSet() throws {
        let rules = try OutlineRules(rules: StatementTestSupport.rules)
        let words = rules.abbreviations
        XCTAssertGreaterThan(words.count, 10)
        var asked = 0
        for word in words {
            for variant in [word, word.uppercased(), word.capitalized, String(word.dropLast()), word + "x", "x" + word,
                            word.replacingOccurrences(of: "k", with: "\u{212A}"), word + word] {
                let units = Array(variant.utf16)
                XCTAssertEqual(rules.isAbbreviation(units[...]), words.contains(variant.lowercased()), variant)
                asked += 1
            }
        }
        XCTAssertTrue(rules.isAbbreviation(Array("E.G.".utf16)[...]))
        XCTAssertFalse(rules.isAbbreviation(Array("IMSIs.".utf16)[...]))
        XCTAssertGreaterThan(asked, 80)
    }
}
