import XCTest
@testable import LiaisonTrace

final class ScopeExtractorTests: XCTestCase {
    var extractor: ScopeExtractor { get throws { try ScopeExtractor(rules: StatementTestSupport.rules) } }

    func testSeedScopes() throws {
        let url = TestSupport.packageRoot.appendingPathComponent("Corpus/fg-mv-reply-ls-sg11-ls159.txt")
        let record = try StatementTestSupport.extract(url)
        let scopes = record.scopes.map { [$0.polarity.rawValue, $0.subject ?? "-", $0.aspect ?? "-", $0.rule] }
        XCTAssertEqual(scopes, [
            // "This deliverable specifies ..." right after FGMV-19 is named: the deliverable is FGMV-19.
            ["includes", "FGMV-19", "nine service scenarios and high-level requirements for achieving interoperability "
                + "across metaverse platforms", "scope.includes.specifies"],
            ["includes", "FGMV-19", "application-level interoperability, especially multimedia-related aspects",
             "scope.includes.main-scope"],
            // One item per excluded aspect; both share the sentence's text, line and range.
            ["excludes", "FGMV-19", "network aspects of interoperability", "scope.excludes.does-not-include"],
            ["excludes", "FGMV-19", "IoT-related interoperability", "scope.excludes.does-not-include"],
        ])
        let main = record.scopes[1]
        XCTAssertEqual(main.text, "in FGMV-19, the main scope is application-level interoperability, especially "
            + "multimedia-related aspects; and")
        XCTAssertEqual(main.line, 8)
        XCTAssertEqual(main.column, 3) // after "· "
        XCTAssertEqual(record.scopes[2].range, record.scopes[3].range)
        XCTAssertEqual(record.scopes[2].text, "FGMV-19 does not include network aspects of interoperability or "
            + "IoT-related interoperability.")
    }

    func testScopeClauseOfTheDocumentItself() throws {
        let text = """
        1\tScope
        The present document introduces the 5G Broadcast System. Several functions and reference points are defined.
        NOTE:\tA future revision may add more.
        Satellite access is out of the scope of the present document.
        2\tReferences
        [1]\tETSI TS 122 101: "Service principles".
        """
        let record = try StatementTestSupport.run(extractor, text, class: .deliverable) { record in
            record.document.ids = ["ETSI TS 103 720"]
        }
        XCTAssertEqual(record.scopes.map { [$0.polarity.rawValue, $0.subject ?? "-", $0.aspect ?? "-", $0.rule] }, [
            ["includes", "ETSI TS 103 720", "the 5G Broadcast System", "scope.includes.specifies"],
            ["includes", "ETSI TS 103 720", "-", "scope.includes.scope-clause"],
            ["excludes", "ETSI TS 103 720", "Satellite access", "scope.excludes.out-of-scope"],
        ])
        XCTAssertEqual(record.scopes.map(\.line), [2, 2, 4])
    }

    func testTableOfContentsEntryIsNoScopeHeading() throws {
        let text = "Contents\n1\tScope\t8\n2\tReferences\t8\nThe UE is a device.\n"
        XCTAssertEqual(try StatementTestSupport.run(extractor, text, class: .deliverable).scopes.count, 0)
    }

    func testUnresolvedPointerMakesNoScope() throws {
        // In a liaison "this deliverable" points back to a document named before; with none, nothing is made.
        let text = "This deliverable specifies nine service scenarios."
        XCTAssertEqual(try StatementTestSupport.run(extractor, text, class: .liaison).scopes.count, 0)
        // In a deliverable it is the document itself.
        XCTAssertEqual(try StatementTestSupport.run(extractor, text, class: .deliverable).scopes.map(\.subject), [nil])
    }

    // MARK: - Real documents

    func testETSIScopeClause() throws {
        let url = try StatementTestSupport.realFile("renderings/deliverables/etsi-ts-124116-v15.0.0-tv-services.txt")
        let record = try StatementTestSupport.extract(url)
        let scopes = record.scopes.filter { $0.line >= 193 && $0.line <= 210 }
        XCTAssertTrue(scopes.allSatisfy { $0.polarity.rawValue == "includes" })
        XCTAssertTrue(scopes.contains { $0.aspect == "the requirements on the device in Receive only mode" })
        XCTAssertTrue(scopes.contains { $0.rule == "scope.includes.scope-clause" })
        // Nothing from the table of contents ("1 Scope ....... 5").
        XCTAssertFalse(record.scopes.contains { $0.line < 190 })
    }

    func testRecommendationExclusions() throws {
        let url = try StatementTestSupport.realFile(
            "renderings/deliverables/itu-t-e840-2018-kpi-benchmarking-framework.txt")
        let record = try StatementTestSupport.extract(url)
        let excluded = record.scopes.filter { $0.polarity.rawValue == "excludes" }.compactMap(\.aspect)
        XCTAssertTrue(excluded.contains("weight definition"), "\(excluded)")
        XCTAssertTrue(excluded.contains("The definition of the weights Wserv_j for the GlobalNetScore"), "\(excluded)")
        // "If the scope of mobile benchmarking is ..." is not a scope statement of a document.
        XCTAssertFalse(record.scopes.contains { $0.text.hasPrefix("If the scope of mobile benchmarking") })
    }

    func testY3507Scope() throws {
        let url = try StatementTestSupport.realFile(
            "deliverables/itu-t-y3507-2018-cloud-physical-machine-requirements.adoc")
        let record = try StatementTestSupport.extract(url)
        let aspects = record.scopes.compactMap(\.aspect)
        XCTAssertTrue(aspects.contains("Overview of the physical machine"), "\(aspects)")
        XCTAssertTrue(aspects.contains("Functional requirements of the physical machine"), "\(aspects)")
        // The comparison appendix describes other specifications ("This specification describes ..."): not Y.3507.
        XCTAssertFalse(record.scopes.contains { $0.line > 620 && $0.subject == nil })
    }
}
