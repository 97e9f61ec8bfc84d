import XCTest
@testable import LiaisonTrace

/// Header fields of real liaisons against annotations written by hand (Annotations/*.json: what each document
/// says, read by a person). Extraction runs on each document's rendering, and on its original too when the
/// original's reader is in the build. Per-field precision and recall are printed and held to a floor.
final class HeaderAnnotationTests: XCTestCase {
    struct Annotation: Decodable {
        var document: String
        var rendering: String?
        var note: String?
        var expected: Expected
    }

    struct Expected: Decodable {
        var ids: [String]
        var kind: String
        var sdo: String?
        var title: String?
        var from: [String]
        var to: [Addressee]
        var responds_to: [String]
        var deadline: String?
        var date: String?
    }

    /// True and false positives and negatives of one field.
    struct Tally {
        var truePositives = 0
        var falsePositives = 0
        var falseNegatives = 0
        var precision: Double {
            truePositives + falsePositives == 0 ? 1 : Double(truePositives) / Double(truePositives + falsePositives)
        }
        var recall: Double {
            truePositives + falseNegatives == 0 ? 1 : Double(truePositives) / Double(truePositives + falseNegatives)
        }

        mutating func add(expected: [String], found: [String]) {
            let expectedSet = Set(expected)
            let foundSet = Set(found)
            truePositives += expectedSet.intersection(foundSet).count
            falsePositives += foundSet.subtracting(expectedSet).count
            falseNegatives += expectedSet.subtracting(foundSet).count
        }
    }

    static let fields = ["ids", "primary id", "kind", "sdo", "title", "from", "to", "responds_to", "deadline", "date"]

    static func annotations() throws -> [Annotation] {
        let folder = TestSupport.packageRoot.appendingPathComponent("Tests/LiaisonTraceTests/Annotations")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
            .sorted()
        return try names.map { name in
            try JSONDecoder().decode(Annotation.self, from: Data(contentsOf: folder.appendingPathComponent(name)))
        }
    }

    /// Values of one field as comparable strings.
    static func values(_ field: String, expected: Expected) -> [String] {
        switch field {
        case "ids": return expected.ids
        case "primary id": return Array(expected.ids.prefix(1))
        case "kind": return [expected.kind]
        case "sdo": return expected.sdo.map { [$0] } ?? []
        case "title": return expected.title.map { [HeaderFieldExtractor.collapse($0)] } ?? []
        case "from": return expected.from
        case "to": return expected.to.map { "\($0.purpose.rawValue): \($0.group)" }
        case "responds_to": return expected.responds_to
        case "deadline": return expected.deadline.map { [$0] } ?? []
        case "date": return expected.date.map { [$0] } ?? []
        default: return []
        }
    }

    static func values(_ field: String, found header: DocumentHeader) -> [String] {
        var expected = Expected(ids: header.ids, kind: header.kind.rawValue, sdo: header.sdo, title: header.title,
                                from: header.from, to: header.to, responds_to: header.respondsTo,
                                deadline: header.deadline, date: header.date)
        expected.title = header.title
        return values(field, expected: expected)
    }

    func testHeaderFieldsAgainstAnnotations() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let annotations = try Self.annotations()
        XCTAssertGreaterThanOrEqual(annotations.count, 6)
        var tallies: [String: [String: Tally]] = ["rendering": [:], "original": [:]]
        var documents: [String: Int] = ["rendering": 0, "original": 0]
        var misses: [String] = []
        for annotation in annotations {
            var inputs: [(String, String)] = []
            if let rendering = annotation.rendering { inputs.append(("rendering", rendering)) }
            inputs.append(("original", annotation.document))
            for (input, path) in inputs {
                let ingested: IngestedDocument
                do {
                    ingested = try Ingestor().ingest(path: corpus.appendingPathComponent(path).path)
                } catch {
                    guard input == "original", error.id.hasSuffix(".unsupported") else {
                        XCTFail("\(path): \(error.summary)")
                        continue
                    }
                    print("header annotations: original skipped, \(path): \(error.summary) [\(error.id)]")
                    continue
                }
                var diagnostics: [Diagnostic] = []
                let record = HeaderTestSupport.extraction.run(AnalyzedDocument(ingested), diagnostics: &diagnostics)
                documents[input, default: 0] += 1
                for field in Self.fields {
                    let expected = Self.values(field, expected: annotation.expected)
                    let found = Self.values(field, found: record.document)
                    tallies[input, default: [:]][field, default: Tally()].add(expected: expected, found: found)
                    if Set(expected) != Set(found) {
                        let missing = Set(expected).subtracting(found).sorted()
                        let extra = Set(found).subtracting(expected).sorted()
                        misses.append("\(input) \((path as NSString).lastPathComponent) \(field): missing \(missing), "
                                      + "extra \(extra)")
                    }
                }
            }
        }
        for input in ["rendering", "original"] where documents[input, default: 0] > 0 {
            print("header annotations (\(input)s: \(documents[input]!) documents)")
            print("  field         TP   FP   FN  precision  recall")
            var total = Tally()
            for field in Self.fields {
                let tally = tallies[input]?[field] ?? Tally()
                if field != "primary id" {
                    total.truePositives += tally.truePositives
                    total.falsePositives += tally.falsePositives
                    total.falseNegatives += tally.falseNegatives
                }
                print(Self.row(field, tally))
            }
            print(Self.row("all fields", total))
        }
        for miss in misses { print("header annotations miss: \(miss)") }

        // Floors on the renderings (the figures actually reached, a little below, so that a regression fails).
        let floors: [String: (precision: Double, recall: Double)] = [
            "ids": (0.95, 0.9), "primary id": (0.9, 0.9), "kind": (1, 1), "sdo": (1, 1), "title": (1, 1),
            "from": (1, 1), "to": (0.95, 0.95), "responds_to": (1, 1), "deadline": (1, 1), "date": (0.9, 0.9),
        ]
        for (field, floor) in floors {
            let tally = tallies["rendering"]?[field] ?? Tally()
            XCTAssertGreaterThanOrEqual(tally.precision, floor.precision, "\(field) precision")
            XCTAssertGreaterThanOrEqual(tally.recall, floor.recall, "\(field) recall")
        }
    }

    static func row(_ field: String, _ tally: Tally) -> String {
        func pad(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
        return "  " + field.padding(toLength: 12, withPad: " ", startingAt: 0)
            + pad("\(tally.truePositives)", 4) + pad("\(tally.falsePositives)", 5) + pad("\(tally.falseNegatives)", 5)
            + pad(String(format: "%.3f", tally.precision), 11) + pad(String(format: "%.3f", tally.recall), 8)
    }

    /// The annotations are well formed: known kinds and purposes, ISO dates, no duplicates.
    func testAnnotationsAreWellFormed() throws {
        for annotation in try Self.annotations() {
            let expected = annotation.expected
            XCTAssertNotNil(DocumentKind(rawValue: expected.kind), annotation.document)
            // Addressees decode as `Addressee`, whose purpose is one of the contract's three.
            for date in [expected.deadline, expected.date].compactMap({ $0 }) {
                XCTAssertEqual(DateNormalizer.normalize(date)?.value, date, annotation.document)
            }
            XCTAssertEqual(Set(expected.ids).count, expected.ids.count, annotation.document)
            XCTAssertEqual(Set(expected.to).count, expected.to.count, annotation.document)
        }
    }
}
