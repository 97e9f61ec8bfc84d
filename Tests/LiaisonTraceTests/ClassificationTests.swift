import XCTest
@testable import LiaisonTrace

final class ClassificationTests: XCTestCase {
    static func classifier() throws -> DocumentClassifier {
        try DocumentClassifier(rules: ReferenceRuleTests.defaultRules())
    }

    private func classify(_ text: String, name: String = "doc.txt") throws -> DocumentHeader {
        try HeaderTestSupport.record(text, name: name).0.document
    }

    func testKindsFromContent() throws {
        XCTAssertEqual(try classify(HeaderFieldTests.antiwordLS).kind, .liaison)
        XCTAssertEqual(try classify(HeaderFieldTests.cellPerLine).kind, .liaison)
        XCTAssertEqual(try classify(HeaderFieldTests.pdfColumns).kind, .liaison)
        let cr = try classify("""
            SA WG2 Meeting #101\tS2-140429
            |CR-Form-v11   |
            |CHANGE REQUEST|
            """)
        XCTAssertEqual(cr.kind, .changeRequest)
        XCTAssertEqual(cr.sdo, "3GPP")
        let wid = try classify("""
            SA WG2 Meeting #129bis\tS2-1812080
            Source:\tChina Mobile
            Title:\tNew WID: Enhancements to the Service-Based 5G System Architecture
            3GPP Work Item Description
            """)
        XCTAssertEqual(wid.kind, .workItem)
        XCTAssertEqual(wid.sdo, "3GPP")
        let draft = try classify("""
            Network Working Group                                 M. Kuehlewind, Ed.
            Internet-Draft                                               S. Krishnan
            Intended status: Informational                                       IAB
            """)
        XCTAssertEqual(draft.kind, .deliverable)
        XCTAssertEqual(draft.sdo, "IETF")
        let recommendation = try classify("""
            International Telecommunication Union
            ITU-T
            E.840
            SERIES E: OVERALL NETWORK OPERATION
            Recommendation  ITU-T  E.840
            """)
        XCTAssertEqual(recommendation.kind, .deliverable)
        XCTAssertEqual(recommendation.sdo, "ITU-T")
    }

    /// The file name says nothing: a liaison named like a Recommendation is still a liaison.
    func testFileNameIsNotEvidence() throws {
        XCTAssertEqual(try classify(HeaderFieldTests.antiwordLS, name: "itu-t-rec-e840.txt").kind, .liaison)
        XCTAssertEqual(try classify("Some notes about the next meeting.", name: "liaison-statement-ls-27.txt").kind,
                       .other)
    }

    /// In doubt, `other`: weak cues alone, or two kinds scoring alike.
    func testDoubtIsOther() throws {
        XCTAssertEqual(try classify("RAN2 would like to thank SA4 for their LS on the topic.").kind, .other)
        let classifier = try Self.classifier()
        var scores = DocumentClassifier.Scores()
        scores.kinds = [.liaison: 4, .changeRequest: 4]
        let decision = classifier.decide(scores, format: "txt")
        XCTAssertEqual(decision.kind, .other)
        XCTAssertNotNil(decision.close)
        scores.kinds = [.liaison: 7, .changeRequest: 3]
        XCTAssertEqual(classifier.decide(scores, format: "txt").kind, .liaison)
    }

    func testEmailStaysEmailUnlessItIsALiaison() throws {
        let classifier = try Self.classifier()
        var scores = DocumentClassifier.Scores()
        scores.kinds = [.liaison: 4]
        XCTAssertEqual(classifier.decide(scores, format: "email").kind, .email)
        scores.kinds = [.liaison: 10]
        XCTAssertEqual(classifier.decide(scores, format: "email").kind, .liaison)
    }

    func testBadClassificationFileNamesFileLineAndCue() throws {
        let yaml = """
            version: 1
            kind: classification
            cues:
              - id: classify.broken
                kind: memo
                pattern: 'x'
                examples: ['x']
            """
        let file = try RuleLibrary.parse(yaml, path: "Pipelines/rules/bad-classification.yaml")
        XCTAssertThrowsError(try DocumentClassifier(rules: RuleLibrary(files: [file]))) { error in
            let error = error as! PipelineError
            XCTAssertEqual(error.path, "Pipelines/rules/bad-classification.yaml")
            XCTAssertEqual(error.line, 4)
            XCTAssertTrue(error.summary.contains("classify.broken") && error.summary.contains("memo"), error.summary)
        }
        let noExamples = yaml.replacingOccurrences(of: "kind: memo", with: "kind: liaison")
            .replacingOccurrences(of: "examples: ['x']", with: "examples: []")
        let file2 = try RuleLibrary.parse(noExamples, path: "b.yaml")
        // A rule without examples is caught when the extraction runs every rule's examples.
        XCTAssertThrowsError(try Extraction(rules: RuleLibrary(files: [file2]))) { error in
            XCTAssertEqual((error as! PipelineError).summary,
                           "rule 'classify.broken': has no examples (examples are its tests)")
        }
    }

    /// Kind and sdo of every real document that can be read here (renderings stand in for .doc/.docx/.pdf
    /// originals), against MANIFEST.tsv: its `kind` column, except that its "other" for change requests and work
    /// item descriptions (which its notes name) is expected as change-request / work-item, and mailing-list
    /// messages as email; its `sdo` column's first body.
    func testRealCorpusAgainstManifest() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let manifest = try String(contentsOf: corpus.appendingPathComponent("MANIFEST.tsv"), encoding: .utf8)
        var kindHits = 0
        var sdoHits = 0
        var total = 0
        var misses: [String] = []
        let rows = manifest.split(separator: "\n").dropFirst()
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            .filter { $0.count >= 6 }
        // A rendering's notes only say how it was made: take the original's.
        var originalNotes: [String: String] = [:]
        for columns in rows where !columns[0].hasPrefix("renderings/") {
            originalNotes[((columns[0] as NSString).lastPathComponent as NSString).deletingPathExtension] = columns[5]
        }
        for columns in rows {
            let path = columns[0]
            let (kind, sdo) = (columns[1], columns[2])
            let stem = ((path as NSString).lastPathComponent as NSString).deletingPathExtension
            let notes = originalNotes[stem] ?? columns[5]
            // .doc/.docx/.pdf originals are read through their renderings (the rows that follow them).
            if ["doc", "docx", "pdf"].contains((path as NSString).pathExtension) { continue }
            let readPath = path
            var expectedKind = kind
            let lower = notes.lowercased()
            if (path as NSString).lastPathComponent.hasPrefix("email-") {
                expectedKind = "email"
            } else if lower.contains("change request") || notes.contains("CR-Form") {
                expectedKind = "change-request"
            } else if lower.contains("work item description") {
                expectedKind = "work-item"
            }
            let expectedSDO = sdo.split(whereSeparator: { $0 == " " || $0 == "/" }).first.map(String.init)
            let ingested: IngestedDocument
            do {
                ingested = try Ingestor().ingest(path: corpus.appendingPathComponent(readPath).path)
            } catch {
                guard error.id.hasSuffix(".unsupported") else { throw error }
                print("classification: skipped \(readPath): \(error.summary)")
                continue
            }
            var diagnostics: [Diagnostic] = []
            let record = HeaderTestSupport.extraction.run(AnalyzedDocument(ingested), diagnostics: &diagnostics)
            total += 1
            let gotKind = record.document.kind.rawValue
            if gotKind == expectedKind {
                kindHits += 1
            } else {
                misses.append("\(readPath): kind \(gotKind), expected \(expectedKind)")
            }
            if record.document.sdo == expectedSDO { sdoHits += 1 } else {
                misses.append("\(readPath): sdo \(record.document.sdo ?? "nil"), expected \(expectedSDO ?? "nil")")
            }
        }
        let kindAccuracy = Double(kindHits) / Double(max(total, 1))
        let sdoAccuracy = Double(sdoHits) / Double(max(total, 1))
        print(String(format: "classification: %d documents, kind %.2f, sdo %.2f", total, kindAccuracy, sdoAccuracy))
        for miss in misses { print("classification miss: \(miss)") }
        XCTAssertGreaterThanOrEqual(total, 25)
        XCTAssertGreaterThanOrEqual(kindAccuracy, 0.95)
        XCTAssertGreaterThanOrEqual(sdoAccuracy, 0.8)
    }
}
