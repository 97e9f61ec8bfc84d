import Foundation
import XCTest
@testable import LiaisonTrace

final class ODTReaderTests: XCTestCase {
    typealias F = OfficeFixtures

    func testODTDump() throws {
        let styles = #"<style:style style:name="P1" style:family="paragraph" style:parent-style-name="Title"/>"#
        let body = #"<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion>"#
            + "<text:p>deleted words</text:p></text:deletion></text:changed-region>"
            + #"<text:changed-region text:id="ct2"><text:insertion/></text:changed-region></text:tracked-changes>"#
            + #"<text:p text:style-name="P1">LS on numbering</text:p>"#
            + #"<text:h text:outline-level="2">1 Scope</text:h>"#
            + #"<text:p>Tab<text:tab/>and<text:s text:c="3"/>spaces<text:line-break/>next line, "#
            + #"<text:change text:change-id="ct1"/><text:change-start text:change-id="ct2"/>inserted"#
            + #"<text:change-end text:change-id="ct2"/> words<text:note text:note-class="footnote">"#
            + "<text:note-citation>1</text:note-citation><text:note-body><text:p>See ITU-T A.1.</text:p>"
            + "</text:note-body></text:note>.</text:p>"
            + "<text:list><text:list-item><text:p>First</text:p><text:list><text:list-item><text:p>Nested</text:p>"
            + "</text:list-item></text:list></text:list-item></text:list>"
            + "<table:table><table:table-row><table:table-cell><text:p>For action to:</text:p></table:table-cell>"
            + "<table:table-cell><text:p>3GPP TSG SA</text:p><text:p>ETSI</text:p></table:table-cell>"
            + "</table:table-row><table:table-row>"
            + #"<table:table-cell table:number-columns-spanned="2"><text:p>Wide</text:p></table:table-cell>"#
            + "<table:covered-table-cell><text:p>hidden</text:p></table:covered-table-cell>"
            + "</table:table-row></table:table>"
            + #"<text:p>Frame: <draw:frame><draw:text-box><text:p>Boxed</text:p></draw:text-box></draw:frame></text:p>"#
        let meta = "<dc:title>LS on numbering</dc:title><meta:initial-creator>x</meta:initial-creator>"
            + "<dc:creator>ITU-T SG2</dc:creator><meta:creation-date>2017-10-01T10:00:00</meta:creation-date>"
        let data = try F.odt(body, automaticStyles: styles, meta: meta)
        let document = try TestSupport.ingest(data, name: "ls.odt")
        XCTAssertEqual(DocumentDump.text(of: document), """
            # ls.odt (odt)
            @title: LS on numbering
            @creator: ITU-T SG2
            @created: 2017-10-01T10:00:00
            title 1: LS on numbering
            heading[level 2] 2: 1 Scope
            paragraph 3: Tab and spaces
                | next line, inserted words.
            list-item[level 1] 5: First
            list-item[level 2] 6: Nested
            table-cell[t0 r0 c0] 7: For action to:
            table-cell[t0 r0 c1] 8: 3GPP TSG SA
                | ETSI
            table-cell[t0 r1 c0] 10: Wide
            paragraph 11: Boxed
            paragraph 12: Frame:
            footnote 14: See ITU-T A.1.

            """)
        XCTAssertEqual(document.diagnostics.map(\.id), ["ingest.odt.tracked-changes"])
        XCTAssertEqual(document.diagnostics.first?.summary, "2 tracked changes resolved as accepted text")
        XCTAssertFalse(document.text.contains("deleted"))
        XCTAssertFalse(document.text.contains("hidden"))
    }

    func testBrokenODT() throws {
        let noContent = try F.zip([("mimetype", "application/vnd.oasis.opendocument.text")], stored: ["mimetype"])
        XCTAssertEqual(F.errorID { try TestSupport.ingest(noContent, name: "x.odt") }, "ingest.odt.missing-part")
        let malformed = try F.zip([("mimetype", "application/vnd.oasis.opendocument.text"),
                                   ("content.xml", "<office:document-content><text:p>")], stored: ["mimetype"])
        let error = F.error { try TestSupport.ingest(malformed, name: "x.odt") }
        XCTAssertEqual(error?.id, "ingest.odt.malformed")
        let data = try F.odt("<text:p>text</text:p>")
        XCTAssertEqual(F.errorID { try TestSupport.ingest(data.prefix(data.count / 2), name: "x.odt") },
                       "ingest.odt.truncated-zip")
    }

    func testSniffedFromMimetypeWhateverTheName() throws {
        let document = try TestSupport.ingest(try F.odt("<text:p>Hello</text:p>"), name: "attachment.bin")
        XCTAssertEqual(document.source.format, .odt)
        XCTAssertEqual(document.text, "Hello\n")
    }
}
