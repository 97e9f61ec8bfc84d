import XCTest
@testable import LiaisonTrace

final class ActionExtractorTests: XCTestCase {
    var extractor: ActionExtractor { get throws { try ActionExtractor(rules: StatementTestSupport.rules) } }

    func testAddresseeBlockAndActionLine() throws {
        let text = """
        2. Actions:

        To CT1 and CT4:
        ACTION: \tSA WG2 kindly asks CT1 and CT4 to provide feedback as requested above.

        To SA5:
        ACTION: Please send the statistics by 15 March 2019.

        3. Date of Next TSG-SA2 Meetings:

        Please note the meeting dates.
        """
        let record = try StatementTestSupport.run(extractor, text, class: .liaison) { record in
            record.document.deadline = "2019-01-31"
            record.document.to = [Addressee(group: "3GPP SA3", purpose: .action)]
        }
        XCTAssertEqual(record.actions.map(\.to), [["3GPP CT1", "3GPP CT4"], ["3GPP SA5"]])
        XCTAssertEqual(record.actions.map(\.rule), ["action.asks", "action.label"])
        // A date in the sentence wins over the liaison's deadline.
        XCTAssertEqual(record.actions.map(\.deadline), ["2019-01-31", "2019-03-15"])
        XCTAssertEqual(record.actions.first?.line, 4)
        XCTAssertEqual(record.actions.first?.column, 1)
        XCTAssertEqual(record.actions.first?.text,
                       "ACTION: SA WG2 kindly asks CT1 and CT4 to provide feedback as requested above.")
    }

    func testUnnamedAddresseesAreTheLiaisonsActionAddressees() throws {
        let text = "We would appreciate your views on the options.\n\nWe kindly ask you to reply."
        let record = try StatementTestSupport.run(extractor, text, class: .liaison) { record in
            record.document.to = [Addressee(group: "3GPP", purpose: .action),
                                  Addressee(group: "GSMA", purpose: .action),
                                  Addressee(group: "ITU-T SG20", purpose: .information)]
            record.document.deadline = "2017-11-24"
        }
        XCTAssertEqual(record.actions.map(\.to), [["3GPP", "GSMA"], ["3GPP", "GSMA"]])
        XCTAssertEqual(record.actions.map(\.deadline), ["2017-11-24", "2017-11-24"])
        // Without header fields: no addressees, no deadline.
        let bare = try StatementTestSupport.run(extractor, text, class: .liaison)
        XCTAssertEqual(bare.actions.map(\.to), [[], []])
        XCTAssertEqual(bare.actions.map(\.deadline), [nil, nil])
    }

    func testRequestsTheLiaisonReportsAreNotItsActions() throws {
        let text = "SA5 kindly request SA2 to study how to produce the statistics.\n\n"
            + "ACTION: SA2 kindly ask SA5 to reply."
        let record = try StatementTestSupport.run(extractor, text, class: .liaison) { record in
            record.document.from = ["3GPP SA2"]
        }
        XCTAssertEqual(record.actions.map(\.to), [["3GPP SA5"]])
    }

    func testDeliverablesHaveNoActions() throws {
        let text = "Study groups are invited to nominate a representative. Please see clause 5."
        XCTAssertEqual(try StatementTestSupport.run(extractor, text, class: .deliverable).actions.count, 0)
        XCTAssertEqual(try StatementTestSupport.run(extractor, text, class: .ietf).actions.count, 0)
    }

    func testActionRequestFieldIsAnActionAndNoRequirement() throws {
        // An ETSI liaison form: the value of "Decision/action requested:" is a request to the addressees (a "Please"
        // imperative behind a label), so the "should" in it makes no requirement.
        let text = """
        ETSI TC SmartM2M Meeting #93                                SmartM2M(25)093012r1
        Sophia Antipolis, 10-12 June 2025

                                    LIAISON STATEMENT
        Title*:                 LS on semantic interoperability of IoT platforms
        from Source*:           ETSI TC SmartM2M
        To*:                    oneM2M TP, 3GPP SA1
        Copy:                   ETSI TC CYBER
        Deadline:               15 September 2025
        Decision/action requested:  Please review the attached draft and tell SmartM2M which release the
                                profile should follow.

        1 Introduction

        SmartM2M has drafted a profile of the ontology.
        """
        let extraction = try Extraction(rules: StatementTestSupport.rules)
        var diagnostics: [Diagnostic] = []
        let document = AnalyzedDocument(try TestSupport.ingest(Data(text.utf8), name: "etsi-form.txt"))
        let record = extraction.run(document, diagnostics: &diagnostics)
        XCTAssertEqual(record.actions.map(\.rule), ["action.request-field"])
        XCTAssertEqual(record.actions.map(\.to), [["oneM2M TP", "3GPP SA1"]])
        XCTAssertEqual(record.actions.map(\.deadline), ["2025-09-15"])
        XCTAssertEqual(record.requirements.map(\.text), [])
    }

    // MARK: - Real documents

    func testSA2LiaisonToCT1AndCT4() throws {
        let url = try StatementTestSupport.realFile(
            "renderings/liaisons/3gpp-sa2-s2-132855-ls-uepcop-ct-considerations.txt")
        let record = try StatementTestSupport.extract(url)
        XCTAssertEqual(record.actions.map(\.to), [["3GPP CT1", "3GPP CT4"], ["3GPP CT1", "3GPP CT4"]])
        XCTAssertEqual(record.actions.map(\.rule), ["action.would-like", "action.asks"])
        XCTAssertTrue(record.actions[1].text.hasPrefix("ACTION: SA WG2 kindly asks CT1 and CT4 to provide feedback"))
    }

    func testCTLiaisonAskingSA() throws {
        let url = try StatementTestSupport.realFile("renderings/liaisons/3gpp-ct-cp-172153-ls-imsi-e212.txt")
        let record = try StatementTestSupport.extract(url)
        // "To 3GPP SA group." then "ACTION: 3GPP SA is kindly asked to consider ..." and "it would be appreciated if SA
        // were to identify required working groups".
        XCTAssertEqual(record.actions.map(\.to), [["3GPP TSG SA"], ["3GPP TSG SA"]])
        XCTAssertEqual(record.actions.map(\.rule), ["action.passive", "action.welcome"])
        XCTAssertEqual(record.actions.map(\.line), [55, 55])
    }

    func testITUTLiaisonWelcomingViews() throws {
        let url = try StatementTestSupport.realFile("renderings/liaisons/itu-t-sg2-ls27-imsi-e212-evolution.txt")
        let data = try Data(contentsOf: url)
        let record = try StatementTestSupport.run(extractor, data: data, name: url.path, class: nil) { record in
            // As the header extractor reads "For action to: 3GPP, GSMA, WBA" and "Deadline: 24 November 2017".
            record.document.to = [Addressee(group: "3GPP", purpose: .action),
                                  Addressee(group: "GSMA", purpose: .action),
                                  Addressee(group: "WBA", purpose: .action)]
            record.document.deadline = "2017-11-24"
        }
        // "This liaison is seeking information ..." near the top, then five "would welcome" / "would be welcome".
        XCTAssertEqual(record.actions.count, 6)
        XCTAssertTrue(record.actions.allSatisfy { $0.to == ["3GPP", "GSMA", "WBA"] && $0.deadline == "2017-11-24" })
        XCTAssertEqual(record.actions.map(\.rule), ["action.seeking"] + Array(repeating: "action.welcome", count: 5))
        // "Q1/2 would welcome your views on:" takes its list of questions.
        let questions = try XCTUnwrap(record.actions.first { $0.text.hasPrefix("Q1/2 would welcome your views on:") })
        XCTAssertTrue(questions.text.contains("the pros and cons of the options 1 to 4."))
        XCTAssertTrue(questions.text.contains("generate a need for changes to Recommendation E.212?"))
    }

    func testJCALiaisonInvitations() throws {
        let url = try StatementTestSupport.realFile("renderings/liaisons/itu-t-jca-imt2020-ls1-roadmap.txt")
        let record = try StatementTestSupport.extract(url)
        XCTAssertEqual(record.actions.map(\.rule), ["action.welcome", "action.please", "action.asks"])
        XCTAssertTrue(record.actions[1].text.hasPrefix("Please submit your updates using the template"))
    }

    func testEveryLiaisonRenderingRunsAndFindsActionsWhereTheyAre() throws {
        let folder = try StatementTestSupport.realFile("renderings/liaisons")
        var withActions = 0
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        for name in names where name.hasSuffix(".txt") {
            let record = try StatementTestSupport.extract(folder.appendingPathComponent(name))
            if !record.actions.isEmpty { withActions += 1 }
            for action in record.actions {
                XCTAssertFalse(action.text.isEmpty, name)
                XCTAssertGreaterThan(action.range.length, 0, name)
            }
        }
        XCTAssertGreaterThanOrEqual(withActions, 12)
    }
}
