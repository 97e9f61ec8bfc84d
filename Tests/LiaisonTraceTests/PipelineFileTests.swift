import XCTest
@testable import LiaisonTrace

final class PipelineFileTests: XCTestCase {
    func testDefaultPipelineLoadsAndNamesEveryRuleFile() throws {
        let path = TestSupport.packageRoot.appendingPathComponent("Pipelines/default.yaml").path
        let configuration = try PipelineConfiguration.load(path: path)
        XCTAssertEqual(configuration.warnings, [])
        XCTAssertEqual(configuration.version, 1)
        let onDisk = try FileManager.default.contentsOfDirectory(
            atPath: TestSupport.packageRoot.appendingPathComponent("Pipelines/rules").path)
            .filter { $0.hasSuffix(".yaml") }.map { "rules/" + $0 }.sorted()
        XCTAssertEqual(configuration.rules.sorted(), onDisk, "Pipelines/default.yaml must list every rule file")
        // Every rule file compiles into the extractors.
        let extraction = try Extraction(rules: RuleLibrary.load(configuration))
        XCTAssertEqual(extraction.extractors.count, ExtractorRegistry.all.count)
        // Every rule-file kind is used by some extractor (none is silently ignored).
        let kinds = Set(try RuleLibrary.load(configuration).files.map(\.kind))
        XCTAssertTrue(kinds.isSubset(of: ["references", "groups", "headers", "classification", "actions",
                                          "requirements", "scopes", "relations", "statements"]), "\(kinds)")
    }

    func testUnknownKeysWarnAndBadVersionsFail() throws {
        let configuration = try PipelineConfiguration.parse("version: 1\nstagez: [x]\n", path: "p.yaml")
        XCTAssertEqual(configuration.warnings.map(\.id), ["pipeline.unknown-key"])
        XCTAssertEqual(configuration.warnings.first?.line, 2)
        XCTAssertThrowsError(try PipelineConfiguration.parse("version: 7\n", path: "p.yaml")) { error in
            XCTAssertEqual((error as? PipelineError)?.line, 1)
        }
        XCTAssertThrowsError(try PipelineConfiguration.parse("version: 1\nlimits: [1, 2]\n", path: "p.yaml")) { error in
            XCTAssertTrue((error as? PipelineError)?.summary.contains("limits") ?? false)
        }
        XCTAssertThrowsError(try PipelineConfiguration.parse("version: 1\n  bad: : yaml\n", path: "p.yaml"))
        let limits = try PipelineConfiguration.parse("version: 1\nlimits:\n  max_file_bytes: 10\n", path: "p.yaml").limits
        XCTAssertEqual(limits.maxFileBytes, 10)
        XCTAssertEqual(limits.maxNestingDepth, IngestLimits().maxNestingDepth)
    }

    func testRuleFilesNeedVersionAndKind() {
        XCTAssertThrowsError(try RuleLibrary.parse("kind: references\n", path: "r.yaml")) { error in
            XCTAssertTrue((error as? PipelineError)?.summary.contains("version") ?? false)
        }
        XCTAssertThrowsError(try RuleLibrary.parse("version: 1\n", path: "r.yaml")) { error in
            XCTAssertTrue((error as? PipelineError)?.summary.contains("kind") ?? false)
        }
    }
}
