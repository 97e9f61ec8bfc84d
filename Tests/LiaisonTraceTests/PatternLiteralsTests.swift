import Foundation
import XCTest
import Yams
@testable import LiaisonTrace

/// Literal cues derived from rule patterns: hand-written patterns with known answers, then every rule pattern
/// checked against every match ICU finds in the real corpus and the rule files' examples.
final class PatternLiteralsTests: XCTestCase {
    private typealias Required = PatternLiterals.Required

    private func literals(_ source: String, caseInsensitive: Bool = false) -> PatternLiterals {
        let result = PatternLiterals(source: source, caseInsensitive: caseInsensitive)
        XCTAssertNil(result.unsupported, "'\(source)' should be understood")
        return result
    }

    private func required(_ pairs: [(String, Int?)]) -> [Required] {
        pairs.map { Required(literal: $0.0, maxOffset: $0.1) }
    }

    // MARK: - Prefixes

    func testOptionalLeadingWordAndAlternation() {
        let spec = literals(#"\b(?:3GPP\s)?(?<type>TS|TR)\s?\d{2}"#)
        XCTAssertEqual(spec.prefixes, ["3gpp", "tr", "ts"])
        XCTAssertEqual(spec.cues, .prefixes(["3gpp", "tr", "ts"]))
        XCTAssertEqual(spec.minLength, 4)
        XCTAssertEqual(spec.maxLength, 12)
        XCTAssertFalse(spec.foldSensitive)
    }

    func testSmallClassesExpand() {
        let tdoc = literals(#"\b(?<prefix>[SRCG][P1-6])-\s?(?<number>\d{6,7})\b"#)
        XCTAssertEqual(tdoc.prefixes?.count, 28)
        XCTAssertEqual(tdoc.prefixes?.first, "c1-")
        XCTAssertTrue(tdoc.prefixes?.contains("sp-") ?? false)
        XCTAssertEqual(literals("[Tt]he end").prefixes, ["the end"])
        XCTAssertEqual(literals("[]a]bc").prefixes, ["]bc", "abc"])
        XCTAssertEqual(literals(#"\[\d+\]"#).cues, .prefixes(["["]))
        XCTAssertEqual(literals(#"[_=*-]{3,}"#).prefixes, ["*", "-", "=", "_"])
        XCTAssertNil(literals(#"[_=*-]{3,}"#).cues, "'-' alone flags most of a text")
    }

    func testBigNegatedAndPropertyClassesEndALiteral() {
        XCTAssertNil(literals("[A-Z]abc").prefixes)
        XCTAssertEqual(literals("[A-Z]abc").required, required([("abc", 1)]))
        XCTAssertEqual(literals("[^x]abc").required, required([("abc", 2)]))
        XCTAssertEqual(literals(#"ab[\p{L}]cd"#).prefixes, ["ab"])
        XCTAssertEqual(literals("ab[a-c-e]").prefixes, ["ab"], "an odd '-' makes the class unknown")
        XCTAssertNil(literals("[:digit:]x").prefixes, "[:digit:] is a property in ICU")
        XCTAssertNil(literals("[[:alpha:]]x").prefixes)
        XCTAssertNil(literals("[a-z&&[^b]]x").prefixes)
        XCTAssertEqual(literals(#"x\wyz"#).prefixes, ["x"])
        XCTAssertEqual(literals(#"x\wyz"#).required, required([("yz", 3)]))
    }

    func testCaseInsensitiveParts() {
        XCTAssertEqual(literals("ab(?i)CD").prefixes, ["abcd"])
        XCTAssertEqual(literals("AB(?i:CD)(?-i)EF").prefixes, ["abcdef"])
        XCTAssertEqual(literals("ABCD", caseInsensitive: true).prefixes, ["abcd"])
        XCTAssertEqual(literals("(?i)ab(?-i)§").prefixes, ["ab§"])
        // Non-ASCII characters are literal only where case matters.
        XCTAssertEqual(literals("§ 5").prefixes, ["§ 5"])
        XCTAssertEqual(literals("é!").prefixes, ["é!"])
        XCTAssertEqual(literals("x(?i:é)y").prefixes, ["x"])
        XCTAssertNil(literals("é!", caseInsensitive: true).prefixes)
        XCTAssertEqual(literals("é!", caseInsensitive: true).minLength, 1, "a cased non-ASCII character: a third")
        XCTAssertEqual(literals("§!", caseInsensitive: true).minLength, 2, "a character without case is itself")
        // (?i) lasts to the end of its group, across '|'.
        XCTAssertNil(literals("(?:a(?i)b|é)c").prefixes)
        XCTAssertEqual(literals("(?:a(?i)b|é)c").required, required([("c", 6)]))
    }

    func testCaseFolding() {
        // "ss" also matches "ß", "st" the ligature "ﬆ": a run of case-insensitive letters can be shorter in the text.
        let strasse = literals("(?i)strasse")
        XCTAssertEqual(strasse.prefixes, ["strasse"])
        XCTAssertTrue(strasse.foldSensitive)
        XCTAssertEqual(strasse.minLength, 5)
        XCTAssertEqual(strasse.maxLength, 7)
        XCTAssertTrue(matches("(?i)strasse", "\u{FB06}ra\u{DF}e"))
        XCTAssertEqual(literals("strasse").minLength, 7)
        XCTAssertFalse(literals("strasse").foldSensitive)
        XCTAssertFalse(literals("(?i)abc").foldSensitive)
        XCTAssertTrue(literals("(?i)[Kk]ey").foldSensitive)
        // Group boundaries keep ICU from folding across them.
        XCTAssertEqual(literals("(?i)s(s)").minLength, 2)
        XCTAssertFalse(matches("(?i)s(s)", "\u{DF}"))
        // A character that ICU folds is never part of a literal, in either mode.
        XCTAssertNil(literals("ß").prefixes)
        XCTAssertEqual(literals("ß").minLength, 1)
        XCTAssertNil(literals("(?i)ß").prefixes)
        XCTAssertEqual(literals("(?i)ß").maxLength, 6)
        XCTAssertTrue(matches("(?i)ß", "SS"))
    }

    func testQuantifiers() {
        XCTAssertEqual(literals("x{0,3}yz").prefixes, ["x", "yz"])
        XCTAssertEqual(literals("(?:ab){2,3}c").prefixes, ["ab"])
        XCTAssertEqual(literals("(?:ab){2,3}c").minLength, 5)
        XCTAssertEqual(literals("(?:ab){2,3}c").maxLength, 7)
        XCTAssertEqual(literals("(?:abc)+?x").prefixes, ["abc"])
        XCTAssertEqual(literals("(?:abc)*+xyz").prefixes, ["abc", "xyz"])
        XCTAssertEqual(literals("(?:abc)??xyz").prefixes, ["abcxyz", "xyz"])
        XCTAssertEqual(literals(#"\d{1,3}\s?foo"#).required, required([("foo", 7)]))
        XCTAssertEqual(literals(#"\d+\s?foo"#).required, required([("foo", nil)]))
        XCTAssertNil(literals(#"\d+\s?foo"#).maxLength)
        XCTAssertEqual(literals("(?:abcd){0}xy").prefixes, ["xy"])
    }

    func testNestedOptionalGroups() {
        let nested = literals("(?:a(?:b)?c)?de")
        XCTAssertEqual(nested.prefixes, ["abcde", "acde", "de"])
        XCTAssertEqual(nested.required, required([("de", 3)]))
        XCTAssertEqual(nested.minLength, 2)
        XCTAssertEqual(nested.maxLength, 5)
        XCTAssertEqual(literals("(?:foo|)bar").prefixes, ["bar", "foobar"])
        XCTAssertEqual(literals("(?:foo|)bar").required, required([("bar", 3)]))
        XCTAssertEqual(literals("(?:(?:ab|cd)?ef|gh)ij").prefixes, ["abefij", "cdefij", "efij", "ghij"])
    }

    func testLookaroundsAndAnchorsConsumeNothing() {
        let shall = literals(#"(?<!\bthe\s)\bshall(?=\s)"#)
        XCTAssertEqual(shall.prefixes, ["shall"])
        XCTAssertEqual(shall.minLength, 5)
        XCTAssertEqual(shall.maxLength, 5)
        XCTAssertNil(literals(#"(?<=Rec\.)\s\d"#).prefixes)
        XCTAssertNil(literals(#"(?<=Rec\.)\s\d"#).required)
        XCTAssertEqual(literals(#"^Title\s*:$"#).prefixes, ["title"])
        XCTAssertEqual(literals(#"\AFoo\z"#).prefixes, ["foo"])
        XCTAssertEqual(literals(#"(?>abc|de)f"#).prefixes, ["abcf", "def"])
    }

    func testPatternsThatCanBeEmpty() {
        for source in ["a?", "(?:x|)", #"\b"#, "(?=abc)", "a*b*", "(?:abc)?", "^$", "", "(?:)", "x{0}"] {
            let result = literals(source)
            XCTAssertNil(result.prefixes, source)
            XCTAssertNil(result.required, source)
            XCTAssertNil(result.cues, source)
            XCTAssertEqual(result.minLength, 0, source)
        }
    }

    func testEscapes() {
        XCTAssertEqual(literals(#"\.\(\[\-\/\\\$x"#).prefixes, [#".([-/\$x"#])
        XCTAssertEqual(literals(#"a\tb\nc"#).prefixes, ["a\tb\nc"])
        XCTAssertEqual(literals(#"\[I-D\.(?<name>[a-z0-9]+)\]"#).cues, .prefixes(["[i-d."]))
    }

    func testUnsupportedConstructsGiveUp() {
        for source in [#"\x{41}bc"#, #"\u0041bc"#, #"\QA\Ebc"#, "(?x)a b", "(?#note)abc", #"(a)\1bc"#,
                       #"\N{LATIN SMALL LETTER A}bc"#, #"(?<n>a)\k<n>"#, #"\cAbc"#, #"\0101bc"#, "(?'n'a)",
                       #"\yabc"#, "a**", "a{x}", "(abc", "abc)", "[abc", #"\"#, "[\\b]x"] {
            let result = PatternLiterals(source: source, caseInsensitive: false)
            XCTAssertNotNil(result.unsupported, source)
            XCTAssertNil(result.prefixes, source)
            XCTAssertNil(result.required, source)
            XCTAssertEqual(result.minLength, 0, source)
            XCTAssertNil(result.maxLength, source)
        }
    }

    // MARK: - Required literals and cue choice

    func testRequiredLiteralWhenThePrefixIsWeak() {
        let result = literals(#"\bX\d+\s+foobar"#)
        XCTAssertEqual(result.prefixes, ["x"])
        XCTAssertEqual(result.cues, .required(required([("foobar", nil)])))
        let meeting = literals(#"\b(?i:the\s+)?(?<n>\d{1,3}(?:st|nd|rd|th))\s+(?i:meeting)\b"#)
        XCTAssertNil(meeting.prefixes)
        XCTAssertEqual(meeting.cues, .required(required([("meeting", nil)])))
    }

    func testScore() throws {
        let abc = try XCTUnwrap(PatternLiterals.score(of: ["abc"]))
        let ab = try XCTUnwrap(PatternLiterals.score(of: ["ab"]))
        let abOrCd = try XCTUnwrap(PatternLiterals.score(of: ["ab", "cd"]))
        XCTAssertGreaterThan(abc, ab)
        XCTAssertGreaterThan(ab, abOrCd)
        XCTAssertEqual(ab, 8, accuracy: 1e-9)
        for weak in [["a"], ["7"], [" "], ["."], [","], ["-"], ["abc", "x"], [], [""]] {
            XCTAssertNil(PatternLiterals.score(of: weak), "\(weak)")
        }
        XCTAssertNotNil(PatternLiterals.score(of: ["["]))
        XCTAssertNotNil(PatternLiterals.score(of: ["§"]))
    }

    func testBigAlternationsAreCutBack() {
        let words = (0..<100).map { "w\(String(format: "%03d", $0))x" }
        let result = literals("(?:" + words.joined(separator: "|") + ")!")
        let prefixes = try? XCTUnwrap(result.prefixes)
        XCTAssertLessThanOrEqual(prefixes?.count ?? 0, PatternLiterals.maxAlternatives)
        for word in words {
            XCTAssertTrue(prefixes?.contains { (word + "!").hasPrefix($0) } ?? false, word)
        }
        let product = literals("[a-h][a-h][a-h]xyz")
        XCTAssertLessThanOrEqual(product.prefixes?.count ?? 0, PatternLiterals.maxAlternatives)
        XCTAssertEqual(product.prefixes?.count, 64)
    }

    func testComposedLexicon() {
        let source = #"\b(?i:(?<k0>shall\s+not)|(?<k1>must\s+not)|(?<k2>may\s+not)|(?<k3>shall)|(?<k4>must))\b"#
        let lexicon = literals(source)
        XCTAssertEqual(lexicon.prefixes, ["may", "must", "shall"])
        XCTAssertEqual(lexicon.minLength, 3, "\"must\" can be \"mu\" + U+FB06 (st)")
        XCTAssertNil(lexicon.maxLength)
    }

    private func matches(_ source: String, _ text: String) -> Bool {
        guard let pattern = try? Pattern(source) else { return false }
        return pattern.matches(in: text).contains { $0.range.location == 0 && $0.range.length == text.utf16.count }
    }
}
