import XCTest
@testable import LiaisonTrace

/// Reference rules beyond their examples (which `RuleExampleTests` runs): placeholders, bad rule files.
final class ReferenceRuleTests: XCTestCase {
    static func defaultRules() throws -> RuleLibrary {
        let path = TestSupport.packageRoot.appendingPathComponent("Pipelines/default.yaml").path
        return try RuleLibrary.load(PipelineConfiguration.load(path: path))
    }

    /// A template filled from a match reads the whole match as `0` and each group it names, with its
    /// transforms, as one filled from the values of all groups does; a group that took no part is empty.
    func testTemplatesFillFromAMatchAsFromItsValues() throws {
        let pattern = try Pattern(#"(?<body>[A-Z]+)[ -]?(?<n>\d+)(?:/(?<rev>r\d))?"#)
        let template = try IDTemplate("{body:lower}-{n:int}{rev}/{0:compact}", groups: ["body", "n", "rev", "0"])
        var rendered: [String] = []
        for text in ["SG 011", "x TSAG-0 y", "QITN 12/r3 é", "😀 AB 007/r1"] {
            let scan = ScanText(text)
            for match in pattern.matches(in: scan) {
                var values = ["0": scan.string(match.range)]
                for (name, range) in match.groups { values[name] = scan.string(range) }
                XCTAssertEqual(template.render(match, in: scan), template.render(values), text)
                rendered.append(template.render(match, in: scan))
            }
        }
        XCTAssertEqual(rendered, ["sg-11/SG011", "tsag-0/TSAG-0", "qitn-12r3/QITN12/r3", "ab-7r1/AB007/r1"])
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
            kind: tdoc
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
