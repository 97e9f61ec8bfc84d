import Foundation

/// Decides what a document is (`document.kind`) and which standards body it comes from (`document.sdo`) from
/// weighted cue patterns of `kind: classification` rule files (classification.yaml), never from the file name.
/// A document in doubt is `other`: the best kind must reach a minimum score and lead the next kind by a margin.
/// An e-mail stays `email` unless another kind scores as much as its format rule asks.
public struct DocumentClassifier: Extractor {
    public static let description = ExtractorDescription(
        id: "classification", summary: "Document kind and standards body from weighted content cues")

    /// The compiled rules.
    public let rules: ClassificationRules

    /// The rule-file kinds it reads.
    public static let ruleKinds = ["classification"]

    public init(rules library: RuleLibrary) throws(PipelineError) {
        rules = try ClassificationRules(rules: library)
    }

    /// One description per cue: where its pattern matches an example's text.
    public var ruleDescriptions: [RuleDescription] {
        rules.cues.map { cue in
            RuleDescription.matching(cue.pattern, id: cue.id, kind: "classification", summary: cue.summary,
                                     file: cue.file, line: cue.line, examples: cue.examples,
                                     compiledAlso: cue.branches)
        }
    }

    /// Cue scores of a text.
    struct Scores: Sendable {
        var kinds: [DocumentKind: Int] = [:]
        var sdos: [String: Int] = [:]
        /// Ids of the cues that matched.
        var cues: [String] = []
    }

    public func extract(from context: ExtractionContext, into record: inout DocumentRecord,
                        diagnostics: inout [Diagnostic]) {
        guard !rules.cues.isEmpty else { return }
        let lines = context.lines
        let headEnd = lines.isEmpty ? 0 : lines[min(rules.headLines, lines.count) - 1].location
            + lines[min(rules.headLines, lines.count) - 1].length
        let fields = context.document.ingested.fields.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
        let scores = score(context, head: NSRange(location: 0, length: headEnd), fields: fields)
        let format = context.document.ingested.source.format.rawValue
        let decision = decide(scores, format: format)
        record.document.kind = decision.kind
        if let sdo = decision.sdo { record.document.sdo = sdo }
        if let close = decision.close {
            diagnostics.append(context.diagnostic(
                "extract.classify.ambiguous", .note, "document could be \(close); classified as "
                    + "\(decision.kind.rawValue)", at: NSRange(location: 0, length: 0),
                explanation: "Cues matched: \(scores.cues.joined(separator: ", ")) "
                    + "(Pipelines/rules/classification.yaml)."))
        }
    }

    /// Scores `text`: head cues look in `head`, field cues in `fields` ("name: value" lines).
    func score(_ text: String, head: NSRange? = nil, fields: String = "") -> Scores {
        let scan = ScanText(text)
        return score(head: head, fields: fields) { patterns, range in
            patterns.contains { $0.firstMatch(in: scan, range: range) != nil }
        }
    }

    /// Scores a document: head cues look in `head`, field cues in `fields` ("name: value" lines).
    func score(_ context: ExtractionContext, head: NSRange, fields: String) -> Scores {
        score(head: head, fields: fields) { patterns, range in
            patterns.contains { $0.hasMatch(in: context, range: range) }
        }
    }

    private func score(head: NSRange?, fields: String, matches: ([Pattern], NSRange?) -> Bool) -> Scores {
        var scores = Scores()
        for cue in rules.cues {
            let matched: Bool
            switch cue.place {
            case .fields: matched = cue.matches(fields)
            case .anywhere: matched = matches(cue.searched, nil)
            case .head: matched = matches(cue.searched, head)
            }
            guard matched else { continue }
            scores.cues.append(cue.id)
            if let kind = cue.kind { scores.kinds[kind, default: 0] += cue.weight }
            if let sdo = cue.sdo { scores.sdos[sdo, default: 0] += cue.sdoWeight }
        }
        return scores
    }

    /// The kind and sdo the scores give; `close` names the runner-up when the lead is too small.
    func decide(_ scores: Scores, format: String) -> (kind: DocumentKind, sdo: String?, close: String?) {
        let ranked = scores.kinds.sorted { ($0.value, $1.key.rawValue) > ($1.value, $0.key.rawValue) }
        var kind = DocumentKind.other
        var close: String?
        if let best = ranked.first, best.value >= rules.minScore {
            let second = ranked.dropFirst().first?.value ?? 0
            if best.value - second >= rules.minLead {
                kind = best.key
            } else {
                close = ranked.prefix(2).map { "\($0.key.rawValue) (\($0.value))" }.joined(separator: " or ")
            }
        }
        if let rule = rules.formats[format] {
            let best = ranked.first
            if !(best.map { $0.key != rule.kind && $0.value >= rule.unless } ?? false) { kind = rule.kind }
        }
        let sdoRanked = scores.sdos.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
        var sdo: String?
        if let best = sdoRanked.first, best.value >= rules.sdoMinScore,
           best.value - (sdoRanked.dropFirst().first?.value ?? 0) >= rules.sdoMinLead {
            sdo = best.key
        }
        return (kind, sdo, close)
    }
}
