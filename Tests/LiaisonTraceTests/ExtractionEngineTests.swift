import Foundation
import XCTest
@testable import LiaisonTrace
import Yams

/// The extraction engine: the cue scan gives the records a full scan gives, a document over its budget is
/// quarantined naming the rule that was running, and windows keep one-line documents in linear time.
final class ExtractionEngineTests: XCTestCase {
    static func pipeline() throws -> Pipeline {
        try Pipeline.load(.builtIn)
    }

    /// The same records with the engine's cues as with every pattern scanning every range it is asked about.
    func testCuesChangeNothingOnRealDocuments() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let pipeline = try Self.pipeline()
        let files = InputWalker.files(in: [corpus.appendingPathComponent("liaisons").path]).files.prefix(12)
        XCTAssertGreaterThan(files.count, 5)
        for file in files {
            guard let ingested = try? pipeline.ingest.ingest(path: file) else { continue }
            let analyzed = AnalyzedDocument(ingested)
            var diagnostics: [Diagnostic] = []
            let withCues = pipeline.extract.run(analyzed, diagnostics: &diagnostics)
            let plain = ExtractionContext(analyzed, engine: nil)
            var record = Extraction.emptyRecord(analyzed)
            for extractor in pipeline.extract.extractors {
                extractor.extract(from: plain, into: &record, diagnostics: &diagnostics)
            }
            XCTAssertEqual(try JSONOutput.data(withCues), try JSONOutput.data(record), file)
        }
    }

    /// A pattern that begins with a negative lookbehind of one class is tried only after the characters the
    /// lookbehind allows; the class is read as ICU reads it, and what this reading does not follow gives no table.
    func testLeadingLookbehindClassesGiveStartTables() throws {
        func allowed(_ source: String) -> String? {
            Pattern.startsAfter(source).map { table in
                String((0x20..<0x7F).filter { table[$0] }.map { Character(Unicode.Scalar(UInt8($0))) })
            }
        }
        XCTAssertEqual(allowed(#"(?<![^\s(])(?<first>\S+)"#), " (")
        XCTAssertEqual(Pattern.startsAfter(#"(?<![^\s(])x"#).map { table in [0x09, 0x0A, 0x0B, 0x0D, 0x61].map { table[$0] } },
                       [true, true, true, true, false], "tab, line feed, vertical tab (left to ICU), return; not a letter")
        XCTAssertEqual(allowed(#"(?<![A-Za-z0-9.\-/])(?<n>[A-Z]\.\d{2})"#)?.contains("-"), false)
        XCTAssertEqual(allowed(#"(?<![A-Za-z0-9.\-/])x"#), allowed(#"(?<![-A-Za-z0-9./])x"#))
        XCTAssertEqual(allowed(#"(?<![A-Za-z-])SG"#)?.contains(where: { $0.isLetter || $0 == "-" }), false)
        XCTAssertEqual(allowed(#"(?<![A-Za-z-])SG"#)?.contains(" "), true)
        XCTAssertEqual(Pattern.startsAfter(#"(?<![^a-c\s])x"#, caseInsensitive: true)
                           .map { table in Array("aBc dD".utf8).map { table[Int($0)] } },
                       [true, true, true, true, false, false], "a class compiled case-insensitively holds both cases")
        for unsupported in [#"(?<![\p{L}])x"#, #"(?<!\w)x"#, #"(?<![[a-z]])x"#, #"(?<![\w])x"#, #"x(?<![a])"#,
                            #"(?<![a-z]x)y"#, #"(?<![a-z])x|y"#, #"(?<![]a])x"#] {
            XCTAssertNil(Pattern.startsAfter(unsupported), unsupported)
        }
    }

    /// Rule patterns that begin with a lookbehind class find, through the engine's cues, what a scan of the whole
    /// range finds: on the real corpus's texts and on built texts that start ranges inside words.
    func testLookbehindStartsChangeNoMatch() throws {
        let directory = TestSupport.packageRoot.appendingPathComponent("Pipelines/rules")
        let entries = try RulePatternCatalog(directory: directory).compiled
            .filter { Pattern.startsAfter($0.source) != nil }
        XCTAssertGreaterThanOrEqual(entries.count, 3, "rule patterns with a leading lookbehind class")
        let patterns = try entries.flatMap { entry in
            try [false, true].map { try Pattern(entry.source, caseInsensitive: $0, origin: entry.origin) }
        }
        let texts = ["TD 167 has been registered as FG-MV-I-753 (SP-170146 registered as an input document SG11-LS10).",
                     "x(SG11-LS159 was registered at SA#75 as SP-170010.)\tB.12 and Q.PMV,Y.3090-b.12 A.1/F.7",
                     "in-SG17 of ITU-T SG2,SG5 SG 17;SG12-LS1 Study Group 9 registered\u{0B}as X"]
        // The whole text, and ranges that start one to three characters into it and end early.
        let compared = try compareCuedWithScanned(patterns, texts: texts, ranges: [(0, 0), (1, 0), (2, 5), (3, 1)]) {
            pattern, text, range, positions, index in
            [false, index.hasShortRuns].map { shortRuns in
                pattern.matches(in: text, range: range, candidates: positions, shortRuns: shortRuns)
            }
        }
        XCTAssertGreaterThan(compared, 20, "matches compared")
    }

    /// Rule patterns whose matches start at a line start (`(?m)^`) find, through the engine's cues, what a scan of
    /// the range finds: tried only at line starts before each cue (where the range starts, or after a line feed; a
    /// carriage return is none), on the real corpus's texts and on built texts with the cue in mid-line, indented,
    /// after blank lines that `^\s*` takes in, after white space outside ASCII, and in ranges that start in mid-line.
    func testLineStartPatternsChangeNoMatch() throws {
        let directory = TestSupport.packageRoot.appendingPathComponent("Pipelines/rules")
        let entries = try RulePatternCatalog(directory: directory).compiled
            .filter { LeadingCharacters(source: $0.source, caseInsensitive: false)?.atLineStart == true }
        XCTAssertGreaterThanOrEqual(entries.count, 10, "rule patterns whose matches start at a line start")
        let patterns = try entries.map { try Pattern($0.source, origin: $0.origin) }
        let texts = ["Title: LS on X\nETSI TC MTS #12 Meeting\n  3GPP TS 23.501 V17.0.0\r\nFrom: GSMA\n"
                        + "the ETSI TC A B Meeting\n",
                     "x\n\n   ETSI TC SES 5 Meeting y\n\tFor action to: SA2\nFor information to:\n"
                        + "Network Working Group\n",
                     "prefix ETSI TC X Meeting\r\n ETSI ISG ZSM x Meeting\u{0B}\nLIAISON STATEMENT TO SG2\n\n"
                        + "SG11-LS159 x\n",
                     "\u{E9}\nETSI EP E2NA \u{1F600} Meeting\n\u{A0}From: GSMA\n\u{2003}Network Working Group\n"
                        + "From: GSMA"]
        // The whole text, and ranges that start in mid-line ("ETSI" of "prefix ETSI") and end early.
        let compared = try compareCuedWithScanned(patterns, texts: texts,
                                                  ranges: [(0, 0), (1, 0), (7, 0), (5, 2), (11, 1)]) {
            pattern, text, range, positions, index in
            [false, index.hasShortRuns].map { shortRuns in
                pattern.matches(in: text, range: range, candidates: positions, shortRuns: shortRuns)
            }
        }
        XCTAssertGreaterThan(compared, 20, "matches compared")
    }

    /// A pattern's leading alternation written out: through groups and after what consumes nothing; none after a
    /// consuming item, under a quantifier or in an atomic group.
    func testLeadingBranchesWriteOutTheLeadingAlternation() throws {
        func branches(_ source: String) throws -> [String]? {
            try XCTUnwrap(RegexTree(source), source).leadingBranches?.map(\.source)
        }
        XCTAssertEqual(try branches(#"\b(?i:is|are\s+to)x"#), [#"\b(?i:is)x"#, #"\b(?i:are\s+to)x"#])
        XCTAssertEqual(try branches(#"(?<=y\s)(?<n>a|bc)d"#), [#"(?<=y\s)(?<n>a)d"#, #"(?<=y\s)(?<n>bc)d"#])
        XCTAssertEqual(try branches(#"(?i)(?:(a|b)|c)"#), [#"(?i)(?:(a|b))"#, #"(?i)(?:c)"#])
        XCTAssertEqual(try branches("a|b"), ["a", "b"])
        XCTAssertEqual(try branches(#"x|(?i)y"#), ["x", "(?i)y"])
        // `(?i)` in the first branch makes the next ones case-insensitive too: they cannot be written out alone.
        for source in [#"(?:a|b)?c"#, #"x(?:a|b)"#, #"(?>a|b)"#, #"\b(?i:abc)"#, #"(?=a|b)c"#, #"(?i)\bx|\by"#,
                       #"(?:a(?i)|b)"#] {
            XCTAssertNil(try branches(source), source)
        }
    }

    /// Rule patterns whose alternatives each have narrower leading characters than the pattern (`branchGates`)
    /// find, through the engine's cues, what a scan of the range finds; and a match at a place is found where ICU
    /// finds it. On the real corpus's texts and on built texts where a cue is followed by what only some alternatives
    /// take ("is to specify", "is the study on", "is a").
    func testBranchGatesChangeNoMatch() throws {
        let directory = TestSupport.packageRoot.appendingPathComponent("Pipelines/rules")
        let entries = try RulePatternCatalog(directory: directory).compiled
        let patterns = try entries.map { try Pattern($0.source, origin: $0.origin) }
            .filter { Pattern.branchGates($0.source, caseInsensitive: false, leading: $0.leading) != nil }
        XCTAssertGreaterThanOrEqual(patterns.count, 20, "rule patterns with gates for their alternatives")
        let texts = ["This Recommendation is to specify x. It is the study on y; it is a z, and it IS THE REPORT FOR w.",
                     "SA2 specifies, SA3 defines\tthe key; the TR covers it; is  intended to define;is\u{A0}to study",
                     "For action to: SA2\nTo: ITU-T SG2\n(Source: X)\nCc: Y\nDeadline: 1 May\n\u{E9}is the x"]
        let compared = try compareCuedWithScanned(patterns, texts: texts, ranges: [(0, 0), (8, 2)]) {
            pattern, text, range, positions, index in
            [false, index.hasShortRuns].map { shortRuns in
                pattern.matches(in: text, range: range, candidates: positions, shortRuns: shortRuns)
            }
        }
        XCTAssertGreaterThan(compared, 20, "matches compared")
        // At every place of the built texts: what `match(in:at:limit:)` finds is ICU's anchored match there.
        var found = 0
        for string in texts {
            let text = ScanText(string)
            for pattern in patterns {
                for location in 0..<text.count {
                    let limit = text.count - location
                    let expected = pattern.lookingAt(text, low: location, high: location + limit, start: location,
                                                     end: location + limit)?.range
                    XCTAssertEqual(pattern.match(in: text, at: location, limit: limit)?.range, expected,
                                   "\(pattern.origin) at \(location) of \(string.debugDescription)")
                    if expected != nil { found += 1 }
                }
            }
        }
        XCTAssertGreaterThan(found, 10, "places where a pattern matches")
    }

    /// Whether `patterns` find through the engine's cues (`cued`: each way the test asks, given the pattern, the
    /// text, the range, the pattern's candidate positions and the candidate index) what a scan of the range finds,
    /// in `texts` and the real corpus's texts, over the whole text and the ranges `(start, trim)`: the matches
    /// compared.
    private func compareCuedWithScanned(
        _ patterns: [Pattern], texts builtTexts: [String], ranges: [(start: Int, trim: Int)],
        cued: (Pattern, ScanText, NSRange, ArraySlice<Int32>, CandidateIndex) -> [[PatternMatch]]) throws -> Int {
        let engine = RuleEngine(patterns: patterns)
        var texts = builtTexts
        if let corpus = TestSupport.realCorpus {
            for url in PatternLiteralsTests.corpusTexts(in: corpus) {
                texts.append(try String(contentsOf: url, encoding: .utf8))
            }
        }
        var compared = 0
        for string in texts {
            let text = ScanText(string)
            let index = engine.candidates(in: text)
            for pattern in patterns {
                guard let slot = engine.slot(of: pattern) else { continue }
                for (start, trim) in ranges where text.count > start + trim {
                    let range = NSRange(location: start, length: text.count - start - trim)
                    let scanned = pattern.matches(in: text, range: range)
                    for found in cued(pattern, text, range, index.positions(of: slot), index) {
                        XCTAssertEqual(found.map(\.range), scanned.map(\.range), "\(pattern.origin) at \(range)")
                        compared += scanned.count
                    }
                }
            }
        }
        return compared
    }

    /// Every pattern with cues finds its own slot in the engine's table of patterns (slots are given in the
    /// patterns' order), and a pattern the engine was not built with has none: 300 patterns, a table that grew past
    /// its first size.
    func testEveryPatternFindsItsSlot() throws {
        let many = try (0..<300).map { try Pattern("\\bword\($0)x\\b") }
        let engine = RuleEngine(patterns: many)
        XCTAssertEqual(engine.slotCount, 300)
        XCTAssertEqual(many.map { engine.slot(of: $0) }, Array(0..<300))
        XCTAssertNil(engine.slot(of: try Pattern("\\bword1x\\b")), "the same source, another pattern")
        XCTAssertNil(RuleEngine(patterns: Array(many.prefix(3))).slot(of: many[3]))
    }

    /// The literals that a start's positive lookbehinds need before it: those of the one lookbehind a pattern
    /// begins with, or of each alternative's; none when a way to start a match has no lookbehind, or a body is
    /// unbounded.
    func testLookbehindLiteralsComeFromEveryWayToStart() throws {
        func literals(_ source: String, caseInsensitive: Bool = false) -> (span: Int, fold: Bool, occur: [Bool])? {
            Pattern.lookbehindLiterals(source, caseInsensitive: caseInsensitive).map { found in
                let text = ScanText("is not|the|been|x")
                return (found.span, found.foldSensitive,
                        [(0, 6), (7, 10), (11, 15), (16, 17)].map { found.literals.occur(in: text, from: $0.0, to: $0.1) })
            }
        }
        let one = try XCTUnwrap(literals(#"(?i:(?<=(?:^|[^a-z0-9_])(?:is|are)\s{1,3}not\s{1,3})(?:defined|covered))"#))
        XCTAssertEqual(one.span, 2 + 3 + 3 + 3 + 3, "a character (two UTF-16 units at most), \"are\", spaces, \"not\", spaces")
        XCTAssertEqual(one.occur, [true, false, false, false], "\"not\" is needed")
        let each = try XCTUnwrap(literals(#"(?i:(?<=the\s)aims?|(?<=(?:has|have)\s{1,3}been\s{1,3})assigned)\b"#))
        XCTAssertEqual(each.occur, [false, true, true, false], "\"the\" or \"been\"")
        XCTAssertEqual(each.span, 4 + 3 + 4 + 3)
        XCTAssertTrue(each.fold, "case-insensitive \"t\" and \"s\" fold from ligatures")
        XCTAssertEqual(literals(#"(?<=ab)c|(?<=de)f"#)?.fold, false)
        for none in [#"(?<=the\s)aims?|goals?"#, #"(?<=the\s+)aims"#, #"x(?<=x)y"#, #"(?<!not\s)defined"#,
                     #"(?:(?<=the\s)aims)?x"#, #"(?<=\s)aims"#] {
            XCTAssertNil(literals(none), none)
        }
    }

    /// Rule patterns whose starts need a positive lookbehind find, through the engine's cues (and the literals the
    /// lookbehinds need), what a scan of the whole range finds: on the real corpus's texts and on built texts where
    /// the needed word is just within reach, just out of it, before the range, or spelled with a ligature.
    func testLookbehindLiteralsChangeNoMatch() throws {
        let directory = TestSupport.packageRoot.appendingPathComponent("Pipelines/rules")
        let entries = try RulePatternCatalog(directory: directory).compiled
            .filter { Pattern.lookbehindLiterals($0.source, caseInsensitive: false) != nil }
        XCTAssertGreaterThanOrEqual(entries.count, 5, "rule patterns whose starts need a lookbehind")
        // And one whose needed word ICU also finds spelled with a character that folds to "s" ("haſ").
        let patterns = try entries.map { try Pattern($0.source, origin: $0.origin) }
            + [try Pattern(#"(?i:(?<=has\s)x)"#, origin: "has x")]
        let texts = ["The service is not  defined here; it is   not covered. The main objectives of the group are x.",
                     "It haſ x, it has x.",
                     "It is not\tsupported, the  goals of FG are set, and SG2 has been assigned to it.",
                     "notdefined is  not defined; isnot covered; the\u{FB05}e aims of x are y; is no\u{FB05} defined"]
        let compared = try compareCuedWithScanned(patterns, texts: texts, ranges: [(0, 0), (4, 0), (9, 3), (15, 1)]) {
            pattern, text, range, positions, index in
            [index.hasFoldTraps, true].map { foldTraps in
                pattern.matches(in: text, range: range, candidates: positions, shortRuns: index.hasShortRuns,
                                foldTraps: foldTraps)
            }
        }
        XCTAssertGreaterThan(compared, 20, "matches compared")
    }

    /// Characters outside the BMP before a cue: the engine never starts a try or a window between the halves of a
    /// surrogate pair, where a scan never starts a match (and where ICU 72 can read before the text and crash, with
    /// patterns that begin with a class loop), and finds what a scan finds.
    func testTriesNeverStartInsideASurrogatePair() throws {
        let sources = [#"[a-z ]*[,;]\s*registered"#, #"[ \t]*[,;]\s*registered\b"#, #".{0,3}[,;]\s*registered"#,
                       #"(?<![^\s(])(?<first>[^\s(]+)\s+registered"#]
        let patterns = try sources.map { try Pattern($0) }
        let engine = RuleEngine(patterns: patterns)
        let texts = ["\u{1F600}, registered", "a \u{1D400}\u{1F600}; registered b", "\u{1F600}registered ,registered",
                     "x\u{10400}, registered\n\u{1F600}\u{1F600}\u{1F600};registered"]
        var compared = 0
        for string in texts {
            let text = ScanText(string)
            let index = engine.candidates(in: text)
            for pattern in patterns {
                let slot = try XCTUnwrap(engine.slot(of: pattern), pattern.source)
                for start in 0..<min(4, text.count) {
                    let range = NSRange(location: start, length: text.count - start)
                    let cued = pattern.matches(in: text, range: range, candidates: index.positions(of: slot))
                    let scanned = pattern.matches(in: text, range: range)
                    XCTAssertEqual(cued.map(\.range), scanned.map(\.range), "\(pattern.source) in \(string.debugDescription)")
                    compared += scanned.count
                }
            }
        }
        XCTAssertGreaterThan(compared, 10)
    }

    /// Group names and references searched in a bare string (a header value, an addressee list) through the
    /// engine's cues are those a search of the whole string finds: every line of the first lines of the real
    /// corpus's documents and of `Corpus/`, and every example of the rule files.
    func testStringSearchesThroughTheEngineFindWhatFullSearchesFind() throws {
        let pipeline = try TestSupport.pipeline()
        let engine = try XCTUnwrap(pipeline.extract.engine)
        let groups = try XCTUnwrap(pipeline.extract.extractors.lazy.compactMap { $0 as? GroupMentionExtractor }.first)
            .groups
        let references = try XCTUnwrap(pipeline.extract.extractors.lazy.compactMap { $0 as? ReferenceExtractor }.first)
        var strings = try RulePatternCatalog(directory: TestSupport.packageRoot.appendingPathComponent("Pipelines/rules"))
            .examples
        var folders = [TestSupport.packageRoot.appendingPathComponent("Corpus")]
        if let corpus = TestSupport.realCorpus { folders.append(corpus) }
        for folder in folders {
            for url in PatternLiteralsTests.corpusTexts(in: folder) {
                let text = try String(contentsOf: url, encoding: .utf8)
                strings += text.split(separator: "\n").prefix(80).map(String.init)
            }
        }
        var found = 0
        for string in strings {
            let plain = groups.mentions(in: string, inheritWithinLists: true)
            let cued = groups.mentions(in: string, inheritWithinLists: true, engine: engine)
            XCTAssertEqual(cued.map(\.id), plain.map(\.id), string)
            XCTAssertEqual(cued.map(\.range), plain.map(\.range), string)
            let plainReferences = references.mentions(in: string)
            XCTAssertEqual(references.mentions(in: string, engine: engine).map(\.id), plainReferences.map(\.id), string)
            found += plain.count + plainReferences.count
        }
        XCTAssertGreaterThan(found, 500, "group names and references compared")
    }

    /// A document that runs out of time is quarantined with an error naming a rule; the batch goes on.
    func testDocumentOverBudgetIsQuarantinedNamingTheRule() async throws {
        var pipeline = try Self.pipeline()
        var extraction = pipeline.extract
        extraction.budget = ExtractionBudget(secondsPerMB: 0, minimumSeconds: 0)
        let document = try TestSupport.ingest("Title: LS on IMSI\nThe UE shall support TS 23.501.\n", name: "a.txt")
        var diagnostics: [Diagnostic] = []
        XCTAssertThrowsError(try extraction.record(of: AnalyzedDocument(document), diagnostics: &diagnostics)) {
            guard let exceeded = $0 as? ExtractionBudget.Exceeded else { return XCTFail("\($0)") }
            let diagnostic = exceeded.diagnostic(path: "a.txt")
            XCTAssertEqual(diagnostic.id, "extract.budget-exceeded")
            XCTAssertTrue(exceeded.running.contains(".yaml:") || exceeded.running.hasPrefix("extractor"),
                          exceeded.running)
        }
        // Through a run: the document is quarantined, the other one is written.
        pipeline = Pipeline(pipeline, extraction: extraction)
        let result = try await pipeline.run([.document(name: "a.txt", data: Data("The UE shall work.".utf8))])
        XCTAssertEqual(result.quarantined.map(\.id), ["extract.budget-exceeded"])
        XCTAssertEqual(result.quarantined.first?.path, "a.txt")
        // With the default budget the same document passes.
        let normal = try await Self.pipeline().run([.document(name: "a.txt", data: Data("The UE shall work.".utf8))])
        XCTAssertEqual(normal.quarantined.count, 0)
        XCTAssertEqual(normal.documents.count, 1)
    }

    /// A document written on one line finds what the same text finds with a line break after each sentence (the
    /// windows of the engine never depend on line length).
    func testOneLineDocumentFindsWhatTheWrappedOneFinds() throws {
        let pipeline = try Self.pipeline()
        let sentence = "The UE shall support TS 23.501 and RFC 9110 as SA2 asked ITU-T SG11. "
        let oneLine = String(repeating: sentence, count: 2000)
        let wrapped = oneLine.replacingOccurrences(of: ". ", with: ".\n")
        var diagnostics: [Diagnostic] = []
        let long = pipeline.extract.run(AnalyzedDocument(try TestSupport.ingest(oneLine, name: "a.txt")),
                                        diagnostics: &diagnostics)
        let short = pipeline.extract.run(AnalyzedDocument(try TestSupport.ingest(wrapped, name: "b.txt")),
                                         diagnostics: &diagnostics)
        XCTAssertEqual(long.references.count, 4000)
        XCTAssertEqual(long.references.map(\.id), short.references.map(\.id))
        XCTAssertEqual(long.references.map(\.range), short.references.map(\.range))
        XCTAssertEqual(long.references.last?.line, 1)
        XCTAssertEqual(long.requirements.count, short.requirements.count)
    }
}

/// The literal scanner against a naive search: every occurrence of every literal (ASCII letters in either case),
/// overlapping ones included, on random texts over a small alphabet where literals overlap and nest often.
final class LiteralScannerTests: XCTestCase {
    func testScannerFindsWhatNaiveSearchFinds() {
        var generator = SplitMix(seed: 11)
        let alphabet: [UInt8] = Array("abAB -1é".utf8)
        func random(_ length: Int) -> [UInt8] {
            (0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
        }
        func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
        for _ in 0..<300 {
            let literals = (0..<Int(1 + generator.next() % 12)).map { _ in random(Int(1 + generator.next() % 4)) }
            let scanner = LiteralScanner(literals)
            let text = random(Int(generator.next() % 200))
            var found: [[Int]] = []
            text.withUnsafeBufferPointer { bytes in
                scanner.scan(bytes) { literal, start in found.append([Int(literal), start]) }
            }
            var expected: [[Int]] = []
            for (index, literal) in literals.enumerated() {
                for start in 0..<max(0, text.count - literal.count + 1)
                where zip(text[start...], literal).allSatisfy({ fold($0) == fold($1) }) {
                    expected.append([index, start])
                }
            }
            XCTAssertEqual(Set(found), Set(expected), "\(literals) in \(text)")
            XCTAssertEqual(found.count, Set(found).count)
        }
    }

    /// The engine scans only for the cues that can change an answer. A pattern matched only at given positions (a
    /// header label) is compiled but not scanned for, unless some rule also searches for it; a pattern anchored at
    /// the start of its range whose matches start with a cue is answered by its first characters there, and gives
    /// what a search gives; an anchored pattern whose cue lies inside keeps its cues (a range without one is
    /// skipped).
    func testEngineScansOnlyForCuesThatCanChangeAnAnswer() throws {
        let file = RuleFile(path: "x.yaml", kind: "test", node: .scalar(.init("")))
        let label = try file.pattern("(?:Source|From)[ ]*:", rule: "label", line: 1, searched: false)
        let shared = try file.pattern("(?:Title|Subject)[ ]*:", rule: "label", line: 2, searched: false)
        _ = try file.pattern("(?:Title|Subject)[ ]*:", rule: "search", line: 3)
        let anchored = try file.pattern("^(?i:you|them|the\\s+recipients)$", rule: "to", line: 4)
        let inside = try file.pattern("^(?:[A-Z][a-z]+,\\s+)?(?i:please)\\s+\\w+", rule: "please", line: 5)
        let engine = RuleEngine(patterns: RuleLibrary(files: [file]).patterns)
        XCTAssertNil(engine.slot(of: label), "only matched at positions")
        XCTAssertNotNil(engine.slot(of: shared), "also searched for")
        XCTAssertNil(engine.slot(of: anchored), "anchored, matches start with a cue")
        XCTAssertNotNil(engine.slot(of: inside), "anchored, cue inside")
        for text in ["you", "The  recipients", "them all", "Then", "x you", "Please note", "Bob, please send", "Yo"] {
            let scan = ScanText(text)
            let whole = NSRange(location: 0, length: scan.count)
            XCTAssertEqual(anchored.matches(in: scan, range: whole).map(\.range),
                           anchored.matches(in: text).map(\.range), text)
            XCTAssertEqual(anchored.matches(in: scan, range: whole).isEmpty,
                           !["you", "The  recipients"].contains(text), text)
        }
    }

    /// Whether a text's runs are short is what counting every run byte by byte says: on random texts, and on runs
    /// just within and just over the limits, at the start, in the middle and at the end, of white space, of
    /// characters outside ASCII (whose bytes count as white space) and of other characters.
    func testShortRunsAreThoseAPlainCountFinds() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x20, 0x0A, 0x09, 0x0B, 0x0C, 0x0D, 0x41, 0x61, 0x2E, 0xC3, 0xA9, 0xE6, 0x97, 0xA5]
        var texts: [[UInt8]] = [[], [0x20], [0x61], Array("é日 word\t\u{0B}x".utf8),
                                Array(repeating: 0x20, count: 300), Array(repeating: 0x61, count: 300)]
        let space = PatternCues.shortSpaceRun
        let word = PatternCues.shortWordRun
        for (byte, limit) in [(UInt8(0x20), space), (0x0B, space), (0xA9, space), (0x61, word), (0x2E, word)] {
            for length in [limit - 1, limit, limit + 1, limit + 2, 2 * limit + 1, 2 * limit + 2] {
                let run = [UInt8](repeating: byte, count: length)
                let other: [UInt8] = byte == 0x61 || byte == 0x2E ? [0x20] : [0x61]
                for before in [0, 1, limit, limit + 1, 3 * limit] {
                    let prefix = (0..<before).map { $0 % 7 == 6 ? other[0] : (other[0] == 0x20 ? 0x62 : 0x0A) }
                    texts.append(prefix + other + run + other + prefix)
                    texts.append(prefix + run)
                }
            }
        }
        for _ in 0..<200 {
            texts.append((0..<Int.random(in: 0..<400, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            })
        }
        for _ in 0..<300 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 1..<30, using: &generator) {
                let byte = alphabet.randomElement(using: &generator)!
                bytes += Array(repeating: byte, count: Int.random(in: 0..<40, using: &generator))
            }
            texts.append(bytes)
        }
        var long = 0
        for bytes in texts {
            let runs = TestSupport.longestRuns(bytes)
            let expected = runs.space <= space && runs.word <= word
            if !expected { long += 1 }
            XCTAssertEqual(RuleEngine.hasShortRuns(bytes), expected, "\(runs) in \(bytes)")
        }
        XCTAssertGreaterThan(long, 50, "texts with a long run")
        XCTAssertGreaterThan(texts.count - long, 50, "texts with short runs only")
    }
}
