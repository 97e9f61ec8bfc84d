import XCTest
@testable import LiaisonTrace

final class RelationExtractorTests: XCTestCase {
    var extractor: RelationExtractor { get throws { try RelationExtractor(rules: StatementTestSupport.rules) } }

    func testSeedRelations() throws {
        let url = TestSupport.packageRoot.appendingPathComponent("Corpus/fg-mv-reply-ls-sg11-ls159.txt")
        let record = try StatementTestSupport.extract(url)
        let relations = record.relations.map { [$0.kind.rawValue, $0.subject ?? "-", $0.object, $0.meetingDate ?? "-"] }
        XCTAssertEqual(relations, [
            ["approved-at", "FGMV-19", "ITU-T FG-MV#3", "2023-12"],
            ["builds-on", "FGMV-43", "FGMV-19", "-"],
            ["approved-at", "FGMV-43", "ITU-T FG-MV#7", "2024-06"],
            ["approved-at", "FGMV-51", "ITU-T FG-MV#7", "-"],
            ["approved-at", "FGMV-52", "ITU-T FG-MV#7", "-"],
        ])
        XCTAssertEqual(record.relations.map(\.line), [5, 10, 10, 12, 12])
        XCTAssertEqual(record.relations.map(\.rule), ["relation.approved-at.passive", "relation.builds-on",
                                                      "relation.approved-at.passive", "relation.approved-at.active",
                                                      "relation.approved-at.active"])
    }

    func testRelationJSONUsesSnakeCaseAndNulls() throws {
        let record = try StatementTestSupport.run(extractor, "Obsoletes: 4053 (if approved)", class: .ietf)
        let json = String(decoding: try JSONOutput.data(record.relations, pretty: false), as: UTF8.self)
        XCTAssertTrue(json.contains(#""meeting_date":null"#), json)
        XCTAssertTrue(json.contains(#""subject":null"#), json)
        XCTAssertTrue(json.contains(#""object":"RFC 4053""#), json)
        XCTAssertTrue(json.contains(#""rule":"relation.obsoletes.header""#), json)
    }

    func testSubjectIsThePrimaryIdWhenKnown() throws {
        let record = try StatementTestSupport.run(extractor, "Taipei, 20 - 24 January 2014 (revision of S2-140152)",
                                                  class: .deliverable) { $0.document.ids = ["S2-140429"] }
        XCTAssertEqual(record.relations.map { [$0.subject ?? "-", $0.kind.rawValue, $0.object] },
                       [["S2-140429", "revises", "S2-140152"]])
    }

    func testMeetingWithoutGroupIsTheSendersMeeting() throws {
        let text = "ITU-T Y.3507 was approved at the 5th meeting held in March 2018."
        let record = try StatementTestSupport.run(extractor, text, class: .deliverable) {
            $0.document.from = ["ITU-T SG13"]
        }
        XCTAssertEqual(record.relations.map(\.object), ["ITU-T SG13#5"])
        XCTAssertEqual(record.relations.map(\.meetingDate), ["2018-03"])
    }

    // MARK: - Real documents

    func testRFC4053bisObsoletesAndRevisesRFC4053() throws {
        let url = try StatementTestSupport.realFile("deliverables/ietf-draft-iab-rfc4053bis.txt")
        let record = try StatementTestSupport.extract(url)
        XCTAssertEqual(record.relations.map { [$0.kind.rawValue, $0.object, $0.rule] }, [
            ["obsoletes", "RFC 4053", "relation.obsoletes.header"],
            ["revises", "RFC 4053", "relation.revises"],
        ])
    }

    func testThreeGPPRevisionsOfTdocs() throws {
        let url = try StatementTestSupport.realFile("renderings/liaisons/3gpp-sa2-s2-140423-reply-ls-onem2m.txt")
        // Earlier numbers of the same tdoc next to its number are the document's own ids (the header extractor
        // keeps them as aliases, so the graph draws one node); they are neither references nor revisions of
        // another document.
        let record = try StatementTestSupport.extract(url)
        XCTAssertEqual(record.document.ids, ["S2-140423", "S2-130285", "S2-140135"])
        XCTAssertEqual(record.relations.filter { $0.kind.rawValue == "revises" }.count, 0)
        XCTAssertFalse(record.references.contains { $0.id == "S2-130285" })
        let cr = try StatementTestSupport.extract(
            try StatementTestSupport.realFile("renderings/deliverables/3gpp-sa2-s2-140429-cr-ts23682-psm.txt"))
        XCTAssertTrue(cr.document.ids.contains("S2-140152"), "\(cr.document.ids)")
    }
}
