import XCTest
@testable import LiaisonTrace

final class PlainTextReaderTests: XCTestCase {
    func testUTF8WithAndWithoutBOM() throws {
        let plain = try TestSupport.ingest(Data("Title: LS on IMSI\n".utf8), name: "a.txt")
        XCTAssertEqual(plain.text, "Title: LS on IMSI\n")
        XCTAssertEqual(plain.field("charset"), "UTF-8")
        let bom = try TestSupport.ingest(Data([0xEF, 0xBB, 0xBF] + Array("Title: x\n".utf8)), name: "b.txt")
        XCTAssertEqual(bom.text, "Title: x\n")
        XCTAssertEqual(bom.field("charset"), "UTF-8 (BOM)")
    }

    func testUTF16BothByteOrders() throws {
        let text = "Deadline: 24 November 2017 – é\n"
        var little: [UInt8] = [0xFF, 0xFE]
        var big: [UInt8] = [0xFE, 0xFF]
        for unit in text.utf16 {
            little += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
            big += [UInt8(unit >> 8), UInt8(unit & 0xFF)]
        }
        XCTAssertEqual(try TestSupport.ingest(Data(little), name: "le.txt").text, text)
        XCTAssertEqual(try TestSupport.ingest(Data(big), name: "be.txt").text, text)
        XCTAssertThrowsError(try TestSupport.ingest(Data(little.dropLast()), name: "odd.txt")) { error in
            XCTAssertEqual((error as? IngestError)?.id, "ingest.text.truncated-utf16")
        }
    }

    func testLatin1IsDecodedAsWindows1252() throws {
        // "Réunion à Genève – Contact: João" in windows-1252 (0x96 is the en dash there).
        var bytes = Array("R".utf8) + [0xE9] + Array("union ".utf8) + [0xE0] + Array(" Gen".utf8) + [0xE8]
        bytes += Array("ve ".utf8) + [0x96] + Array(" Contact: Jo".utf8) + [0xE3] + Array("o and more text for ICU\n".utf8)
        let document = try TestSupport.ingest(Data(bytes), name: "latin.txt")
        XCTAssertEqual(document.text, "Réunion à Genève – Contact: João and more text for ICU\n")
        XCTAssertEqual(document.field("charset")?.lowercased().contains("1252") ?? false
            || document.field("charset") == "ISO-8859-1", true)
    }

    func testInvalidUTF8WithBOMIsRepairedWithAWarning() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("ok ".utf8) + [0xC3, 0x28] + Array(" end\n".utf8)
        let document = try TestSupport.ingest(Data(bytes), name: "bad.txt")
        XCTAssertTrue(document.text.contains("\u{FFFD}"))
        XCTAssertEqual(document.diagnostics.map(\.id), ["ingest.text.invalid-utf8"])
        XCTAssertEqual(document.diagnostics.first?.path, "bad.txt")
    }

    func testEmptyAndBlankAndBinaryFilesAreErrors() {
        XCTAssertThrowsError(try TestSupport.ingest(Data(), name: "empty.txt")) {
            XCTAssertEqual(($0 as? IngestError)?.id, "ingest.empty")
        }
        XCTAssertThrowsError(try TestSupport.ingest(Data(" \n\t\n".utf8), name: "blank.txt")) {
            XCTAssertEqual(($0 as? IngestError)?.id, "ingest.empty")
        }
        XCTAssertThrowsError(try TestSupport.ingest(Data([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0x00]), name: "a.out")) {
            XCTAssertEqual(($0 as? IngestError)?.id, "ingest.binary")
        }
    }

    func testMarkdownBlocks() throws {
        let markdown = "---\ntitle: \"Procedures\"\n---\n\n# Introduction\n\nLiaison statements are\nletters.\n\n- item one\n"
        let document = try TestSupport.ingest(markdown, name: "doc.md")
        XCTAssertEqual(document.source.format, .markdown)
        XCTAssertEqual(document.blocks.map(\.kind), [.field, .heading, .paragraph, .listItem])
        XCTAssertEqual(document.text(of: document.blocks[1].range), "# Introduction")
        XCTAssertEqual(document.text(of: document.blocks[2].range), "Liaison statements are\nletters.")
    }

    func testKramdownRFCSectionMarkersEndTheFrontMatter() throws {
        // kramdown-rfc drafts: YAML front matter from "---" to "--- abstract", then Markdown; "--- middle" and
        // "--- back" separate the parts.
        let markdown = "---\ntitle: \"Procedures\"\nauthor:\n -\n    fullname: A. Author\n\n--- abstract\n\n"
            + "This document describes the procedures\nfor handling liaison statements.\n\n--- middle\n\n"
            + "# Introduction\n\nThe IAB is responsible\nfor liaison management.\n"
        let document = try TestSupport.ingest(markdown, name: "draft.md")
        XCTAssertEqual(document.blocks.map(\.kind), [.field, .field, .field, .field, .heading, .paragraph, .heading,
                                                      .paragraph])
        XCTAssertEqual(document.text(of: document.blocks[4].range), "abstract")
        XCTAssertEqual(document.text(of: document.blocks[5].range),
                       "This document describes the procedures\nfor handling liaison statements.")
        XCTAssertEqual(document.text(of: document.blocks[7].range), "The IAB is responsible\nfor liaison management.")
    }

    func testAsciiDocTitleAndSections() throws {
        let document = try TestSupport.ingest("= Cloud computing\n\n== Scope\n\nThis Recommendation specifies.\n",
                                              name: "y.adoc")
        XCTAssertEqual(document.blocks.map(\.kind), [.title, .heading, .paragraph])
        XCTAssertEqual(document.blocks[1].level, 1)
    }

    func testUnwrappedTextMakesOneParagraphPerLine() throws {
        let long = String(repeating: "word ", count: 30)
        let document = try TestSupport.ingest("\(long)one.\n\(long)two.\n", name: "u.txt")
        XCTAssertEqual(document.blocks.count, 2)
    }

    func testBlockRangesShiftWithAMultiBytePrefix() throws {
        let body = "# Title\n\nText with SG11-LS159.\n"
        let plain = try TestSupport.ingest(body, name: "a.md")
        let prefixed = try TestSupport.ingest(TestSupport.multiBytePrefix + body, name: "a.md")
        let shift = TestSupport.multiBytePrefix.utf8.count
        XCTAssertEqual(prefixed.blocks.suffix(plain.blocks.count).map(\.range), plain.blocks.map { $0.range.shifted(by: shift) })
    }

    func testSnifferPrefersContentOverExtension() throws {
        XCTAssertEqual(try FormatSniffer.sniff(Data("%PDF-1.4\n".utf8), pathExtension: "txt"), .pdf)
        XCTAssertEqual(try FormatSniffer.sniff(Data("<!DOCTYPE html><html>".utf8), pathExtension: "txt"), .html)
        XCTAssertEqual(try FormatSniffer.sniff(Data("<?xml version=\"1.0\"?><rfc/>".utf8), pathExtension: ""), .xml)
        XCTAssertEqual(try FormatSniffer.sniff(Data("From: a@b\nDate: Tue, 04 Jun 2019\nSubject: x\n\nbody".utf8),
                                               pathExtension: "txt"), .email)
        XCTAssertEqual(try FormatSniffer.sniff(Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]), pathExtension: "x"),
                       .doc)
        XCTAssertEqual(try FormatSniffer.sniff(Data("Title: x".utf8), pathExtension: "md"), .markdown)
        XCTAssertEqual(try FormatSniffer.sniff(Data("Subject line without headers".utf8), pathExtension: "txt"), .text)
    }
}
