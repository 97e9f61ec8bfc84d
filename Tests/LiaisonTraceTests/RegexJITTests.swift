import CICU
import Foundation
import XCTest
@testable import LiaisonTrace

/// The PCRE2 JIT form of a pattern answers the engine's anchored tries only where its answer is ICU's
/// (`Sources/CICU/regex_jit.c`): these tests ask both engines the same questions and compare the answers.
final class RegexJITTests: XCTestCase {
    /// One try's answer: nil when no match, else every group's start and end (-1 when it did not take part).
    typealias Answer = [Int32]?

    /// The answer of `matcher` (whose text is set) at `start..<end`, with the JIT form allowed or not.
    static func answer(_ matcher: OpaquePointer, start: Int, end: Int, jit: Bool) -> Answer {
        lt_regex_allow_jit(matcher, jit ? 1 : 0)
        lt_regex_set_region(matcher, Int32(start), Int32(end), 1)
        guard lt_regex_looking_at(matcher) == 1 else { return nil }
        return (0...lt_regex_group_count(matcher)).flatMap { [lt_regex_start(matcher, $0), lt_regex_end(matcher, $0)] }
    }

    /// Both answers at every try, with the JIT form compiled (past its first tries).
    static func compare(_ pattern: Pattern, _ text: ScanText, tries: [(start: Int, end: Int)],
                        file: StaticString = #filePath, line: UInt = #line) -> (jit: Int, hits: Int) {
        pattern.withMatcher(for: text) { matcher in
            var hits = 0
            guard lt_regex_set_text(matcher, text.units.baseAddress!, Int32(text.count)) == 0 else { return (0, 0) }
            for _ in 0..<40 { _ = answer(matcher, start: 0, end: text.count, jit: true) }  // compiles the JIT form
            for (start, end) in tries {
                let icu = answer(matcher, start: start, end: end, jit: false)
                let jit = answer(matcher, start: start, end: end, jit: true)
                XCTAssertEqual(jit, icu, "\(pattern.source) at \(start)..<\(end)", file: file, line: line)
                if icu != nil { hits += 1 }
            }
            return (lt_regex_has_jit_form(matcher) == 1 ? 1 : 0, hits)
        }
    }

    /// Every match of a search of `matcher`'s whole text, with the JIT form allowed or not.
    static func search(_ matcher: OpaquePointer, text: ScanText, jit: Bool) -> [[Int32]] {
        guard lt_regex_set_text(matcher, text.units.baseAddress!, Int32(text.count)) == 0 else { return [] }
        lt_regex_allow_jit(matcher, jit ? 1 : 0)
        var found: [[Int32]] = []
        while lt_regex_find_next(matcher) == 1 {
            found.append((0...lt_regex_group_count(matcher)).flatMap {
                [lt_regex_start(matcher, $0), lt_regex_end(matcher, $0)]
            })
        }
        return found
    }

    /// Every rule pattern searched over the start of every real text both engines read alike (and over texts made
    /// for empty matches): the same matches, groups included, once the searches' JIT form is compiled.
    func testEveryRulePatternSearchesAsICU() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let path = TestSupport.packageRoot.appendingPathComponent("Pipelines/default.yaml").path
        let library = try RuleLibrary.load(PipelineConfiguration.load(path: path))
        _ = try Extraction(rules: library, checkingExamples: false)
        let texts = try PatternLiteralsTests.corpusTexts(in: corpus).map {
            let text = Normalizer(dehyphenate: false).normalize(try String(contentsOf: $0, encoding: .utf8)).text
            return ScanText(String(text.prefix(6_000)))
        }.filter(\.jitAgrees)
        var withJIT = 0
        var compared = 0
        for pattern in library.patterns + [try Pattern("x*"), try Pattern(#"\b"#), try Pattern("(?m)^$")] {
            pattern.withMatcher(for: texts[0]) { matcher in
                for _ in 0..<40 { _ = Self.search(matcher, text: ScanText("xx"), jit: true) }  // compiles the form
                if lt_regex_has_jit_search(matcher) == 1 { withJIT += 1 }
                for text in texts + [ScanText("axxbx\n\nc"), ScanText("")] {
                    let icu = Self.search(matcher, text: text, jit: false)
                    XCTAssertEqual(Self.search(matcher, text: text, jit: true), icu, pattern.source)
                    compared += icu.count
                }
            }
        }
        XCTAssertGreaterThan(withJIT, library.patterns.count * 3 / 4, "patterns with a JIT form for searches")
        XCTAssertGreaterThan(compared, 5_000, "matches compared")
    }

    /// Every rule pattern, on every real text both engines read alike, at up to 30 places in the first 20,000
    /// characters of each where the pattern may start, each tried up to the window cap and up to a closer end (where a match ICU cuts short
    /// must be left to ICU): the same answers, groups included.
    func testEveryRulePatternAnswersAsICUOnRealTexts() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let path = TestSupport.packageRoot.appendingPathComponent("Pipelines/default.yaml").path
        let library = try RuleLibrary.load(PipelineConfiguration.load(path: path))
        _ = try Extraction(rules: library, checkingExamples: false)  // compiles the rules' patterns
        let patterns = library.patterns
        XCTAssertGreaterThan(patterns.count, 250)
        let texts = try PatternLiteralsTests.corpusTexts(in: corpus).map {
            ScanText(Normalizer(dehyphenate: false).normalize(try String(contentsOf: $0, encoding: .utf8)).text)
        }
        let agreeing = texts.filter(\.jitAgrees)
        XCTAssertGreaterThan(agreeing.count, texts.count / 3, "real texts both engines read alike")
        var withJIT = 0
        var hits = 0
        for pattern in patterns {
            var hasJIT = 0
            for text in agreeing {
                var tries: [(start: Int, end: Int)] = []
                var position = 0
                while position < min(text.count, 20_000), tries.count < 60 {
                    if pattern.mayStart(in: text, at: position, limit: text.count), !Pattern.splitsPair(text, at: position) {
                        tries.append((position, min(text.count, position + PatternCues.windowCap)))
                        tries.append((position, min(text.count, position + 1 + position % 23)))
                    }
                    position += 1
                }
                let result = Self.compare(pattern, text, tries: tries)
                hasJIT = max(hasJIT, result.jit)
                hits += result.hits
            }
            withJIT += hasJIT
        }
        XCTAssertGreaterThan(withJIT, patterns.count * 3 / 4, "patterns with a JIT form")
        XCTAssertGreaterThan(hits, 5_000, "matches compared")
    }

    /// A match that would run past the try's region is ICU's to answer (ICU stops consuming at the region's end),
    /// while lookarounds see past it in both.
    func testRegionsCutMatchesAsICUDoes() throws {
        let text = ScanText("12345 abc 678")
        for (source, tries) in [
            (#"\d+"#, [(0, 3), (0, 5), (1, 2), (10, 13)]),
            (#"\d{3}(?=4)"#, [(0, 3), (0, 13)]),
            (#"[a-z]+(?! )"#, [(6, 8), (6, 9), (6, 13)]),
            (#"(?<=5 )[a-z]{2}"#, [(6, 8), (6, 7)]),
        ] {
            let pattern = try Pattern(source)
            let result = Self.compare(pattern, text, tries: tries)
            XCTAssertEqual(result.jit, 1, source)
        }
    }

    /// Patterns whose syntax the engines read differently get no JIT form: set operations, nested sets, possessive
    /// and atomic parts, escapes beyond the common classes, other flags, cased characters outside ASCII.
    func testPatternsReadDifferentlyHaveNoJITForm() throws {
        let text = ScanText("abc")
        for source in [#"[[a-z]&&[^aeiou]]+"#, #"[a-z--[aeiou]]"#, #"\w++c"#, #"(?>ab)c"#, #"\p{L}+"#, #"\x{41}"#,
                       #"[\w-.]+"#, #"(?x) a b"#, #"(?w)\bab"#, #"é"#, #"[[:alpha:]]"#, #"a{2}+"#] {
            guard let pattern = try? Pattern(source) else { continue }
            XCTAssertEqual(Self.compare(pattern, text, tries: [(0, 3)]).jit, 0, source)
        }
        for source in [#"\bab\b"#, #"(?i)A[\s-]?B"#, #"(?<n>a)(?:b|c)"#, #"§\s?\d"#, #"a{1,3}?"#] {
            XCTAssertEqual(Self.compare(try Pattern(source), text, tries: [(0, 3)]).jit, 1, source)
        }
    }

    /// Characters the engines read differently leave a text to ICU: combining marks and joiners (in ICU's `\w`),
    /// superscript digits and fractions (in PCRE2's), "ß" (ICU's full case folding matches it with "ss"),
    /// astral characters; the characters of most standards text do not.
    func testTextsWithCharactersReadDifferentlyAreLeftToICU() {
        for agreeing in ["plain ASCII text, with\ttabs\nand lines", "café “quoted” – dash • bullet … ®", "日本語",
                         "\u{00A0}no-break space"] {
            XCTAssertTrue(ScanText(agreeing).jitAgrees, agreeing.debugDescription)
        }
        for differing in ["straße", "e\u{0301}", "x²", "½", "a\u{200C}b", "😀", "a\u{2040}b", "\u{1E9E}"] {
            XCTAssertFalse(ScanText(differing).jitAgrees, differing.debugDescription)
        }
    }

    /// Extraction gives the same records with and without the JIT form, on every real document.
    func testRecordsAreTheSameWithoutTheJITForm() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let pipeline = try Pipeline.load(.builtIn)
        let files = InputWalker.files(in: [corpus.path]).files
        XCTAssertGreaterThan(files.count, 30)
        let saved = Pattern.jitEnabled
        defer { Pattern.jitEnabled = saved }
        var agreeing = 0
        for file in files {
            guard let ingested = try? pipeline.ingest.ingest(path: file) else { continue }
            var diagnostics: [Diagnostic] = []
            Pattern.jitEnabled = true
            let analyzed = AnalyzedDocument(ingested)
            let withJIT = pipeline.extract.run(analyzed, diagnostics: &diagnostics)
            if ScanText(analyzed.normalized.text).jitAgrees { agreeing += 1 }
            Pattern.jitEnabled = false
            let withoutJIT = pipeline.extract.run(AnalyzedDocument(ingested), diagnostics: &diagnostics)
            XCTAssertEqual(try JSONOutput.data(withJIT), try JSONOutput.data(withoutJIT), file)
        }
        XCTAssertGreaterThan(agreeing, 10, "documents both engines read alike")
    }
}
