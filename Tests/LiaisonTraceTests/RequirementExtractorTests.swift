import XCTest
@testable import LiaisonTrace

final class RequirementExtractorTests: XCTestCase {
    var extractor: RequirementExtractor { get throws { try RequirementExtractor(rules: StatementTestSupport.rules) } }

    // MARK: - The seed

    func testSeedRequirements() throws {
        let url = TestSupport.packageRoot.appendingPathComponent("Corpus/fg-mv-reply-ls-sg11-ls159.txt")
        let record = try StatementTestSupport.extract(url)
        let found = record.requirements.map { [$0.modality, $0.keyword, $0.rule] }
        XCTAssertEqual(found, [["mandatory", "needs to", "requirement.liaison.needs-to"],
                               ["mandatory", "is essential", "requirement.liaison.essential"]])
        XCTAssertTrue(record.requirements[0].text.hasPrefix(
            "However, before initiating this new work item, there needs to be an investigation into which existing"))
        XCTAssertTrue(record.requirements[0].text.contains("Q.PMV") == false) // the sentence after the one naming it
        XCTAssertTrue(record.requirements[1].text.hasSuffix(
            "ongoing collaboration with the relevant SDOs is essential."))
        XCTAssertEqual(record.requirements.map(\.line), [11, 12])
        // "may consider", "may not align", "could potentially be considered" are prose in a liaison.
        XCTAssertFalse(record.requirements.contains { $0.modality == "optional" })
    }

    // MARK: - Conventions

    func testLowercaseMustInIETFDocumentIsNoBCP14Requirement() throws {
        let text = """
        Network Working Group                                          A. Author
        Internet-Draft                                                      IAB

        1.  Introduction

           The content of the statement must be recorded.  The reply should
           indicate the level of consensus, and it may be sent by the chairs.
           A sender MUST NOT generate elements that do not match the grammar.
        """
        let record = try StatementTestSupport.run(extractor, text, class: nil)
        XCTAssertEqual(record.requirements.map(\.keyword), ["MUST NOT"])
        XCTAssertEqual(record.requirements.first?.modality, "prohibited")
        XCTAssertEqual(record.requirements.first?.line, 8)
        XCTAssertEqual(record.requirements.first?.column, 4)
        XCTAssertEqual(record.requirements.first?.text,
                       "A sender MUST NOT generate elements that do not match the grammar.")
    }

    func testBCP14BoilerplateAndReferencesAreNotRequirements() throws {
        let text = """
        Internet Engineering Task Force (IETF)                   R. Fielding, Ed.

        1.2.  Requirements Notation

           The key words "MUST", "MUST NOT", "REQUIRED", "SHALL", "SHALL NOT",
           "SHOULD", "SHOULD NOT", "RECOMMENDED", "NOT RECOMMENDED", "MAY", and
           "OPTIONAL" in this document are to be interpreted as described in
           BCP 14 [RFC2119] [RFC8174] when, and only when, they appear in all
           capitals, as shown here.

           A recipient SHOULD parse a received protocol element defensively.

           Should a client retry a request that MAY have side effects?

        9.  References

           [RFC2119]  Bradner, S., "Key words for use in RFCs to Indicate
                      Requirement Levels", BCP 14, RFC 2119. Implementations MUST
                      read it.
        """
        let record = try StatementTestSupport.run(extractor, text, class: nil)
        XCTAssertEqual(record.requirements.map(\.text),
                       ["A recipient SHOULD parse a received protocol element defensively."])
    }

    func testColonSentenceTakesItsList() throws {
        let text = """
        5.2 Receiver requirements

        A 5G Broadcast Receiver shall support:
        - the physical layer procedures of clause 5;
        - the idle mode procedures.

        The receiver may ignore the rest.
        """
        let record = try StatementTestSupport.run(extractor, text, class: .deliverable)
        XCTAssertEqual(record.requirements.map(\.keyword), ["shall", "may"])
        XCTAssertEqual(record.requirements.first?.text, "A 5G Broadcast Receiver shall support: - the physical layer "
            + "procedures of clause 5; - the idle mode procedures.")
    }

    func testQuotedKeywordsAndInformativeAppendixAreNotRequirements() throws {
        let text = """
        == Requirements

        * *Multiple CPUs*: It is recommended that a physical machine supports multiple CPUs.

        [appendix,obligation=informative]
        == Comparison with other specifications

        === Open Compute Project

        * <<b-OCP_2S>> provides memory reliability as 'Errors should be logged. Each entry should indicate the DIMM.'

        The physical machine shall be tested.
        """
        let record = try StatementTestSupport.run(extractor, data: Data(text.utf8), name: "x.adoc", class: .deliverable)
        XCTAssertEqual(record.requirements.map(\.label), ["Multiple CPUs"])
        XCTAssertEqual(record.requirements.first?.text,
                       "It is recommended that a physical machine supports multiple CPUs.")
        // The quoted sentence in the requirements section would not count either.
        let quoted = try StatementTestSupport.run(
            extractor, "The OCP specification provides it as 'Errors should be logged. Each entry should indicate it.'",
            class: .deliverable)
        XCTAssertEqual(quoted.requirements.map(\.text), [])
    }

    func testBadLexiconNamesFileLineAndRule() throws {
        let yaml = """
        version: 1
        kind: requirements
        lexicons:
          - id: requirement.broken
            classes: [deliverable]
            keywords:
              - {pattern: 'shall(', modality: mandatory}
            counter_examples: ["x"]
        """
        let file = try RuleLibrary.parse(yaml, path: "Pipelines/rules/broken.yaml")
        let library = RuleLibrary(files: StatementTestSupport.rules.files(ofKind: "statements") + [file])
        XCTAssertThrowsError(try RequirementExtractor(rules: library)) { error in
            let diagnostic = (error as! PipelineError).diagnostic
            XCTAssertEqual(diagnostic.path, "Pipelines/rules/broken.yaml")
            XCTAssertEqual(diagnostic.line, 4)
            XCTAssertTrue(diagnostic.summary.contains("requirement.broken"), diagnostic.summary)
        }
        let badModality = yaml.replacingOccurrences(of: "'shall('", with: "'shall'").replacingOccurrences(
            of: "modality: mandatory", with: "modality: compulsory")
        let file2 = try RuleLibrary.parse(badModality, path: "b.yaml")
        let library2 = RuleLibrary(files: StatementTestSupport.rules.files(ofKind: "statements") + [file2])
        XCTAssertThrowsError(try RequirementExtractor(rules: library2)) { error in
            // The strict decoder names the line of the bad value itself.
            XCTAssertEqual((error as! PipelineError).diagnostic.line, 7)
            XCTAssertTrue((error as! PipelineError).summary.contains("requirement.broken"), "\(error)")
        }
    }

    // MARK: - Real documents

    func testRFC4053bisHasNoBCP14KeywordsAndSoNoRequirements() throws {
        // The draft writes "must", "should", "may" in lower case only (60 lines); RFC 8174: not requirements.
        let url = try StatementTestSupport.realFile("deliverables/ietf-draft-iab-rfc4053bis.txt")
        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertGreaterThan(text.components(separatedBy: " must ").count, 5)
        let record = try StatementTestSupport.extract(url)
        XCTAssertEqual(record.requirements.count, 0, record.requirements.map(\.text).joined(separator: "\n"))
    }

    func testRFC9110BCP14Requirements() throws {
        let url = try StatementTestSupport.realFile("deliverables/ietf-rfc9110-http-semantics.xml")
        let xml = try String(contentsOf: url, encoding: .utf8)
        // Until the XML reader lands, a crude rendering: one paragraph per <t>, headings from section titles.
        let text = Self.roughText(ofRFCXML: xml)
        let record = try StatementTestSupport.run(extractor, text, class: nil)
        let requirements = record.requirements
        // 445 <bcp14> key words, some sentences hold two or more; the boilerplate paragraph does not count.
        XCTAssertGreaterThan(requirements.count, 330)
        XCTAssertLessThan(requirements.count, 445)
        XCTAssertTrue(requirements.allSatisfy { $0.rule == "requirement.bcp14" })
        XCTAssertFalse(requirements.contains { $0.text.contains("are to be interpreted as described in") })
        let modalities = Dictionary(grouping: requirements, by: \.modality).mapValues(\.count)
        XCTAssertGreaterThan(modalities["mandatory"] ?? 0, 100)
        XCTAssertGreaterThan(modalities["prohibited"] ?? 0, 40)
        XCTAssertGreaterThan(modalities["optional"] ?? 0, 40)
        XCTAssertGreaterThan(modalities["recommended"] ?? 0, 40)
        // When the XML reader exists, the same document through it.
        if let direct = try? StatementTestSupport.extract(url), !direct.requirements.isEmpty {
            XCTAssertGreaterThan(direct.requirements.count, 330)
        }
    }

    func testY3507RequirementsWithLabels() throws {
        let url = try StatementTestSupport.realFile(
            "deliverables/itu-t-y3507-2018-cloud-physical-machine-requirements.adoc")
        let record = try StatementTestSupport.extract(url)
        let requirements = record.requirements
        // Clause 7 has 53 bold-labelled requirements: 48 "It is recommended that", 2 "It is required that" and 3
        // "can optionally".
        let labelled = requirements.filter { $0.label != nil }
        XCTAssertEqual(labelled.count, 53)
        XCTAssertEqual(labelled.filter { $0.modality == "recommended" }.count, 48)
        XCTAssertEqual(labelled.filter { $0.modality == "mandatory" }.map(\.label),
                       ["Configuration of multiple processing units", "Device driver and API supports"])
        XCTAssertEqual(labelled.filter { $0.modality == "optional" }.count, 3)
        XCTAssertTrue(labelled.allSatisfy { $0.text.hasPrefix("It is") || $0.text.hasPrefix("A physical machine") })
        XCTAssertTrue(labelled.contains { $0.label == "I/O devices direct accessing" })
        // Y.3507 names its requirements instead of numbering them: no ids.
        XCTAssertTrue(requirements.allSatisfy { $0.id == nil })
        // The informative appendices (comparison tables quoting OCP "shall"/"should", use cases) add nothing, and
        // neither does the Conventions clause that defines the key words.
        XCTAssertLessThan(requirements.count, 60)
        XCTAssertFalse(requirements.contains { $0.line > 620 })
        XCTAssertFalse(requirements.contains { $0.text.contains("keywords") })
    }

    func testETSIAnd3GPPShallRequirements() throws {
        let url = try StatementTestSupport.realFile(
            "renderings/deliverables/etsi-ts-103720-v0.2.2-draft-5g-broadcast.txt")
        let record = try StatementTestSupport.extract(url)
        let requirements = record.requirements
        XCTAssertGreaterThan(requirements.count, 90)
        XCTAssertLessThan(requirements.count, 160)
        // The modal-verbs clause, the important notice and the references are not requirements.
        XCTAssertFalse(requirements.contains { $0.text.contains("are to be interpreted as described") })
        XCTAssertFalse(requirements.contains { $0.text.contains("prior written authorization of ETSI") })
        XCTAssertFalse(requirements.contains { $0.text.hasPrefix("NOTE") })
        XCTAssertGreaterThan(requirements.filter { $0.keyword == "shall not" }.count, 5)

        let cr = try StatementTestSupport.extract(
            try StatementTestSupport.realFile("renderings/deliverables/3gpp-sa2-s2-2209002-cr-ts23501-redcap.txt"))
        XCTAssertTrue(cr.requirements.contains { $0.keyword == "shall" })
    }

    // MARK: - Helpers

    /// RFCXML v3 to plain text: `<section title=...>` becomes a heading line, `<t>`, `<li>` and `<dd>` paragraphs,
    /// other tags are dropped and the five XML entities decoded.
    static func roughText(ofRFCXML xml: String) -> String {
        var text = xml
        let replacements: [(String, String)] = [
            (#"<section[^>]*\btitle="([^"]*)"[^>]*>"#, "\n\n$1\n\n"),
            (#"<references[^>]*\btitle="([^"]*)"[^>]*>"#, "\n\n$1\n\n"),
            (#"<name>([^<]*)</name>"#, "\n\n$1\n\n"),
            (#"</?(?:t|li|dd|dt|artwork|sourcecode|reference)\b[^>]*>"#, "\n\n"),
            (#"<[^>]+>"#, ""),
            (#"&lt;"#, "<"), (#"&gt;"#, ">"), (#"&quot;"#, "\""), (#"&amp;"#, "&"),
        ]
        for (pattern, template) in replacements {
            let expression = try! NSRegularExpression(pattern: pattern)
            text = expression.stringByReplacingMatches(in: text, range: NSRange(location: 0, length: text.utf16.count),
                                                       withTemplate: template)
        }
        return text
    }
}
