import Foundation

/// Finds requirement sentences and their modality with the keyword lexicons of the `kind: requirements` rule
/// files, choosing the lexicons by the document's class (BCP 14 upper case in IETF documents; modal verbs and
/// ITU-T phrases in deliverables; the firm ones in liaisons). One item per sentence (a sentence ending with a
/// colon takes the list that follows), with the strongest keyword; requirement numbers and labels at the start
/// become `id` and `label`. Headings, questions, keyword definitions, NOTEs, quoted keywords and sentences in
/// references, contents and boilerplate sections are not requirements.
public struct RequirementExtractor: Extractor {
    public static let description = ExtractorDescription(
        id: "requirements", summary: "Requirement sentences with modality (BCP 14, modal verbs, ITU-T phrases)")

    /// A pattern with an id that applies to the start of a sentence (ids, labels) or to a whole sentence
    /// (exclusions).
    struct SentenceRule: Sendable {
        let id: String
        let summary: String?
        let pattern: Pattern
        let classes: Set<DocumentClass>?
        /// Matched on the sentence's line up to the sentence end, not on the sentence alone.
        let onLine: Bool
        let examples: [RuleExample]
        let file: String
        let line: Int
    }

    /// A `kind: requirements` rule file as written.
    struct FileSpec: Decodable {
        var skip_informative: Bool?
        var lexicons: [Lined<ModalLexicon.Spec>]?
        var ids: [Lined<SentenceRuleSpec>]?
        var exclusions: [Lined<SentenceRuleSpec>]?
    }

    struct SentenceRuleSpec: Decodable {
        var id: String
        var summary: String?
        var pattern: String
        var classes: [DocumentClass]?
        var line: Bool?
        var examples: [Lined<RequirementExample>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    /// Keyword lexicons in rule-file order.
    let lexicons: [ModalLexicon]
    /// Id and label patterns.
    let idRules: [SentenceRule]
    /// Exclusions.
    let exclusions: [SentenceRule]
    /// Whether sentences in informative sections (ITU-T appendices, "(informative)" annexes) are skipped.
    let skipInformative: Bool
    /// The shared vocabulary; nil when the pipeline has no rule file of this extractor's kind (it then finds nothing).
    let vocabulary: StatementVocabulary?

    /// The rule-file kinds it reads.
    public static let ruleKinds = ["requirements", "statements"]

    public init(rules library: RuleLibrary) throws(PipelineError) {
        vocabulary = library.files(ofKind: "requirements").isEmpty ? nil : try StatementVocabulary(rules: library)
        var lexicons: [ModalLexicon] = []
        var idRules: [SentenceRule] = []
        var exclusions: [SentenceRule] = []
        var seen: [String: String] = [:]
        func checkUnique(_ id: String, _ file: RuleFile, _ line: Int) throws(PipelineError) {
            if let other = seen[id] { throw file.error(line: line, rule: id, "duplicate rule id (also in \(other))") }
            seen[id] = file.path
        }
        func sentenceRule(_ item: Lined<SentenceRuleSpec>, _ file: RuleFile) throws(PipelineError) -> SentenceRule {
            let (spec, line) = (item.value, item.line)
            try checkUnique(spec.id, file, line)
            let pattern = try file.pattern(spec.pattern, rule: spec.id, line: line)
            return SentenceRule(id: spec.id, summary: spec.summary, pattern: pattern,
                                classes: spec.classes.map(Set.init), onLine: spec.line ?? false,
                                examples: RuleExample.list(spec.examples, spec.counter_examples),
                                file: file.path, line: line)
        }
        var skipInformative = false
        for file in library.files(ofKind: "requirements") {
            let decoded = try file.decodeStrictly(FileSpec.self)
            skipInformative = skipInformative || decoded.skip_informative == true
            for item in decoded.lexicons ?? [] {
                try checkUnique(item.value.id, file, item.line)
                lexicons.append(try ModalLexicon(item.value, file: file, line: item.line))
            }
            for item in decoded.ids ?? [] {
                let rule = try sentenceRule(item, file)
                let names = rule.pattern.groupNames
                guard names.contains("id") || names.contains("label") else {
                    throw file.error(line: item.line, rule: rule.id,
                                     "an id pattern needs a group named 'id' or 'label'")
                }
                idRules.append(rule)
            }
            for item in decoded.exclusions ?? [] {
                exclusions.append(try sentenceRule(item, file))
            }
        }
        self.lexicons = lexicons
        self.idRules = idRules
        self.exclusions = exclusions
        self.skipInformative = skipInformative
    }

    public func extract(from context: ExtractionContext, into record: inout DocumentRecord,
                        diagnostics: inout [Diagnostic]) {
        guard !lexicons.isEmpty else { return }
        guard let vocabulary else { return }
        let scan = StatementScan(context: context, record: record, vocabulary: vocabulary)
        record.requirements += requirements(in: scan)
    }

    /// The requirements of a scanned document.
    func requirements(in scan: StatementScan) -> [Requirement] {
        let context = scan.context
        // Every keyword of every applicable lexicon, over the whole text at once, in text order.
        var hits: [ModalLexicon.Hit] = []
        for (index, lexicon) in lexicons.enumerated() where lexicon.applies(to: scan.documentClass) {
            hits += lexicon.hits(in: context, range: nil, documentClass: scan.documentClass, index: index)
        }
        guard !hits.isEmpty else { return [] }
        hits.sort { $0.range.location < $1.range.location }

        let quoted = Self.quotedSpans(context.scan, resets: context.blocks.map(\.range.location))
        var result: [Requirement] = []
        let statements = scan.statements
        var index = 0
        while index < statements.count {
            defer { index += 1 }
            let statement = statements[index]
            if scan.isSkipped(statement) { continue }
            if skipInformative, statement.section.map({ scan.outline.headings[$0].isInformative }) == true { continue }
            let last = scan.listEnd(after: index)
            var range = scan.range(from: index, to: last)
            guard let chosen = strongest(hits, in: range, quoted: quoted, scan: scan),
                  !isExcluded(statement, scan) else { continue }
            index = last
            var id: String?
            var label: String?
            if let match = idMatch(statement, scan) {
                if let group = match.groups["id"] { id = context.string(group) }
                if let group = match.groups["label"] {
                    label = DocumentOutline.collapse(context.string(group).replacingOccurrences(of: "*", with: ""))
                }
                let end = NSMaxRange(range)
                if NSMaxRange(match.range) < end {
                    let start = NSMaxRange(match.range)
                    range = context.trim(NSRange(location: start, length: end - start))
                }
            }
            var requirement = Requirement(
                id: id, modality: chosen.hit.modality.rawValue, keyword: DocumentOutline.collapse(chosen.keyword),
                text: scan.text(range), at: context.provenance(range, rule: lexicons[chosen.hit.lexicon].id))
            requirement.label = label
            result.append(requirement)
        }
        return result
    }

    /// Whether an exclusion applies to the statement.
    func isExcluded(_ statement: DocumentOutline.Statement, _ scan: StatementScan) -> Bool {
        exclusions.contains { rule in
            if let classes = rule.classes, !classes.contains(scan.documentClass) { return false }
            var range = statement.range
            if rule.onLine {
                // From the start of the line, at most a window's length (the line of a one-line document is long).
                let start = scan.context.lineStart(at: range.location)
                let end = min(NSMaxRange(range), start + PatternCues.windowCap)
                range = NSRange(location: start, length: end - start)
            }
            return !rule.pattern.matches(in: scan.context, range: range).isEmpty
        }
    }

    /// The first id or label pattern that matches at the start of the statement.
    func idMatch(_ statement: DocumentOutline.Statement, _ scan: StatementScan) -> PatternMatch? {
        for rule in idRules {
            for range in [statement.sentence, statement.range] {
                if let match = rule.pattern.matches(in: scan.context, range: range).first,
                   match.range.location == range.location {
                    return match
                }
            }
        }
        return nil
    }

    /// The strongest keyword in `range`: overlapping hits keep the longest; keywords in quotation marks and the
    /// `none` phrases drop out.
    func strongest(_ hits: [ModalLexicon.Hit], in range: NSRange, quoted: [NSRange], scan: StatementScan)
        -> (hit: ModalLexicon.Hit, keyword: String)? {
        var inside = hits.elements(within: range) { $0.range }
        guard !inside.isEmpty else { return nil }
        inside.sort { $0.range.length != $1.range.length ? $0.range.length > $1.range.length
            : $0.range.location < $1.range.location }
        var kept: [ModalLexicon.Hit] = []
        for hit in inside where !kept.contains(where: { NSIntersectionRange($0.range, hit.range).length > 0 }) {
            kept.append(hit)
        }
        let real = kept.filter { hit in hit.modality != .none && !Self.isQuoted(hit.range, quoted) }
        guard let best = real.max(by: { ($0.modality.strength, -$0.range.location)
            < ($1.modality.strength, -$1.range.location) }) else { return nil }
        return (best, scan.context.string(best.range))
    }

    /// Spans between paired double quotes, and between single quotes that open after a space or bracket and close
    /// before a non-letter (so that "FG-MV's" is no quote). A quotation may run over several sentences; an
    /// unclosed one ends at a blank line or at the start of a block (`resets`).
    static func quotedSpans(_ text: ScanText, resets: [Int]) -> [NSRange] {
        var spans: [NSRange] = []
        var openDouble: Int?
        var openSingle: Int?
        let resets = resets.sorted()
        var nextReset = 0
        let length = text.length
        let units = text.units
        var previous: UInt16 = 0x0A
        for index in 0..<length {
            let unit = units[index]
            var isReset = false
            while nextReset < resets.count, resets[nextReset] <= index {
                if resets[nextReset] == index { isReset = true }
                nextReset += 1
            }
            if isReset || (unit == 0x0A && previous == 0x0A) {
                openDouble = nil
                openSingle = nil
            }
            if unit == 0x22 {
                if let open = openDouble {
                    spans.append(NSRange(location: open, length: index + 1 - open))
                    openDouble = nil
                } else {
                    openDouble = index
                }
            } else if unit == 0x27 {
                let after: UInt16 = index + 1 < length ? units[index + 1] : 0x20
                if openSingle == nil, [0x20, 0x0A, 0x28, 0x5B].contains(previous) {
                    openSingle = index
                } else if let open = openSingle, !SentenceSegmenter.isLetterOrDigit(after) {
                    spans.append(NSRange(location: open, length: index + 1 - open))
                    openSingle = nil
                }
            }
            previous = unit
        }
        return spans.sorted { $0.location < $1.location }
    }

    /// Whether `range` lies inside one of the sorted `spans`.
    static func isQuoted(_ range: NSRange, _ spans: [NSRange]) -> Bool {
        let low = spans.partitionPoint { $0.location <= range.location }
        // Spans do not nest much; look back a few.
        var index = low - 1
        while index >= 0, index >= low - 4 {
            if NSMaxRange(spans[index]) >= NSMaxRange(range) { return true }
            index -= 1
        }
        return false
    }
}
