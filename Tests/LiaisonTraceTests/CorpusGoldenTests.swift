import XCTest
@testable import LiaisonTrace

/// Every document in `Corpus/` against its expected record in `Corpus/expected/<name>.json`. The expected files
/// were read and checked by a person; refresh them with `UPDATE_GOLDEN=1 swift test --filter CorpusGolden`, then
/// review the diff before committing.
final class CorpusGoldenTests: XCTestCase {
    func testCorpusRecordsMatchTheirExpectedOutputs() async throws {
        let root = TestSupport.packageRoot
        let corpus = root.appendingPathComponent("Corpus")
        let expectedFolder = corpus.appendingPathComponent("expected")
        let update = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"
        let (files, _) = InputWalker.files(in: [corpus.path])
        XCTAssertGreaterThanOrEqual(files.count, 4)
        // The documents under the paths a run from the package root gives them.
        let inputs = try files.map { file in
            PipelineInput.document(name: "Corpus/" + String(file.dropFirst(corpus.path.count + 1)),
                                   data: try Data(contentsOf: URL(fileURLWithPath: file)))
        }
        let result = try await TestSupport.pipeline().stopping(after: .extract).run(inputs)
        XCTAssertEqual(result.quarantined, [])
        let records = result.records
        let names = RecordsEmitter.recordNames(records.map(\.source.path))
        if update { try FileManager.default.createDirectory(at: expectedFolder, withIntermediateDirectories: true) }
        for (record, name) in zip(records, names) {
            let actual = try JSONOutput.data(record)
            let url = expectedFolder.appendingPathComponent(name + ".json")
            if update {
                try actual.write(to: url)
                continue
            }
            guard let expected = try? Data(contentsOf: url) else {
                XCTFail("no expected output \(url.path); run UPDATE_GOLDEN=1 swift test --filter CorpusGolden and review it")
                continue
            }
            if expected != actual {
                XCTFail("\(record.source.path) differs from Corpus/expected/\(name).json:\n"
                    + Self.firstDifference(String(decoding: expected, as: UTF8.self), String(decoding: actual, as: UTF8.self)))
            }
        }
    }

    static func firstDifference(_ expected: String, _ actual: String) -> String {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? String(a[index]) : "<end>"
            let right = index < b.count ? String(b[index]) : "<end>"
            if left != right { return "line \(index + 1):\n  expected: \(left)\n  actual:   \(right)" }
        }
        return "(no line differs)"
    }
}
