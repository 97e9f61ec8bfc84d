import XCTest
@testable import LiaisonTrace

/// Reference rules beyond their examples (which `RuleExampleTests` runs): placeholders, bad rule files.
final class ReferenceRuleTests: XCTestCase {
    static func defaultRules() throws -> RuleLibrary {
        let path = TestSupport.packageRoot.appendingPathComponent("Pipelines/default.yaml").path
        return try RuleLibrary.load(PipelineConfiguration.load(path: path))
    }

    func testPlaceholderIsADiagnosticNotAReference() throws {
        let extraction = try Extraction(rules: Self.defaultRules())
        var diagnostics: [Diagnostic] = []
        let document = try TestSupport.ingest("Tdoc SP-170XXX replies to SP-170146", name: "x.txt")
        let result = extraction.run(AnalyzedDocument(document), diagnostics: &diagnostics)
        XCTAssertEqual(result.references.map(\.id), ["SP-170146"])
        XCTAssertEqual(diagnostics.map(\.id), ["extract.reference.placeholder"])
        XCTAssertEqual(diagnostics.first?.column, 6)
    }

    func testBadRuleFileNamesFileLineAndRule() throws {
        let yaml = """
        version: 1
        kind: references
        rules:
          - id: reference.broken
            pattern: '(unclosed'
            counter_examples: [x]
        """
        let file = try RuleLibrary.parse(yaml, path: "Pipelines/rules/broken.yaml")
        XCTAssertThrowsError(try ReferenceExtractor(rules: RuleLibrary(files: [file]))) { error in
            let diagnostic = (error as! PipelineError).diagnostic
            XCTAssertEqual(diagnostic.path, "Pipelines/rules/broken.yaml")
            XCTAssertEqual(diagnostic.line, 4)
            XCTAssertTrue(diagnostic.summary.contains("reference.broken"), diagnostic.summary)
        }
        let badTemplate = yaml.replacingOccurrences(of: "'(unclosed'", with: "'(?<n>\\\\d+)'\n    id_template: 'X{m}'")
        let file2 = try RuleLibrary.parse(badTemplate, path: "b.yaml")
        XCTAssertThrowsError(try ReferenceExtractor(rules: RuleLibrary(files: [file2]))) { error in
            XCTAssertTrue((error as! PipelineError).summary.contains("did you mean"), "\(error)")
        }
    }
}
