import XCTest
@testable import LiaisonTrace

/// Bad sentence-level rule files (statements, requirements, actions, scopes, relations) name the file, the line and
/// the rule; their examples are run by `RuleExampleTests`.
final class StatementRuleTests: XCTestCase {
    // MARK: - Bad rules

    func testBadRulesNameFileLineAndRule() throws {
        let statements = StatementTestSupport.rules.files(ofKind: "statements")
        let cases: [(kind: String, body: String, build: (RuleLibrary) throws -> Void)] = [
            ("actions", "rules:\n  - id: action.broken\n    pattern: 'asks ('\n    counter_examples: [x]",
             { _ = try ActionExtractor(rules: $0) }),
            ("scopes", "rules:\n  - id: scope.broken\n    polarity: includes\n    subject: [this]\n"
                + "    pattern: 'covers ('\n    counter_examples: [x]",
             { _ = try ScopeExtractor(rules: $0) }),
            ("relations", "rules:\n  - id: relation.broken\n    type: builds-on\n    subject: [this]\n"
                + "    object: first-after\n    pattern: 'extends ('\n    counter_examples: [x]",
             { _ = try RelationExtractor(rules: $0) }),
            ("relations", "rules:\n  - id: relation.typo\n    type: built-on\n    subject: [this]\n"
                + "    object: first-after\n    pattern: 'extends'\n    counter_examples: [x]",
             { _ = try RelationExtractor(rules: $0) }),
        ]
        for (kind, body, build) in cases {
            let yaml = "version: 1\nkind: \(kind)\n" + body + "\n"
            let file = try RuleLibrary.parse(yaml, path: "Pipelines/rules/broken-\(kind).yaml")
            XCTAssertThrowsError(try build(RuleLibrary(files: statements + [file])), kind) { error in
                let diagnostic = (error as! PipelineError).diagnostic
                XCTAssertEqual(diagnostic.path, "Pipelines/rules/broken-\(kind).yaml")
                XCTAssertEqual(diagnostic.line, 4, diagnostic.summary)
                XCTAssertTrue(diagnostic.summary.contains(".broken") || diagnostic.summary.contains(".typo"),
                              diagnostic.summary)
            }
        }
    }

    func testPipelineWithoutSentenceRulesStillRuns() throws {
        let library = RuleLibrary(files: StatementTestSupport.rules.files(ofKind: "references")
            + StatementTestSupport.rules.files(ofKind: "groups"))
        let extraction = try Extraction(rules: library)
        var diagnostics: [Diagnostic] = []
        let record = extraction.run(AnalyzedDocument(try TestSupport.ingest("The UE shall work.", name: "x.txt")),
                                    diagnostics: &diagnostics)
        XCTAssertEqual(record.requirements.count, 0)
    }
}
