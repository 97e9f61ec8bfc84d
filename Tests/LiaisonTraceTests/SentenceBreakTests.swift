import CICU
import Foundation
import XCTest
@testable import LiaisonTrace

/// `SentenceBreaks` (our own rules and ICU's exception filter) against ICU's break iterator, which it stands in for:
/// the same boundaries on every real text and on random texts of every sentence-break class and exception.
final class SentenceBreakTests: XCTestCase {
    /// Both answers for `text`; nil for ours when it leaves the text to ICU.
    func answers(_ units: [UInt16]) -> (ours: [Int]?, icu: [Int]) {
        (units.withUnsafeBufferPointer(SentenceBreaks.breaks), SentenceSegmenter.icuBreaks(units))
    }

    func assertSameBreaks(_ units: [UInt16], _ label: @autoclosure () -> String,
                          file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let (ours, icu) = answers(units)
        guard let ours else { return false }
        if ours != icu {
            let text = String(decoding: units, as: UTF16.self)
            XCTFail("\(label()): ours \(ours) ICU \(icu) in \(text.debugDescription.prefix(400))", file: file, line: line)
        }
        return true
    }

    /// Every text-like file of ../shared/corpus-real and Corpus/, normalized, as it is and with its line feeds read
    /// as spaces (as the segmenter unwraps wrapped lines).
    func testRealTextsBreakAsICU() throws {
        var folders = [TestSupport.packageRoot.appendingPathComponent("Corpus")]
        if let real = TestSupport.realCorpus { folders.append(real) }
        var covered = 0
        var total = 0
        for folder in folders {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
            while let url = files?.nextObject() as? URL {
                guard ["txt", "md", "adoc", "eml", "html", "xml"].contains(url.pathExtension),
                      let raw = try? String(contentsOf: url, encoding: .utf8) else { continue }
                let text = Normalizer(dehyphenate: false).normalize(raw).text
                let units = Array(text.utf16)
                total += 1
                if assertSameBreaks(units, url.lastPathComponent) { covered += 1 }
                _ = assertSameBreaks(units.map { $0 == 0x0A ? 0x20 : $0 }, url.lastPathComponent + " unwrapped")
            }
        }
        XCTAssertGreaterThan(total, 3)
        // Texts with ICU Extend or Format characters (combining marks, soft hyphens) go to ICU: not most of them.
        XCTAssertGreaterThan(covered, total / 2, "texts the rules cover (\(covered) of \(total))")
    }

    /// Random texts from pieces of every class (terminators, closing punctuation, spaces, separators, letters of
    /// each case, digits, non-ASCII letters) and from ICU's exceptions, whole and in parts.
    func testRandomTextsBreakAsICU() {
        var generator = SplitMix(seed: 29)
        let exceptions = SentenceBreaks.ExceptionFilter.loadExceptions().map { String(decoding: $0, as: UTF16.self) }
        XCTAssertGreaterThan(exceptions.count, 50, "ICU's English exceptions")
        let pieces = ["a", "b", "Z", "Q", "1", "42", ".", ".", "?", "!", ")", "(", "\"", "'", "[", "]", " ", " ", "  ",
                      "\t", "\n", "\r\n", "\r", "\u{0B}", "\u{0C}", ",", ";", ":", "-", "#", "/", "\u{2029}", "\u{2028}",
                      "\u{85}", "\u{A0}", "é", "É", "Ω", "中", "日本", "\u{201C}", "\u{201D}", "\u{2019}", "\u{2013}",
                      "\u{2014}", "\u{2026}", "\u{3002}", "\u{FF0E}", "\u{2024}", "\u{FE52}", "\u{203C}", "\u{061F}",
                      "ª", "\u{2160}", "²", "½", "e.g.", "i.e.", "Ph.", "D.", "U.S", "S.p.", "Lt.", "Hon.", "B.A."]
        var covered = 0
        for round in 0..<20_000 {
            let length = Int(generator.next() % 24) + 1
            let text = (0..<length).map { _ -> String in
                if generator.next() % 5 == 0 { return exceptions[Int(generator.next() % UInt64(exceptions.count))] }
                return pieces[Int(generator.next() % UInt64(pieces.count))]
            }.joined()
            if assertSameBreaks(Array(text.utf16), "random text \(round)") { covered += 1 }
        }
        XCTAssertEqual(covered, 20_000, "random texts are all covered (they hold no Extend or Format character)")
    }

    /// Every exception in the places where the filter decides: before a capital after one space, two spaces, a
    /// closing bracket, a line feed, inside a word, and at the end.
    func testExceptionsInContext() {
        let exceptions = SentenceBreaks.ExceptionFilter.loadExceptions().map { String(decoding: $0, as: UTF16.self) }
        var suppressed = 0
        for exception in exceptions {
            for text in ["See \(exception) Brown went.", "See \(exception)  Brown.", "(\(exception)) Next.",
                         "x\(exception) Next.", "\(exception)\nNext", "\(exception) 12 lower.", "At \(exception)",
                         "\(exception)\(exception) A.", "A \(exception)D. Next", "\(exception) \(exception) B"] {
                let units = Array(text.utf16)
                XCTAssertTrue(assertSameBreaks(units, exception), text)
                let rules = units.withUnsafeBufferPointer(SentenceBreaks.ruleBreaks) ?? []
                if rules.count > SentenceSegmenter.icuBreaks(units).count { suppressed += 1 }
            }
        }
        XCTAssertGreaterThan(suppressed, exceptions.count, "breaks the filter drops")
    }

    /// Extend and Format characters (combining marks, soft hyphen, zero-width joiner) and surrogate pairs are ICU's.
    func testUncoveredCharactersAreLeftToICU() {
        for text in ["Cafe\u{301}. Next", "co\u{AD}operate. Next", "a\u{200D}b. C", "Emoji 😀. Next", "\u{FEFF}Start."] {
            XCTAssertNil(Array(text.utf16).withUnsafeBufferPointer(SentenceBreaks.breaks), text.debugDescription)
        }
        XCTAssertEqual(Array("Plain. Text".utf16).withUnsafeBufferPointer(SentenceBreaks.breaks), [7, 11])
    }

    /// A long run of spaces and closing punctuation after a full stop is read once (SB8's look ahead is kept), so
    /// the text takes time linear in its length.
    func testLongRunsAfterATerminatorBreakAsICU() {
        let run = String(repeating: " ", count: 20_000)
        for text in ["End." + run + "next", "End." + run + "Next", "End.)" + run + "1 2 3 lower", "A." + run] {
            XCTAssertTrue(assertSameBreaks(Array(text.utf16), "long run"))
        }
    }
}
