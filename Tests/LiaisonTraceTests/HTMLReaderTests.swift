import Foundation
import XCTest
@testable import LiaisonTrace

final class HTMLReaderTests: XCTestCase {
    private func read(_ html: String, name: String = "page.html") throws -> IngestedDocument {
        try HTMLReader().read(ReaderInput(path: name, data: Data(html.utf8)))
    }

    private func texts(_ document: IngestedDocument, _ kind: BlockKind? = nil) -> [String] {
        document.blocks.filter { kind == nil || $0.kind == kind }.map { document.text(of: $0.range) }
    }

    // MARK: Inline text

    func testInlineElementsJoinWithHTMLSpacing() throws {
        let document = try read("""
            <p>The <b>UE</b> <i>shall</i>   support<a href="#x"> TS&nbsp;38.331</a>,
               see <code>foo</code>bar and <span>x</span><span>y</span>.</p>
            <div>one</div><div>two</div><p>three<br>four</p>
            """)
        XCTAssertEqual(texts(document), [
            "The UE shall support TS 38.331, see foobar and xy.", "one", "two", "three\nfour",
        ])
        XCTAssertFalse(document.text.contains("  "), "no doubled spaces")
    }

    func testScriptsStylesNavigationAndTablesOfContentsAreDropped() throws {
        let document = try read("""
            <html><head><title>T</title><style>p { color: red }</style>
            <script>var secret = "SCRIPTTEXT";</script></head>
            <body><nav><a href="/">NAVLINK</a></nav><div role="navigation">MENU</div>
            <div class="toc"><ul><li>TOCENTRY</li></ul></div><noscript>NOSCRIPT</noscript>
            <template><p>TEMPLATE</p></template><svg><title>SVGTITLE</title><text>SVG</text></svg>
            <button>BUTTON</button><p hidden>HIDDEN</p>
            <h1>Body</h1><p>Visible text.</p><script>document.write("LATE")</script></body></html>
            """)
        XCTAssertEqual(texts(document), ["Body", "Visible text."])
        for junk in ["SCRIPTTEXT", "color", "NAVLINK", "MENU", "TOCENTRY", "NOSCRIPT", "TEMPLATE", "SVG", "BUTTON",
                     "HIDDEN", "LATE"] {
            XCTAssertFalse(document.text.contains(junk), junk)
        }
    }

    // MARK: Structure

    func testHeadingsListsAndTableCellsHaveKindsAndIndexes() throws {
        let document = try read("""
            <h2>Scope</h2>
            <ul><li>one</li><li><p>two</p><p>more</p><ol><li>nested</li></ol>tail</li></ul>
            <table><caption>Fields</caption>
            <tr><th>A</th><th>B</th><th>C</th></tr>
            <tr><td colspan="2"><p>wide</p><p>cell</p></td><td>last</td></tr></table>
            <table><tr><td>second table</td></tr></table>
            """)
        let blocks = document.blocks
        XCTAssertEqual(blocks[0].kind, .heading)
        XCTAssertEqual(blocks[0].level, 2)
        XCTAssertEqual(texts(document, .listItem), ["one", "two\nmore", "nested", "tail"])
        XCTAssertEqual(blocks.filter { $0.kind == .listItem }.map(\.level), [1, 1, 2, 1])
        let cells = blocks.filter { $0.kind == .tableCell }
        XCTAssertEqual(texts(document, .tableCell), ["A", "B", "C", "wide\ncell", "last", "second table"])
        XCTAssertEqual(cells.map { [$0.table!, $0.row!, $0.column!] },
                       [[0, 0, 0], [0, 0, 1], [0, 0, 2], [0, 1, 0], [0, 1, 2], [1, 0, 0]])
        XCTAssertTrue(texts(document, .paragraph).contains("Fields"))
    }

    func testPreKeepsLineBreaksAsCode() throws {
        let document = try read("<p>Example:</p><pre>GET / HTTP/1.1\nHost: example.com\n\nbody</pre>")
        XCTAssertEqual(texts(document, .code), ["GET / HTTP/1.1\nHost: example.com\n\nbody"])
    }

    func testReferenceListEntriesBecomeReferenceBlocks() throws {
        let document = try read("""
            <dl><dt id="RFC2119">[<a href="#RFC2119">RFC2119</a>]</dt>
            <dd>Bradner, S., "<a href="x">Key words</a>", BCP 14, RFC 2119.</dd>
            <dt>Type name:</dt><dd>multipart</dd><dt>Term</dt><dd>Definition</dd></dl>
            """)
        let reference = try XCTUnwrap(document.blocks.first { $0.kind == .reference })
        XCTAssertEqual(reference.name, "RFC2119")
        XCTAssertEqual(document.text(of: reference.range), "[RFC2119] Bradner, S., \"Key words\", BCP 14, RFC 2119.")
        XCTAssertEqual(texts(document, .paragraph), ["Type name: multipart", "Term: Definition"])
    }

    func testSourceLinesAreHTMLLines() throws {
        let document = try read("<html>\n<body>\n<h1>Title</h1>\n<p>\n  first\n</p>\n<ul>\n<li>item</li>\n</ul>\n"
            + "<div>\n\n   loose text</div>\n</body></html>")
        XCTAssertEqual(document.blocks.map(\.sourceLine), [3, 4, 8, 12])
    }

    func testMalformedHTMLStillGivesText() throws {
        let document = try read("<html><body><p>unclosed <b>bold <div>block</p></i>after<td>cell<li>item")
        for word in ["unclosed", "bold", "block", "after", "cell", "item"] {
            XCTAssertTrue(document.text.contains(word), word)
        }
    }

    func testEmptyPageThrows() {
        XCTAssertThrowsError(try read("<html><head><title></title></head><body><script>x()</script></body></html>")) {
            XCTAssertEqual(($0 as? IngestError)?.id, "ingest.empty")
        }
    }

    // MARK: Charset and metadata

    func testUTF8WithoutMetaCharsetIsReadAsUTF8() throws {
        let document = try read("<p>café – 日本 😀</p>")
        XCTAssertEqual(texts(document), ["café – 日本 😀"])
        XCTAssertEqual(document.field("charset"), "UTF-8")
        XCTAssertTrue(document.diagnostics.isEmpty)
    }

    func testDeclaredCharsetIsFollowed() throws {
        var bytes = Array("<html><head><meta charset=\"iso-8859-1\"></head><body><p>caf".utf8)
        bytes += [0xE9] + Array("</p></body></html>".utf8)
        let document = try HTMLReader().read(ReaderInput(path: "latin.html", data: Data(bytes)))
        XCTAssertEqual(texts(document), ["café"])
        XCTAssertEqual(document.field("charset"), "iso-8859-1")
    }

    func testUndeclaredNonUTF8IsWindows1252WithAWarning() throws {
        let bytes = Array("<p>caf".utf8) + [0xE9, 0x20, 0x96, 0x20] + Array("x</p>".utf8)
        let document = try HTMLReader().read(ReaderInput(path: "old.html", data: Data(bytes)))
        XCTAssertEqual(texts(document), ["café – x"])
        XCTAssertEqual(document.diagnostics.map(\.id), ["ingest.html.charset-assumed"])
    }

    func testTitleIsAFieldAndATitleBlockOnlyWithoutH1() throws {
        let head = "<head><title> Liaison  page </title><meta name=\"citation_title\" content=\"LS on X\">"
            + "<meta name=\"keywords\" content=\"IMT-2020\"><meta name=\"viewport\" content=\"width=1\"></head>"
        let withoutH1 = try read("<html>\(head)<body><h2>Part</h2><p>Text.</p></body></html>")
        XCTAssertEqual(withoutH1.field("title"), "Liaison page")
        XCTAssertEqual(withoutH1.field("citation_title"), "LS on X")
        XCTAssertEqual(withoutH1.field("keywords"), "IMT-2020")
        XCTAssertNil(withoutH1.field("viewport"))
        XCTAssertEqual(withoutH1.blocks.first?.kind, .title)
        XCTAssertEqual(texts(withoutH1, .title), ["Liaison page"])

        let withH1 = try read("<html>\(head)<body><h1>Heading</h1><p>Text.</p></body></html>")
        XCTAssertEqual(withH1.field("title"), "Liaison page")
        XCTAssertTrue(texts(withH1, .title).isEmpty)
    }

    // MARK: Golden dump

    func testGoldenDump() throws {
        let html = """
            <!DOCTYPE html>
            <html><head><title>LS on KPIs</title><meta name="description" content="Reply LS">
            <script>var x = 1;</script></head>
            <body>
            <h2>1 Scope</h2>
            <p>ITU-T <b>SG12</b> asks <a href="#sa">3GPP&nbsp;SA</a> to
               review <em>TS 32.450</em>.</p>
            <ul><li>first</li><li>second<br>line</li></ul>
            <table><tr><th>To</th><td>3GPP TSG SA</td></tr></table>
            <pre>a  b
            c</pre>
            </body></html>
            """
        let document = try TestSupport.ingest(html, name: "ls.html")
        XCTAssertEqual(DocumentDump.text(of: document), """
            # ls.html (html)
            @charset: UTF-8
            @title: LS on KPIs
            @description: Reply LS
            title[src 2] 1: LS on KPIs
            heading[level 2, src 5] 2: 1 Scope
            paragraph[src 6] 3: ITU-T SG12 asks 3GPP SA to review TS 32.450.
            list-item[level 1, src 8] 4: first
            list-item[level 1, src 8] 5: second
                | line
            table-cell[t0 r0 c0, src 9] 7: To
            table-cell[t0 r0 c1, src 9] 8: 3GPP TSG SA
            code[src 10] 9: a b
                | c

            """)
    }

    // MARK: Real documents

    private func realDocument(_ name: String) throws -> IngestedDocument {
        let corpus = try TestSupport.requireRealCorpus()
        let path = corpus.appendingPathComponent("deliverables/\(name)").path
        let document = try Ingestor().ingest(path: path)
        XCTAssertEqual(document.source.format, .html)
        XCTAssertTrue(document.diagnostics.isEmpty, "\(document.diagnostics.map(\.formatted))")
        return document
    }

    func testRealRFC9205HTML() throws {
        let document = try realDocument("ietf-rfc9205-building-protocols-with-http.html")
        XCTAssertEqual(document.field("title"), "RFC 9205 - Building Protocols with HTTP")
        XCTAssertEqual(document.field("dcterms.identifier"), "urn:ietf:rfc:9205")
        let headings = texts(document, .heading)
        XCTAssertTrue(headings.contains("Building Protocols with HTTP"))
        XCTAssertTrue(headings.contains("1. Introduction"))
        XCTAssertTrue(headings.contains("4.5.1. GET"))
        XCTAssertTrue(headings.contains("7.1. Normative References"))
        XCTAssertEqual(headings.filter { $0 == "1. Introduction" }.count, 1, "the tables of contents are dropped")
        let http = try XCTUnwrap(document.blocks.first { $0.kind == .reference && $0.name == "HTTP" })
        let httpText = document.text(of: http.range)
        XCTAssertTrue(httpText.hasPrefix("[HTTP] Fielding, R."), httpText)
        XCTAssertTrue(httpText.contains("STD 97, RFC 9110"), httpText)
        XCTAssertTrue(texts(document, .paragraph).contains { $0.hasPrefix("This document obsoletes [RFC3205]") })
        XCTAssertTrue(texts(document, .code).contains { $0.hasPrefix("GET /thing HTTP/1.1\nHost: example.com") })
        for junk in ["getMeta", "xhr.open", "XMLHttpRequest", "Work in Progress", "Documentation", "navbar",
                     "Contribution Policy"] {
            XCTAssertFalse(document.text.contains(junk), junk)
        }
        XCTAssertTrue(document.text.hasSuffix("URI: https://www.mnot.net/\n"))
    }

    func testRealITUA8MetanormaHTML() throws {
        let document = try realDocument("itu-t-a8-2008-alternative-approval.html")
        XCTAssertEqual(document.field("title"),
                       "Alternative approval process for new and revised ITU-T Recommendations")
        let headings = texts(document, .heading)
        for heading in ["FOREWORD", "Summary", "General", "Last call and additional review",
                        "8.2. Deletion of Recommendations between WTSAs"] {
            XCTAssertTrue(headings.contains(heading), heading)
        }
        let paragraphs = texts(document, .paragraph)
        XCTAssertTrue(paragraphs.contains { $0.hasPrefix("1.2. In accordance with the ITU Convention") },
                      "clause numbers move into their paragraph")
        XCTAssertTrue(paragraphs.contains { $0.hasPrefix("5.2. Changes may only be made during the meeting") })
        let last = try XCTUnwrap(document.blocks.last)
        XCTAssertEqual(last.kind, .listItem)
        XCTAssertTrue(document.text(of: last.range).hasPrefix("Director's notification – The Director notifies"))
        for junk in ["toggle", "MathJax", "topFunction", "Go to top", "cls-1"] {
            XCTAssertFalse(document.text.contains(junk), junk)
        }
    }
}
