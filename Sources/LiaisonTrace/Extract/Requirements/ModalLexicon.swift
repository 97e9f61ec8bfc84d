import Foundation

/// The force a lexicon keyword gives a sentence: a requirement's modality, or `none`.
enum Modality: String, Codable, Sendable, CaseIterable {
    case mandatory, recommended, optional, prohibited
    case notRecommended = "not-recommended"
    /// A phrase that contains a keyword but is no requirement ("may not" as possibility): it hides what it overlaps.
    case none

    /// The requirement modality it gives (nil for `none`).
    var requirementModality: Requirement.Modality? {
        switch self {
        case .mandatory: return .mandatory
        case .recommended: return .recommended
        case .optional: return .optional
        case .prohibited: return .prohibited
        case .notRecommended: return .notRecommended
        case .none: return nil
        }
    }

    /// Order used when a sentence holds several keywords: the strongest wins.
    var strength: Int {
        switch self {
        case .prohibited: return 5
        case .mandatory: return 4
        case .notRecommended: return 3
        case .recommended: return 2
        case .optional: return 1
        case .none: return 0
        }
    }
}

/// One example of a requirement rule (lexicon, id pattern or exclusion), as written in the rule file: a text alone,
/// or a mapping with what the rule must find.
struct RequirementExample: ExampleSpec {
    /// Text of a one-sentence document.
    var text: String
    /// Class of that document (default: the rule's first class).
    var `class`: DocumentClass?
    /// The keyword the rule must find, as written.
    var keyword: String?
    /// The modality it must give.
    var modality: Modality?
    /// The requirement id it must find (id rules).
    var id: String?
    /// The label it must find (label rules).
    var label: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case text, `class`, keyword, modality, id, label }

    init(from decoder: any Decoder) throws {
        if let text = decoder.plainText() { self.text = text; return }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        text = try container.decode(String.self, forKey: .text)
        `class` = try container.decodeIfPresent(DocumentClass.self, forKey: .class)
        keyword = try container.decodeIfPresent(String.self, forKey: .keyword)
        modality = try container.decodeIfPresent(Modality.self, forKey: .modality)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        label = try container.decodeIfPresent(String.self, forKey: .label)
    }

    var documentClass: DocumentClass? { `class` }

    var expected: [String: [String]] {
        var expected: [String: [String]] = [:]
        expected["keyword"] = keyword.map { [$0] }
        expected["modality"] = modality.map { [$0.rawValue] }
        expected["id"] = id.map { [$0] }
        expected["label"] = label.map { [$0] }
        return expected
    }
}

/// A keyword lexicon of a drafting convention (`lexicons` in a `kind: requirements` rule file), compiled into one
/// pattern per document class whose alternatives are the keywords of that class in the order written.
struct ModalLexicon: Sendable {
    struct Spec: Decodable {
        struct Keyword: Decodable {
            var pattern: String
            var modality: Modality
            var classes: [DocumentClass]?
        }

        var id: String
        var summary: String?
        var classes: [DocumentClass]
        var case_sensitive: Bool?
        var keywords: [Keyword]
        var examples: [Lined<RequirementExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    /// One keyword found in the text.
    struct Hit {
        var range: NSRange
        var modality: Modality
        var lexicon: Int
    }

    /// Rule id, such as `requirement.bcp14`.
    let id: String
    let summary: String?
    /// Document classes it applies to, in the order written.
    let classes: [DocumentClass]
    /// The keyword alternation of each document class: the keywords that apply to it, in the order written (a
    /// keyword of another class must not take a match from one of this class).
    let patterns: [DocumentClass: OrderedAlternation]
    /// For each class, the keyword of each alternative.
    let keywordIndexes: [DocumentClass: [Int]]
    let keywords: [(modality: Modality, classes: Set<DocumentClass>)]
    /// The lexicon's examples.
    let examples: [RuleExample]
    let file: String
    let line: Int

    init(_ spec: Spec, file: RuleFile, line: Int) throws(PipelineError) {
        id = spec.id
        summary = spec.summary
        classes = spec.classes
        guard !spec.keywords.isEmpty else { throw file.error(line: line, rule: spec.id, "has no keywords") }
        guard !spec.classes.isEmpty else { throw file.error(line: line, rule: spec.id, "has no classes") }
        let lexiconClasses = Set(spec.classes)
        let keywords = spec.keywords.map {
            (modality: $0.modality, classes: Set($0.classes ?? spec.classes).intersection(lexiconClasses))
        }
        self.keywords = keywords
        var patterns: [DocumentClass: OrderedAlternation] = [:]
        var keywordIndexes: [DocumentClass: [Int]] = [:]
        var compiled: [[Int]: OrderedAlternation] = [:]
        for documentClass in spec.classes {
            let indexes = spec.keywords.indices.filter { keywords[$0].classes.contains(documentClass) }
            guard !indexes.isEmpty else { continue }
            if compiled[indexes] == nil {
                var failure: PipelineError?
                do {
                    let sources = indexes.map { spec.keywords[$0].pattern }
                    compiled[indexes] = try OrderedAlternation(sources, caseInsensitive: spec.case_sensitive != true) {
                        source in
                        do {
                            return try file.pattern(source, rule: spec.id, line: line, what: "a keyword pattern")
                        } catch {
                            failure = error as? PipelineError
                            throw error
                        }
                    }
                } catch {
                    throw failure ?? file.error(line: line, rule: spec.id, "a keyword pattern does not compile")
                }
            }
            patterns[documentClass] = compiled[indexes]
            keywordIndexes[documentClass] = indexes
        }
        self.patterns = patterns
        self.keywordIndexes = keywordIndexes
        examples = RuleExample.list(spec.examples, spec.counter_examples)
        self.file = file.path
        self.line = line
    }

    /// Whether any keyword applies to documents of `documentClass`.
    func applies(to documentClass: DocumentClass) -> Bool {
        keywords.contains { $0.classes.contains(documentClass) }
    }

    /// Keywords of this lexicon in `range` of a document that apply to `documentClass` (a `none` keyword is kept:
    /// it hides what it overlaps).
    func hits(in context: ExtractionContext, range: NSRange?, documentClass: DocumentClass, index: Int) -> [Hit] {
        guard let alternation = patterns[documentClass], let keywordIndexes = keywordIndexes[documentClass] else {
            return []
        }
        return alternation.matches(in: context, range: range).map { match in
            Hit(range: match.range, modality: keywords[keywordIndexes[match.alternative]].modality, lexicon: index)
        }
    }

    /// The distinct compiled patterns, in the order of the lexicon's classes: each class's alternation, then the
    /// literals of its lookbehinds' bodies that the engine scans for (`OrderedAlternation.bodyCues`).
    var compiledPatterns: [Pattern] {
        var seen = Set<String>()
        return classes.flatMap { documentClass in
            patterns[documentClass].map { [$0.whole] + $0.bodyCues } ?? []
        }.filter { seen.insert($0.source).inserted }
    }
}
