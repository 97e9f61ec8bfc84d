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
        XCTAssertNil(literals("[A-Z0-9]abc").prefixes, "36 members: more than maxClassMembers")
        XCTAssertEqual(literals("[A-Z0-9]abc").required, required([("abc", 1)]))
        XCTAssertEqual(literals("[A-Z]abc").prefixes?.count, 26, "one letter class expands")
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
        // "ss" also matches "ß", "st" the ligature "ﬆ": a case-insensitive run of letters can be shorter in text.
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

    // MARK: - Soundness over the rule files and real text

    /// Every rule pattern, compiled as its extractor compiles it, is run over the real corpus and over every
    /// example of the rule files; each match must start with one of the prefixes, contain a required literal within
    /// its offset, and have a length within the bounds. Each pattern is also checked in the other case mode, and
    /// case-insensitive ones over texts whose letters were replaced by the characters ICU folds to them.
    func testRulePatternsAreSoundOnRealText() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let directory = TestSupport.packageRoot.appendingPathComponent("Pipelines/rules")
        let rules = try RulePatternCatalog(directory: directory)
        XCTAssertGreaterThan(rules.compiled.count, 300, "the catalog lost rule patterns")
        XCTAssertGreaterThan(rules.examples.count, 300, "the catalog lost example texts")

        var texts = rules.examples.map(SoundnessText.init)
        for url in Self.corpusTexts(in: corpus) {
            texts.append(SoundnessText(try String(contentsOf: url, encoding: .utf8)))
        }
        let corpusLength = texts.reduce(0) { $0 + $1.units.count }
        let slice = texts.map(\.string).joined(separator: "\n").prefix(300_000)
        let folded = [Self.ligatures(String(slice)), Self.longS(String(slice))].map(SoundnessText.init)
            + rules.examples.flatMap { [Self.ligatures($0), Self.longS($0)] }.map(SoundnessText.init)

        let checks = rules.patternModes
        let results = SoundnessResults()
        let (plain, withFolds, work) = (texts, texts + folded, checks)
        DispatchQueue.concurrentPerform(iterations: work.count) { index in
            let check = work[index]
            results.add(Self.checkSoundness(check.source, caseInsensitive: check.caseInsensitive,
                                            texts: check.caseInsensitive ? withFolds : plain))
        }
        let (failures, matchCount) = (results.failures, results.matches)
        print("PatternLiterals soundness: \(checks.count) pattern/mode pairs, \(texts.count) texts "
              + "(\(corpusLength) UTF-16 units), \(folded.count) case-folding variants, "
              + "\(matchCount) matches checked")
        XCTAssertGreaterThan(matchCount, 10_000, "too few matches to say anything")
        for failure in failures.sorted().prefix(40) { XCTFail(failure) }
        XCTAssertEqual(failures.count, 0, "unsound literal cues")

        print(rules.coverageReport())
    }

    /// Every rule pattern is understood, and most get a cue set: all group names and all reference rules but
    /// the two whose first character is any capital letter followed by '.'.
    func testRulePatternCoverage() throws {
        let rules = try RulePatternCatalog(directory: TestSupport.packageRoot.appendingPathComponent("Pipelines/rules"))
        var withCues = 0
        for entry in rules.compiled {
            let literals = PatternLiterals(source: entry.source, caseInsensitive: entry.caseInsensitive)
            XCTAssertNil(literals.unsupported, entry.origin)
            XCTAssertNotNil(try? Pattern(entry.source, caseInsensitive: entry.caseInsensitive), entry.origin)
            guard literals.cues == nil else {
                withCues += 1
                continue
            }
            XCTAssertFalse(entry.origin.hasPrefix("groups.yaml"), "\(entry.origin) has no cue set")
            if entry.origin.hasPrefix("references-"), entry.origin.hasSuffix(".pattern") {
                XCTAssertTrue(entry.origin.contains("recommendation-bare") || entry.origin.contains("work-item"),
                              "\(entry.origin) has no cue set")
            }
        }
        XCTAssertGreaterThan(Double(withCues), 0.9 * Double(rules.compiled.count))
    }

    /// The catalog knows every key that holds a pattern: a string that looks like a regular expression under
    /// another key means the key lists went stale.
    func testCatalogKnowsEveryPatternKey() throws {
        let directory = TestSupport.packageRoot.appendingPathComponent("Pipelines/rules")
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }
        XCTAssertGreaterThan(files.count, 10)
        var unknown: [String] = []
        func walk(_ node: Node, key: String?, file: String) {
            if let string = node.string {
                let looksLikePattern = string.contains("(?") || string.contains("[^")
                    || string.range(of: #"\[bdswAzZ.(\[]"#, options: .regularExpression) != nil
                if let key, looksLikePattern, !RulePatternCatalog.patternKeys.contains(key) {
                    unknown.append("\(file): '\(key)': \(string.prefix(60))")
                }
            } else if let sequence = node.sequence {
                for item in sequence { walk(item, key: key, file: file) }
            } else if let mapping = node.mapping {
                for (name, value) in mapping where !RulePatternCatalog.exampleKeys.contains(name.string ?? "") {
                    walk(value, key: name.string, file: file)
                }
            }
        }
        for url in files {
            guard let root = try Yams.compose(yaml: String(contentsOf: url, encoding: .utf8)) else { continue }
            walk(root, key: nil, file: url.lastPathComponent)
        }
        XCTAssertEqual(unknown, [], "keys holding patterns that RulePatternCatalog.patternKeys does not list")
    }

    /// Random patterns over a small alphabet full of case-folding traps, each checked against every match ICU
    /// finds at every position of random texts (matches the real corpus would never show).
    func testRandomPatternsAreSound() {
        var random = SplitMix64(seed: 0x5EED_1CE5)
        var failures: [String] = []
        var checked = 0
        var understood = 0
        for _ in 0..<20_000 {
            var generator = RandomPattern(random: random)
            let source = generator.alternation(depth: 0)
            random = generator.random
            let caseInsensitive = random.next() % 3 == 0
            guard let pattern = try? Pattern(source, caseInsensitive: caseInsensitive) else { continue }
            let literals = PatternLiterals(source: source, caseInsensitive: caseInsensitive)
            if literals.unsupported == nil { understood += 1 }
            let texts = (0..<3).map { _ in RandomPattern.text(length: 20, random: &random) }
            for text in texts.map(SoundnessText.init) {
                // The bounds the engine derives from the text's own longest runs must hold for it.
                let runs = TestSupport.longestRuns(Array(text.string.utf8))
                let bounded = PatternLiterals(source: source, caseInsensitive: caseInsensitive, spaceRun: runs.space,
                                              wordRun: runs.word)
                for start in 0..<text.units.count {
                    let range = NSRange(location: start, length: text.units.count - start)
                    guard let match = pattern.match(in: text.scan, at: range.location, limit: range.length)
                    else { continue }
                    checked += 1
                    if let problem = Self.problem(with: match.range, in: text, literals: literals) {
                        failures.append("'\(source)'\(caseInsensitive ? " (i)" : ""): \(problem)")
                    } else if let problem = Self.problem(with: match.range, in: text, literals: bounded) {
                        failures.append("'\(source)'\(caseInsensitive ? " (i)" : "") with runs \(runs): \(problem)")
                    }
                }
            }
        }
        print("PatternLiterals random patterns: \(understood) understood, \(checked) matches checked")
        XCTAssertGreaterThan(understood, 15_000)
        XCTAssertGreaterThan(checked, 200_000)
        for failure in failures.prefix(30) { XCTFail(failure) }
    }

    /// What is wrong with a match of `range` in `text` given `literals`, if anything.
    static func problem(with range: NSRange, in text: SoundnessText, literals: PatternLiterals) -> String? {
        let found = text.units[range.location..<(range.location + range.length)]
        let shown = String(decoding: Array(found), as: UTF16.self)
        if range.length < literals.minLength { return "match \"\(shown)\" shorter than \(literals.minLength)" }
        if let max = literals.maxLength, range.length > max { return "match \"\(shown)\" longer than \(max)" }
        if let first = found.first, first < 0x80, let allowed = literals.firstCharacters,
           !allowed.contains(UInt8(first)) {
            return "match \"\(shown)\" starts with a character outside \(allowed.sorted())"
        }
        let folded = SoundnessText.fold(found)
        if let prefixes = literals.prefixes,
           !prefixes.contains(where: { folded.scalars.starts(with: Array($0.unicodeScalars)) }) {
            return "match \"\(shown)\" starts with none of \(prefixes)"
        }
        if let required = literals.required,
           !required.contains(where: { folded.contains(Array($0.literal.unicodeScalars), within: $0.maxOffset) }) {
            return "match \"\(shown)\" contains none of \(required)"
        }
        return nil
    }

    /// The plain-text files of the real corpus.
    static func corpusTexts(in corpus: URL) -> [URL] {
        let files = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL } ?? []
        return files.filter { ["txt", "md", "adoc"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
    }

    /// `text` with ligatures and sharp s where ICU's folding equates them with ASCII letters.
    static func ligatures(_ text: String) -> String {
        var result = text
        for (from, to) in [("ffi", "\u{FB03}"), ("ffl", "\u{FB04}"), ("ff", "\u{FB00}"), ("fi", "\u{FB01}"),
                           ("fl", "\u{FB02}"), ("st", "\u{FB06}"), ("ss", "\u{DF}"), ("SS", "\u{1E9E}")] {
            result = result.replacingOccurrences(of: from, with: to)
        }
        return result
    }

    /// `text` with long s and Kelvin sign for every 's' and 'k'.
    static func longS(_ text: String) -> String {
        text.replacingOccurrences(of: "s", with: "\u{17F}").replacingOccurrences(of: "k", with: "\u{212A}")
            .replacingOccurrences(of: "K", with: "\u{212A}")
    }

    /// Runs `source` over `texts` and checks every match against its literals.
    static func checkSoundness(_ source: String, caseInsensitive: Bool,
                               texts: [SoundnessText]) -> (failures: [String], matches: Int) {
        let literals = PatternLiterals(source: source, caseInsensitive: caseInsensitive)
        // The bounds the engine uses in texts whose white-space runs are short.
        let bounded = PatternLiterals(source: source, caseInsensitive: caseInsensitive,
                                      spaceRun: PatternCues.shortSpaceRun, wordRun: PatternCues.shortWordRun)
        guard let pattern = try? Pattern(source, caseInsensitive: caseInsensitive) else {
            return (["'\(source)' does not compile"], 0)
        }
        var failures: [String] = []
        var count = 0
        let mode = caseInsensitive ? "(case-insensitive) " : ""
        for text in texts where failures.count <= 5 {
            let shortSpaces = text.hasShortRuns
            for match in pattern.matches(in: text.scan) {
                count += 1
                if let problem = problem(with: match.range, in: text, literals: literals) {
                    failures.append("\(mode)'\(source)': \(problem)")
                } else if shortSpaces, let problem = problem(with: match.range, in: text, literals: bounded) {
                    failures.append("\(mode)'\(source)' in short runs: \(problem)")
                }
                if failures.count > 5 { break }
            }
        }
        return (failures, count)
    }

    private func matches(_ source: String, _ text: String) -> Bool {
        guard let pattern = try? Pattern(source) else { return false }
        return pattern.matches(in: text).contains { $0.range.location == 0 && $0.range.length == text.utf16.count }
    }

    /// Sources that are canonically equivalent but not the same characters (the KELVIN SIGN and "K") are different
    /// patterns to ICU: they get analyses, leading sets and compiled patterns of their own.
    func testEquivalentSourcesAreKeptApart() throws {
        let kelvin = "\u{212A}elvin [\u{212A}]"
        let plain = "Kelvin [K]"
        XCTAssertEqual(kelvin, plain, "Swift compares strings by canonical equivalence")
        let first = PatternLiterals(source: kelvin)
        let second = PatternLiterals(source: plain)
        XCTAssertEqual(first.source.unicodeScalars.first, "\u{212A}")
        XCTAssertEqual(second.source.unicodeScalars.first, "K")
        XCTAssertNotEqual(first.firstCharacters, second.firstCharacters)
        XCTAssertEqual(second.firstCharacters, [0x4B])
        XCTAssertNotEqual(LeadingCharacters.of(source: kelvin, caseInsensitive: false),
                          LeadingCharacters.of(source: plain, caseInsensitive: false))
        let collector = PatternCollector()
        let compiled = try [kelvin, plain].map { try collector.pattern($0, caseInsensitive: false, origin: "test") }
        XCTAssertFalse(compiled[0] === compiled[1])
        XCTAssertEqual(compiled[1].matches(in: "Kelvin K").count, 1)
        XCTAssertEqual(compiled[0].matches(in: "Kelvin K").count, 0)
    }

    /// The analyses a run keeps for the next one read back equal, field by field, to the analyses made (every
    /// pattern of the built-in rules), and so do the patterns' leading sets; a damaged input gives none.
    func testKeptAnalysesReadBackAsMade() throws {
        _ = try TestSupport.pipeline()
        let made = PatternAnalyses.shared.all
        XCTAssertGreaterThan(made.count, 400)
        let kept = PatternAnalyses()
        kept.load(PatternAnalyses.shared.bytes(), under: "f")
        XCTAssertTrue(kept.wereLoaded(under: "f"))
        XCTAssertFalse(kept.wereLoaded(under: "g"))
        XCTAssertEqual(kept.all, made)
        // The leading sets too (`LeadingCharacters.of`).
        let madeLeading = PatternAnalyses.shared.allLeading
        XCTAssertGreaterThan(madeLeading.values.count { $0.leading != nil }, 400)
        XCTAssertGreaterThan(madeLeading.values.count { $0.before != nil }, 3)
        XCTAssertEqual(kept.allLeading, madeLeading)
        // A damaged input adds nothing.
        let damaged = PatternAnalyses()
        damaged.load(Array(PatternAnalyses.shared.bytes().dropLast()), under: "f")
        XCTAssertTrue(damaged.all.isEmpty)
        XCTAssertFalse(damaged.wereLoaded(under: "f"))
    }
}

/// Failures and match counts gathered from concurrent checks.
final class SoundnessResults: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var failures: [String] = []
    private(set) var matches = 0

    func add(_ result: (failures: [String], matches: Int)) {
        lock.lock()
        defer { lock.unlock() }
        failures += result.failures
        matches += result.matches
    }
}

/// A text to run patterns over, with its UTF-16 units.
struct SoundnessText {
    var string: String
    var units: [UInt16]

    /// The text as patterns match it.
    var scan: ScanText
    /// Whether the engine would use the bounds of short runs on this text.
    var hasShortRuns: Bool

    init(_ string: String) {
        self.string = string
        units = Array(string.utf16)
        scan = ScanText(string)
        let runs = TestSupport.longestRuns(Array(string.utf8))
        hasShortRuns = runs.space <= PatternCues.shortSpaceRun && runs.word <= PatternCues.shortWordRun
    }

    /// Text as the literal scanner sees it: ASCII letters lower-cased, `PatternLiterals.foldExceptions` read as
    /// their ASCII spelling; with each scalar, the UTF-16 offset of the character it comes from.
    struct Folded {
        var scalars: [Unicode.Scalar] = []
        var origins: [Int] = []

        /// Whether `literal` occurs starting at most `maxOffset` units into the text (anywhere when nil).
        func contains(_ literal: [Unicode.Scalar], within maxOffset: Int?) -> Bool {
            guard literal.count <= scalars.count else { return false }
            for start in 0...(scalars.count - literal.count) {
                if let maxOffset, origins[start] > maxOffset { return false }
                if scalars[start..<(start + literal.count)].elementsEqual(literal) { return true }
            }
            return false
        }
    }

    static func fold(_ units: ArraySlice<UInt16>) -> Folded {
        var folded = Folded()
        var offset = 0
        for scalar in String(decoding: Array(units), as: UTF16.self).unicodeScalars {
            let spelling: [Unicode.Scalar]
            if let ascii = PatternLiterals.foldExceptions[scalar] {
                spelling = Array(ascii.unicodeScalars)
            } else if ("A"..."Z") ~= scalar {
                spelling = [Unicode.Scalar(scalar.value + 32)!]
            } else {
                spelling = [scalar]
            }
            for item in spelling {
                folded.scalars.append(item)
                folded.origins.append(offset)
            }
            offset += scalar.utf16.count
        }
        return folded
    }
}

/// The regular expressions of the rule files: each as its extractor compiles it (`compiled`), plus the pieces
/// that extractors compose into bigger patterns (`raw`), and every example text of the files.
struct RulePatternCatalog {
    struct Entry {
        /// File and key path, for reports.
        var origin: String
        var source: String
        var caseInsensitive: Bool
    }

    var compiled: [Entry] = []
    var raw: [Entry] = []
    var examples: [String] = []

    /// Every pattern (compiled and raw), each in its own case mode and in the other one, once.
    var patternModes: [(source: String, caseInsensitive: Bool)] {
        var result: [(source: String, caseInsensitive: Bool)] = []
        var seen: Set<String> = []
        for entry in compiled + raw {
            for caseInsensitive in [entry.caseInsensitive, !entry.caseInsensitive]
            where seen.insert("\(caseInsensitive) \(entry.source)").inserted {
                result.append((entry.source, caseInsensitive))
            }
        }
        return result
    }

    /// Keys whose values (a string or a list of strings) are regular expressions.
    static let patternKeys: Set<String> = [
        "pattern", "patterns", "labels", "continuation", "range", "not_after", "adjacent_gap", "pronouns",
        "block_filler", "cue", "ordinal", "numbered", "separator", "separators", "raw_id", "liaison_nouns", "scope",
        "actions", "excluded", "qualifiers", "end", "lead", "dangling", "skip", "requires",
    ]
    /// Keys whose strings are example texts.
    static let exampleKeys: Set<String> = ["examples", "counter_examples", "raw_id_examples"]

    init(directory: URL) throws {
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
        for url in files {
            let text = try String(contentsOf: url, encoding: .utf8)
            guard let root = try Yams.compose(yaml: text) else { continue }
            let kind = root.mapping?["kind"]?.string ?? ""
            walk(root, path: [url.lastPathComponent], kind: kind, parent: nil)
            if kind == "headers" { addHeaderLabels(root, file: url.lastPathComponent) }
            if kind == "requirements" { addLexicons(root, file: url.lastPathComponent) }
        }
    }

    private mutating func walk(_ node: Node, path: [String], kind: String, parent: Node.Mapping?) {
        if let sequence = node.sequence {
            for (index, item) in sequence.enumerated() {
                let id = item.mapping?["id"]?.string.map { " " + $0 } ?? ""
                walk(item, path: path + ["[\(index)\(id)]"], kind: kind, parent: parent)
            }
            return
        }
        guard let mapping = node.mapping else { return }
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            if Self.exampleKeys.contains(key) {
                collectExamples(value)
                continue
            }
            if Self.patternKeys.contains(key) {
                let sources = value.string.map { [$0] } ?? value.sequence?.compactMap(\.string) ?? []
                for source in sources {
                    add(source, key: key, path: path + [key], kind: kind, parent: mapping)
                }
            }
            walk(value, path: path + [key], kind: kind, parent: mapping)
        }
    }

    private mutating func collectExamples(_ node: Node) {
        if let string = node.string {
            examples.append(string)
        } else if let sequence = node.sequence {
            for item in sequence { collectExamples(item) }
        } else if let mapping = node.mapping {
            for (key, value) in mapping {
                collectExamples(key)
                collectExamples(value)
            }
        }
    }

    /// One pattern string found under `key`: the raw string in both modes, and the form its extractor compiles.
    private mutating func add(_ source: String, key: String, path: [String], kind: String, parent: Node.Mapping) {
        let origin = path.joined(separator: ".")
        raw.append(Entry(origin: origin, source: source, caseInsensitive: false))
        let joined = path.joined(separator: ".")
        switch kind {
        case "headers" where key == "labels":
            return  // composed per field (addHeaderLabels)
        case "headers":
            let cue = ["replies", "aliases.patterns", "headerless", "purposes"].contains { joined.contains($0) }
            compiled.append(Entry(origin: origin, source: source, caseInsensitive: cue))
        case "classification":
            let caseSensitive = parent["case_sensitive"]?.bool ?? false
            compiled.append(Entry(origin: origin, source: "(?m)" + source, caseInsensitive: !caseSensitive))
        case "statements" where path.contains("sections"):
            compiled.append(Entry(origin: origin, source: "^(?i:\(source))$", caseInsensitive: false))
        case "actions" where key == "block_filler":
            compiled.append(Entry(origin: origin, source: "^(?:\(source))$", caseInsensitive: false))
        case "requirements" where path.contains("lexicons"):
            return  // composed per lexicon (addLexicons)
        default:
            compiled.append(Entry(origin: origin, source: source, caseInsensitive: false))
        }
    }

    /// Header labels as `HeaderRules` compiles them: all labels of a field in one alternation, case-insensitive.
    private mutating func addHeaderLabels(_ root: Node, file: String) {
        for (formIndex, form) in (root.mapping?["forms"]?.sequence ?? []).enumerated() {
            let readsFields = form.mapping?["source"]?.string == "fields"
            for (fieldIndex, field) in (form.mapping?["fields"]?.sequence ?? []).enumerated() {
                let labels = field.mapping?["labels"]?.sequence?.compactMap(\.string) ?? []
                guard !labels.isEmpty else { continue }
                let alternation = "(?:" + labels.joined(separator: "|") + ")"
                let origin = "\(file).forms[\(formIndex)].fields[\(fieldIndex)].labels"
                let sources = readsFields ? ["^" + alternation + "$"]
                    : ["[(\\[]?[ ]*" + alternation + "[ ]*:", alternation + "[ ]*:?[ ]*$"]
                for source in sources {
                    compiled.append(Entry(origin: origin, source: source, caseInsensitive: true))
                }
            }
        }
    }

    /// Keyword lexicons as `ModalLexicon` composes them.
    private mutating func addLexicons(_ root: Node, file: String) {
        for (index, lexicon) in (root.mapping?["lexicons"]?.sequence ?? []).enumerated() {
            let keywords = lexicon.mapping?["keywords"]?.sequence?.compactMap { $0.mapping?["pattern"]?.string } ?? []
            let body = keywords.enumerated().map { "(?<k\($0.offset)>\($0.element))" }.joined(separator: "|")
            let caseSensitive = lexicon.mapping?["case_sensitive"]?.bool ?? false
            let source = caseSensitive ? "\\b(?:\(body))\\b" : "\\b(?i:\(body))\\b"
            compiled.append(Entry(origin: "\(file).lexicons[\(index)]", source: source, caseInsensitive: false))
        }
    }

    /// How many compiled patterns get prefixes, required literals or no cue, per file, and which get none.
    func coverageReport() -> String {
        var counts: [String: (prefixes: Int, required: Int, none: Int)] = [:]
        var nothing: [String] = []
        for entry in compiled {
            let file = String(entry.origin.prefix { $0 != "." })
            let literals = PatternLiterals(source: entry.source, caseInsensitive: entry.caseInsensitive)
            var count = counts[file] ?? (0, 0, 0)
            switch literals.cues {
            case .prefixes: count.prefixes += 1
            case .required: count.required += 1
            case nil:
                count.none += 1
                let why = literals.unsupported ?? (literals.minLength == 0 ? "can match the empty string"
                    : "prefixes \(literals.prefixes ?? []), required \(literals.required?.map(\.literal) ?? [])")
                nothing.append("  \(entry.origin): \(entry.source.prefix(70)) -- \(why)")
            }
            counts[file] = count
        }
        var lines = ["PatternLiterals coverage of \(compiled.count) compiled rule patterns "
                     + "(prefixes / required / none):"]
        for (file, count) in counts.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(file): \(count.prefixes) / \(count.required) / \(count.none)")
        }
        let total = counts.values.reduce((0, 0, 0)) { ($0.0 + $1.prefixes, $0.1 + $1.required, $0.2 + $1.none) }
        lines.append("  all: \(total.0) / \(total.1) / \(total.2)")
        lines.append("No cue set:")
        return (lines + nothing).joined(separator: "\n")
    }
}

/// A seeded random number generator, so that random tests repeat.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

/// Random ICU patterns and texts over letters that case folding joins ("s", "ſ", "ß", "st", "ﬆ", "k", "K"), and
/// characters outside the BMP (two UTF-16 units; a digit, and a letter with case).
struct RandomPattern {
    var random: SplitMix64

    static let characters: [String] = ["a", "b", "s", "S", "t", "f", "i", "l", "k", "K", "ß", "ſ", "é", "É", "§",
                                       "-", " ", "\\.", "\\(", "1", "\u{212A}", "\u{FB06}", "\u{10400}"]
    static let textCharacters: [String] = ["a", "b", "s", "S", "t", "T", "f", "F", "i", "l", "k", "K", "ß", "ẞ", "ſ",
                                           "é", "É", "§", "-", " ", ".", "(", "1", "\n", "\u{212A}", "\u{FB06}",
                                           "\u{FB01}", "\u{FB03}", "ss", "st", "fi", "😀", "\u{1D7D9}", "\u{10428}",
                                           "\u{10400}"]

    init(random: SplitMix64) {
        self.random = random
    }

    mutating func pick(_ count: Int) -> Int {
        Int(random.next() % UInt64(count))
    }

    mutating func alternation(depth: Int) -> String {
        let branches = pick(4) == 0 ? 2 + pick(2) : 1
        return (0..<branches).map { _ in sequence(depth: depth) }.joined(separator: "|")
    }

    /// Atoms, each maybe quantified; inside a group at least one that consumes (ICU is very slow on loops over
    /// groups that can match nothing).
    mutating func sequence(depth: Int) -> String {
        let count = depth == 0 ? pick(5) : 1 + pick(4)
        var parts = (0..<count).map { _ in atom(depth: depth) }
        if depth > 0, !parts.contains(where: \.consumes) {
            parts.append((Self.characters[pick(Self.characters.count)], true, true))
        }
        return parts.map { part in
            guard part.quantifiable else { return part.text }
            // Groups repeat a bounded number of times: ICU takes very long over unbounded loops of groups that
            // can match nothing.
            return part.text + (part.text.hasSuffix(")") ? ["", "?", "{2}", "{1,3}"][pick(4)] : quantifier())
        }.joined()
    }

    mutating func atom(depth: Int) -> (text: String, quantifiable: Bool, consumes: Bool) {
        switch pick(depth < 2 ? 16 : 11) {
        case 0...5: return (Self.characters[pick(Self.characters.count)], true, true)
        case 6: return ("[" + (pick(3) == 0 ? "^" : "") + classBody() + "]", true, true)
        case 7: return ([".", "\\d", "\\s", "\\w", "\\S"][pick(5)], true, true)
        case 8: return (["\\b", "^", "$", "\\B"][pick(4)], false, false)
        case 9: return (["(?i)", "(?-i)"][pick(2)], false, false)
        case 10:
            let pair = Self.characters[pick(Self.characters.count)] + Self.characters[pick(Self.characters.count)]
            return (pair, true, true)
        default:
            let kind = pick(8)
            let open = ["(", "(?:", "(?i:", "(?-i:", "(?>", "(?=", "(?!", "(?<n\(pick(1000))>"][kind]
            let body = alternation(depth: depth + 1)
            return (open + body + ")", kind < 5 && !body.contains("|"), kind < 5)
        }
    }

    mutating func classBody() -> String {
        let members = ["a", "b", "s", "S", "k", "K", "ß", "ſ", "é", "1", "-", "a-c", "s-t", "A-Z", "\\s", "\\d", "."]
        return (0..<(1 + pick(3))).map { _ in members[pick(members.count)] }.joined()
    }

    mutating func quantifier() -> String {
        let base = ["", "", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,3}", "{2,}"][pick(11)]
        guard !base.isEmpty else { return "" }
        return base + ["", "", "?", "+"][pick(4)]
    }

    static func text(length: Int, random: inout SplitMix64) -> String {
        (0..<length).map { _ in textCharacters[Int(random.next() % UInt64(textCharacters.count))] }.joined()
    }
}
