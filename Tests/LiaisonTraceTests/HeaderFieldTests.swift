import XCTest
@testable import LiaisonTrace

/// Shared helpers: run the default pipeline's extraction on a text or on a document built in the test.
enum HeaderTestSupport {
    static let extraction: Extraction = {
        // swiftlint:disable:next force_try
        try! Extraction(rules: ReferenceRuleTests.defaultRules())
    }()

    static func record(_ text: String, name: String = "header.txt") throws -> (DocumentRecord, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let record = extraction.run(AnalyzedDocument(try TestSupport.ingest(text, name: name)),
                                    diagnostics: &diagnostics)
        return (record, diagnostics)
    }

    static func record(_ document: IngestedDocument) -> (DocumentRecord, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let record = extraction.run(AnalyzedDocument(document), diagnostics: &diagnostics)
        return (record, diagnostics)
    }

    static func addressees(_ record: DocumentRecord) -> [String] {
        record.document.to.map { "\($0.purpose.rawValue): \($0.group)" }
    }

    static func source(_ name: String, _ format: DocumentFormat) -> SourceInfo {
        SourceInfo(path: name, format: format, sha256: "")
    }
}

final class HeaderFieldTests: XCTestCase {
    typealias Support = HeaderTestSupport

    // MARK: - Layouts

    /// antiword: label, tab, value; 3GPP LS template.
    static let antiwordLS = """
        3GPP TSG-SA WG2 Meeting #98\t\t\tS2-132855
        Valencia, Spain, 15th \u{2013} 19h July 2013

        Title:\t[DRAFT] LS on UEPCOP CT considerations
        Response to:\t-
        Release:\tRel-12
        Work Item:\tMTCe-UEPCOP

        Source:\tSA2
        To:\tCT1, CT4, RAN2
        Cc:\tRAN3, GERAN2

        Contact Person:

            Name:\tPeter Hedman

        Attachments:\tNone


        1. Overall Description:

        SA2 would like CT1 and CT4 to evaluate the solutions. See S2-132855 and TR 23.887.

        2. Actions:

        To CT1 and CT4:
        ACTION: \tSA WG2 kindly asks CT1 and CT4 to provide feedback.
        To: RAN3
        Title: not a header field

        """

    func testLabelTabValueLines() throws {
        let (record, _) = try Support.record(Self.antiwordLS)
        let header = record.document
        XCTAssertEqual(header.kind, .liaison)
        XCTAssertEqual(header.sdo, "3GPP")
        XCTAssertEqual(header.ids, ["S2-132855"])
        XCTAssertEqual(header.title, "[DRAFT] LS on UEPCOP CT considerations")
        XCTAssertEqual(header.from, ["3GPP SA2"])
        // "To CT1 and CT4:" and "To: RAN3" in the body's action block are not header fields.
        // Cc recipients are informed; the label the document used is kept.
        XCTAssertEqual(Support.addressees(record), ["action: 3GPP CT1", "action: 3GPP CT4", "action: 3GPP RAN2",
                                                    "information: 3GPP RAN3", "information: 3GPP GERAN2"])
        XCTAssertEqual(header.to.map(\.label), [nil, nil, nil, "Cc", "Cc"])
        XCTAssertEqual(header.respondsTo, [])
        XCTAssertEqual(header.date, "2013-07-19")
        XCTAssertNil(header.deadline)
        XCTAssertEqual(record.meetings.map(\.id), ["3GPP SA2#98"])
        XCTAssertEqual(record.meetings.first?.tdoc, "S2-132855")
        // The header's own number is not a reference; the body's mention of it and of TR 23.887 stay.
        XCTAssertEqual(record.references.map(\.id), ["S2-132855", "3GPP TR 23.887"])
        XCTAssertEqual(record.references.first?.line, 22)
    }

    /// A text dump of Word tables: one cell per line, label then value; "-" and empty values.
    static let cellPerLine = """
        SG11 \u{2013} LS 10

        Original: English
        Question(s):
        15/11
        Geneva, 6-15 February 2017
        Ref.: TD 167 Rev.1 (GEN/11)
        Source:
        ITU-T Study Group 11
        Title:
        LS on ITU-T SG11 work on the combat of counterfeit ICT devices and mobile device theft
        LIAISON STATEMENT
        For action to:
        APT, ATU, CITEL, ITU-T SG2, SG5, SG17, ITU-D SG1, SG2
        For comment to:
        -
        For information to:

        Approval:
        ITU-T Study Group 11 meeting (Geneva, 15 February 2017)
        Deadline:
        1 November 2017
        Contact:
        Isaac BOATENG
        National Communications Authority Ghana
        E-mail: isaac.boateng@example.org

        Keywords:
        combating counterfeit
        Abstract:
        Based on the decisions taken on WTSA-16, ITU-T SG11 should coordinate the work on SG11-LS10.
        ITU-T SG 11 would like to request information from SG12.
        """

    func testLabelAloneThenValueOnNextLine() throws {
        let (record, diagnostics) = try Support.record(Self.cellPerLine)
        let header = record.document
        XCTAssertEqual(header.kind, .liaison)
        XCTAssertEqual(header.sdo, "ITU-T")
        XCTAssertEqual(header.ids, ["SG11-LS10", "SG11-TD167/GEN"])
        XCTAssertEqual(header.title,
                       "LS on ITU-T SG11 work on the combat of counterfeit ICT devices and mobile device theft")
        XCTAssertEqual(header.from, ["ITU-T SG11"])
        XCTAssertEqual(Support.addressees(record), [
            "action: APT", "action: ATU", "action: CITEL", "action: ITU-T SG2", "action: ITU-T SG5",
            "action: ITU-T SG17", "action: ITU-D SG1", "action: ITU-D SG2",
        ])
        XCTAssertEqual(header.deadline, "2017-11-01")
        XCTAssertEqual(header.date, "2017-02-15")
        XCTAssertEqual(diagnostics.filter { $0.severity >= .warning }.map(\.formatted), [])
        // The body's mention of the document's own number is kept; the masthead's is not.
        XCTAssertEqual(record.references.filter { $0.id == "SG11-LS10" }.map(\.line), [31])
        XCTAssertFalse(record.references.contains { $0.id == "SG11-TD167/GEN" })
        let fields = record.headerFields.map { "\($0.field)=\($0.value)" }
        XCTAssertTrue(fields.contains("to=-"), "\(fields)")
        XCTAssertTrue(fields.contains("to="), "\(fields)")
        XCTAssertTrue(fields.contains("deadline=1 November 2017"), "\(fields)")
    }

    /// pdftotext -layout: label and value in columns, a second column on the same lines, values continued on
    /// indented lines, a body that starts without a heading.
    static let pdfColumns = """
                    INTERNATIONAL TELECOMMUNICATION UNION
                                                                                       JCA-IMT2020-LS1
                    TELECOMMUNICATION
                    STANDARDIZATION SECTOR                                               Original: English
                    STUDY PERIOD 2017-2020                                             Geneva, 10 July 2017
                                            (Ref: JCA-IMT2020-O-001)
        Source:          JCA-IMT2020
        Title:           LS on invitation to update the information in the IMT2020 roadmap [to ITU study
                         groups and external IMT-2020 liaison partners]
                                            LIAISON STATEMENT
        For action to:          ITU-R SG5 WP5D, 3GPP (Core Network and Terminals, RAN, Service and
                                System Aspects), ETSI (ISG MEC), BBF (Broadband Policy), oneM2M, NGNM
        For comment to:         -
        For information to:     ITU-T SG13, SG20
        Approval:               JCA-IMT2020 meeting (Geneva, 10 July 2017)
        Deadline:               1 November 2017
        Contact:                Scott Mansfield             Tel:   +1 613 555 0100
                                Ericsson                    Email: scott@example.org
           We are pleased to inform you that JCA-IMT2020 is starting a new project called the IMT-2020 roadmap.
           Please submit your updates; To: all of you.

        """

    func testColumnsAndIndentedContinuations() throws {
        let (record, diagnostics) = try Support.record(Self.pdfColumns)
        let header = record.document
        XCTAssertEqual(header.ids, ["JCA-IMT2020-LS1", "JCA-IMT2020-O-001"])
        XCTAssertEqual(header.title, "LS on invitation to update the information in the IMT2020 roadmap [to ITU study "
                       + "groups and external IMT-2020 liaison partners]")
        XCTAssertEqual(header.from, ["ITU-T JCA-IMT2020"])
        // Parenthesized parts of a body ("RAN" of 3GPP) refine it; the body stays the addressee.
        // "NGNM", a known misspelling, is NGMN with a note.
        XCTAssertEqual(Support.addressees(record), [
            "action: ITU-R WP5D", "action: 3GPP", "action: ETSI", "action: BBF", "action: oneM2M", "action: NGMN",
            "information: ITU-T SG13", "information: ITU-T SG20",
        ])
        XCTAssertEqual(header.deadline, "2017-11-01")
        XCTAssertEqual(header.date, "2017-07-10")
        XCTAssertEqual(diagnostics.filter { $0.id == "extract.header.unknown-group" }.map(\.summary), [])
        XCTAssertEqual(diagnostics.filter { $0.id == "extract.header.misspelt-group" }.map(\.summary),
                       ["'NGNM' read as 'NGMN', a known misspelling"])
        XCTAssertEqual(diagnostics.first { $0.id == "extract.header.misspelt-group" }?.line, 11)
    }

    /// A reader that gives table cells (DOCX): label and value in cells of one row; a third cell holds the
    /// meeting place and date; a row with the label only. Also after a multi-byte first paragraph.
    func testTableCells() throws {
        let (record, _) = Support.record(Self.tableDocument(prefix: nil))
        let (prefixed, _) = Support.record(Self.tableDocument(prefix: "é日😀"))
        XCTAssertEqual(record.document, prefixed.document)
        XCTAssertEqual(record.headerFields.count, prefixed.headerFields.count)
        for (a, b) in zip(record.headerFields, prefixed.headerFields) {
            XCTAssertEqual(b.line, a.line + 1, a.value)
            XCTAssertEqual(b.range, a.range.shifted(by: TestSupport.multiBytePrefix.utf8.count), a.value)
        }
        let header = record.document
        XCTAssertEqual(header.kind, .liaison)
        XCTAssertEqual(header.sdo, "ITU-T")
        XCTAssertEqual(header.ids, ["SG12-LS11", "SP-170010"])
        XCTAssertEqual(header.title, "LS on KPIs for mobile services")
        XCTAssertEqual(header.from, ["ITU-T SG12"])
        XCTAssertEqual(Support.addressees(record), ["action: 3GPP", "comment: ETSI TC STQ"])
        XCTAssertEqual(header.deadline, "2017-08-01")
        XCTAssertEqual(header.date, "2017-01-19")
        XCTAssertEqual(record.meetings.map(\.id), ["3GPP TSG SA#75"])
        XCTAssertEqual(record.meetings.first?.tdoc, "SP-170010")
        let title = try XCTUnwrap(record.headerFields.first { $0.field == "title" })
        XCTAssertEqual(title.line, 8)
    }

    static func tableDocument(prefix: String?) -> IngestedDocument {
        var builder = TextBuilder()
        if let prefix { builder.append(prefix, kind: .paragraph) }
        builder.append("INTERNATIONAL TELECOMMUNICATION UNION", kind: .paragraph)
        builder.append("COM 12 \u{2013} LS 11 \u{2013} E", kind: .paragraph)
        let rows: [[String]] = [
            ["Question(s):", "12/12", "Geneva, 10-19 January 2017"],
            ["Source:", "ITU-T Study Group 12"],
            ["Title:", "LS on KPIs for mobile services"],
            ["For action to:", "3GPP"],
            ["For comment to:", "ETSI TC STQ MOBILE"],
            ["For information to:"],
            ["Approval:", "ITU-T SG12 meeting (19 January 2017)"],
            ["Deadline:", "1 August 2017"],
            ["Contact:", "Nicholas Jatta\nPURA\nThe Gambia", "Tel: +220 4399601"],
        ]
        for (row, cells) in rows.enumerated() {
            for (column, cell) in cells.enumerated() {
                builder.append(cell, kind: .tableCell, table: 0, row: row, column: column)
            }
        }
        builder.append("3GPP TSG SA Meeting #75\tTD SP-170010", kind: .paragraph)
        builder.append("ITU-T Study Group 12 wishes to inform 3GPP that we have endorsed a new work item.",
                       kind: .paragraph)
        return IngestedDocument(source: Support.source("ls11.docx", .docx), text: builder.text, blocks: builder.blocks)
    }

    /// Odd inputs end quietly: labels with nothing after them at the end of the text, a header of labels only,
    /// control characters, a very long line, table cells out of order, an empty-valued e-mail.
    func testOddInputsDoNotCrash() throws {
        let texts = [
            "Title:", "Source:\nTitle:\nFor action to:\nDeadline:", "For action to:   ", "Title:\u{7} LS on a few things, with a bell in it\u{1}",
            String(repeating: "Title: x ", count: 5000), "|||||\n|Title:|\n|", "(Ref:)", "Response to: /// and //",
            "Deadline: 31 February 2017", "SA WG2 Meeting #\tS2-\n", "1. Overall Description:\nTo CT1:",
        ]
        for text in texts {
            _ = try Support.record(text)
            _ = try Support.record(TestSupport.multiBytePrefix + text)
        }
        var builder = TextBuilder()
        builder.append("Title:", kind: .tableCell, table: 0, row: 3, column: 2)
        builder.append("For action to:", kind: .tableCell, table: 0, row: 1, column: 0)
        builder.append("3GPP", kind: .tableCell, table: 1, row: 0, column: 7)
        _ = Support.record(IngestedDocument(source: Support.source("odd.docx", .docx), text: builder.text,
                                            blocks: builder.blocks))
        let mail = IngestedDocument(source: Support.source("odd.eml", .email), text: "\n", blocks: [],
                                    fields: [Field(name: "Subject", value: ""), Field(name: "Date", value: "soon")])
        let (record, _) = Support.record(mail)
        XCTAssertEqual(record.document.kind, .email)
        XCTAssertNil(record.document.date)
    }

    /// antiword tables: `|`-separated cells on one line.
    func testPipeTableRows() throws {
        let text = """
            SA WG2 Meeting #101\tS2-140429
            20 - 24 January 2014, Taipei, Taiwan\t(revision of S2-140152)

            |CR-Form-v11                                     |
            |CHANGE REQUEST                                  |
            |Title:            |Clarification on Power Saving Mode handling   |
            |Source to WG:     |LG electronics                                |
            |Work item code:   |MTCe_UEPCOP  |         |Date:     |2014-01-23 |

            """
        let (record, _) = try Support.record(text)
        XCTAssertEqual(record.document.kind, .changeRequest)
        XCTAssertEqual(record.document.title, "Clarification on Power Saving Mode handling")
        XCTAssertEqual(record.document.date, "2014-01-23")
        XCTAssertEqual(record.document.ids, ["S2-140429", "S2-140152"])
    }

    /// A CR cover as Word writes it (a real DOCX read by the DOCX reader): two tables of cells, a first table row
    /// with many cells, and a help cell of two paragraphs whose last line is a web address ending in '.' before the
    /// Title row. The help cell is form text, not the first sentence of the body: the header zone goes on to the
    /// Title and Date cells.
    func testChangeRequestCoverInWordTables() throws {
        typealias Fixtures = OfficeFixtures
        let row = Self.wordRow
        let help = ["For HELP on using this form: comprehensive instructions can be found at",
                    "http://www.example.org/Change-Requests."]
        let cover = "<w:tbl>" + row([["CR-Form-v12.0"]]) + row([["CHANGE REQUEST"]]) + row([[""]])
            + row([[""], ["29.999"], ["CR"], ["0042"], ["rev"], ["-"], ["Current version:"], ["16.2.0"]])
            + row([[""]]) + row([help]) + "</w:tbl>"
        let fields = Fixtures.table([
            ["Proposed change affects:", "UICC apps", "", "ME", "X", "Radio Access Network", "", "Core Network"],
            ["", ""],
            ["Title:", "Clarification of the timer handling in idle mode"],
            ["Source to WG:", "Example Networks"],
            ["Work item code:", "TEI16", "", "Date:", "2021-02-17"],
            ["Category:", "F", "", "Release:", "Rel-16"],
        ])
        let body = Fixtures.p("3GPP TSG-CT WG4 Meeting #102e\tC4-211234")
            + Fixtures.p("Electronic meeting, 12-19 March 2021") + cover + fields
            + Fixtures.p("The timer is started when the UE enters idle mode and is stopped on paging.")
        let data = try Fixtures.DOCX(body: body).data()
        let (record, _) = Support.record(try TestSupport.ingest(data, name: "cr.docx"))
        XCTAssertEqual(record.document.title, "Clarification of the timer handling in idle mode")
        XCTAssertEqual(record.document.date, "2021-02-17")
        XCTAssertEqual(record.document.ids, ["C4-211234"])
        XCTAssertEqual(record.headerFields.map(\.field), ["title", "date"])
    }

    /// A Word table row whose cells hold one paragraph per string.
    static func wordRow(_ cells: [[String]]) -> String {
        "<w:tr>" + cells.map { paragraphs in
            "<w:tc>" + paragraphs.map { OfficeFixtures.p($0) }.joined() + "</w:tc>"
        }.joined() + "</w:tr>"
    }

    /// A deliverable's cover table with the edition date under the number in one cell of two paragraphs: the date
    /// alone on its line is the masthead date, as in the text rendering.
    func testMastheadDateOnItsOwnLineOfACoverCell() throws {
        let cover = "<w:tbl>" + Self.wordRow([[""], ["International Telecommunication Union"]])
            + Self.wordRow([["ITU-T"], ["Series Z"]])
            + Self.wordRow([["TELECOMMUNICATION", "STANDARDIZATION SECTOR"], ["Supplement 9", "(05/2020)"]])
            + Self.wordRow([[""], ["Guidelines for examples of covers"]]) + "</w:tbl>"
        let data = try OfficeFixtures.DOCX(body: cover + OfficeFixtures.p("Summary")).data()
        let (record, _) = Support.record(try TestSupport.ingest(data, name: "sup9.docx"))
        XCTAssertEqual(record.document.date, "2020-05")
    }

    /// The real DOCX change request (CR-Form-v12.0 cover table): its title and date, as in its text rendering.
    func testRealDOCXChangeRequestCover() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let names = ["deliverables/3gpp-sa2-s2-2209002-cr-ts23501-redcap.docx",
                     "renderings/deliverables/3gpp-sa2-s2-2209002-cr-ts23501-redcap.txt"]
        for name in names {
            let ingested = try Ingestor().ingest(path: corpus.appendingPathComponent(name).path)
            let (record, _) = Support.record(ingested)
            XCTAssertEqual(record.document.kind, .changeRequest, name)
            XCTAssertEqual(record.document.ids, ["S2-2209002"], name)
            XCTAssertEqual(record.document.title, "Correction of reference for RedCap indication from UE", name)
            XCTAssertEqual(record.document.date, "2022-09-28", name)
        }
    }

    // MARK: - Values

    func testPrefixesCarryOverAndNoneValues() throws {
        let text = """
            SG2-LS99
            Question(s):  1/2
            Source:  ITU-T Study Group 2
            Title:  LS on something
            For action to:  ITU-T SG2, SG5, SG17, ITU-D SG1, SG2
            For comment to:  N/A
            For information to:  -
            Deadline:  -
            Approval:  Agreed at the rapporteur group meeting
            """
        let (record, diagnostics) = try Support.record(text)
        XCTAssertEqual(Support.addressees(record), ["action: ITU-T SG2", "action: ITU-T SG5", "action: ITU-T SG17",
                                                    "action: ITU-D SG1", "action: ITU-D SG2"])
        XCTAssertNil(record.document.deadline)
        XCTAssertNil(record.document.date)
        XCTAssertEqual(diagnostics.filter { $0.severity >= .warning }.map(\.id), [])
    }

    func testUnreadableDeadlineIsAWarningAtTheValue() throws {
        let text = """
            Source:  ITU-T Study Group 2
            Title:  LS on something
            For action to:  3GPP
            Deadline:  before the next meeting
            """
        let (record, diagnostics) = try Support.record(text)
        XCTAssertNil(record.document.deadline)
        let warning = try XCTUnwrap(diagnostics.first { $0.id == "extract.header.unparsed-date" })
        XCTAssertEqual(warning.severity, .warning)
        XCTAssertEqual(warning.line, 4)
        XCTAssertEqual(warning.column, 1)
        XCTAssertEqual(warning.path, "header.txt")
        XCTAssertTrue(warning.summary.contains("before the next meeting"), warning.summary)
    }

    func testResponseToValuesAndAliases() throws {
        let (record, _) = try Support.record("""
            3GPP TSG-RAN WG2 Meeting #103bis\tR2-1816041
            Chengdu, China, 8-12 August 2018

            Title:\tReply LS on Dynamic PLR Allocation in eVoLP
            Response to:\tR2-1801767/ S4-180219 and R2-1811032/S2-186267
            Source:\tRAN2
            To:\tSA4
            """)
        XCTAssertEqual(record.document.respondsTo, ["R2-1801767", "S4-180219", "R2-1811032", "S2-186267"])
        XCTAssertEqual(record.document.aliases, [["R2-1801767", "S4-180219"], ["R2-1811032", "S2-186267"]])
        let aliasOf = Dictionary(record.references.compactMap { ref in ref.qualifiers?["alias"].map { (ref.id, $0) } },
                                 uniquingKeysWith: { first, _ in first })
        // The first number of a set represents it; the others name it as their alias.
        XCTAssertEqual(aliasOf, ["S4-180219": "R2-1801767", "S2-186267": "R2-1811032"])
    }

    /// The answered liaison's title and sender, as the reply states them, qualify the answered references so
    /// that the linker can recognize a liaison it only knows under another number.
    func testAnsweredTitlesQualifyTheAnsweredReferences() throws {
        let (fromValue, _) = try Support.record("""
            3GPP TSG SA Meeting #77\t\t\tSP-170780
            Title:\t[DRAFT] Reply LS on invitation to update the IMT2020 roadmap
            Response to:\tLS (SP-170768) invitation to update the IMT2020 roadmap [to ITU study groups] from JCA-IMT2020
            Source:\t3GPP TSG SA
            To:\tJCA-IMT2020
            """)
        let answered = try XCTUnwrap(fromValue.references.first { $0.id == "SP-170768" })
        XCTAssertEqual(answered.qualifiers, ["title": "invitation to update the IMT2020 roadmap [to ITU study groups]",
                                             "from": "ITU-T JCA-IMT2020"])
        let (quoted, _) = try Support.record("""
            3GPP TSG-SA2 Meeting #99\tS2-133645
            Title:\t[DRAFT] LS on UEPCOP considerations
            Response to:\tLS (R2-133034/S2-133186): \u{201D}Reply LS on UEPCOP CT considerations\u{201D}
            Source:\tSA2
            To:\tRAN WG2
            """)
        XCTAssertEqual(quoted.references.first { $0.id == "R2-133034" }?.qualifiers?["title"],
                       "Reply LS on UEPCOP CT considerations")
        XCTAssertEqual(quoted.references.first { $0.id == "S2-133186" }?.qualifiers?["alias"], "R2-133034")
        let (body, _) = try Support.record("""
            3GPP TSG CT Meeting #76\tCP-172153
            Title:\tLS on Evolution of IMSI format and E.212 Recommendation
            Source:\t3GPP CT
            To:\t3GPP SA

            1. Overall Description:
            3GPP CT has considered how to proceed on a response to the liaison statement received from ITU-T \
            Study Group 2 on Evolution of IMSI format and E.212 Recommendation (CP-172071).
            """)
        XCTAssertEqual(body.references.first { $0.id == "CP-172071" }?.qualifiers,
                       ["title": "Evolution of IMSI format and E.212 Recommendation", "from": "ITU-T SG2"])
    }


    func testReplyCuesInTitleAndOpeningSentences() throws {
        let (titled, _) = try Support.record("""
            3GPP TSG-SA Meeting #84\tSP-190531
            Newport Beach, USA 5-7 June 2019

            Title:\tDraft Reply LS on updating the IMT2020 roadmap (Reply to SP-190276)
            Source:\t3GPP TSG-SA
            To:\tITU JCA-IMT2020
            """)
        XCTAssertEqual(titled.document.ids, ["SP-190531"])
        XCTAssertEqual(titled.document.respondsTo, ["SP-190276"])
        XCTAssertEqual(titled.document.date, "2019-06-07")
        let (body, _) = try Support.record("""
            3GPP TSG CT Meeting #76\tCP-172153
            Title:\tLS on Evolution of IMSI format and E.212 Recommendation
            Response to:
            Source:\t3GPP CT
            To:\t3GPP SA

            1. Overall Description:
            3GPP CT has considered how to proceed on a response to the liaison statement received from ITU-T \
            Study Group 2 on Evolution of IMSI format and E.212 Recommendation (CP-172071).
            Later, in reply to the LS CP-179999 we said nothing.
            """)
        XCTAssertEqual(body.document.respondsTo, ["CP-172071", "CP-179999"])
    }

    // MARK: - Liaisons without a header block, e-mails

    func testSeedHasNoHeaderBlock() throws {
        let url = TestSupport.packageRoot.appendingPathComponent("Corpus/fg-mv-reply-ls-sg11-ls159.txt")
        let (record, diagnostics) = try Support.record(String(contentsOf: url, encoding: .utf8), name: url.path)
        let header = record.document
        XCTAssertEqual(header.kind, .liaison)
        XCTAssertEqual(header.sdo, "ITU-T")
        XCTAssertEqual(header.from, ["ITU-T FG-MV"])
        XCTAssertEqual(Support.addressees(record), ["information: ITU-T SG11"])
        XCTAssertEqual(header.respondsTo, ["SG11-LS159"])
        XCTAssertEqual(header.aliases, [["SG11-LS159", "FG-MV-I-753"]])
        XCTAssertEqual(header.ids, [])
        XCTAssertEqual(record.references.first { $0.id == "FG-MV-I-753" }?.qualifiers?["alias"], "SG11-LS159")
        let groups = Set(record.groups.map(\.id))
        for expected in ["ITU-T FG-MV", "ITU-T SG11", "ITU-T TSAG", "ITU-T SG16", "ITU-T SG20", "ITU-T SG13"] {
            XCTAssertTrue(groups.contains(expected), "\(expected) missing from \(groups.sorted())")
        }
        XCTAssertEqual(diagnostics.map(\.id), ["extract.header.inferred"])
    }

    func testEmailHeaderFields() throws {
        var builder = TextBuilder()
        builder.append("Date: Tue, 04 Jun 2019 19:16:23 +0000", kind: .field, name: "Date")
        builder.append("From: FG-MV Secretariat <fgmv-secretariat@example.org>", kind: .field, name: "From")
        builder.append("Subject: fyi: SP-190531 response to SP-190276", kind: .field, name: "Subject")
        builder.appendBlankLine()
        builder.append("From: Someone\nTo: ITU-T SG13\nSubject: quoted header in the body", kind: .paragraph)
        builder.append("I attach the draft reply LS in SP-190531.", kind: .paragraph)
        let document = IngestedDocument(
            source: Support.source("message.eml", .email), text: builder.text, blocks: builder.blocks,
            fields: [Field(name: "Date", value: "Tue, 04 Jun 2019 19:16:23 +0000"),
                     Field(name: "From", value: "FG-MV Secretariat <fgmv-secretariat@example.org>"),
                     Field(name: "Subject", value: "fyi: SP-190531 response to SP-190276")])
        let (record, _) = Support.record(document)
        XCTAssertEqual(record.document.kind, .email)
        XCTAssertEqual(record.document.title, "fyi: SP-190531 response to SP-190276")
        XCTAssertEqual(record.document.date, "2019-06-04")
        XCTAssertEqual(record.document.from, ["ITU-T FG-MV"])
        XCTAssertEqual(record.document.to, [])
        XCTAssertEqual(record.document.respondsTo, [])
        let subject = try XCTUnwrap(record.headerFields.first { $0.field == "title" })
        XCTAssertEqual(subject.line, 3)
        XCTAssertEqual(subject.rule, "header.email.title")
    }

    // MARK: - Positions

    /// Every layout again after a multi-byte line: same fields, provenance one line down and 10 bytes on.
    func testMultiBytePrefixShiftsEveryPosition() throws {
        let shift = TestSupport.multiBytePrefix.utf8.count
        XCTAssertEqual(shift, 10)
        for text in [Self.antiwordLS, Self.cellPerLine, Self.pdfColumns] {
            let (plain, plainDiagnostics) = try Support.record(text)
            let (prefixed, prefixedDiagnostics) = try Support.record(TestSupport.multiBytePrefix + text)
            XCTAssertEqual(plain.document, prefixed.document, String(text.prefix(40)))
            XCTAssertFalse(plain.headerFields.isEmpty)
            XCTAssertEqual(plain.headerFields.count, prefixed.headerFields.count)
            for (a, b) in zip(plain.headerFields, prefixed.headerFields) {
                XCTAssertEqual(b.line, a.line + 1, a.value)
                XCTAssertEqual(b.column, a.column, a.value)
                XCTAssertEqual(b.range, a.range.shifted(by: shift), a.value)
                XCTAssertEqual(b.value, a.value)
            }
            for (a, b) in zip(plain.meetings, prefixed.meetings) {
                XCTAssertEqual(b.line, a.line + 1)
                XCTAssertEqual(b.range, a.range.shifted(by: shift))
            }
            XCTAssertEqual(plain.groups.map(\.id), prefixed.groups.map(\.id))
            for (a, b) in zip(plain.groups, prefixed.groups) {
                XCTAssertEqual(b.range, a.range.shifted(by: shift), a.text)
                XCTAssertEqual(b.line, a.line + 1)
            }
            XCTAssertEqual(plain.references.map(\.id), prefixed.references.map(\.id))
            XCTAssertEqual(plainDiagnostics.map(\.id), prefixedDiagnostics.map(\.id))
            for (a, b) in zip(plainDiagnostics, prefixedDiagnostics) where a.line != nil {
                XCTAssertEqual(b.line, a.line.map { $0 + 1 })
            }
        }
    }

    func testHeaderFieldProvenancePointsAtLabelAndValue() throws {
        let (record, _) = try Support.record(Self.antiwordLS)
        let title = try XCTUnwrap(record.headerFields.first { $0.field == "title" })
        XCTAssertEqual(title.label, "Title")
        XCTAssertEqual(title.line, 4)
        XCTAssertEqual(title.column, 1)
        XCTAssertEqual(title.rule, "header.3gpp-liaison.title")
        let ingested = try TestSupport.ingest(Self.antiwordLS, name: "header.txt")
        XCTAssertEqual(ingested.text(of: title.range), "Title:\t[DRAFT] LS on UEPCOP CT considerations")
    }

    // MARK: - Rule files

    func testBadHeaderRuleFilesNameFileLineAndRule() throws {
        func error(_ yaml: String) -> PipelineError? {
            do {
                let file = try RuleLibrary.parse(yaml, path: "Pipelines/rules/bad-headers.yaml")
                _ = try HeaderRules(rules: RuleLibrary(files: [file]))
                return nil
            } catch {
                return error
            }
        }
        let noPurpose = error("""
            version: 1
            kind: headers
            forms:
              - id: broken-form
                fields:
                  - {role: to, labels: ['To'], examples: ['To:']}
                examples: [{text: 'To: 3GPP', expect: {}}]
            """)
        XCTAssertEqual(noPurpose?.path, "Pipelines/rules/bad-headers.yaml")
        XCTAssertEqual(noPurpose?.line, 4)
        XCTAssertTrue(noPurpose?.summary.contains("broken-form") ?? false, "\(String(describing: noPurpose))")
        XCTAssertTrue(noPurpose?.summary.contains("purpose") ?? false)
        let badRole = error("""
            version: 1
            kind: headers
            forms:
              - id: broken-role
                fields:
                  - {role: sender, labels: ['From'], examples: ['From:']}
            """)
        XCTAssertEqual(badRole?.line, 6) // the field with the bad role
        XCTAssertTrue(badRole?.summary.contains("broken-role") ?? false, "\(String(describing: badRole))")
        let noExamples = error("""
            version: 1
            kind: headers
            forms:
              - id: untested
                fields:
                  - {role: title, labels: ['Title'], examples: ['Title:']}
            """)
        XCTAssertTrue(noExamples?.summary.contains("examples") ?? false, "\(String(describing: noExamples))")
        let badPattern = error("""
            version: 1
            kind: headers
            stamps:
              - {id: header.stamp.broken, pattern: '(?<group>x', examples: []}
            """)
        XCTAssertEqual(badPattern?.line, 4)
        XCTAssertTrue(badPattern?.summary.contains("header.stamp.broken") ?? false)
        let unknownKey = error("""
            version: 1
            kind: headers
            formz: []
            """)
        XCTAssertTrue(unknownKey?.summary.contains("formz") ?? false, "\(String(describing: unknownKey))")
    }

    func testNoHeaderRulesFindsNothing() throws {
        let extractor = try HeaderFieldExtractor(rules: RuleLibrary())
        let document = try TestSupport.ingest(Self.antiwordLS, name: "x.txt")
        var record = DocumentRecord(source: document.source)
        var diagnostics: [Diagnostic] = []
        extractor.extract(from: ExtractionContext(AnalyzedDocument(document)), into: &record, diagnostics: &diagnostics)
        XCTAssertEqual(record.document, DocumentHeader())
    }

    /// The spaces that were tabs, found from the ingested text's tabs, are those a reading of every space of the
    /// normalized text finds: with characters before them that normalization changes (NFKC, CRLF, a soft hyphen,
    /// non-ASCII), tabs past the header's lines, and a text without tabs.
    func testTabsAreFoundFromTheIngestedText() throws {
        let texts = [
            "Title:\tLS on\tsomething\r\nSource:\t\tSG2\r\n\u{FB01}le\u{00AD}name:\t\u{2460} x\tend\n",
            "é日😀 Title:\tvalue\n\n" + String(repeating: "body line\twith tab\n", count: 200),
            "no tabs at all\nSource: SG2\n",
            "x\t\t\n\ty",
        ]
        for text in texts {
            let context = ExtractionContext(AnalyzedDocument(try TestSupport.ingest(text, name: "x.txt")))
            let normalized = context.document.normalized
            let bytes = Array(context.document.ingested.text.utf8)
            for limit in [context.length, context.length / 3, 0] {
                let expected = (0..<min(limit, context.scan.count)).filter { offset in
                    guard context.scan[offset] == 0x20 else { return false }
                    let utf8 = context.scan.utf8Offset(offset)
                    let source = normalized.sourceRange(utf8, utf8 + 1)
                    return source.length == 1 && source.start < bytes.count && bytes[source.start] == 0x09
                }
                XCTAssertEqual(HeaderLayout.tabs(in: context, before: limit), expected,
                               "\(text.prefix(30).debugDescription) before \(limit)")
                if limit == context.length, text.contains("\t"), text.hasPrefix("T") || text.hasPrefix("é") {
                    XCTAssertFalse(expected.isEmpty, "\(text.prefix(30).debugDescription) has tabs")
                }
            }
        }
    }

    /// The scanner splits a text line into segments only when it reaches it: every row of the zone is split as
    /// splitting every line would split it, and a zone that ends early (a liaison's header before long paragraphs)
    /// leaves the lines after it unsplit. On the 3GPP template, a form whose body is all tabs and columns, and the
    /// real corpus's liaisons.
    func testZoneRowsAreSplitAsSplittingEveryLineWould() throws {
        let extractor = try XCTUnwrap(Support.extraction.extractors.lazy
            .compactMap { $0 as? HeaderFieldExtractor }.first)
        var documents = [try TestSupport.ingest(Self.antiwordLS, name: "ls.txt"),
                         try TestSupport.ingest("Source:\tSG2\nTitle:\tLS\n"
                                                    + String(repeating: "a\tb   c | d\n", count: 150),
                                                name: "columns.txt"),
                         // A heading whose title is the next line: the scan passes that line without reading it.
                         try TestSupport.ingest("""
                             Liaison statement
                             LS on time-sensitive   networking profiles

                             Submission date:   2024-03-01
                             From:   IEEE 802.1
                             To:   ITU-T SG15

                             IEEE 802.1 thanks ITU-T Study Group 15 for its liaison statement on the profiles.
                             """, name: "datatracker.txt")]
        if let corpus = TestSupport.realCorpus {
            for file in InputWalker.files(in: [corpus.appendingPathComponent("liaisons").path]).files.prefix(20) {
                if let document = try? Ingestor().ingest(path: file) { documents.append(document) }
            }
        }
        var unsplit = 0
        var zoneRows = 0
        for document in documents {
            let context = ExtractionContext(AnalyzedDocument(document))
            let forms = Array(extractor.rules.forms.indices.filter { !extractor.rules.forms[$0].readsFields })
            let scanner = HeaderScanner(context, rules: extractor.rules, textForms: forms)
            let zone = extractor.rules.zone
            var every = HeaderLayout(context, maxLines: zone.maxLines, columnGap: zone.columnGap)
            for index in every.rows.indices { every.split(index) }
            XCTAssertEqual(every.rows.count, scanner.layout.rows.count)
            for (index, row) in scanner.layout.rows.enumerated() {
                if index < scanner.zoneRowCount { XCTAssertTrue(row.isSplit, "\(document.source.path) row \(index)") }
                guard row.isSplit else {
                    unsplit += 1
                    continue
                }
                zoneRows += 1
                let whole = every.rows[index].segments
                XCTAssertEqual(row.range, every.rows[index].range)
                XCTAssertEqual(row.segments.map(\.range), whole.map(\.range), "\(document.source.path) row \(index)")
                XCTAssertEqual(row.segments.map(\.column), whole.map(\.column), "\(document.source.path) row \(index)")
                XCTAssertEqual(scanner.roles[index].count, row.segments.count)
            }
        }
        XCTAssertGreaterThan(zoneRows, 20, "split rows compared")
        XCTAssertGreaterThan(unsplit, 0, "rows after a zone that ends early are not split")
    }

    /// Header values collapsed and zone lines' words counted byte by byte in ASCII give what splitting the
    /// characters gives, and so does the fallback for the rest: a space with a combining accent is one character,
    /// and so is "\r\n".
    func testCollapsedValuesAndWordCountsAreThoseOfSplittingCharacters() {
        var generator = SplitMix(seed: 31)
        let pieces = ["a", "Bc", " ", "  ", "\n", "\t", "\r", "\r\n", " \u{0301}", "é", "😀", "-", ":", "\u{00A0}",
                      "x y"]
        var texts = ["", " ", "\n\t ", " a  b\t\tc\n", "a \u{0301}b", "a\r\nb", "SG11,  SG13\nSG17 "]
        texts += (0..<5000).map { _ in
            (0..<Int(generator.next() % 14)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
        }
        for text in texts {
            let split = text.split { $0 == " " || $0 == "\n" || $0 == "\t" }.joined(separator: " ")
            XCTAssertEqual(HeaderFieldExtractor.collapse(text), split, text.debugDescription)
            let scan = ScanText(text)
            for range in [NSRange(location: 0, length: scan.count),
                          NSRange(location: min(1, scan.count), length: max(0, scan.count - 2))] {
                XCTAssertEqual(HeaderScanner.words(in: scan, range),
                               scan.string(range).split { $0 == " " || $0 == "\n" }.count, text.debugDescription)
            }
        }
    }

    /// A reference is its line when the line, trimmed as `trimmingSpacesAndNewlines` trims, is the reference's
    /// text; the test reads only the line's ends.
    func testWholeLineTestTrimsAsFoundationDoes() {
        let lines = ["RFC 1234\n", "  RFC 1234 \t\n", "\u{3000}RFC 1234\u{00A0}\u{2028}", "RFC 1234 (see)\n",
                     "x RFC 1234\n", "\n", "", "RFC 123\n", "\u{200B}RFC 1234\u{85}", "é RFC 1234", "RFC 1234é"]
        for line in lines {
            let text = "before\n" + line + "after"
            let start = "before\n".utf8.count
            let end = start + line.utf8.count
            for value in ["RFC 1234", "RFC 123", "é RFC 1234", ""] {
                let expected = line.trimmingSpacesAndNewlines() == value
                XCTAssertEqual(HeaderFieldExtractor.isWholeLine(value, in: text, from: start, to: end), expected,
                               "\(line.debugDescription) against \(value.debugDescription)")
            }
        }
        XCTAssertTrue(HeaderFieldExtractor.isWholeLine("RFC 1234", in: "  RFC 1234 \n", from: 0, to: 12))
    }

    /// The label index lists, for a segment's first character, every field whose label or whole label matches a
    /// text that starts with it: each field's label examples, and each label written out with a colon, in upper
    /// and lower case, and after "(" or spaces.
    func testLabelIndexListsEveryLabelThatCanStartASegment() throws {
        let pipeline = try TestSupport.pipeline()
        let headers = try XCTUnwrap(pipeline.extract.extractors.lazy.compactMap { $0 as? HeaderFieldExtractor }.first)
        let rules = headers.rules
        var tried = 0
        for (formIndex, form) in rules.forms.enumerated() {
            for (fieldIndex, field) in form.fields.enumerated() {
                let texts = field.examples.filter(\.matches).map(\.text)
                for text in texts.flatMap({ [$0, $0.uppercased(), $0.lowercased(), "(" + $0, "  " + $0] }) {
                    let scan = ScanText(text)
                    guard scan.count > 0 else { continue }
                    let matches = field.label.match(in: scan, at: 0, limit: scan.count) != nil
                        || field.wholeLabel.match(in: scan, at: 0, limit: scan.count) != nil
                    guard matches else { continue }
                    tried += 1
                    let listed = rules.labelIndex.entries(startingWith: scan[0])
                        .contains { $0.form == formIndex && $0.field == fieldIndex }
                    XCTAssertTrue(listed, "\(field.id): \(text.debugDescription) is not under its first character")
                }
            }
        }
        XCTAssertGreaterThan(tried, 100, "the forms' label examples were read")
    }
}
