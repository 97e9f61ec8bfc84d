import Foundation
import XCTest
@testable import LiaisonTrace

/// The fast forms of `\b` (`WordBoundary.rewrite`) against the general form, on every rule pattern.
final class WordBoundaryTests: XCTestCase {
    func testRewriteChoosesTheOneSidedFormsWhereThePatternTellsTheSide() {
        XCTAssertEqual(WordBoundary.rewrite(#"\bRFC\s?\d{1,5}\b"#),
                       WordBoundary.beforeWord + #"RFC\s?\d{1,5}"# + WordBoundary.afterWord)
        XCTAssertEqual(WordBoundary.rewrite(#"\b(?:3GPP\s)?(?<type>TS|TR)\b"#),
                       WordBoundary.general + #"(?:3GPP\s)?(?<type>TS|TR)"# + WordBoundary.afterWord)
        XCTAssertEqual(WordBoundary.rewrite(#"\b(?i:shall|must)\b"#),
                       WordBoundary.beforeWord + "(?i:shall|must)" + WordBoundary.afterWord)
        // An optional first atom, a class with punctuation, a group ending in an optional part: general form.
        XCTAssertEqual(WordBoundary.rewrite(#"\ba?-"#), WordBoundary.general + "a?-")
        XCTAssertEqual(WordBoundary.rewrite(#"[A-Z.]\b"#), "[A-Z.]" + WordBoundary.general)
        XCTAssertEqual(WordBoundary.rewrite(#"(?:ab|c-)\b"#), "(?:ab|c-)" + WordBoundary.general)
        // Inside a class, \b stays (a backspace there).
        XCTAssertEqual(WordBoundary.rewrite(#"[\b]"#), #"[\b]"#)
    }

    func testAsciiCaseSpellsLettersOfCaseInsensitivePartsAsClasses() {
        XCTAssertEqual(AsciiCase.rewrite("(?i:may|can)\\s+not", caseInsensitive: false),
                       "(?i:[mM][aA][yY]|[cC][aA][nN])\\s+not")
        XCTAssertEqual(AsciiCase.rewrite("Re:", caseInsensitive: true), "[rR][eE]:")
        // A flag setting lasts to the end of its group; `(?-i:` turns it off; classes keep their spelling.
        XCTAssertEqual(AsciiCase.rewrite("(?:a(?i)b)c", caseInsensitive: false), "(?:a(?i)[bB])c")
        XCTAssertEqual(AsciiCase.rewrite("(?-i:TS)[a-z]", caseInsensitive: true), "(?-i:TS)[a-z]")
        // Not read safely: left as written.
        XCTAssertEqual(AsciiCase.rewrite("(?:a(?i)b|c)", caseInsensitive: false), "(?:a(?i)b|c)")
        XCTAssertEqual(AsciiCase.rewrite("(?i:é)", caseInsensitive: false), "(?i:é)")
        XCTAssertEqual(AsciiCase.rewrite("(?i:a\\Qb\\E)", caseInsensitive: false), "(?i:a\\Qb\\E)")
        // Alternatives sharing a first character are tried together, within a run of such alternatives, in order.
        XCTAssertEqual(AsciiCase.rewrite("(?i:define|describe|provide)", caseInsensitive: false),
                       "(?i:[dD](?:[eE][fF][iI][nN][eE]|[eE][sS][cC][rR][iI][bB][eE])|[pP][rR][oO][vV][iI][dD][eE])")
        XCTAssertEqual(AsciiCase.rewrite("(?i:ab|x?c|ad|a)", caseInsensitive: false),
                       "(?i:[aA][bB]|[xX]?[cC]|[aA][dD]|[aA])")
        XCTAssertEqual(AsciiCase.rewrite("(?i:TS|Tr)x", caseInsensitive: false), "(?i:[tT](?:[sS]|[rR]))x")
        // The two forms differ only through the characters ICU folds to ASCII letters, which are boundary traps.
        let pattern = try! Pattern("(?i:strasse)", caseInsensitive: false, origin: "a test", foldedAfter: 0)
        XCTAssertEqual(pattern.matches(in: "Die STRASSE").count, 1)
        XCTAssertEqual(pattern.matches(in: "Die Straße").count, 1)
    }

    func testTopLevelAlternation() {
        XCTAssertTrue(WordBoundary.hasTopLevelAlternation("^a|b"))
        XCTAssertFalse(WordBoundary.hasTopLevelAlternation("^(?:a|b)c"))
        XCTAssertFalse(WordBoundary.hasTopLevelAlternation(#"^[a|b]\|"#))
        // A start-anchored pattern skips texts whose first character cannot start it, and only those.
        let anchored = try! Pattern("^(?:Annex|[0-9])x")
        XCTAssertTrue(anchored.matches(in: "7x").count == 1)
        XCTAssertTrue(anchored.matches(in: "Annexx").count == 1)
        XCTAssertTrue(anchored.matches(in: "b7x").isEmpty)
        let alternation = try! Pattern("^a|b")
        XCTAssertEqual(alternation.matches(in: "cb").count, 1)
    }

    /// Every rule pattern finds the same matches, with the same groups, in its fast form (ASCII `\b`, letters of
    /// case-insensitive parts as classes: `AsciiCase`) as in the form ICU reads as written, on real texts and on
    /// texts with non-ASCII letters right next to identifiers and with boundary traps (ß, ligatures, non-ASCII
    /// digits).
    func testEveryRulePatternMatchesAsWithTheGeneralForm() throws {
        let catalog = try RulePatternCatalog(directory: TestSupport.packageRoot.appendingPathComponent("Pipelines/rules"))
        var texts = catalog.examples
        let neighbours = ["é", "日", "ß", "ﬁ", "٣", "K", "ſ", "_", "x", "9"]
        for (index, example) in catalog.examples.enumerated() {
            let neighbour = neighbours[index % neighbours.count]
            texts.append(neighbour + example + neighbour)
            texts.append(example.replacingOccurrences(of: " ", with: " " + neighbour))
        }
        if let real = TestSupport.realCorpus {
            for url in PatternLiteralsTests.corpusTexts(in: real).prefix(12) {
                if let text = try? String(contentsOf: url, encoding: .utf8) { texts.append(text) }
            }
        }
        let scans = texts.map(ScanText.init)
        XCTAssertTrue(scans.contains { $0.hasBoundaryTraps })
        XCTAssertTrue(scans.contains { !$0.hasBoundaryTraps && !$0.isASCII })
        var compared = 0
        var rewritten = 0
        var caseRewritten = 0
        for entry in catalog.compiled {
            guard let pattern = try? Pattern(entry.source, caseInsensitive: entry.caseInsensitive,
                                             origin: entry.origin, foldedAfter: 0),
                  let reference = try? Pattern(WordBoundary.legacy(entry.source),
                                               caseInsensitive: entry.caseInsensitive, origin: entry.origin,
                                               foldedAfter: nil) else { continue }
            if WordBoundary.rewrite(entry.source) != WordBoundary.legacy(entry.source) { rewritten += 1 }
            if AsciiCase.rewrite(entry.source, caseInsensitive: entry.caseInsensitive) != entry.source {
                caseRewritten += 1
            }
            for scan in scans {
                let found = pattern.matches(in: scan)
                let expected = reference.matches(in: scan)
                compared += expected.count
                guard found.map(\.range) == expected.map(\.range),
                      found.map(\.groups) == expected.map(\.groups) else {
                    XCTFail("\(entry.origin): '\(entry.source)' differs on \(scan.string.prefix(80).debugDescription)")
                    return
                }
            }
        }
        print("WordBoundary: \(rewritten) of \(catalog.compiled.count) patterns rewritten (\(caseRewritten) with "
              + "letters as classes), \(compared) matches compared")
        XCTAssertGreaterThan(rewritten, 100)
        XCTAssertGreaterThan(caseRewritten, 50)
        XCTAssertGreaterThan(compared, 1_000)
    }
}
