import XCTest
@testable import LiaisonTrace

/// The record spill gives back what it was given, in order, whether it decodes on the reader's thread or ahead of
/// it on a thread of its own.
final class RecordSpillTests: XCTestCase {
    func testReadingAheadGivesTheSameRecordsInOrder() {
        // More records than one batch of the thread that reads ahead, with references to decode.
        var records: [DocumentRecord] = []
        for number in 0..<300 {
            var record = DocumentRecord(source: SourceInfo(path: "in/doc-\(number).txt", format: .text,
                                                           sha256: String(number)))
            record.document.ids = ["S2-\(1_000_000 + number)"]
            record.references = (0..<(number % 5)).map { index in
                Reference(id: "TS 23.\(100 + index)", kind: .specification, text: "TS 23.\(100 + index)",
                          at: Provenance(line: index + 1, column: 1, range: SourceRange(0, 9), rule: "reference.3gpp.spec"))
            }
            records.append(record)
        }
        func read(aheadOfTheReader: Bool) -> (all: [String], headers: [String]) {
            let spill = RecordSpill()
            spill.readsAhead = aheadOfTheReader
            for record in records { spill.append(record) }
            var all: [String] = []
            spill.forEachRecord { all.append("\($0.source.path) \($0.references.map(\.text))") }
            var headers: [String] = []
            spill.forEachHeader { headers.append("\($0.document.ids) \($0.references.map(\.id))") }
            return (all, headers)
        }
        let here = read(aheadOfTheReader: false)
        let ahead = read(aheadOfTheReader: true)
        XCTAssertEqual(here.all.count, records.count)
        XCTAssertEqual(here.all.first, "in/doc-0.txt []")
        XCTAssertEqual(here.all.last, "in/doc-299.txt [\"TS 23.100\", \"TS 23.101\", \"TS 23.102\", \"TS 23.103\"]")
        XCTAssertEqual(ahead.all, here.all)
        XCTAssertEqual(ahead.headers, here.headers)
    }
}
