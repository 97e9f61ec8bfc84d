import Foundation
import XCTest
@testable import LiaisonTrace

/// Keyword lexicons tried alternative by alternative, with lookbehinds read backwards (`OrderedAlternation`), give
/// what their one ICU pattern gives, on real documents and on texts built to hit the lookbehinds' edges; classification
/// cues searched branch by branch match where their whole pattern does; and `RegexTree` reads every rule pattern back
/// to its source.
final class OrderedAlternationTests: XCTestCase {
    /// The lexicon alternations of the default pipeline, by lexicon id and class.
    func alternations(_ pipeline: Pipeline) throws -> [(name: String, alternation: OrderedAlternation)] {
        let extractor = try XCTUnwrap(pipeline.extract.extractors.lazy.compactMap { $0 as? RequirementExtractor }.first)
        var result: [(String, OrderedAlternation)] = []
        for lexicon in extractor.lexicons {
            for documentClass in lexicon.classes {
                if let alternation = lexicon.patterns[documentClass] {
                    result.append(("\(lexicon.id) (\(documentClass))", alternation))
                }
            }
        }
        return result
    }

    func testTheLexiconsWithLookbehindsAreTriedInSteps() throws {
        let found = try alternations(TestSupport.pipeline())
        XCTAssertGreaterThan(found.count, 5)
        XCTAssertTrue(found.allSatisfy(\.alternation.hasSteps),
                      found.filter { !$0.alternation.hasSteps }.map(\.name).description)
        // The modal verbs' `none` phrases ("whether ... may", "if ... can") are the lookbehinds the steps are for.
        XCTAssertGreaterThanOrEqual(found.map(\.alternation.lookbehindSteps).max() ?? 0, 5)
        // Their bodies' literals are among the engine's cues, so that the test before a body runs is a look-up.
        let engine = try XCTUnwrap(TestSupport.pipeline().extract.engine)
        let cued = found.map { $0.alternation.bodyCues.count { engine.slot(of: $0) != nil } }
        XCTAssertGreaterThanOrEqual(cued.max() ?? 0, 5, cued.description)
    }

    /// Every text of `texts`, compared lexicon by lexicon, over the whole text and over a window inside it.
    func assertSameMatches(_ texts: [(name: String, text: String)], file: StaticString = #filePath,
                           line: UInt = #line) throws -> Int {
        let pipeline = try TestSupport.pipeline()
        let alternations = try alternations(pipeline)
        var compared = 0
        for (name, text) in texts where !text.isEmpty {
            let analyzed = AnalyzedDocument(try TestSupport.ingest(text, name: name))
            let withEngine = ExtractionContext(analyzed, engine: pipeline.extract.engine)
            let plain = ExtractionContext(analyzed, engine: nil)
            let length = withEngine.length
            let inner = NSRange(location: length / 3, length: length / 3)
            for (lexicon, alternation) in alternations {
                // The engine's cues are found in the whole text (a cue inside a word is none, even at the start of
                // a range), so over a range the steps give what the one pattern gives through the engine.
                for range in [nil, inner] {
                    let steps = alternation.matches(in: withEngine, range: range)
                    let whole = alternation.wholeMatches(in: range == nil ? plain : withEngine, range: range)
                    compared += whole.count
                    XCTAssertEqual(steps, whole, "\(lexicon) on \(name) in \(range.map { "\($0)" } ?? "all")",
                                   file: file, line: line)
                }
            }
        }
        return compared
    }

    func testSameMatchesOnRealDocuments() throws {
        let corpus = try TestSupport.requireRealCorpus()
        var texts: [(String, String)] = []
        for folder in [corpus, TestSupport.packageRoot.appendingPathComponent("Corpus")] {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
            while let url = files?.nextObject() as? URL {
                guard ["txt", "md", "adoc", "eml", "html", "xml"].contains(url.pathExtension),
                      let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                texts.append((url.lastPathComponent, text))
            }
        }
        XCTAssertGreaterThan(texts.count, 20)
        XCTAssertGreaterThan(try assertSameMatches(texts), 1000)
    }

    /// Sentences made of the words the lookbehinds look for, at every distance from the keyword, with multi-byte
    /// characters (surrogate pairs included), punctuation that ends a clause, the start of the text, letters that
    /// ICU's case folding reads as two (the alternation then leaves it all to the one pattern), and the words and
    /// white space that may follow a keyword (what the steps' leading characters judge).
    func testSameMatchesOnBuiltTexts() throws {
        let words = ["whether", "how", "what", "if", "in case", "unless", "so that", "which", "that", "there", "it",
                     "we", "you", "I", "one", "also", "may", "might", "can", "could", "shall", "must", "should",
                     "not", "only", "be", "found", "need to", "requires", "required", "until", "when", "12", "May",
                     "2024", "the", "UE", "é", "😀", ",", ".", ";", "?", "\n", "  ", "-", "'", "ß", "MUST",
                     "SHALL NOT",
                     "is recommended", "optionally", "lead", "result", "if any,", "of", "xmay", "cann",
                     // White space the keywords' `\s+` takes, in and outside ASCII, and what follows a keyword.
                     "\t", "\u{0B}", "\u{A0}", "\u{2003}", "can't", "never", "be needed", "also"]
        var generator = SplitMix(seed: 7)
        var texts: [(String, String)] = []
        for index in 0..<400 {
            var pieces: [String] = []
            for _ in 0..<Int(generator.next() % 90) {
                let word = words[Int(generator.next() % UInt64(words.count))]
                // No fold trap in most texts, so that the steps run.
                if word == "ß", index % 8 != 0 { continue }
                pieces.append(generator.next() % 5 == 0 ? word.uppercased() : word)
            }
            let text = pieces.joined(separator: generator.next() % 3 == 0 ? "" : " ")
            // Ingestion refuses a text of white space only.
            if !text.allSatisfy(\.isWhitespace) { texts.append(("built-\(index).txt", text)) }
        }
        XCTAssertGreaterThan(try assertSameMatches(texts), 500)
    }

    // MARK: - Classification cues by branch

    /// A classification cue written as alternatives matches a text exactly when one of its branches does, over the
    /// whole text and over its first lines, with the engine's cues (each branch has its own).
    func testCueBranchesMatchWhereTheWholePatternMatches() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let pipeline = try TestSupport.pipeline()
        let classifier = try XCTUnwrap(pipeline.extract.extractors.lazy.compactMap { $0 as? DocumentClassifier }.first)
        let split = classifier.rules.cues.filter { !$0.branches.isEmpty }
        XCTAssertGreaterThan(split.count, 5)
        var texts: [String] = []
        for folder in [corpus, TestSupport.packageRoot.appendingPathComponent("Corpus")] {
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)
            while let url = files?.nextObject() as? URL {
                guard ["txt", "md", "adoc", "eml", "html", "xml"].contains(url.pathExtension),
                      let text = try? String(contentsOf: url, encoding: .utf8), !text.isEmpty else { continue }
                texts.append(text)
            }
        }
        var matched = 0
        for text in texts {
            let context = ExtractionContext(AnalyzedDocument(try TestSupport.ingest(text, name: "doc.txt")),
                                            engine: pipeline.extract.engine)
            let head = NSRange(location: 0, length: min(context.length, 1500))
            for cue in split {
                for range in [nil, head] {
                    let whole = cue.pattern.hasMatch(in: context, range: range)
                    XCTAssertEqual(cue.branches.contains { $0.hasMatch(in: context, range: range) }, whole,
                                   "\(cue.id) on \(text.prefix(60).debugDescription)")
                    if whole { matched += 1 }
                }
            }
        }
        XCTAssertGreaterThan(matched, 20)
    }

    // MARK: - RegexTree

    /// Every pattern of the default rules reads back to its source, and most are read.
    func testRegexTreeReadsEveryRulePatternBack() throws {
        let sources = Set(try TestSupport.pipeline().extract.rules.flatMap(\.patterns)).sorted()
        XCTAssertGreaterThan(sources.count, 100)
        var read = 0
        for source in sources {
            guard let tree = RegexTree(source) else { continue }
            read += 1
            XCTAssertEqual(tree.source, source)
        }
        XCTAssertGreaterThan(Double(read), Double(sources.count) * 0.9, "read \(read) of \(sources.count)")
    }

    func testReversedPatternsMatchReversedTexts() throws {
        func reversedMatch(_ source: String, _ text: String) throws -> String? {
            let tree = try XCTUnwrap(RegexTree(source))
            let reversed = try XCTUnwrap(tree.reversed, source)
            let units = Array(String(text.reversed()).utf16)
            return units.withUnsafeBufferPointer { buffer in
                try? Pattern(reversed.source).lookingAt(units: buffer, start: 0, end: buffer.count, jit: false)
            }.map { String(String(text.reversed()).utf16.prefix($0.range.length))! }.map { String($0.reversed()) }
        }
        XCTAssertEqual(try reversedMatch("(?:^|[^A-Za-z0-9_])(?:if|in\\s{1,4}case)\\s[^.]{0,20}may",
                                         "The UE, in  case the cell is barred, may"),
                       " in  case the cell is barred, may")
        XCTAssertEqual(try reversedMatch("(?:^|[^A-Za-z0-9_])(?:if|in\\s{1,4}case)\\s[^.]{0,20}may", "if it may"),
                       "if it may")
        XCTAssertNil(try reversedMatch("(?:^|[^A-Za-z0-9_])(?:if|in\\s{1,4}case)\\s[^.]{0,20}may", "If. it may"))
        XCTAssertEqual(try reversedMatch("\\bab(?<n>c|de)?", "xx abde"), "abde")
        XCTAssertEqual(try reversedMatch("😀é+", "a😀éé"), "😀éé")
        // Constructs that read differently backwards have no reverse.
        for source in ["a(?=b)", "a$", "(?>ab|a)b", "a++", "(?m)^a", "(?i)a", "a\\X", "\\R"] {
            XCTAssertNil(RegexTree(source)?.reversed, source)
        }
        XCTAssertEqual(RegexTree("(?:whether|how)\\s(?i:x)*?")?.literalStrings(), nil)
        XCTAssertEqual(RegexTree("requires?")?.literalStrings()?.map { String(String.UnicodeScalarView($0)) },
                       ["requires", "require"])
        XCTAssertEqual(RegexTree("(?:can|may)??")?.literalStrings()?.map { String(String.UnicodeScalarView($0)) },
                       ["", "can", "may"])
    }
}
