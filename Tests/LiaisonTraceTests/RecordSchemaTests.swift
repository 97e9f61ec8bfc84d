import Foundation
import XCTest
@testable import LiaisonTrace

/// The extraction record against its JSON Schema (`Schemas/lstrace.document-1.schema.json`): every record of
/// `Corpus/` and of the real corpus validates, and the schema's enumerations are the Swift enums.
final class RecordSchemaTests: XCTestCase {
    static func schema() throws -> JSONValue {
        let url = TestSupport.packageRoot.appendingPathComponent("Schemas/lstrace.document-1.schema.json")
        return try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url))
    }

    /// Problems of every record of `inputs` as written by the records emitter, by record path.
    private func problems(of inputs: [PipelineInput]) async throws -> (count: Int, problems: [String]) {
        let validator = JSONSchemaValidator(root: try Self.schema())
        let result = try await TestSupport.pipeline().stopping(after: .extract).run(inputs)
        XCTAssertEqual(result.quarantined, [])
        var problems: [String] = []
        for record in result.records {
            let value = try JSONDecoder().decode(JSONValue.self, from: JSONOutput.data(record))
            problems += validator.validate(value).map { "\(record.source.path): \($0)" }
        }
        return (result.records.count, problems)
    }

    func testEveryCorpusRecordValidates() async throws {
        let (count, problems) = try await self.problems(of: [.path(TestSupport.packageRoot.appendingPathComponent("Corpus").path)])
        XCTAssertGreaterThanOrEqual(count, 5)
        XCTAssertEqual(problems, [])
    }

    func testEveryRealCorpusRecordValidates() async throws {
        let corpus = try TestSupport.requireRealCorpus()
        let (count, problems) = try await self.problems(of: [.path(corpus.path)])
        XCTAssertGreaterThanOrEqual(count, 70)
        XCTAssertEqual(problems, [])
    }

    func testSchemaRejectsWhatTheRecordMayNotHold() throws {
        let validator = JSONSchemaValidator(root: try Self.schema())
        var record = DocumentRecord(source: SourceInfo(path: "x.txt", format: .text, sha256: String(repeating: "0", count: 64)))
        record.document.to = [Addressee(group: "ITU-T SG11", purpose: "action")]
        let valid = try JSONDecoder().decode(JSONValue.self, from: JSONOutput.data(record))
        XCTAssertEqual(validator.validate(valid), [])
        record.document.to = [Addressee(group: "ITU-T SG11", purpose: "for action")]
        record.document.date = "30 September 2017"
        let invalid = try JSONDecoder().decode(JSONValue.self, from: JSONOutput.data(record))
        XCTAssertEqual(validator.validate(invalid), [
            "$.document.date: matches 0 of the oneOf alternatives, not exactly 1",
            "$.document.to[0].purpose: not one of the allowed values",
        ])
    }

    func testSchemaEnumerationsAreTheSwiftEnums() throws {
        let definitions = try XCTUnwrap(Self.schema()["$defs"])
        func values(_ name: String) -> [String] { definitions[name]?["enum"]?.array?.compactMap(\.string) ?? [] }
        XCTAssertEqual(values("documentKind"), DocumentKind.allCases.map(\.rawValue))
        XCTAssertEqual(values("purpose"), Addressee.Purpose.allCases.map(\.rawValue))
        XCTAssertEqual(values("modality"), Requirement.Modality.allCases.map(\.rawValue))
        XCTAssertEqual(values("polarity"), Scope.Polarity.allCases.map(\.rawValue))
        XCTAssertEqual(values("relation"), Relation.Kind.allCases.map(\.rawValue))
        XCTAssertEqual(values("referenceKind"), Reference.Kind.allCases.map(\.rawValue))
        XCTAssertEqual(values("format"), DocumentFormat.allCases.map(\.rawValue))
        XCTAssertEqual(values("severity"), Severity.allCases.map(\.rawValue))
    }

    /// The reference rules only give kinds the record may hold.
    func testReferenceRulesGiveKnownKinds() throws {
        let extractor = try ReferenceExtractor(rules: ReferenceRuleTests.defaultRules())
        var checked = 0
        for rule in extractor.rules {
            XCTAssertNotNil(Reference.Kind(rawValue: rule.kind),
                            "\(rule.file):\(rule.line): kind '\(rule.kind)' is not a Reference.Kind")
            checked += 1
        }
        XCTAssertGreaterThan(checked, 20)
    }
}
