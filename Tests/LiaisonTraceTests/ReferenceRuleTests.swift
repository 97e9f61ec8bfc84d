import XCTest
@testable import LiaisonTrace

/// Every reference rule's examples are its tests: each must find exactly the listed ids (from that rule), also
/// when multi-byte text stands before the example, with ranges shifted by the prefix's byte length.
final class ReferenceRuleTests: XCTestCase {
    static func defaultRules() throws -> RuleLibrary {
        let path = TestSupport.packageRoot.appendingPathComponent("Pipelines/default.yaml").path
        return try RuleLibrary.load(PipelineConfiguration.load(path: path))
    }

    func testEveryRuleHasExamplesThatPass() throws {
        let extractor = try ReferenceExtractor(rules: Self.defaultRules())
        XCTAssertGreaterThan(extractor.rules.count, 20)
        var checked = 0
        for rule in extractor.rules {
            if rule.placeholder { continue }
            XCTAssertFalse(rule.examples.isEmpty, "\(rule.id) has no examples")
            XCTAssertTrue(rule.examples.contains { !$0.ids.isEmpty }, "\(rule.id) has no example it must match")
            XCTAssertTrue(rule.examples.contains { $0.ids.isEmpty }, "\(rule.id) has no example it must not match")
            for example in rule.examples {
                let found = extractor.mentions(in: example.text).filter { $0.rule.id == rule.id }.map(\.id)
                XCTAssertEqual(found, example.ids, "\(rule.file):\(rule.line): rule \(rule.id) on \"\(example.text)\"")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 60)
    }

    func testExamplesShiftWithMultiBytePrefix() throws {
        let extraction = try Extraction(rules: Self.defaultRules())
        let extractor = try ReferenceExtractor(rules: Self.defaultRules())
        for rule in extractor.rules where !rule.placeholder {
            for example in rule.examples where !example.ids.isEmpty {
                let plain = try record(example.text, extraction)
                let prefixed = try record(TestSupport.multiBytePrefix + example.text, extraction)
                let shift = TestSupport.multiBytePrefix.utf8.count
                XCTAssertEqual(plain.references.map(\.id), prefixed.references.map(\.id), example.text)
                for (a, b) in zip(plain.references, prefixed.references) {
                    XCTAssertEqual(b.range, a.range.shifted(by: shift), "\(rule.id): \(example.text)")
                    XCTAssertEqual(b.line, a.line + 1)
                    XCTAssertEqual(b.column, a.column)
                    XCTAssertEqual(b.text, a.text)
                }
            }
        }
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
            examples: [{text: x, ids: []}]
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

    private func record(_ text: String, _ extraction: Extraction) throws -> DocumentRecord {
        var diagnostics: [Diagnostic] = []
        return extraction.run(AnalyzedDocument(try TestSupport.ingest(text, name: "example.txt")),
                              diagnostics: &diagnostics)
    }
}
