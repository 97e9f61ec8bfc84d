import XCTest
@testable import LiaisonTrace

/// Precision and recall of designations (own ids and references) against hand annotations of real liaisons
/// (Annotations/designations/references.json), read from the originals in ../shared/corpus-real.
final class ReferenceAnnotationTests: XCTestCase {
    func testDesignationsAgainstAnnotations() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let url = TestSupport.packageRoot.appendingPathComponent("Tests/LiaisonTraceTests/Annotations/designations/references.json")
        let annotations = try JSONDecoder().decode([String: JSONValue].self, from: Data(contentsOf: url))
        let pipeline = try TestSupport.pipeline()
        var truePositives = 0
        var extracted = 0
        var expectedTotal = 0
        var report: [String] = []
        for (file, value) in annotations.sorted(by: { $0.key < $1.key }) where !file.hasPrefix("_") {
            let expected = Set(value.array?.compactMap(\.string) ?? [])
            guard case .processed(let processed) = pipeline.process(.path(corpus.appendingPathComponent(file).path)),
                  let record = processed.first?.record else {
                XCTFail("\(file) could not be processed")
                continue
            }
            let found = Set(record.document.ids + record.references.map(\.id))
            let hits = found.intersection(expected)
            truePositives += hits.count
            extracted += found.count
            expectedTotal += expected.count
            report.append(String(format: "%-58@ P %.2f R %.2f", file as NSString,
                                 Double(hits.count) / Double(max(1, found.count)),
                                 Double(hits.count) / Double(max(1, expected.count))))
            let missed = expected.subtracting(found).sorted()
            let extra = found.subtracting(expected).sorted()
            if !missed.isEmpty { report.append("    missed: \(missed.joined(separator: ", "))") }
            if !extra.isEmpty { report.append("    extra:  \(extra.joined(separator: ", "))") }
        }
        let precision = Double(truePositives) / Double(max(1, extracted))
        let recall = Double(truePositives) / Double(max(1, expectedTotal))
        report.append(String(format: "all: precision %.3f, recall %.3f (%d of %d expected, %d extracted)",
                             precision, recall, truePositives, expectedTotal, extracted))
        print(report.joined(separator: "\n"))
        XCTAssertGreaterThanOrEqual(precision, 0.95, report.joined(separator: "\n"))
        XCTAssertGreaterThanOrEqual(recall, 0.95, report.joined(separator: "\n"))
    }
}
