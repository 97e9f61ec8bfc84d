import Foundation

/// Finds mentions of documents, specifications and group documents with the pattern rules of the
/// `kind: references` rule files, and canonicalizes them. Overlapping matches keep the longest (then the
/// earliest rule); lists ("TS 23.501, 23.502 and 23.503") and ranges ("RFC 7230-7235") expand.
public struct ReferenceExtractor: Extractor {
    public static let description = ExtractorDescription(
        id: "references", summary: "Document, specification and group-document designations, canonicalized")

    /// The compiled rules, in rule-file order.
    public let rules: [ReferenceRule]

    public init(rules library: RuleLibrary) throws(PipelineError) {
        var rules: [ReferenceRule] = []
        var seen: [String: String] = [:]
        for file in library.files(ofKind: "references") {
            let decoded = try file.decodeStrictly(ReferencesFileSpec.self)
            for item in decoded.rules ?? [] {
                let (spec, line) = (item.value, item.line)
                if let other = seen[spec.id] {
                    throw file.error(line: line, rule: spec.id, "duplicate rule id (also in \(other))")
                }
                seen[spec.id] = file.path
                rules.append(try ReferenceRule(spec, sdo: decoded.sdo, file: file, line: line))
            }
        }
        self.rules = rules
    }

    public func extract(from context: ExtractionContext, into record: inout DocumentRecord,
                        diagnostics: inout [Diagnostic]) {
        let found = mentions(in: context, range: nil)
        for mention in found {
            if mention.rule.placeholder {
                diagnostics.append(context.diagnostic(
                    "extract.reference.placeholder", .note,
                    "placeholder '\(context.string(mention.range))' is not a reference", at: mention.range,
                    explanation: "Found by rule \(mention.rule.id); a number still to be allocated."))
                continue
            }
            let provenance = context.provenance(mention.range, rule: mention.rule.id)
            record.references.append(Reference(
                id: mention.id, kind: mention.rule.kind, text: context.document.ingested.text(of: provenance.range),
                at: provenance,
                qualifiers: mention.qualifiers.isEmpty ? nil : mention.qualifiers, sdo: mention.rule.sdo))
        }
    }

    /// One mention before it becomes a `Reference`.
    public struct Mention: Sendable {
        public var id: String
        public var range: NSRange
        public var rule: ReferenceRule
        public var qualifiers: [String: String]
    }

    /// All mentions in `range` of the context's text (the whole text when nil), in text order.
    public func mentions(in context: ExtractionContext, range: NSRange?) -> [Mention] {
        mentions(in: SearchText(context), range: range)
    }

    /// All mentions in a plain string (used by rule examples and by other extractors on header values); with an
    /// `engine`, only the rules whose cues the string holds are run.
    public func mentions(in text: String, engine: RuleEngine? = nil) -> [Mention] {
        mentions(in: SearchText(text, engine: engine), range: nil)
    }

    func mentions(in text: SearchText, range: NSRange?) -> [Mention] {
        let nsText = text.scan
        struct Candidate {
            var match: PatternMatch
            var ruleIndex: Int
        }
        var candidates: [Candidate] = []
        for index in rules.indices {  // by index: no copy of each rule per call
            for match in text.matches(rules[index].pattern, range: range) where match.range.length > 0 {
                if let notAfter = rules[index].notAfter {
                    let start = max(0, match.range.location - 24)
                    let before = NSRange(location: start, length: match.range.location - start)
                    let preceding = nsText.substring(with: before)
                    if !notAfter.matches(in: preceding).isEmpty { continue }
                }
                candidates.append(Candidate(match: match, ruleIndex: index))
            }
        }
        let kept = OverlapResolution.longestFirst(candidates, range: { $0.match.range }, rank: { $0.ruleIndex })

        var mentions: [Mention] = []
        var consumed = IndexSet()
        for candidate in kept {
            let rule = rules[candidate.ruleIndex]
            if consumed.contains(candidate.match.range.location) { continue }
            var values = groupValues(candidate.match, in: nsText)
            let end = candidate.match.range.location + candidate.match.range.length
            // Numeric range: "RFC 7230-7235".
            if let rangePattern = rule.range, let rangeMatch = text.match(rangePattern, at: end, limit: 16),
               let toRange = rangeMatch.groups["to"], let from = Int(values["number"] ?? ""),
               let to = Int(nsText.substring(with: toRange)), to > from, to - from <= 30 {
                let whole = NSRange(location: candidate.match.range.location,
                                    length: rangeMatch.range.location + rangeMatch.range.length
                                        - candidate.match.range.location)
                for number in from...to {
                    values["number"] = String(number)
                    mentions.append(mention(rule, values, whole))
                }
                consumed.insert(integersIn: whole.location..<(whole.location + whole.length))
                continue
            }
            mentions.append(mention(rule, values, candidate.match.range))
            // Lists: "TS 23.501, 23.502 and 23.503".
            guard let continuation = rule.continuation else { continue }
            var position = end
            while let next = text.match(continuation, at: position, limit: 64), next.range.length > 0 {
                var nextValues = values
                for (name, value) in groupValues(next, in: nsText) { nextValues[name] = value }
                let itemRange = next.groups["item"] ?? next.range
                mentions.append(mention(rule, nextValues, itemRange))
                consumed.insert(integersIn: next.range.location..<(next.range.location + next.range.length))
                position = next.range.location + next.range.length
            }
        }
        return mentions
    }

    private func groupValues(_ match: PatternMatch, in text: ScanText) -> [String: String] {
        var values: [String: String] = ["0": text.substring(with: match.range)]
        for (name, range) in match.groups { values[name] = text.substring(with: range) }
        return values
    }

    private func mention(_ rule: ReferenceRule, _ values: [String: String], _ range: NSRange) -> Mention {
        var qualifiers: [String: String] = [:]
        for (name, template) in rule.qualifiers {
            let value = template.render(values)
            if !value.isEmpty { qualifiers[name] = value }
        }
        return Mention(id: rule.template.render(values), range: range, rule: rule, qualifiers: qualifiers)
    }
}
