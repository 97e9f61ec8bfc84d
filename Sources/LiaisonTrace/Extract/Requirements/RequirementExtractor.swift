import Foundation

/// Finds requirement sentences and their modality with the keyword lexicons of the `kind: requirements` rule
/// files, choosing the lexicons by the document's class (BCP 14 upper case in IETF documents; modal verbs and
/// ITU-T phrases in deliverables; the firm ones in liaisons). One item per sentence (a sentence ending with a
/// colon takes the list that follows), with the strongest keyword; requirement numbers and labels at the start
/// become `id` and `label`. Headings, questions, keyword definitions, NOTEs, keywords in quoted titles and terms
/// (a sentence a liaison quotes from a specification counts) and sentences in references, contents and boilerplate sections are not requirements.
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
        let actions = record.actions.map { action -> NSRange in
            let start = context.location(forSource: action.range.start)
            return NSRange(location: start, length: max(0, context.location(forSource: action.range.end) - start))
        }
        record.requirements += requirements(in: scan, actions: actions)
    }

    /// The requirements of a scanned document. `actions` are the ranges of its actions: a sentence that asks its
    /// addressees for something ("asks FG-MV to provide its views on which protocols should be mapped") states no
    /// requirement.
    func requirements(in scan: StatementScan, actions: [NSRange] = []) -> [Requirement] {
        let actions = actions.sorted { $0.location < $1.location }
        let context = scan.context
        // Every keyword of every applicable lexicon, over the whole text at once, in text order.
        var hits: [ModalLexicon.Hit] = []
        for (index, lexicon) in lexicons.enumerated() where lexicon.applies(to: scan.documentClass) {
            hits += lexicon.hits(in: context, range: nil, documentClass: scan.documentClass, index: index)
        }
        guard !hits.isEmpty else { return [] }
        hits.sort { $0.range.location < $1.range.location }

        // A liaison that quotes a sentence of a specification conveys its requirement, and so does a block quotation
        // (a change request quoting the clause it changes); a deliverable that quotes another specification inside
        // a sentence (a comparison, a survey) does not make it its own.
        let quoted = Self.quotedSpans(context.scan, resets: context.blocks.map(\.range.location),
                                      inlineStatementsCount: scan.documentClass == .liaison)
        var result: [Requirement] = []
        let statements = scan.statements
        var index = 0
        while index < statements.count {
            defer { index += 1 }
            let statement = statements[index]
            if scan.isSkipped(statement) { continue }
            if skipInformative, statement.section.map({ scan.outline.headings[$0].isInformative }) == true { continue }
            // Actions do not overlap: the last one starting before the sentence ends is the one that could.
            let after = actions.partitionPoint { $0.location < NSMaxRange(statement.range) }
            if after > 0, NSMaxRange(actions[after - 1]) > statement.range.location { continue }
            var last = scan.listEnd(after: index)
            // A list completes its lead-in only when the lead-in holds a keyword and the items go on in lower case
            // ("The device shall:" "- be able to ..."); otherwise the lead-in and each item are read on their own.
            if last > index, !continuesLeadIn(index, scan)
                || strongest(hits, in: statement.range, quoted: quoted, scan: scan) == nil {
                last = index
            }
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
            guard let modality = chosen.hit.modality.requirementModality else { continue }
            var requirement = Requirement(
                id: id, modality: modality, keyword: DocumentOutline.collapse(chosen.keyword),
                text: scan.text(range), at: context.provenance(range, rule: lexicons[chosen.hit.lexicon].id))
            requirement.label = label
            result.append(requirement)
        }
        return result
    }

    /// Whether the list item after statement `index` starts in lower case, so that it goes on with its lead-in.
    func continuesLeadIn(_ index: Int, _ scan: StatementScan) -> Bool {
        guard index + 1 < scan.statements.count,
              let first = scan.statements[index + 1].text.unicodeScalars.first(where: \.properties.isAlphabetic)
        else { return false }
        return first.properties.isLowercase
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
                if let match = rule.pattern.firstMatch(in: scan.context, range: range),
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
    /// before a non-letter (so that "FG-MV's" is no quote), that cite a title, a term or a phrase. A quotation may
    /// run over several sentences; an unclosed one ends at a blank line or at the start of a block (`resets`).
    /// In a liaison, a quoted statement (a sentence quoted from a specification: at least `statementWords` words
    /// ending with a full stop, or running over a line break) is no citation: its requirements count.
    /// `inlineStatementsCount`: a quoted statement inside a sentence counts too (liaisons); otherwise only one that
    /// opens a line (a block quotation) does.
    static func quotedSpans(_ text: ScanText, resets: [Int], inlineStatementsCount: Bool = true) -> [NSRange] {
        quotations(text, resets: resets).filter { span in
            guard isQuotedStatement(span, text) else { return true }
            return !(inlineStatementsCount || opensLine(span.location, text))
        }
    }

    /// Whether only spaces and tabs stand between the start of the line and `location`.
    static func opensLine(_ location: Int, _ text: ScanText) -> Bool {
        let start = max(0, location - 80)
        let before = text.units(NSRange(location: start, length: location - start))
        for unit in before.reversed() {
            if unit == 0x0A { return true }
            if unit != 0x20, unit != 0x09 { return false }
        }
        return start == 0
    }

    /// Words from which a quotation ending with a full stop is a quoted statement.
    static let statementWords = 6

    static func isQuotedStatement(_ span: NSRange, _ text: ScanText) -> Bool {
        guard span.length > 2 else { return false }
        let units = text.units(NSRange(location: span.location + 1, length: span.length - 2))
        if units.contains(0x0A) { return true }
        var last = units.count - 1
        while last >= 0, units[last] == 0x20 { last -= 1 }
        guard last >= 0, [0x2E, 0x21, 0x3B].contains(units[last]) else { return false }
        var words = 0
        var inWord = false
        for unit in units {
            let space = unit == 0x20 || unit == 0x09
            if !space, !inWord { words += 1 }
            inWord = !space
        }
        return words >= statementWords
    }

    /// Every span between paired quotation marks (see `quotedSpans`).
    static func quotations(_ text: ScanText, resets: [Int]) -> [NSRange] {
        var spans: [NSRange] = []
        var openDouble: Int?
        var openSingle: Int?
        let length = text.length
        let units = UnsafeBufferPointer(text.units)
        // The stretches between resets (where pairing starts again), each scanned for the three characters that
        // matter: `"`, `'` and a line feed, four units at a time while none of them is one (spaces, below them,
        // made a one-comparison test branch wrongly at every word).
        let raw = UnsafeRawPointer(units.baseAddress)
        var start = 0
        for end in resets.filter({ $0 > 0 && $0 < length }).sorted() + [length] where end >= start {
            var position = start
            while position < end {
                if let raw, position + 4 <= end,
                   !Self.holdsQuoteOrLineFeed(raw.loadUnaligned(fromByteOffset: position * 2, as: UInt64.self)) {
                    position += 4
                    continue
                }
                let index = position
                position += 1
                let unit = units[index]
                guard unit <= 0x27 else { continue }
                let previous: UInt16 = index > 0 ? units[index - 1] : 0x0A
                if unit == 0x0A, previous == 0x0A {
                    openDouble = nil
                    openSingle = nil
                } else if unit == 0x22 {
                    if let open = openDouble {
                        spans.append(NSRange(location: open, length: index + 1 - open))
                        openDouble = nil
                    } else {
                        openDouble = index
                    }
                } else if unit == 0x27 {
                    let after: UInt16 = index + 1 < length ? units[index + 1] : 0x20
                    if openSingle == nil, previous == 0x20 || previous == 0x0A || previous == 0x28 || previous == 0x5B {
                        openSingle = index
                    } else if let open = openSingle, !SentenceSegmenter.isLetterOrDigit(after) {
                        spans.append(NSRange(location: open, length: index + 1 - open))
                        openSingle = nil
                    }
                }
            }
            openDouble = nil
            openSingle = nil
            start = end
        }
        return spans.sorted { $0.location < $1.location }
    }

    /// Whether one of the four UTF-16 units of `word` is a double quote, an apostrophe or a line feed.
    @inline(__always)
    static func holdsQuoteOrLineFeed(_ word: UInt64) -> Bool {
        let quotes = WordMasks.lanes(word, equalTo: 0x22) | WordMasks.lanes(word, equalTo: 0x27)
        return quotes | WordMasks.lanes(word, equalTo: 0x0A) != 0
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
