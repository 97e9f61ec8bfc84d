import XCTest
@testable import LiaisonTrace

final class CitationAnchorTests: XCTestCase {
    func record(_ text: String, name: String = "draft.txt") throws -> DocumentRecord {
        var diagnostics: [Diagnostic] = []
        let extraction = try Extraction(rules: ReferenceRuleTests.defaultRules())
        return extraction.run(AnalyzedDocument(try TestSupport.ingest(text, name: name)), diagnostics: &diagnostics)
    }

    func testAnchorsResolveThroughAPlainTextReferenceList() throws {
        let text = """
        1.  Introduction

           Caches follow [HTTP] and [CACHING], Section 4; see also [UNKNOWN].

        2.  References

           [HTTP]     Fielding, R., Ed., "HTTP Semantics", STD 97, RFC 9110,
                      June 2022.

           [CACHING]  Fielding, R., Ed., "HTTP Caching", STD 98, RFC 9111,
                      June 2022.

        """
        for prefix in ["", TestSupport.multiBytePrefix] {
            let found = try record(prefix + text).references.filter { $0.rule == "reference.citation-anchor" }
            XCTAssertEqual(found.map(\.id), ["RFC 9110", "RFC 9111"])
            XCTAssertEqual(found.map(\.text), ["[HTTP]", "[CACHING]"])
            XCTAssertEqual(found.first?.line, prefix.isEmpty ? 3 : 4)
            XCTAssertEqual(found.first?.qualifiers?["anchor"], "HTTP")
        }
    }

    func testAnchorsResolveThroughRFCXMLReferenceBlocks() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <rfc number="9111" docName="draft-ietf-httpbis-cache-19" category="std">
        <front><title>HTTP Caching</title></front>
        <middle><section><name>Introduction</name><t>See <xref target="HTTP"/> for semantics.</t></section></middle>
        <back><references><name>Normative References</name>
        <reference anchor="HTTP"><front><title>HTTP Semantics</title></front>
        <seriesInfo name="STD" value="97"/><seriesInfo name="RFC" value="9110"/></reference>
        </references></back></rfc>
        """
        let found = try record(xml, name: "rfc9111.xml").references.filter { $0.rule == "reference.citation-anchor" }
        XCTAssertEqual(found.map(\.id), ["RFC 9110"])
    }

    func testDocumentsWithoutAReferenceListAreLeftAlone() throws {
        let found = try record("See [HTTP] and [1].\n").references
        XCTAssertEqual(found.map(\.id), [])
    }
}
