import Foundation
import Testing
@testable import LiaisonTrace

/// Every rule of every kind, described the same way, and its examples run as its tests: one test case per rule,
/// named by the rule's id, each example also run after a multi-byte first line (its spans must shift by the line's
/// bytes, and its items one line down).
@Suite struct RuleExampleTests {
    /// The default pipeline's rules, built without running their examples (the tests run them one rule at a time).
    static let extraction: Extraction = {
        let path = TestSupport.packageRoot.appendingPathComponent("Pipelines/default.yaml").path
        // swiftlint:disable:next force_try
        return try! Extraction(rules: RuleLibrary.load(PipelineConfiguration.load(path: path)), checkingExamples: false)
    }()

    @Test(arguments: extraction.rules)
    func examples(of rule: RuleDescription) {
        #expect(!rule.examples.isEmpty, "\(rule.file):\(rule.line): rule '\(rule.id)' has no examples")
        for failure in ExampleRunner(Self.extraction).failures(of: rule, prefix: TestSupport.multiBytePrefix) {
            Issue.record(Comment(rawValue: failure.description))
        }
    }
}
