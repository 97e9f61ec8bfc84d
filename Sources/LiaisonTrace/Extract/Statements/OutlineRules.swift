import Foundation

/// How a text is cut into sentences and headings, from the `sentences` and `outline` of the `kind: statements` rule
/// file: the abbreviations after which a sentence goes on, the function words after which a line goes on, and the
/// patterns of clause numbers, annexes, table-of-contents lines, heading markup and informative markers. Compiled
/// once by `Extraction` and handed to every `ExtractionContext`; with no such file the lists are empty and no heading
/// is recognized in plain text.
public struct OutlineRules: Sendable {
    static let ruleKinds = ["statements"]

    /// A word list as written, with examples of the sentences it makes.
    struct WordListSpec: Decodable {
        var summary: String?
        var words: [String]
        var examples: [Lined<SentencesExample>]?
    }

    /// An example of how a text is cut into sentences.
    struct SentencesExample: ExampleSpec {
        var text: String
        var sentences: [String]

        var expected: [String: [String]] { ["sentences": sentences] }
    }

    struct SentencesSpec: Decodable {
        var abbreviations: Lined<WordListSpec>?
        var function_words: Lined<WordListSpec>?
    }

    struct OutlineSpec: Decodable {
        var numbered: Lined<PatternRuleSpec>?
        var annex: Lined<PatternRuleSpec>?
        var toc_entry: Lined<PatternRuleSpec>?
        var markup: Lined<PatternRuleSpec>?
        var informative: Lined<PatternRuleSpec>?
    }

    /// A compiled word list.
    struct WordList: Sendable {
        let id: String
        let summary: String?
        let words: Set<String>
        let examples: [RuleExample]
        let file: String
        let line: Int
    }

    /// Abbreviations (lower case, with their period) after which a sentence goes on.
    var abbreviations: Set<String> { abbreviationList?.words ?? [] }
    /// The abbreviations of up to eight ASCII characters, packed (`packedASCII`): asked after nearly every sentence,
    /// a set of strings cost a string and its hash each time.
    private var packedAbbreviations: Set<UInt64> = []
    /// Whether an abbreviation does not pack (longer than eight units, or not ASCII): words that do not pack are
    /// then asked of the string set.
    private var hasLongAbbreviations = false

    /// Whether `word` (with its period) is one of the abbreviations, in any case.
    func isAbbreviation(_ word: some Collection<UInt16>) -> Bool {
        if let key = Self.packedASCII(word) { return packedAbbreviations.contains(key) }
        guard hasLongAbbreviations || word.contains(where: { $0 >= 0x80 }) else { return false }
        return abbreviations.contains(String(decoding: word, as: UTF16.self).lowercased())
    }

    /// Up to eight ASCII units, lower-cased (as `lowercased()` does to ASCII), one byte each: nil for longer or
    /// non-ASCII words. No unit is 0 in a word, so two words never pack alike.
    static func packedASCII(_ word: some Collection<UInt16>) -> UInt64? {
        guard word.count <= 8 else { return nil }
        var key: UInt64 = 0
        for unit in word {
            guard unit < 0x80, unit != 0 else { return nil }
            let folded = unit >= 0x41 && unit <= 0x5A ? unit + 0x20 : unit
            key = key << 8 | UInt64(folded)
        }
        return key
    }
    /// Words (lower case) after which a line goes on.
    var functionWords: Set<String> { functionWordList?.words ?? [] }
    /// "2.1 Title": groups `number` and `title`.
    var numbered: Pattern? { numberedRule?.pattern }
    /// "Annex A (informative): Title": groups `number` and `title`.
    var annex: Pattern? { annexRule?.pattern }
    /// A page number ending a table-of-contents line.
    var tocEntry: Pattern? { tocEntryRule?.pattern }
    /// Heading markup at the start of a title ("== ", "# ").
    var markup: Pattern? { markupRule?.pattern }
    /// What marks a section informative.
    var informativeMarker: Pattern? { informativeRule?.pattern }

    private var abbreviationList: WordList?
    private var functionWordList: WordList?
    private var numberedRule: PatternRule?
    private var annexRule: PatternRule?
    private var tocEntryRule: PatternRule?
    private var markupRule: PatternRule?
    private var informativeRule: PatternRule?

    /// No rules: no abbreviations, no function words, no headings recognized in plain text.
    public init() {}

    /// Compiles the `sentences` and `outline` of the library's `kind: statements` file.
    public init(rules library: RuleLibrary) throws(PipelineError) {
        guard let file = library.files(ofKind: "statements").first else { return }
        let decoded = try file.decodeStrictly(StatementVocabulary.FileSpec.self)
        func words(_ item: Lined<WordListSpec>?, _ id: String) -> WordList? {
            item.map { item in
                WordList(id: id, summary: item.value.summary, words: Set(item.value.words.map { $0.lowercased() }),
                         examples: RuleExample.list(item.value.examples, nil), file: file.path, line: item.line)
            }
        }
        abbreviationList = words(decoded.sentences?.abbreviations, "statement.sentence.abbreviations")
        for word in abbreviations {
            if let key = Self.packedASCII(Array(word.utf16)) {
                packedAbbreviations.insert(key)
            } else {
                hasLongAbbreviations = true
            }
        }
        functionWordList = words(decoded.sentences?.function_words, "statement.sentence.function-words")
        func rule(_ item: Lined<PatternRuleSpec>?, _ id: String,
                  groups: [String] = []) throws(PipelineError) -> PatternRule? {
            guard let item else { return nil }
            let rule = try PatternRule(item.value, id: id, file: file, line: item.line)
            for name in groups where !rule.pattern.groupNames.contains(name) {
                throw file.error(line: item.line, rule: rule.id, "pattern needs a group named '\(name)'")
            }
            return rule
        }
        let outline = decoded.outline
        numberedRule = try rule(outline?.numbered, "statement.outline.numbered", groups: ["number", "title"])
        annexRule = try rule(outline?.annex, "statement.outline.annex", groups: ["number", "title"])
        tocEntryRule = try rule(outline?.toc_entry, "statement.outline.toc-entry")
        markupRule = try rule(outline?.markup, "statement.outline.markup")
        informativeRule = try rule(outline?.informative, "statement.outline.informative")
    }

    /// The word lists (run on examples read as documents: the sentences they are cut into) and the outline patterns.
    var ruleDescriptions: [RuleDescription] {
        let lists = [abbreviationList, functionWordList].compactMap { $0 }.map { list in
            RuleDescription(id: list.id, kind: "statements", summary: list.summary, file: list.file, line: list.line,
                            patterns: [], examples: list.examples) { _, input in
                let start = input.documentStart
                let sentences = input.context.sentences.filter { $0.location >= start }
                let texts = sentences.map { DocumentOutline.collapsed(input.context, $0) }
                return RuleOutcome(values: ["sentences": texts], spans: sentences.map { input.span(inDocument: $0) })
            }
        }
        let patterns = [numberedRule, annexRule, tocEntryRule, markupRule, informativeRule].compactMap { $0 }
        return lists + patterns.map { $0.description(kind: "statements") }
    }
}
