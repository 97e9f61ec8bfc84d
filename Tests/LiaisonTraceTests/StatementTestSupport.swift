import Foundation
import XCTest
@testable import LiaisonTrace

/// Helpers for the sentence-level extractor tests: run the reference extractor and one sentence-level extractor
/// over a text read as a document of a given class, as the pipeline would.
enum StatementTestSupport {
    /// The default pipeline's rules, loaded once.
    static let rules: RuleLibrary = {
        let path = TestSupport.packageRoot.appendingPathComponent("Pipelines/default.yaml").path
        // swiftlint:disable:next force_try
        return try! RuleLibrary.load(PipelineConfiguration.load(path: path))
    }()

    static let references: ReferenceExtractor = {
        // swiftlint:disable:next force_try
        try! ReferenceExtractor(rules: rules)
    }()

    /// The default pipeline's extraction (its engine and sentence rules), built once without running the examples.
    static let extraction: Extraction = {
        // swiftlint:disable:next force_try
        try! Extraction(rules: rules, checkingExamples: false)
    }()

    /// What the extractors see of `document`, with the default sentence rules.
    static func context(_ document: AnalyzedDocument) -> ExtractionContext {
        extraction.context(for: document)
    }

    /// A record prepared as the header extractor would for a document of `documentClass`.
    static func record(for document: AnalyzedDocument, _ documentClass: DocumentClass?) -> DocumentRecord {
        ExampleInput.record(for: document, documentClass)
    }

    /// Runs the reference extractor, then `extractor`, over `text` read as a `.txt` file.
    static func run(_ extractor: any Extractor, _ text: String, class documentClass: DocumentClass?,
                    prepare: (inout DocumentRecord) -> Void = { _ in }) throws -> DocumentRecord {
        try run(extractor, data: Data(text.utf8), name: "example.txt", class: documentClass, prepare: prepare)
    }

    /// Runs the reference extractor, then `extractor`, over a file's bytes.
    static func run(_ extractor: any Extractor, data: Data, name: String, class documentClass: DocumentClass?,
                    prepare: (inout DocumentRecord) -> Void = { _ in }) throws -> DocumentRecord {
        let document = AnalyzedDocument(try TestSupport.ingest(data, name: name))
        let context = context(document)
        var record = record(for: document, documentClass)
        prepare(&record)
        var diagnostics: [Diagnostic] = []
        references.extract(from: context, into: &record, diagnostics: &diagnostics)
        extractor.extract(from: context, into: &record, diagnostics: &diagnostics)
        return record
    }

    /// A file of the real corpus, or a skip.
    static func realFile(_ relativePath: String) throws -> URL {
        let url = try TestSupport.requireRealCorpus().appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("\(relativePath) is not in the real corpus")
        }
        return url
    }

    /// The whole pipeline's record of a file (all registered extractors).
    static func extract(_ url: URL) throws -> DocumentRecord {
        let extraction = try Extraction(rules: rules)
        var diagnostics: [Diagnostic] = []
        let document = AnalyzedDocument(try TestSupport.ingest(try Data(contentsOf: url), name: url.path))
        return extraction.run(document, diagnostics: &diagnostics)
    }

    /// The text of an example with `\n` as a line break (YAML flow scalars keep it literal in single quotes).
    static func text(_ example: String) -> String {
        example.replacingOccurrences(of: "\\n", with: "\n")
    }
}
