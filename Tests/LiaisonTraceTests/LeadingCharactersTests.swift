import CICU
import Foundation
import XCTest
@testable import LiaisonTrace

/// The characters a match can hold at its first positions: hand-written patterns with known sets, then every
/// match ICU finds (asked directly, not through the filter) checked against them, for every rule pattern over the
/// real corpus and the rules' examples, and for random patterns over texts full of case-folding traps.
final class LeadingCharactersTests: XCTestCase {
    private func leading(_ source: String, caseInsensitive: Bool = false) -> LeadingCharacters? {
        LeadingCharacters(source: source, caseInsensitive: caseInsensitive)
    }

    /// The characters of each position, as a string of the printable ones ("*" for all of ASCII).
    private func shown(_ source: String, caseInsensitive: Bool = false) -> [String]? {
        leading(source, caseInsensitive: caseInsensitive)?.positions.map { mask in
            mask == .all ? "*" : String((0x20..<0x7F).filter { mask.contains(UInt8($0)) }
                .map { Character(Unicode.Scalar(UInt8($0))) })
        }
    }

    private func admits(_ source: String, _ text: String, caseInsensitive: Bool = false) -> Bool {
        leading(source, caseInsensitive: caseInsensitive)?.admits(Array(text.utf16), at: 0, limit: text.utf16.count) ?? true
    }

    func testSetsOfTheFirstPositions() throws {
        let spec = #"\b(?:3GPP\s)?(?<type>TS|TR)[\s.]?(?<number>\d{2}\.\d{3})"#
        let sets = shown(spec)
        XCTAssertEqual(sets?.first, "3T")
        XCTAssertEqual(sets?[1], "GRS")
        XCTAssertEqual(sets?[2], " .0123456789P", "after TS: white space, '.' or a digit; after 3G: P")
        XCTAssertTrue(admits(spec, "TS 23.501"))
        XCTAssertTrue(admits(spec, "TR.23"))
        XCTAssertTrue(admits(spec, "3GPP TS 23.501"))
        XCTAssertFalse(admits(spec, "TSG SA"), "the G of TSG cannot follow TS")
        XCTAssertFalse(admits(spec, "Ts 23"), "case-sensitive")
        XCTAssertFalse(admits(spec, "TS 2x"))

        // Case-insensitive parts hold both cases; a flag set inside a group ends with it.
        XCTAssertEqual(shown(#"(?i:is)\s+to"#)?.prefix(2), ["Ii", "Ss"])
        XCTAssertTrue(admits(#"(?i:is|are)\s+(?:to|the)\b"#, "IS\tthe"))
        XCTAssertFalse(admits(#"(?i:is|are)\s+(?:to|the)\b"#, "is a"))
        XCTAssertFalse(admits(#"(?i:is|are)\s+(?:to|the)\b"#, "is To"), "'to' is outside the case-insensitive group")
        XCTAssertTrue(admits(#"(?i:is|are)\s+(?:to|the)\b"#, "is To", caseInsensitive: true))
        XCTAssertEqual(shown("(?i)a(?-i)b"), ["Aa", "b"])

        // Quantifiers, optional parts and empty branches.
        XCTAssertEqual(shown("a{0}b"), ["b"])
        XCTAssertEqual(shown("(?:ab|)c"), ["ac"], "after 'c' alone the match may end: nothing known after")
        XCTAssertEqual(shown("x*y"), ["xy"])
        XCTAssertEqual(shown(#"\d{2,}-"#)?.prefix(3), ["0123456789", "0123456789", "-0123456789"])
        XCTAssertEqual(shown("(?:ab){2}c"), ["a", "b", "a", "b", "c"])
        XCTAssertEqual(shown("(?:a|bc)d"), ["ab", "cd"])
        XCTAssertEqual(shown("a(?=b)c"), ["a", "c"], "a lookahead consumes nothing")

        // Classes: ranges, shorthands, negation (case-sensitive only), and what is not read admits everything.
        XCTAssertEqual(shown("[^a-c]x")?.first?.contains("a"), false)
        XCTAssertEqual(shown("[^a-c]x")?.first?.contains("A"), true)
        XCTAssertEqual(shown("[^a-c]x", caseInsensitive: true)?.first, "*")
        XCTAssertEqual(shown(#"[\d.]x"#)?.first, ".0123456789")
        XCTAssertEqual(shown(#"[a-c]x"#, caseInsensitive: true)?.first, "ABCabc")
        XCTAssertEqual(shown(#"[\p{L}]x"#)?.first, "*")
        XCTAssertEqual(shown(#"[\x{212A}]x"#), ["*", "x"], "a class not read admits everything")
        XCTAssertEqual(shown(#"\S\s"#)?.first?.contains(" "), false)

        // What can match two ASCII characters ends the analysis: "\r\n" for \R; "ss" for a case-insensitive ß.
        XCTAssertEqual(shown(#"a\Rb"#), ["a"])
        XCTAssertEqual(shown("stra\u{DF}e!", caseInsensitive: true), ["Ss", "Tt", "Rr", "Aa"])
        XCTAssertEqual(shown("stra\u{DF}e!")?.count, 7, "case-sensitive: the ß holds no ASCII character")

        // A word boundary after the strings that end there: after a word character, no ASCII word character (a
        // non-ASCII one stops the test); after another character, a word character; nothing at the end of the text
        // the search sees.
        let verbs = #"\b(?:defines|define|covers)\b"#
        XCTAssertFalse(admits(verbs, "defined in"))
        XCTAssertFalse(admits(verbs, "covered"))
        XCTAssertTrue(admits(verbs, "define the"))
        XCTAssertTrue(admits(verbs, "defines."))
        XCTAssertTrue(admits(verbs, "define"), "the end of the text is a boundary")
        XCTAssertTrue(admits(verbs, "define\u{E9}"), "a character outside ASCII is left to ICU")
        XCTAssertEqual(leading(verbs)?.admits(Array("defined".utf16), at: 0, limit: 6), true,
                       "what lies past the end of the searched text is not looked at")
        XCTAssertFalse(admits(#"SA\b"#, "SAT"))
        XCTAssertTrue(admits(#"SA\b"#, "SA-1"))
        XCTAssertFalse(admits(#"-\b"#, "- a"))
        XCTAssertTrue(admits(#"-\b"#, "-a"))
        XCTAssertEqual(shown(#"a[b-]\b"#), ["a", "-b"], "after a class of both kinds, anything")

        // What comes before a match, from a leading positive lookbehind (nearest character first).
        let objectives = #"(?i:(?<=(?:^|[^a-z0-9_])the\s{1,3}(?:(?:main|overall)\s{1,3})?)(?:objectives?|goals?))"#
        let before = try XCTUnwrap(LeadingCharacters.before(source: objectives, caseInsensitive: false))
        func admitsBefore(_ text: String) -> Bool {
            let scan = ScanText(text)
            return before.admitsBefore(scan.units, at: scan.count, low: 0)
        }
        XCTAssertTrue(admitsBefore("reach THE "))
        XCTAssertTrue(admitsBefore("the main "))
        XCTAssertFalse(admitsBefore("our "), "'r' cannot end 'the' or 'main'")
        XCTAssertFalse(admitsBefore("the"), "a space must come right before")
        XCTAssertTrue(admitsBefore(" "), "the start of the searched text: the lookbehind sees nothing before it")
        XCTAssertNil(LeadingCharacters.before(source: "x(?<=a)", caseInsensitive: false), "not leading")
        XCTAssertNil(LeadingCharacters.before(source: "(?<=a)x|y", caseInsensitive: false), "not on every branch")
        XCTAssertNil(LeadingCharacters.before(source: "(?<!a)x", caseInsensitive: false), "negative")

        // A line start, and patterns that give nothing.
        XCTAssertEqual(leading("(?m)^[ \\t]*From:")?.atLineStart, true)
        XCTAssertEqual(leading("^From:")?.atLineStart, false, "without m, ^ is the start of the text")
        XCTAssertEqual(leading("(?m)^a|b")?.atLineStart, false)
        XCTAssertNil(leading(".*"))
        XCTAssertNil(leading("[]a]x"), "read differently by different engines")
        XCTAssertNil(leading(#"\x41"#))
        XCTAssertNil(leading("(?x)a b"), "free spacing changes what the literals are")
    }

    /// The matches of `pattern` that ICU finds in `text`, asked directly (not through `mayStart`).
    static func icuMatches(_ pattern: Pattern, in text: ScanText) -> [Int] {
        pattern.withMatcher(for: text) { matcher in
            var starts: [Int] = []
            guard text.count > 0, lt_regex_set_text(matcher, text.units.baseAddress!, Int32(text.count)) == 0
            else { return starts }
            while lt_regex_find_next(matcher) == 1 { starts.append(Int(lt_regex_start(matcher, 0))) }
            return starts
        }
    }

    /// Whether ICU finds a match starting exactly at `start` of `text`, in a search that sees it up to `limit`.
    static func icuMatches(_ pattern: Pattern, in text: ScanText, at start: Int, limit: Int) -> Bool {
        pattern.withMatcher(for: text) { matcher in
            guard lt_regex_set_text(matcher, text.units.baseAddress!, Int32(limit)) == 0,
                  lt_regex_set_region(matcher, Int32(start), Int32(limit), 1) == 0 else { return false }
            return lt_regex_looking_at(matcher) == 1
        }
    }

    /// What is wrong with a match of `pattern` at `start` of `text` seen up to `limit`, if anything.
    static func problem(_ pattern: Pattern, at start: Int, in text: ScanText, limit: Int? = nil) -> String? {
        let shown = text.string(NSRange(location: start, length: min(12, text.count - start)))
        if let before = pattern.leadingBefore, !before.admitsBefore(text.units, at: start, low: 0) {
            return "match at \(start) \"\(shown)\": what comes before it not admitted"
        }
        guard let leading = pattern.leading else { return nil }
        if !leading.admits(text.units, at: start, limit: limit ?? text.count) {
            return "match at \(start) \"\(shown)\" not admitted" + (limit.map { " (text seen up to \($0))" } ?? "")
        }
        if leading.atLineStart, start > 0, text[start - 1] != 0x0A {
            return "match at \(start) \"\(shown)\" not at a line start"
        }
        return nil
    }

    /// Every rule pattern, in both case modes, over the real corpus and the rules' examples: every match ICU finds
    /// is admitted. The sets also reject most positions of the specification rule, so the check is not empty.
    func testRulePatternsAdmitEveryMatch() throws {
        let directory = TestSupport.packageRoot.appendingPathComponent("Pipelines/rules")
        let rules = try RulePatternCatalog(directory: directory)
        var strings = rules.examples
        if let corpus = TestSupport.realCorpus {
            for url in PatternLiteralsTests.corpusTexts(in: corpus) {
                strings.append(try String(contentsOf: url, encoding: .utf8))
            }
        } else {
            print("LeadingCharactersTests: ../shared is absent; the rule patterns are checked on their examples only")
        }
        let texts = strings.map(ScanText.init)
        let checks = rules.patternModes
        let results = SoundnessResults()
        let work = checks
        DispatchQueue.concurrentPerform(iterations: work.count) { index in
            let check = work[index]
            guard let pattern = try? Pattern(check.source, caseInsensitive: check.caseInsensitive) else {
                results.add((["'\(check.source)' does not compile"], 0))
                return
            }
            var failures: [String] = []
            var count = 0
            for text in texts where failures.count < 5 {
                for start in Self.icuMatches(pattern, in: text) {
                    count += 1
                    if let problem = Self.problem(pattern, at: start, in: text) {
                        failures.append("'\(check.source)'\(check.caseInsensitive ? " (i)" : ""): \(problem)")
                    }
                }
            }
            results.add((failures, count))
        }
        let withSets = checks.filter { LeadingCharacters(source: $0.source, caseInsensitive: $0.caseInsensitive) != nil }
        print("LeadingCharacters: \(checks.count) pattern/mode pairs, \(withSets.count) with leading sets, "
              + "\(results.matches) matches checked")
        XCTAssertGreaterThan(withSets.count, checks.count / 2)
        XCTAssertGreaterThan(results.matches, 1_000)
        for failure in results.failures.sorted().prefix(40) { XCTFail(failure) }

        // The sets do reject: every "TSG" of the examples is a position where the specification rule cannot start.
        let spec = try XCTUnwrap(rules.compiled.first { $0.source.contains("(?<type>TS|TR)[\\s.]?") })
        let leading = try XCTUnwrap(LeadingCharacters(source: spec.source, caseInsensitive: spec.caseInsensitive))
        var rejected = 0
        for text in texts {
            let units = Array(text.units)
            for index in units.indices.dropLast(3) where units[index] == 0x54 && units[index + 1] == 0x53
                && units[index + 2] == 0x47 {
                XCTAssertFalse(leading.admits(units, at: index, limit: units.count))
                rejected += 1
            }
        }
        XCTAssertGreaterThan(rejected, 3, "examples with TSG")
    }

    /// Random patterns over a small alphabet full of case-folding traps, some in multi-line mode from a line start,
    /// each asked at every position of random texts: wherever ICU matches, the position is admitted.
    func testRandomPatternsAdmitEveryMatch() {
        var random = SplitMix64(seed: 0x1EAD_C4A5)
        var failures: [String] = []
        var checked = 0
        var withSets = 0
        var withBefore = 0
        var checkedBefore = 0
        var rejected = 0
        for _ in 0..<12_000 {
            var generator = RandomPattern(random: random)
            var source = generator.alternation(depth: 0)
            random = generator.random
            switch random.next() % 8 {
            case 0, 1: source = "(?m)^" + source.replacingOccurrences(of: "|", with: "x")
            case 2, 3:
                // A leading positive lookbehind (ICU refuses bodies of unbounded length: those are skipped).
                var lookbehind = RandomPattern(random: random)
                let body = lookbehind.alternation(depth: 1)
                random = lookbehind.random
                source = random.next() % 2 == 0 ? "(?<=\(body))\(source)" : "(?i:(?<=\(body))\(source))"
            default: break
            }
            let caseInsensitive = random.next() % 3 == 0
            guard let pattern = try? Pattern(source, caseInsensitive: caseInsensitive) else { continue }
            if pattern.leading != nil { withSets += 1 }
            if pattern.leadingBefore != nil { withBefore += 1 }
            // Texts over the generator's alphabet (full of characters outside ASCII, which stop the test), and
            // over its ASCII characters only (where the sets and boundaries decide).
            let ascii = RandomPattern.textCharacters.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
            for round in 0..<5 {
                let text = ScanText(round < 3 ? RandomPattern.text(length: 20, random: &random)
                    : (0..<20).map { _ in ascii[Int(random.next() % UInt64(ascii.count))] }.joined())
                // Not between the halves of a surrogate pair: the engine never asks there (`Pattern.splitsPair`).
                // The whole text, and the text seen up to three characters before its end (a search of a range).
                for limit in [text.count, text.count - 3] {
                    for start in 0..<limit where !Pattern.splitsPair(text, at: start) {
                        let admitted = (pattern.leading.map {
                            $0.admits(text.units, at: start, limit: limit)
                                && (!$0.atLineStart || start == 0 || text[start - 1] == 0x0A)
                        } ?? true) && pattern.leadingBefore?.admitsBefore(text.units, at: start, low: 0) != false
                        if !admitted { rejected += 1 }
                        guard Self.icuMatches(pattern, in: text, at: start, limit: limit) else { continue }
                        checked += 1
                        if pattern.leadingBefore != nil { checkedBefore += 1 }
                        if let problem = Self.problem(pattern, at: start, in: text, limit: limit) {
                            failures.append("'\(source)'\(caseInsensitive ? " (i)" : ""): \(problem)")
                        }
                    }
                }
            }
        }
        print("LeadingCharacters random patterns: \(withSets) with sets, \(withBefore) with a leading lookbehind's, "
              + "\(checked) matches checked (\(checkedBefore) of patterns with a lookbehind's), \(rejected) positions rejected")
        XCTAssertGreaterThan(withSets, 5_000)
        XCTAssertGreaterThan(withBefore, 150)
        XCTAssertGreaterThan(checkedBefore, 500)
        XCTAssertGreaterThan(checked, 100_000)
        XCTAssertGreaterThan(rejected, 100_000)
        for failure in failures.prefix(30) { XCTFail(failure) }
    }
}
