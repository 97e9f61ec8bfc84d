import Foundation
import XCTest
@testable import LiaisonTrace

/// The extraction engine: the cue scan gives the records a full scan gives, a document over its budget is
/// quarantined naming the rule that was running, and windows keep one-line documents in linear time.
final class ExtractionEngineTests: XCTestCase {
    static func pipeline() throws -> Pipeline {
        try Pipeline.load(.builtIn)
    }

    /// The same records with the engine's cues as with every pattern scanning every range it is asked about.
    func testCuesChangeNothingOnRealDocuments() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let pipeline = try Self.pipeline()
        let files = InputWalker.files(in: [corpus.appendingPathComponent("liaisons").path]).files.prefix(12)
        XCTAssertGreaterThan(files.count, 5)
        for file in files {
            guard let ingested = try? pipeline.ingest.ingest(path: file) else { continue }
            let analyzed = AnalyzedDocument(ingested)
            var diagnostics: [Diagnostic] = []
            let withCues = pipeline.extract.run(analyzed, diagnostics: &diagnostics)
            let plain = ExtractionContext(analyzed, engine: nil)
            var record = Extraction.emptyRecord(analyzed)
            for extractor in pipeline.extract.extractors {
                extractor.extract(from: plain, into: &record, diagnostics: &diagnostics)
            }
            XCTAssertEqual(try JSONOutput.data(withCues), try JSONOutput.data(record), file)
        }
    }

    /// A document that runs out of time is quarantined with an error naming a rule; the batch goes on.
    func testDocumentOverBudgetIsQuarantinedNamingTheRule() async throws {
        var pipeline = try Self.pipeline()
        var extraction = pipeline.extract
        extraction.budget = ExtractionBudget(secondsPerMB: 0, minimumSeconds: 0)
        let document = try TestSupport.ingest("Title: LS on IMSI\nThe UE shall support TS 23.501.\n", name: "a.txt")
        var diagnostics: [Diagnostic] = []
        XCTAssertThrowsError(try extraction.record(of: AnalyzedDocument(document), diagnostics: &diagnostics)) {
            guard let exceeded = $0 as? ExtractionBudget.Exceeded else { return XCTFail("\($0)") }
            let diagnostic = exceeded.diagnostic(path: "a.txt")
            XCTAssertEqual(diagnostic.id, "extract.budget-exceeded")
            XCTAssertTrue(exceeded.running.contains(".yaml:") || exceeded.running.hasPrefix("extractor"),
                          exceeded.running)
        }
        // Through a run: the document is quarantined, the other one is written.
        pipeline = Pipeline(pipeline, extraction: extraction)
        let result = try await pipeline.run([.document(name: "a.txt", data: Data("The UE shall work.".utf8))])
        XCTAssertEqual(result.quarantined.map(\.id), ["extract.budget-exceeded"])
        XCTAssertEqual(result.quarantined.first?.path, "a.txt")
        // With the default budget the same document passes.
        let normal = try await Self.pipeline().run([.document(name: "a.txt", data: Data("The UE shall work.".utf8))])
        XCTAssertEqual(normal.quarantined.count, 0)
        XCTAssertEqual(normal.documents.count, 1)
    }

    /// A document written on one line finds what the same text finds with a line break after each sentence (the
    /// windows of the engine never depend on line length).
    func testOneLineDocumentFindsWhatTheWrappedOneFinds() throws {
        let pipeline = try Self.pipeline()
        let sentence = "The UE shall support TS 23.501 and RFC 9110 as SA2 asked ITU-T SG11. "
        let oneLine = String(repeating: sentence, count: 2000)
        let wrapped = oneLine.replacingOccurrences(of: ". ", with: ".\n")
        var diagnostics: [Diagnostic] = []
        let long = pipeline.extract.run(AnalyzedDocument(try TestSupport.ingest(oneLine, name: "a.txt")),
                                        diagnostics: &diagnostics)
        let short = pipeline.extract.run(AnalyzedDocument(try TestSupport.ingest(wrapped, name: "b.txt")),
                                         diagnostics: &diagnostics)
        XCTAssertEqual(long.references.count, 4000)
        XCTAssertEqual(long.references.map(\.id), short.references.map(\.id))
        XCTAssertEqual(long.references.map(\.range), short.references.map(\.range))
        XCTAssertEqual(long.references.last?.line, 1)
        XCTAssertEqual(long.requirements.count, short.requirements.count)
    }
}
