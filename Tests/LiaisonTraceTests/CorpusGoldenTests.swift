import XCTest
@testable import LiaisonTrace

/// Every document in `Corpus/` against its expected record in `Corpus/expected/<name>.json`. The expected files
/// were read and checked by a person; refresh them with `UPDATE_GOLDEN=1 swift test --filter CorpusGolden`, then
/// review the diff before committing.
final class CorpusGoldenTests: XCTestCase {
    func testCorpusRecordsMatchTheirExpectedOutputs() throws {
        let root = TestSupport.packageRoot
        let corpus = root.appendingPathComponent("Corpus")
        let expectedFolder = corpus.appendingPathComponent("expected")
        let update = ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1"
        let processor = DocumentProcessor(extraction: try Extraction(rules: ReferenceRuleTests.defaultRules()))
        let (files, _) = InputWalker.files(in: [corpus.path])
        XCTAssertGreaterThanOrEqual(files.count, 4)
        let relative = files.map { "Corpus/" + String($0.dropFirst(corpus.path.count + 1)) }
        var records: [DocumentRecord] = []
        for (file, path) in zip(files, relative) {
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            let ingested = try Ingestor().ingest(ReaderInput(path: path, data: data))
            records += processor.records(for: ingested, parent: nil).map(\.record)
        }
        let names = RunWriter.recordNames(records.map(\.source.path))
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
