import Foundation
import XCTest
@testable import LiaisonTrace

final class DOCXReaderTests: XCTestCase {
    typealias F = OfficeFixtures

    /// Styles with a localized heading id, as a German Word writes them.
    static let styles = #"<w:style w:type="paragraph" w:styleId="berschrift1"><w:name w:val="heading 1"/></w:style>"#
        + #"<w:style w:type="paragraph" w:styleId="Titel"><w:name w:val="Title"/></w:style>"#
        + #"<w:style w:type="paragraph" w:styleId="MyHeading"><w:name w:val="My heading"/>"#
        + #"<w:basedOn w:val="berschrift2"/></w:style>"#
        + #"<w:style w:type="paragraph" w:styleId="berschrift2"><w:name w:val="heading 2"/></w:style>"#
        + #"<w:style w:type="paragraph" w:styleId="Aufzhlungszeichen"><w:name w:val="List Bullet"/></w:style>"#

    func testLiaisonHeaderTableDump() throws {
        let body = F.p("LS on numbering", style: "Titel")
            + F.p("1 Introduction", style: "berschrift1")
            + F.table([["For action to:", "3GPP TSG SA"], ["Deadline:", "30 September 2017"]])
            + #"<w:p><w:r><w:t>Tab</w:t><w:tab/><w:t>and</w:t><w:br/><w:t>break, non</w:t><w:noBreakHyphen/>"#
            + #"<w:t>breaking, soft</w:t><w:softHyphen/><w:t>hyphen</w:t></w:r></w:p>"#
            + F.p("1.1 Scope", style: "MyHeading")
        let document = try F.readDOCX(F.DOCX(body: body, styles: Self.styles).data())
        XCTAssertEqual(DocumentDump.text(of: document), """
            # test.docx (docx)
            title 1: LS on numbering
            heading[level 1] 2: 1 Introduction
            table-cell[t0 r0 c0] 3: For action to:
            table-cell[t0 r0 c1] 4: 3GPP TSG SA
            table-cell[t0 r1 c0] 5: Deadline:
            table-cell[t0 r1 c1] 6: 30 September 2017
            paragraph 7: Tab and
                | break, non-breaking, softhyphen
            heading[level 2] 9: 1.1 Scope

            """)
        XCTAssertTrue(document.diagnostics.isEmpty, "\(document.diagnostics)")
        for block in document.blocks {
            XCTAssertFalse(document.text(of: block.range).isEmpty)
        }
    }

    func testHeadingsWithoutStylesPartUseBuiltInIds() throws {
        let body = F.p("Scope", style: "Heading2") + F.p("Item", style: "ListParagraph")
            + #"<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="4"/></w:numPr></w:pPr>"#
            + #"<w:r><w:t>Numbered</w:t></w:r></w:p>"#
            + #"<w:p><w:pPr><w:outlineLvl w:val="2"/></w:pPr><w:r><w:t>Outline</w:t></w:r></w:p>"#
        let document = try F.readDOCX(F.DOCX(body: body).data())
        XCTAssertEqual(document.blocks.map(\.kind), [.heading, .listItem, .listItem, .heading])
        XCTAssertEqual(document.blocks.map(\.level), [2, 1, 2, 3])
    }

    func testListStyleResolvedThroughStylesPart() throws {
        let body = F.p("First point", style: "Aufzhlungszeichen")
        let document = try F.readDOCX(F.DOCX(body: body, styles: Self.styles).data())
        XCTAssertEqual(document.blocks.first?.kind, .listItem)
    }

    func testTrackedChangesAreAccepted() throws {
        let body = #"<w:p><w:r><w:t xml:space="preserve">Deadline: </w:t></w:r>"#
            + #"<w:del w:id="1" w:author="A"><w:r><w:delText>1 August</w:delText></w:r></w:del>"#
            + #"<w:ins w:id="2" w:author="A"><w:r><w:t>30 September</w:t></w:r></w:ins>"#
            + #"<w:r><w:t xml:space="preserve"> 2017</w:t></w:r></w:p>"#
            + #"<w:p><w:moveFrom w:id="3" w:author="A"><w:r><w:t>Moved away</w:t></w:r></w:moveFrom></w:p>"#
            + #"<w:p><w:moveTo w:id="4" w:author="A"><w:r><w:t>Moved here</w:t></w:r></w:moveTo></w:p>"#
            + #"<w:p><w:pPr><w:rPr><w:del w:id="5" w:author="A"/></w:rPr></w:pPr><w:r><w:t>Joined </w:t></w:r></w:p>"#
            + F.p("paragraphs")
        let document = try F.readDOCX(F.DOCX(body: body).data())
        XCTAssertTrue(document.text.contains("Deadline: 30 September 2017"), document.text)
        XCTAssertFalse(document.text.contains("1 August"))
        XCTAssertFalse(document.text.contains("Moved away"))
        XCTAssertTrue(document.text.contains("Moved here"))
        XCTAssertTrue(document.text.contains("Joined paragraphs"), document.text)
        let notes = document.diagnostics.filter { $0.id == "ingest.docx.tracked-changes" }
        XCTAssertEqual(notes.count, 1)
        XCTAssertEqual(notes.first?.severity, .note)
        XCTAssertEqual(notes.first?.summary, "5 tracked changes resolved as accepted text (2 insertions, 3 deletions)")
    }

    func testDeletedTableRowIsDropped() throws {
        let body = "<w:tbl><w:tr><w:tc>\(F.p("kept"))</w:tc></w:tr>"
            + #"<w:tr><w:trPr><w:del w:id="1" w:author="A"/></w:trPr><w:tc>\#(F.p("gone"))</w:tc></w:tr>"#
            + "<w:tr><w:tc>\(F.p("last"))</w:tc></w:tr></w:tbl>"
        let document = try F.readDOCX(F.DOCX(body: body).data())
        XCTAssertEqual(document.blocks.map { document.text(of: $0.range) }, ["kept", "last"])
        XCTAssertEqual(document.blocks.map(\.row), [0, 1])
    }

    func testFieldCodesDroppedAndResultsKept() throws {
        let body = #"<w:p><w:r><w:t xml:space="preserve">See </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>"#
            + #"<w:r><w:instrText xml:space="preserve"> REF _Ref123 \h </w:instrText></w:r>"#
            + #"<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>clause 5</w:t></w:r>"#
            + #"<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> and </w:t></w:r>"#
            + #"<w:fldSimple w:instr=" PAGE "><w:r><w:t>7</w:t></w:r></w:fldSimple></w:p>"#
            + #"<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>hidden note</w:t></w:r><w:r><w:t>Shown</w:t></w:r></w:p>"#
            + #"<w:p><w:r><w:sym w:font="Symbol" w:char="F044"/><w:t>f</w:t></w:r></w:p>"#
        let document = try F.readDOCX(F.DOCX(body: body).data())
        XCTAssertEqual(document.text, "See clause 5 and 7\nShown\nΔf\n")
    }

    func testTextBoxReadOnceAndMathKept() throws {
        let box = "<w:txbxContent>\(F.p("Boxed text"))</w:txbxContent>"
        let body = #"<w:p><w:r><w:t>Anchor</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps">"#
            + "<w:drawing><wps:txbx>\(box)</wps:txbx></w:drawing></mc:Choice>"
            + "<mc:Fallback><w:pict><v:textbox>\(box)</v:textbox></w:pict></mc:Fallback></mc:AlternateContent>"
            + "</w:r></w:p>"
            + #"<w:p><w:r><w:t xml:space="preserve">Rate </w:t></w:r>"#
            + "<m:oMath><m:r><m:t>R=2</m:t></m:r></m:oMath></w:p>"
        let document = try F.readDOCX(F.DOCX(body: body).data())
        XCTAssertEqual(document.text.components(separatedBy: "Boxed text").count, 2, document.text)
        XCTAssertTrue(document.text.contains("Anchor"))
        XCTAssertTrue(document.text.contains("Rate R=2"))
    }

    func testCellParagraphsJoinAndNestedTablesDoNotCrash() throws {
        let inner = F.table([["inner a", "inner b"]])
        let body = "<w:tbl><w:tr><w:tc>\(F.p("Contact:"))</w:tc>"
            + "<w:tc>\(F.p("Name"))\(F.p("Agency"))\(inner)\(F.p("after"))</w:tc></w:tr></w:tbl>"
            + String(repeating: "<w:tbl><w:tr><w:tc>", count: 40) + F.p("deep")
            + String(repeating: "</w:tc></w:tr></w:tbl>", count: 40)
        let document = try F.readDOCX(F.DOCX(body: body).data())
        let cells = document.blocks.map { ($0.table ?? -1, $0.row ?? -1, $0.column ?? -1, document.text(of: $0.range)) }
        XCTAssertEqual(cells.count, 6)
        XCTAssertEqual(cells[0].3, "Contact:")
        XCTAssertEqual(cells[1].3, "Name\nAgency")
        XCTAssertEqual(cells[2].3, "inner a")
        XCTAssertEqual(cells[2].0, 1)
        XCTAssertEqual(cells[4].3, "after")
        XCTAssertEqual(cells[4].0, 0)
        XCTAssertEqual(cells[4].2, 1)
        XCTAssertEqual(cells[5].3, "deep")
    }

    func testFootnotesHeadersAndFootersInOrder() throws {
        let footnotes = #"<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>"#
            + #"<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:t>cont</w:t></w:r></w:p></w:footnote>"#
            + #"<w:footnote w:id="1">\#(F.p("See ITU-T A.1."))\#(F.p("Second line."))</w:footnote>"#
        let body = #"<w:p><w:r><w:t>Body text</w:t></w:r><w:r><w:footnoteReference w:id="1"/></w:r></w:p>"#
        let header = F.p("SG11 – LS 10")
        let docx = F.DOCX(body: body, footnotes: footnotes, headers: [header, header + F.p("Page 1")],
                          footers: [F.p("ITU-T")])
        let document = try F.readDOCX(docx.data())
        XCTAssertEqual(document.blocks.map(\.kind), [.paragraph, .footnote, .header, .header, .footer])
        XCTAssertEqual(document.text, "Body text\n\nSee ITU-T A.1.\nSecond line.\n\nSG11 – LS 10\nPage 1\nITU-T\n")
        XCTAssertFalse(document.text.contains("cont"))
    }

    func testCoreProperties() throws {
        let core = #"<?xml version="1.0"?><cp:coreProperties "#
            + #"xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#
            + #"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/">"#
            + "<dc:title>LS on KPIs</dc:title><dc:creator>ITU-T SG12</dc:creator><dc:description>x</dc:description>"
            + "<dcterms:created>2017-01-23T10:47:00Z</dcterms:created></cp:coreProperties>"
        let document = try F.readDOCX(F.DOCX(body: F.p("text"), core: core).data())
        XCTAssertEqual(document.fields, [Field(name: "title", value: "LS on KPIs"),
                                         Field(name: "creator", value: "ITU-T SG12"),
                                         Field(name: "created", value: "2017-01-23T10:47:00Z")])
    }

    func testIngestorSniffsDOCX() throws {
        let data = try F.DOCX(body: F.p("Hello")).data()
        let document = try TestSupport.ingest(data, name: "attachment.bin")
        XCTAssertEqual(document.source.format, .docx)
        XCTAssertEqual(document.text, "Hello\n")
    }

    // MARK: - Broken inputs

    func testEmptyFile() {
        XCTAssertEqual(F.errorID { try Ingestor().ingest(ReaderInput(path: "empty.docx", data: Data())) },
                       "ingest.empty")
        XCTAssertEqual(F.errorID { try F.readDOCX(Data()) }, "ingest.docx.empty")
    }

    func testNotAZip() {
        XCTAssertEqual(F.errorID { try F.readDOCX(Data("<html>oops</html>".utf8)) }, "ingest.docx.not-zip")
    }

    func testTruncatedDOCX() throws {
        let data = try F.DOCX(body: String(repeating: F.p("Some paragraph text."), count: 50)).data()
        let error = F.error { try F.readDOCX(data.prefix(data.count / 2)) }
        XCTAssertEqual(error?.id, "ingest.docx.truncated-zip")
        XCTAssertTrue(error?.summary.contains("truncated") ?? false)
        // Through the ingestor too (the sniffer sees the zip signature).
        XCTAssertEqual(F.errorID { try TestSupport.ingest(data.prefix(data.count / 2), name: "cut.docx") },
                       "ingest.docx.truncated-zip")
    }

    func testMissingDocumentPart() throws {
        var docx = F.DOCX(body: "")
        docx.omitDocument = true
        let error = F.error { try F.readDOCX(try! docx.data()) }
        XCTAssertEqual(error?.id, "ingest.docx.missing-part")
        XCTAssertTrue(error?.summary.contains("word/document.xml") ?? false, error?.summary ?? "")
    }

    func testMalformedDocumentXML() throws {
        var docx = F.DOCX(body: "")
        docx.rawDocument = #"<w:document \#(F.wordNamespaces)><w:body><w:p><w:r><w:t>unclosed</w:r></w:body>"#
        let error = F.error { try F.readDOCX(try! docx.data()) }
        XCTAssertEqual(error?.id, "ingest.docx.malformed")
        XCTAssertTrue(error?.summary.contains("word/document.xml") ?? false, error?.summary ?? "")
    }

    func testMalformedOptionalPartIsAWarning() throws {
        var docx = F.DOCX(body: F.p("Body"), footnotes: "<w:footnote w:id=\"1\"><w:p>")
        docx.headers = [F.p("Header")]
        let document = try F.readDOCX(docx.data())
        XCTAssertEqual(document.text, "Body\n\nHeader\n")
        XCTAssertEqual(document.diagnostics.map(\.id), ["ingest.docx.malformed-part"])
        XCTAssertEqual(document.diagnostics.first?.severity, .warning)
        XCTAssertTrue(document.diagnostics.first?.summary.contains("word/footnotes.xml") ?? false)
    }

    func testZipBombByDeclaredRatio() throws {
        let zeros = Data(count: 4 << 20)
        var parts = F.DOCX(body: F.p("x")).parts.map { (name: $0.0, data: Data($0.1.utf8)) }
        parts[2].data = zeros
        let data = try F.zip(parts)
        XCTAssertLessThan(data.count, 64 << 10)
        let error = F.error { try F.readDOCX(data) }
        XCTAssertEqual(error?.id, "ingest.docx.zip-bomb")
        XCTAssertTrue(error?.summary.contains("word/document.xml") ?? false, error?.summary ?? "")
    }

    func testZipBombWithLyingSizesStopsWhileInflating() throws {
        let data = try F.DOCX(body: F.p(String(repeating: "a", count: 2 << 20))).data()
        let lying = F.patchSizes(in: data, member: "word/document.xml", uncompressed: 1000)
        let error = F.error { try F.readDOCX(lying) }
        XCTAssertEqual(error?.id, "ingest.docx.zip-bomb")
        XCTAssertTrue(error?.summary.contains("though it declares 1000") ?? false, error?.summary ?? "")
    }

    func testWrongDeclaredSizeIsCorruption() throws {
        let data = try F.DOCX(body: String(repeating: F.p("Some paragraph text."), count: 50)).data()
        let member = try XCTUnwrap(try ZipContainer(data: data, format: .docx, limits: IngestLimits())
            .member(named: "word/document.xml"))
        for size in [member.uncompressedSize - 10, member.uncompressedSize + 10] {
            let patched = F.patchSizes(in: data, member: "word/document.xml", uncompressed: UInt32(size))
            let error = F.error { try F.readDOCX(patched) }
            XCTAssertEqual(error?.id, "ingest.docx.corrupt-zip")
            XCTAssertTrue(error?.summary.contains("not the declared \(size)") ?? false, error?.summary ?? "")
        }
    }

    func testDecompressedTotalLimit() throws {
        let data = try F.DOCX(body: String(repeating: F.p("Some paragraph text."), count: 2000)).data()
        var limits = IngestLimits()
        limits.maxDecompressedBytes = 16 << 10
        XCTAssertEqual(F.errorID { try F.readDOCX(data, limits: limits) }, "ingest.docx.too-large")
    }

    func testTruncatedDeflateStreamDoesNotHang() throws {
        let body = (0..<3000).map { F.p("Paragraph \($0) with text \($0 * 7919 % 10007).") }.joined()
        let data = try F.DOCX(body: body).data()
        // Declare only part of the compressed stream: inflating runs out of input before the stream ends.
        let compressed = try XCTUnwrap(try ZipContainer(data: data, format: .docx, limits: IngestLimits())
            .member(named: "word/document.xml")?.compressedSize)
        let cut = F.patchSizes(in: data, member: "word/document.xml", compressed: UInt32(compressed / 3))
        let error = F.error { try F.readDOCX(cut) }
        XCTAssertEqual(error?.id, "ingest.docx.truncated-zip")
    }

    func testCorruptBytesNeverCrash() throws {
        let data = try F.DOCX(body: F.p("Title", style: "Title") + F.table([["a", "b"]]),
                              footnotes: #"<w:footnote w:id="1">\#(F.p("note"))</w:footnote>"#,
                              headers: [F.p("head")]).data()
        var outcomes: [String: Int] = [:]
        for offset in stride(from: 0, to: data.count, by: 3) {
            var bytes = [UInt8](data)
            bytes[offset] ^= 0xA5
            let id = F.errorID { try F.readDOCX(Data(bytes)) } ?? "ok"
            outcomes[id, default: 0] += 1
        }
        for length in stride(from: 0, to: data.count, by: 17) {
            let id = F.errorID { try F.readDOCX(data.prefix(length)) } ?? "ok"
            outcomes[id, default: 0] += 1
        }
        XCTAssertGreaterThan(outcomes["ok"] ?? 0, 0)
        XCTAssertGreaterThan(outcomes["ingest.docx.truncated-zip"] ?? 0, 0)
        XCTAssertTrue(outcomes.keys.allSatisfy { $0 == "ok" || $0.hasPrefix("ingest.docx.") }, "\(outcomes)")
    }

    func testDirectoryOffsetPastEndIsTruncated() throws {
        var bytes = [UInt8](try F.DOCX(body: F.p("x")).data())
        // The end-of-central-directory record is the last 22 bytes; its directory offset is at +16.
        let eocd = bytes.count - 22
        XCTAssertEqual(Array(bytes[eocd..<eocd + 4]), [0x50, 0x4B, 0x05, 0x06])
        bytes[eocd + 19] = 0x7F
        XCTAssertEqual(F.errorID { try F.readDOCX(Data(bytes)) }, "ingest.docx.truncated-zip")
    }

    // MARK: - Real documents

    private func realDOCX(_ relative: String) throws -> IngestedDocument {
        let url = try TestSupport.requireRealCorpus().appendingPathComponent(relative)
        return try Ingestor().ingest(path: url.path)
    }

    private func cellText(_ document: IngestedDocument, rightOf label: String) -> String? {
        guard let labelBlock = document.blocks.first(where: {
            $0.kind == .tableCell && document.text(of: $0.range) == label
        }) else { return nil }
        return document.blocks.first {
            $0.kind == .tableCell && $0.table == labelBlock.table && $0.row == labelBlock.row
                && $0.column == (labelBlock.column ?? 0) + 1
        }.map { document.text(of: $0.range) }
    }

    /// Body block texts, with no-break spaces (common in "TS\u{A0}38.300") read as spaces.
    private func bodyBlocks(_ document: IngestedDocument) -> [String] {
        document.blocks.filter { ![.header, .footer, .footnote].contains($0.kind) }.map {
            document.text(of: $0.range).replacingOccurrences(of: "\u{A0}", with: " ")
        }
    }

    func testEveryRealDOCXIngests() throws {
        let corpus = try TestSupport.requireRealCorpus()
        var count = 0
        for folder in ["liaisons", "deliverables"] {
            let url = corpus.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            where name.hasSuffix(".docx") {
                let document = try Ingestor().ingest(path: url.appendingPathComponent(name).path)
                count += 1
                XCTAssertEqual(document.source.format, .docx, name)
                XCTAssertGreaterThan(document.blocks.count, 5, name)
                XCTAssertFalse(document.diagnostics.contains { $0.severity >= .warning },
                               "\(name): \(document.diagnostics)")
                for block in document.blocks {
                    XCTAssertFalse(document.text(of: block.range).isEmpty, name)
                }
            }
        }
        XCTAssertGreaterThanOrEqual(count, 4)
    }

    func testRealSG11LiaisonStatement() throws {
        let document = try realDOCX("liaisons/itu-t-sg11-ls10-counterfeit-device-theft.docx")
        XCTAssertEqual(cellText(document, rightOf: "Source:"), "ITU-T Study Group 11")
        XCTAssertEqual(cellText(document, rightOf: "Title:"),
                       "LS on ITU-T SG11 work on the combat of counterfeit ICT devices and mobile device theft")
        XCTAssertEqual(cellText(document, rightOf: "For information to:"), "OECD, WIPO, WTO, 3GPP, MWF, GSMA")
        XCTAssertEqual(cellText(document, rightOf: "Deadline:"), "1 November 2017")
        XCTAssertTrue(cellText(document, rightOf: "For action to:")?.hasSuffix("ITU-D SG1, SG2") ?? false)
        let body = bodyBlocks(document)
        XCTAssertEqual(body.first, "TSG SA Meeting #SP-75 SP-170146")
        XCTAssertTrue(body.dropLast().last?.hasPrefix("TD115 Rev.2 (GEN/11)") ?? false, "\(body.suffix(2))")
        XCTAssertTrue(document.blocks.contains { $0.kind == .header && document.text(of: $0.range) == "SG11 – LS 10" })
        XCTAssertEqual(document.field("creator"), "ITU-T Study Group 11")
    }

    func testRealSG12LiaisonStatement() throws {
        let document = try realDOCX("liaisons/itu-t-sg12-ls11-kpi-mobile-services.docx")
        XCTAssertEqual(cellText(document, rightOf: "Title:"), "LS on KPIs for mobile services")
        XCTAssertEqual(cellText(document, rightOf: "For action to:"), "3GPP")
        XCTAssertEqual(cellText(document, rightOf: "For comment to:"), "ETSI TC STQ MOBILE")
        XCTAssertEqual(cellText(document, rightOf: "Deadline:"), "1 August 2017")
        let body = bodyBlocks(document)
        XCTAssertTrue(body.contains("3GPP TSG SA Meeting #75 TD SP-170010"))
        XCTAssertTrue(document.blocks.contains {
            $0.kind == .listItem && document.text(of: $0.range).contains("Contribution 11 to ITU-T SG12")
        })
    }

    func testRealSPDraftReply() throws {
        let document = try realDOCX("liaisons/3gpp-sa-sp-170780-draft00-reply-ls-imt2020-roadmap.docx")
        let body = bodyBlocks(document)
        XCTAssertEqual(body.first, "3GPP TSG SA Meeting #77 SP-170780")
        XCTAssertTrue(body.contains { $0.hasPrefix("Title: [DRAFT] Reply LS on invitation to update") })
        XCTAssertTrue(body.contains { $0.hasPrefix("Response to: LS (SP-170768)") })
        XCTAssertTrue(body.contains("To: JCA-IMT2020"))
        XCTAssertTrue(body.contains("Attachments: IMT2020-related-activities.docx"))
        XCTAssertTrue(body.last?.hasPrefix("TSG SA Meeting #79") ?? false, body.last ?? "")
    }

    func testRealChangeRequestWithTrackedChange() throws {
        let document = try realDOCX("deliverables/3gpp-sa2-s2-2209002-cr-ts23501-redcap.docx")
        XCTAssertEqual(document.diagnostics.map(\.id), ["ingest.docx.tracked-changes"])
        let sentence = try XCTUnwrap(bodyBlocks(document).first {
            $0.hasPrefix("An NR RedCap UE using NR shall provide an NR RedCap indication")
        })
        XCTAssertTrue(sentence.hasSuffix("as defined in TS 38.300 [27]."), sentence)
        XCTAssertEqual(cellText(document, rightOf: "Title:"), "Correction of reference for RedCap indication from UE")
        XCTAssertTrue(document.blocks.contains {
            $0.kind == .heading && $0.level == 2 && document.text(of: $0.range) == "5.41 NR RedCap UEs differentiation"
        })
    }

    func testRealDeliverables() throws {
        let etsi = try realDOCX("deliverables/etsi-ts-103720-v0.2.2-draft-5g-broadcast.docx")
        let headings = etsi.blocks.filter { $0.kind == .heading }.map { (etsi.text(of: $0.range), $0.level) }
        XCTAssertTrue(headings.contains { $0 == ("1 Scope", 1) })
        XCTAssertTrue(headings.contains { $0 == ("2.1 Normative references", 2) })
        XCTAssertTrue(bodyBlocks(etsi).contains { $0.hasPrefix("MBSFN subframes using Δf = 1,25 kHz") })
        XCTAssertTrue(etsi.blocks.contains { $0.kind == .footer && etsi.text(of: $0.range) == "ETSI" })

        let a1 = try realDOCX("deliverables/itu-t-a1-2016-working-methods.docx")
        XCTAssertTrue(a1.blocks.contains { $0.kind == .footnote })
        XCTAssertTrue(a1.blocks.contains { $0.kind == .tableCell && a1.text(of: $0.range) == "LIAISON STATEMENT" })
        XCTAssertTrue(a1.text.contains("ITU-T"))
        XCTAssertEqual(a1.field("title")?.hasPrefix("ITU-T Rec. A.1"), true)
    }
}
