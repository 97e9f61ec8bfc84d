import Foundation
import XCTest
@testable import LiaisonTrace

final class ZipReaderTests: XCTestCase {
    typealias F = OfficeFixtures

    private func liaisonDOCX() throws -> Data {
        try F.DOCX(body: F.table([["For action to:", "3GPP TSG SA"]]) + F.p("Please reply.")).data()
    }

    func testMembersBecomeChildDocuments() throws {
        let docx = try liaisonDOCX()
        let zip = try F.zip([
            (name: "SP-170146_ls10-11.docx", data: docx),
            (name: "readme.txt", data: Data("Cover note for SP-170146.\n".utf8)),
            (name: "__MACOSX/._SP-170146_ls10-11.docx", data: Data([0, 5, 22, 7, 0, 2])),
            (name: ".DS_Store", data: Data([0, 0, 0, 1])),
            (name: "empty/", data: Data()),
        ])
        let document = try TestSupport.ingest(zip, name: "SP-170146.zip")
        XCTAssertEqual(document.source.format, .zip)
        XCTAssertEqual(document.text, """
            member: SP-170146_ls10-11.docx (\(docx.count) bytes)
            member: readme.txt (26 bytes)

            """)
        XCTAssertEqual(document.blocks.map(\.kind), [.field, .field])
        XCTAssertEqual(document.blocks.map(\.name), ["member", "member"])
        XCTAssertEqual(document.attachments.map(\.name), ["SP-170146_ls10-11.docx", "readme.txt"])
        XCTAssertEqual(document.attachments.map(\.ingested), [true, true])
        XCTAssertEqual(document.attachments.first?.mediaType,
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        XCTAssertEqual(document.children.map(\.source.path),
                       ["SP-170146.zip!SP-170146_ls10-11.docx", "SP-170146.zip!readme.txt"])
        XCTAssertEqual(document.children.map(\.source.format), [.docx, .text])
        XCTAssertEqual(document.children.first?.text, "For action to:\n3GPP TSG SA\nPlease reply.\n")
        XCTAssertTrue(document.diagnostics.isEmpty, "\(document.diagnostics)")
        let dump = DocumentDump.text(of: document)
        XCTAssertTrue(dump.contains("# SP-170146.zip!SP-170146_ls10-11.docx (docx)"), dump)
    }

    func testFailingMemberBecomesWarning() throws {
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
        let broken = try liaisonDOCX().prefix(100)
        let zip = try F.zip([(name: "logo.png", data: png), (name: "broken.docx", data: Data(broken)),
                             (name: "ls.docx", data: try liaisonDOCX())])
        let document = try TestSupport.ingest(zip, name: "SP-170010.zip")
        XCTAssertEqual(document.attachments.map(\.ingested), [false, false, true])
        XCTAssertEqual(document.children.map(\.source.path), ["SP-170010.zip!ls.docx"])
        XCTAssertEqual(document.diagnostics.map(\.id), ["ingest.zip.member-failed", "ingest.zip.member-failed"])
        XCTAssertEqual(document.diagnostics.map(\.severity), [.warning, .warning])
        let first = try XCTUnwrap(document.diagnostics.first)
        XCTAssertTrue(first.summary.hasPrefix("zip member logo.png was not ingested: file looks binary"), first.summary)
        XCTAssertEqual(first.explanation?.hasPrefix("Cause: ingest.binary."), true)
        XCTAssertEqual(first.path, "SP-170010.zip")
        XCTAssertEqual(first.line, 1)
        let second = document.diagnostics[1]
        XCTAssertTrue(second.summary.contains("broken.docx"), second.summary)
        XCTAssertEqual(second.explanation?.hasPrefix("Cause: ingest.docx.truncated-zip."), true)
        XCTAssertEqual(second.line, 2)
    }

    func testZipBombMemberIsAWarning() throws {
        let zip = try F.zip([(name: "bomb.txt", data: Data(count: 4 << 20)),
                             (name: "ls.txt", data: Data("LS on KPIs\n".utf8))])
        XCTAssertLessThan(zip.count, 64 << 10)
        let document = try TestSupport.ingest(zip, name: "bomb.zip")
        XCTAssertEqual(document.attachments.map(\.ingested), [false, true])
        XCTAssertEqual(document.diagnostics.map(\.id), ["ingest.zip.member-failed"])
        XCTAssertEqual(document.diagnostics.first?.explanation?.hasPrefix("Cause: ingest.zip.zip-bomb."), true)
    }

    func testMemberOverTheFileLimitIsAWarning() throws {
        let zip = try F.zip([(name: "big.txt", data: Data(String(repeating: "liaison ", count: 1000).utf8)),
                             (name: "small.txt", data: Data("LS\n".utf8))])
        var limits = IngestLimits()
        limits.maxFileBytes = 4000
        let document = try Ingestor(limits: limits).ingest(ReaderInput(path: "a.zip", data: zip, limits: limits))
        XCTAssertEqual(document.attachments.map(\.ingested), [false, true])
        XCTAssertEqual(document.diagnostics.first?.explanation?.hasPrefix("Cause: ingest.too-large."), true)
    }

    func testNestedArchivesRespectTheDepthLimit() throws {
        let inner = try F.zip([(name: "ls.txt", data: Data("inner liaison\n".utf8))])
        let outer = try F.zip([(name: "inner.zip", data: inner)])
        let document = try TestSupport.ingest(outer, name: "outer.zip")
        XCTAssertEqual(document.children.first?.children.first?.source.path, "outer.zip!inner.zip!ls.txt")
        XCTAssertEqual(document.children.first?.children.first?.text, "inner liaison\n")

        var limits = IngestLimits()
        limits.maxAttachmentDepth = 1
        let limited = try Ingestor(limits: limits).ingest(ReaderInput(path: "outer.zip", data: outer, limits: limits))
        XCTAssertEqual(limited.attachments.map(\.ingested), [true])
        let child = try XCTUnwrap(limited.children.first)
        XCTAssertTrue(child.children.isEmpty)
        XCTAssertEqual(child.attachments.map(\.ingested), [false])
        XCTAssertEqual(child.diagnostics.map(\.id), ["ingest.zip.too-deep"])
        XCTAssertEqual(child.text, "member: ls.txt (14 bytes)\n")
    }

    func testBrokenArchives() throws {
        let emptyArchive = try F.zip([(name: "folder/", data: Data())])
        XCTAssertEqual(F.errorID { try TestSupport.ingest(emptyArchive, name: "empty.zip") }, "ingest.zip.empty")
        let zip = try F.zip([(name: "a.txt", data: Data(String(repeating: "liaison text ", count: 500).utf8))])
        XCTAssertEqual(F.errorID { try TestSupport.ingest(zip.prefix(zip.count - 30), name: "cut.zip") },
                       "ingest.zip.truncated-zip")
        XCTAssertEqual(F.errorID { try ZipArchiveReader().read(ReaderInput(path: "x.zip", data: Data("PK".utf8))) },
                       "ingest.zip.not-zip")
    }

    func testRealLiaisonInAZip() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let docx = try Data(contentsOf: corpus.appendingPathComponent(
            "liaisons/itu-t-sg11-ls10-counterfeit-device-theft.docx"))
        let zip = try F.zip([(name: "SP-170146_ls10-11.docx", data: docx)])
        let document = try TestSupport.ingest(zip, name: "SP-170146.zip")
        XCTAssertEqual(document.text, "member: SP-170146_ls10-11.docx (57873 bytes)\n")
        let child = try XCTUnwrap(document.children.first)
        XCTAssertEqual(child.source.format, .docx)
        XCTAssertTrue(child.text.contains("For information to:\nOECD, WIPO, WTO, 3GPP, MWF, GSMA\n"))
        XCTAssertEqual(child.source.sha256, ContentHash.sha256(docx))
    }
}
