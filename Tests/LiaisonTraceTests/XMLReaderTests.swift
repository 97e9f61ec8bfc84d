import Foundation
import XCTest
@testable import LiaisonTrace

final class XMLReaderTests: XCTestCase {
    private func read(_ xml: String, limits: IngestLimits = IngestLimits()) throws -> IngestedDocument {
        try XMLReader().read(ReaderInput(path: "doc.xml", data: Data(xml.utf8), limits: limits))
    }

    private func texts(_ document: IngestedDocument, _ kind: BlockKind? = nil) -> [String] {
        document.blocks.filter { kind == nil || $0.kind == kind }.map { document.text(of: $0.range) }
    }

    private func assertThrows(_ id: String, _ body: () throws -> Void, file: StaticString = #filePath,
                              line: UInt = #line, check: (IngestError) -> Void = { _ in }) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let error = error as? IngestError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(error.id, id, file: file, line: line)
            check(error)
        }
    }

    // MARK: Failures and safety

    func testMalformedXMLThrowsWithItsLine() {
        assertThrows("ingest.xml.malformed", { _ = try read("<doc>\n<p>one</p>\n<p>two</q>\n</doc>") }) { error in
            XCTAssertEqual(error.line, 3)
            XCTAssertTrue(error.summary.hasPrefix("XML is not well-formed"), error.summary)
        }
    }

    func testNestingDeeperThanTheLimitThrows() {
        var limits = IngestLimits()
        limits.maxNestingDepth = 5
        let deep = String(repeating: "<a>", count: 10) + "x" + String(repeating: "</a>", count: 10)
        assertThrows("ingest.xml.too-deep", { _ = try read(deep, limits: limits) })
        XCTAssertNoThrow(try read("<a><a><a>x</a></a></a>", limits: limits))
    }

    func testEmptyXMLThrows() {
        XCTAssertThrowsError(try XMLReader().read(ReaderInput(path: "empty.xml", data: Data()))) { error in
            XCTAssertNotNil(error as? IngestError)
        }
        assertThrows("ingest.empty", { _ = try read("<?xml version=\"1.0\"?>\n<doc><empty/>  </doc>") })
    }

    func testExternalEntitiesAndDTDsAreNeverLoaded() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let secret = folder.appendingPathComponent("secret.txt")
        try "XXE-SECRET-FILE".write(to: secret, atomically: true, encoding: .utf8)
        let dtd = folder.appendingPathComponent("evil.dtd")
        try "<!ENTITY fromdtd \"XXE-SECRET-DTD\">".write(to: dtd, atomically: true, encoding: .utf8)

        let entity = try read("""
            <?xml version="1.0"?>
            <!DOCTYPE doc [<!ENTITY xxe SYSTEM "\(secret.absoluteString)">
                           <!ENTITY web SYSTEM "http://127.0.0.1:9/xxe">
                           <!ENTITY own "internal text">]>
            <doc><p>before &xxe; &web; after &own;</p></doc>
            """)
        XCTAssertEqual(texts(entity), ["before after internal text"])
        XCTAssertEqual(entity.diagnostics.map(\.id), ["ingest.xml.external-entity", "ingest.xml.external-entity"])
        XCTAssertEqual(entity.diagnostics.map(\.line), [2, 3])

        let external = try read("""
            <?xml version="1.0"?>
            <!DOCTYPE doc SYSTEM "\(dtd.absoluteString)">
            <doc><p>x &fromdtd; y</p></doc>
            """)
        XCTAssertEqual(texts(external), ["x y"])
        XCTAssertFalse(entity.text.contains("XXE-SECRET") || external.text.contains("XXE-SECRET"))
    }

    func testEntityExpansionBombsAreStopped() {
        // Nested "billion laughs": libxml2 itself refuses it.
        var nested = "<?xml version=\"1.0\"?>\n<!DOCTYPE doc [<!ENTITY l0 \"lol\">\n"
        for level in 1...9 {
            nested += "<!ENTITY l\(level) \"\(String(repeating: "&l\(level - 1);", count: 10))\">\n"
        }
        nested += "]>\n<doc>&l9;</doc>"
        assertThrows("ingest.xml.malformed", { _ = try read(nested) })
        // One wide entity referenced many times: parsed fine, stopped by the reader's node budget.
        let wide = "<!DOCTYPE doc [<!ENTITY e \"" + String(repeating: "<b/>", count: 1_200) + "\">]><doc>"
            + String(repeating: "&e;", count: 1_000) + "</doc>"
        assertThrows("ingest.xml.entity-expansion", { _ = try read(wide) })
    }

    // MARK: Other XML

    func testOtherXMLGivesOneParagraphPerElementHoldingText() throws {
        let document = try read("""
            <?xml version="1.0"?>
            <catalog>
              <item id="1"><name>SG11-LS159</name><title>Reply on <em>interoperability</em></title></item>
              <item id="2">
                <name>TSAG-LS35</name>
                <note>First<b>Part</b>Second</note>
              </item>
            </catalog>
            """)
        XCTAssertEqual(texts(document), ["SG11-LS159", "Reply on interoperability", "TSAG-LS35", "First Part Second"])
        XCTAssertEqual(document.blocks.map(\.sourceLine), [3, 3, 5, 6])
        XCTAssertEqual(document.field("vocabulary"), "XML <catalog>")
    }

    // MARK: RFCXML

    private let rfc = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE rfc [<!ENTITY nbsp "&#160;">]>
        <rfc number="9999" category="std" obsoletes="1234, 5678" version="3">
        <front>
        <title>Example Liaison Handling</title>
        <seriesInfo name="STD" value="42"/>
        <author fullname="A. Author"><organization>Example Org</organization></author>
        <date year="2024" month="March"/>
        <abstract><t>This memo describes&nbsp;liaisons.</t></abstract>
        </front>
        <middle>
        <section anchor="intro"><name>Introduction</name>
        <t>Liaisons <bcp14>MUST</bcp14> cite <xref target="RFC2119"/> and
        <xref target="HTTP" section="4.2"/>; see <xref target="terms"/>.</t>
        <section anchor="terms"><name>Terms</name>
        <ul><li>first</li><li><t>second</t></li></ul>
        <table><name>Fields</name><tr><th>To</th><td>SG11</td></tr></table>
        </section>
        </section>
        <section><name>Example</name>
        <sourcecode>
        rule = "a"
        </sourcecode>
        <t>See <eref target="https://example.org/"/> and <xref target="app"/>.</t>
        </section>
        </middle>
        <back>
        <displayreference target="HTTP" to="HTTP-SEM"/>
        <references><name>Normative References</name>
        <reference anchor="RFC2119">
        <front><title>Key words for use in RFCs</title><date year="1997" month="March"/></front>
        <seriesInfo name="BCP" value="14"/><seriesInfo name="RFC" value="2119"/>
        </reference>
        <reference anchor="HTTP"><front><title>HTTP Semantics</title></front>
        <seriesInfo name="RFC" value="9110"/></reference>
        </references>
        <section anchor="app"><name>Changes</name><t>None.</t></section>
        </back>
        </rfc>
        """

    func testRFCXMLGoldenDump() throws {
        let document = try TestSupport.ingest(rfc, name: "rfc9999.xml")
        XCTAssertEqual(DocumentDump.text(of: document), """
            # rfc9999.xml (xml)
            @vocabulary: RFCXML v3
            @title: Example Liaison Handling
            @rfc: RFC 9999
            @obsoletes: RFC 1234, RFC 5678
            @category: std
            @seriesInfo: STD 42
            @date: 2024-03
            @author: A. Author (Example Org)
            title[src 5] 1: Example Liaison Handling
            heading[level 1, src 9] 2: Abstract
            paragraph[src 9] 3: This memo describes liaisons.
            heading[level 1, intro, src 12] 4: 1. Introduction
            paragraph[src 13] 5: Liaisons MUST cite [RFC2119] and Section 4.2 of [HTTP-SEM]; see Section 1.1.
            heading[level 2, terms, src 15] 6: 1.1. Terms
            list-item[level 1, src 16] 7: first
            list-item[level 1, src 16] 8: second
            paragraph[src 17] 9: Table 1: Fields
            table-cell[t0 r0 c0, src 17] 10: To
            table-cell[t0 r0 c1, src 17] 11: SG11
            heading[level 1, src 20] 12: 2. Example
            code[src 21] 13: rule = "a"
            paragraph[src 24] 14: See <https://example.org/> and Appendix A.
            heading[level 1, src 29] 15: 3. Normative References
            reference[RFC2119, src 30] 16: [RFC2119] Key words for use in RFCs, BCP 14, RFC 2119, March 1997
            reference[HTTP, src 34] 17: [HTTP-SEM] HTTP Semantics, RFC 9110
            heading[level 1, app, src 37] 18: Appendix A. Changes
            paragraph[src 37] 19: None.

            """)
    }

    func testRFCXMLCrossReferenceForms() throws {
        let document = try read("""
            <rfc xmlns:x="http://purl.org/net/xml2rfc/ext" version="3"><front><title>T</title></front>
            <middle><section anchor="s1" title="One"><t anchor="p1">
            a <xref target="R" x:fmt="of" x:sec="2.1"/>,
            b <xref target="R" x:fmt="," x:sec="3"/>,
            c <xref target="R" sectionFormat="parens" section="A.1"/>,
            d <xref target="R" format="counter"/>,
            e <xref target="R" format="none">RFC 1</xref>,
            f <xref target="R">the spec</xref>,
            g <xref target="s1" format="counter"/> <xref target="s1" format="title"/> <xref target="p1"/>,
            h <xref target="missing"/>, i <x:ref>GET</x:ref><iref item="GET"/><cref>hidden note</cref>.</t>
            <figure anchor="f1"><artwork>x</artwork></figure><t><xref target="f1"/></t></section></middle>
            <back><references title="References"><reference anchor="R"><x:source basename="rfc9112" href="r.xml"/>
            </reference></references></back></rfc>
            """)
        XCTAssertEqual(texts(document, .paragraph), [
            "a Section 2.1 of [R], b [R], Section 3, c [R] (Appendix A.1), d R, e RFC 1, f the spec [R], "
                + "g 1 One Section 1, h [missing], i GET.",
            "Figure 1",
        ])
        XCTAssertEqual(texts(document, .reference), ["[R] RFC 9112"])
    }

    func testRFCXMLVersion2ListsAndTextTables() throws {
        let document = try read("""
            <rfc docName="draft-example-00"><front><title>Old</title><date year="2010" month="4" day="9"/></front>
            <middle><section title="Lists"><t>Intro:<list style="hanging">
            <t hangText="One:">first<vspace/>line</t><t>second</t></list></t>
            <texttable><ttcol>Name</ttcol><ttcol>Value</ttcol><c>a</c><c>1</c><c>b</c><c>2</c></texttable>
            </section></middle></rfc>
            """)
        XCTAssertEqual(document.field("vocabulary"), "RFCXML v2")
        XCTAssertEqual(document.field("docName"), "draft-example-00")
        XCTAssertEqual(document.field("date"), "2010-04-09")
        XCTAssertEqual(texts(document, .heading), ["1. Lists"])
        XCTAssertEqual(texts(document, .listItem), ["One: first\nline", "second"])
        let cells = document.blocks.filter { $0.kind == .tableCell }
        XCTAssertEqual(texts(document, .tableCell), ["Name", "Value", "a", "1", "b", "2"])
        XCTAssertEqual(cells.map { [$0.row!, $0.column!] }, [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]])
    }

    // MARK: Metanorma

    func testMetanormaReading() throws {
        let document = try read("""
            <?xml version="1.0" encoding="UTF-8"?>
            <metanorma xmlns="https://www.metanorma.org/ns/standoc" flavor="itu">
            <bibdata type="standard">
            <title language="en" type="main">Liaison tracing framework</title>
            <docidentifier type="ITU" primary="true">ITU-T Y.9999</docidentifier>
            <docidentifier type="ITU-lang">ITU-T Y.9999-E</docidentifier>
            <date type="published"><on>2024-05</on></date>
            </bibdata>
            <sections>
            <clause id="_a" type="scope"><title>Scope</title>
            <p>This builds on <eref bibitemid="y1" citeas="ITU-T Y.4000"><localityStack><locality type="clause">
            <referenceFrom>6</referenceFrom></locality></localityStack></eref>.<fn><p>See the LS.</p></fn></p>
            </clause>
            <clause id="_b" type="terms"><title>Definitions</title>
            <terms id="_c"><title>Terms defined elsewhere</title>
            <term id="t1"><preferred><expression><name>liaison</name></expression></preferred>
            <definition><verbal-definition><p>A formal letter.</p></verbal-definition></definition>
            <termsource><origin citeas="[b-ITU-T A.1]"/></termsource></term>
            </terms>
            </clause>
            <clause id="_d"><title>Overview</title><note><p>Informative.</p></note><p>See <xref target="_a"/>.</p>
            <dl><dt>REQ-1</dt><dd><p>It is required to trace.</p></dd></dl></clause>
            </sections>
            <annex id="_e" obligation="informative"><title>Examples</title><clause id="_f"><title>First</title>
            <p>Text.</p></clause></annex>
            <bibliography>
            <references id="_r" normative="true"><title>References</title>
            <bibitem id="y1"><title type="main">Overview of IoT</title>
            <docidentifier type="ITU">ITU-T Y.4000</docidentifier>
            </bibitem></references>
            <references id="_s" normative="false"><title>Bibliography</title>
            <bibitem id="a1"><formattedref>Working methods.</formattedref>
            <docidentifier type="metanorma">[b-ITU-T A.1]</docidentifier>
            <docidentifier>ITU-T A.1</docidentifier></bibitem>
            </references>
            </bibliography>
            </metanorma>
            """)
        XCTAssertEqual(document.field("vocabulary"), "Metanorma (itu)")
        XCTAssertEqual(document.field("title"), "Liaison tracing framework")
        XCTAssertEqual(document.field("docidentifier"), "ITU-T Y.9999")
        XCTAssertEqual(document.field("docidentifier.ITU-lang"), "ITU-T Y.9999-E")
        XCTAssertEqual(document.field("date"), "2024-05")
        XCTAssertEqual(document.blocks.map { "\($0.kind.rawValue): \(document.text(of: $0.range))" }, [
            "title: Liaison tracing framework",
            "heading: 1 Scope",
            "paragraph: This builds on ITU-T Y.4000, clause 6.",
            "footnote: See the LS.",
            "heading: 2 References",
            "reference: [y1] ITU-T Y.4000, Overview of IoT",
            "heading: 3 Definitions",
            "heading: 3.1 Terms defined elsewhere",
            "paragraph: 3.1.1 liaison [b-ITU-T A.1]: A formal letter.",
            "heading: 4 Overview",
            "paragraph: NOTE – Informative.",
            "paragraph: See clause 1.",
            "paragraph: REQ-1: It is required to trace.",
            "heading: Appendix I – Examples",
            "heading: I.1 First",
            "paragraph: Text.",
            "heading: Bibliography",
            "reference: [b-ITU-T A.1] ITU-T A.1, Working methods.",
        ])
        XCTAssertEqual(document.blocks.filter { $0.kind == .reference }.map(\.name), ["y1", "a1"])
        XCTAssertEqual(document.blocks.filter { $0.kind == .heading }.map(\.level), [1, 1, 1, 2, 1, 1, 2, 1])
    }

    // MARK: Real documents

    private func realDocument(_ name: String) throws -> IngestedDocument {
        let corpus = try TestSupport.requireRealCorpus()
        let document = try Ingestor().ingest(path: corpus.appendingPathComponent("deliverables/\(name)").path)
        XCTAssertEqual(document.source.format, .xml)
        XCTAssertTrue(document.diagnostics.isEmpty, "\(document.diagnostics.map(\.formatted))")
        XCTAssertTrue(document.blocks.allSatisfy { $0.sourceLine != nil }, "every block has a source line")
        return document
    }

    private func reference(_ document: IngestedDocument, _ anchor: String) throws -> String {
        let block = try XCTUnwrap(document.blocks.first { $0.kind == .reference && $0.name == anchor }, anchor)
        return document.text(of: block.range)
    }

    func testRealRFC9110() throws {
        let document = try realDocument("ietf-rfc9110-http-semantics.xml")
        XCTAssertEqual(document.field("title"), "HTTP Semantics")
        XCTAssertEqual(document.field("rfc"), "RFC 9110")
        XCTAssertEqual(document.field("seriesInfo"), "STD 97")
        XCTAssertEqual(document.field("date"), "2022-06")
        XCTAssertEqual(document.field("updates"), "RFC 3864")
        XCTAssertTrue(document.field("obsoletes")?.hasPrefix("RFC 2818, RFC 7230") == true)
        XCTAssertEqual(texts(document, .title), ["HTTP Semantics"])
        let headings = texts(document, .heading)
        for heading in ["Abstract", "1. Introduction", "1.1. Purpose", "9.3.1. GET", "19. References",
                        "19.1. Normative References", "Appendix A. Collected ABNF", "B.1. Changes from RFC 2818",
                        "Acknowledgements"] {
            XCTAssertTrue(headings.contains(heading), heading)
        }
        XCTAssertEqual(try reference(document, "HTTP11"), "[HTTP/1.1] RFC 9112")
        XCTAssertEqual(try reference(document, "CACHING"), "[CACHING] RFC 9111")
        XCTAssertTrue(try reference(document, "RFC2119").contains("BCP 14, RFC 2119"))
        XCTAssertTrue(try reference(document, "BCP13").contains("RFC 6838"))
        let paragraphs = texts(document, .paragraph)
        XCTAssertTrue(paragraphs.contains { $0.contains("(see Section 4.3 of [URI])") })
        XCTAssertTrue(texts(document, .code).contains { $0.contains("Content-Length: 51") }, "x:length-of")
        let last = try XCTUnwrap(paragraphs.last)
        XCTAssertTrue(last.hasPrefix("Alan Egerton, Alex Rousskov"), last)
        XCTAssertTrue(last.hasSuffix("and Zaheduzzaman Sarker."), last)
        XCTAssertFalse(document.text.contains("  "), "no doubled spaces outside code")
    }

    func testRealRFC9111() throws {
        let document = try realDocument("ietf-rfc9111-http-caching.xml")
        XCTAssertEqual(document.field("title"), "HTTP Caching")
        XCTAssertEqual(document.field("rfc"), "RFC 9111")
        XCTAssertEqual(document.field("seriesInfo"), "STD 98")
        XCTAssertEqual(document.field("obsoletes"), "RFC 7234")
        let headings = texts(document, .heading)
        XCTAssertTrue(headings.contains("5.2.2.3. must-understand"))
        XCTAssertTrue(headings.contains("9.1. Normative References"))
        XCTAssertEqual(try reference(document, "HTTP"), "[HTTP] RFC 9110")
        XCTAssertEqual(try reference(document, "HTTP11"), "[HTTP/1.1] RFC 9112")
        let paragraphs = texts(document, .paragraph)
        XCTAssertTrue(paragraphs.contains("A cache MUST NOT store a response to a request unless:"))
        XCTAssertTrue(texts(document, .listItem).contains { $0.contains("(see Section 5.2.2.5)") })
        // The last paragraph of the body (a block quote in the IANA section), then the document's last one.
        let body = try XCTUnwrap(paragraphs.firstIndex { $0.hasPrefix("The Warning header field (and the warn") })
        XCTAssertTrue(paragraphs[body].hasSuffix("has been obsoleted for HTTP per [RFC9111]."))
        XCTAssertEqual(paragraphs.last, "See [HTTP], which applies to this document as well.")
    }

    func testRealITUJ1108Metanorma() throws {
        let document = try realDocument("itu-t-j1108-2019-roip-transmission.xml")
        XCTAssertEqual(document.field("vocabulary"), "Metanorma (itu)")
        XCTAssertEqual(document.field("title"), "Transmission specification for radio over IP transmission systems")
        XCTAssertEqual(document.field("docidentifier"), "ITU-T J.1108")
        XCTAssertEqual(document.field("date"), "2019-01")
        let headings = texts(document, .heading)
        for heading in ["Summary", "1 Scope", "2 References", "3 Definitions", "3.1 Terms defined elsewhere",
                        "4 Abbreviations and acronyms", "8 Timing processing specification", "Bibliography"] {
            XCTAssertTrue(headings.contains(heading), heading)
        }
        XCTAssertTrue(try reference(document, "j1106").hasPrefix("[j1106] ITU-T J.1106 (07/2017), Requirement for"))
        XCTAssertTrue(try reference(document, "x743").hasPrefix("[b-ITU-T X.743] ITU-T X.743 (06/1998)"))
        let paragraphs = texts(document, .paragraph)
        XCTAssertTrue(paragraphs.contains("The overview is defined according to ITU-T J.1106 (07/2017), clause 6."))
        XCTAssertTrue(paragraphs.contains { $0.hasPrefix("3.1.1 local clock [b-ITU-T X.743]: The collection") })
        XCTAssertTrue(paragraphs.contains("CM: Cable Modem"))
        let last = try XCTUnwrap(paragraphs.last)
        XCTAssertTrue(last.hasPrefix("TIME-REQ-11: The RoIP headend for RF signal reconstruction"), last)
        XCTAssertEqual(document.blocks.filter { $0.kind == .reference }.count, 10)
    }
}
