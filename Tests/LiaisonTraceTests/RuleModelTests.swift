import Foundation
import Testing
@testable import LiaisonTrace

/// The rule model: every rule of every kind described the same way, its examples checked when the rules load (a
/// failing example is a `PipelineError` naming the file, the example's line and the rule), and a guard that no
/// compiled pattern escapes the example runner.
@Suite struct RuleModelTests {
    static let references = """
        version: 1
        kind: references
        rules:
          - id: reference.test.tdoc
            pattern: '\\bT-(?<n>\\d{3})\\b'
            examples:
              - {text: "see T-123 here", ids: [T-123], span: T-123}
            counter_examples:
              - "T-12 is short"
        """

    /// The error building an extraction from `files` (YAML texts) throws, or nil.
    func error(_ files: [String]) throws -> PipelineError? {
        let library = try RuleLibrary(files: files.enumerated().map { index, text in
            try RuleLibrary.parse(text, path: "rules/test-\(index).yaml")
        })
        do {
            _ = try Extraction(rules: library)
            return nil
        } catch {
            return error
        }
    }

    @Test func passingExamplesLoad() throws {
        #expect(try error([Self.references]) == nil)
    }

    @Test func anExampleThatGivesOtherIdsStopsLoadingAtItsLine() throws {
        let failure = try #require(try error([Self.references.replacingOccurrences(of: "ids: [T-123]",
                                                                                with: "ids: [T-124]")]))
        #expect(failure.path == "rules/test-0.yaml")
        #expect(failure.line == 7)
        #expect(failure.summary == "rule 'reference.test.tdoc': example \"see T-123 here\": expected ids [T-124], "
                    + "found [T-123]")
    }

    @Test func aWrongSpanIsNamed() throws {
        let failure = try #require(try error([Self.references.replacingOccurrences(of: "span: T-123",
                                                                                with: "span: T-12")]))
        #expect(failure.line == 7)
        #expect(failure.summary.hasSuffix("expected span \"T-12\", found \"T-123\""), "\(failure.summary)")
    }

    @Test func aCounterExampleThatMatchesStopsLoading() throws {
        let failure = try #require(try error([Self.references.replacingOccurrences(of: "T-12 is short",
                                                                                with: "T-120 is not")]))
        #expect(failure.line == 9)
        #expect(failure.summary == "rule 'reference.test.tdoc': counter-example \"T-120 is not\": matches "
                    + "\"T-120\" ids [T-120]")
    }

    @Test func aRuleWithoutExamplesStopsLoading() throws {
        let text = """
            version: 1
            kind: classification
            cues:
              - {id: classify.test, kind: liaison, pattern: 'LS'}
            """
        let failure = try #require(try error([text]))
        #expect(failure.line == 4)
        #expect(failure.summary == "rule 'classify.test': has no examples (examples are its tests)")
    }

    @Test func aKindNoExtractorReadsIsNamedWithASuggestion() throws {
        let failure = try #require(try error([Self.references.replacingOccurrences(of: "kind: references",
                                                                                with: "kind: refrences")]))
        #expect(failure.line == 2)
        #expect(failure.summary.hasPrefix("no extractor reads rule files of kind 'refrences'; did you mean "
                                          + "'references'?"), "\(failure.summary)")
    }

    @Test func twoRulesWithOneIdAreAnError() throws {
        let other = Self.references.replacingOccurrences(of: "T-", with: "U-")
        let failure = try #require(try error([Self.references, other]))
        #expect(failure.path == "rules/test-1.yaml")
        #expect(failure.summary.contains("duplicate rule id"), "\(failure.summary)")
    }

    /// End to end: a pipeline whose rule file has an unknown key does not load (the CLI exits 2 on it).
    @Test func aPipelineWithAnUnknownKeyInARuleFileDoesNotLoad() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rules = Self.references.replacingOccurrences(of: "    pattern:", with: "    patern:")
        try rules.write(to: folder.appendingPathComponent("refs.yaml"), atomically: true, encoding: .utf8)
        let pipeline = folder.appendingPathComponent("pipeline.yaml")
        try "version: 1\nrules: [refs.yaml]\n".write(to: pipeline, atomically: true, encoding: .utf8)
        #expect {
            _ = try Pipeline.load(.file(pipeline.path))
        } throws: { error in
            guard let error = error as? PipelineError else { return false }
            return error.path.hasSuffix("refs.yaml") && error.line == 5 && error.column == 5
                && error.kind.exitStatus == 2
                && error.summary == "rule 'reference.test.tdoc': unknown key 'patern' in 'rules[0]'; "
                    + "did you mean 'pattern'?"
        }
    }

    /// A span that does not move with the prefix, or values that change, are named.
    @Test func theShiftCheckNamesWhatDidNotMove() {
        let plain = RuleOutcome(values: ["ids": ["A"]], spans: [ExampleSpan(range: 4..<7, line: 1, column: 5)])
        let moved = RuleOutcome(values: ["ids": ["A"]], spans: [ExampleSpan(range: 14..<17, line: 2, column: 5)])
        #expect(ExampleRunner.shiftProblem(plain, moved, prefix: TestSupport.multiBytePrefix) == nil)
        let stuck = RuleOutcome(values: ["ids": ["A"]], spans: [ExampleSpan(range: 4..<7, line: 1, column: 5)])
        #expect(ExampleRunner.shiftProblem(plain, stuck, prefix: TestSupport.multiBytePrefix)?.hasPrefix("span ")
                == true)
        let changed = RuleOutcome(values: ["ids": ["B"]], spans: moved.spans)
        #expect(ExampleRunner.shiftProblem(plain, changed, prefix: TestSupport.multiBytePrefix)
                == "values changed from ids [A] to ids [B]")
    }

    // MARK: - Stale-list guard

    /// Every pattern the default rule files compile belongs to a described rule, so the example runner covers it; a
    /// rule an extractor compiles but does not describe fails here (as swift-format's generated rule list does).
    @Test func everyCompiledPatternBelongsToADescribedRule() throws {
        let path = TestSupport.packageRoot.appendingPathComponent("Pipelines/default.yaml").path
        let library = try RuleLibrary.load(PipelineConfiguration.load(path: path))
        let extraction = try Extraction(rules: library, checkingExamples: false)
        let described = Set(extraction.rules.flatMap(\.patterns))
        let compiled = library.patterns.map(\.source)
        #expect(compiled.count > 250)
        let missing = compiled.filter { !described.contains($0) }
        #expect(missing.isEmpty, "patterns no rule describes: \(missing.joined(separator: "\n"))")
    }

    /// Every extractor that reads a kind of the default rule files describes rules, and every kind has rules.
    @Test func everyExtractorAndKindHasRules() throws {
        let extraction = RuleExampleTests.extraction
        for extractor in extraction.extractors {
            #expect(!extractor.ruleDescriptions.isEmpty, "\(type(of: extractor)) describes no rule")
        }
        let kinds = Set(extraction.rules.map(\.kind))
        #expect(kinds == ["references", "groups", "classification", "headers", "statements", "actions",
                          "requirements", "scopes", "relations"])
        #expect(Set(extraction.rules.map(\.id)).count == extraction.rules.count)
        #expect(extraction.rules.allSatisfy { !$0.examples.isEmpty })
    }
}
