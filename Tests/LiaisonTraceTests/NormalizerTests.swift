import XCTest
@testable import LiaisonTrace

final class NormalizerTests: XCTestCase {
    func testDashesQuotesSpacesAndSoftHyphens() {
        let input = "SG11 \u{2013} LS\u{00A0}10 \u{201C}quoted\u{201D} it\u{2019}s stan\u{00AD}dard\tx"
        let normalized = Normalizer().normalize(input)
        XCTAssertEqual(normalized.text, "SG11 - LS 10 \"quoted\" it's standard x")
    }

    func testNFKCFoldsCompatibilityCharacters() {
        let normalized = Normalizer().normalize("\u{FB01}le \u{FF33}\u{FF27}\u{FF11}\u{FF11} \u{2460}")
        XCTAssertEqual(normalized.text, "file SG11 1")
    }

    func testOffsetsMapBackToSourceBytes() {
        let input = "a\u{2013}b \u{FB01}x"
        let normalized = Normalizer().normalize(input)
        XCTAssertEqual(normalized.text, "a-b fix")
        // "-" came from the 3-byte en dash at bytes 1..<4.
        XCTAssertEqual(normalized.sourceRange(1, 2), SourceRange(1, 4))
        // "fi" came from the 3-byte ligature at bytes 6..<9; "x" at 9..<10.
        let fi = normalized.text.utf8.count - 3
        XCTAssertEqual(normalized.sourceRange(fi, fi + 2), SourceRange(6, 9))
        XCTAssertEqual(normalized.sourceRange(fi, fi + 3), SourceRange(6, 10))
    }

    func testCRLFBecomesLF() {
        let normalized = Normalizer().normalize("a\r\nb\rc")
        XCTAssertEqual(normalized.text, "a\nb\nc")
        XCTAssertEqual(normalized.sourceRange(2, 3), SourceRange(3, 4))
    }

    func testDehyphenationJoinsOnlyLowercaseWordBreaks() {
        let normalizer = Normalizer(dehyphenate: true)
        XCTAssertEqual(normalizer.normalize("the stand-\n    ardization work").text, "the standardization work")
        XCTAssertEqual(normalizer.normalize("see SG2-\nLS27").text, "see SG2-\nLS27")
        XCTAssertEqual(Normalizer().normalize("stand-\nardization").text, "stand-\nardization")
    }

    func testMultiBytePrefixShiftsEveryRange() {
        let body = "Ref \u{2013} SG11-LS159"
        let plain = Normalizer().normalize(body)
        let prefixed = Normalizer().normalize(TestSupport.multiBytePrefix + body)
        let shift = TestSupport.multiBytePrefix.utf8.count
        let needle = "SG11-LS159"
        let start = plain.text.utf8.count - needle.utf8.count
        let prefixedStart = prefixed.text.utf8.count - needle.utf8.count
        XCTAssertEqual(prefixed.sourceRange(prefixedStart, prefixedStart + needle.utf8.count),
                       plain.sourceRange(start, start + needle.utf8.count).shifted(by: shift))
    }

    func testLineIndexCountsColumnsInScalars() {
        let index = LineIndex("é日😀\nab")
        XCTAssertEqual(index.position(of: 0), SourcePosition(line: 1, column: 1))
        XCTAssertEqual(index.position(of: 5), SourcePosition(line: 1, column: 3))
        XCTAssertEqual(index.position(of: 10), SourcePosition(line: 2, column: 1))
        XCTAssertEqual(index.position(of: 11), SourcePosition(line: 2, column: 2))
    }
}
