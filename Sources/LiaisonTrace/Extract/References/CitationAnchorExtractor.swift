import Foundation

/// Resolves bracketed citation anchors (`[HTTP]`, `[CACHING]`, `[b-ITU-T X.743]`) through the document's own
/// reference list: an entry starting with `[LABEL]` (a reference block from the XML/HTML readers, or a line of a
/// plain-text references section) names the designations it stands for; every `[LABEL]` elsewhere in the text
/// becomes a reference to that designation (rule `reference.citation-anchor`). Runs after `ReferenceExtractor`.
public struct CitationAnchorExtractor: Extractor {
    public static let description = ExtractorDescription(
        id: "references.citation-anchor", summary: "Citation anchors resolved through the document's reference list")

    static let rule = "reference.citation-anchor"
    /// Kinds that identify a document better than a series number (STD 97 stands for several RFCs).
    static let seriesKinds: Set<String> = ["rfc-series"]

    /// The label pattern (`citation_anchor` of a `kind: references` file); nil: no anchors are resolved.
    let labelRule: PatternRule?
    var label: Pattern? { labelRule?.pattern }

    public init(rules library: RuleLibrary) throws(PipelineError) {
        var found: PatternRule?
        for file in library.files(ofKind: "references") {
            guard let item = try file.decodeStrictly(ReferencesFileSpec.self).citation_anchor else { continue }
            if let found {
                throw file.error(line: item.line, rule: item.value.id,
                                 "citation_anchor is given twice (also at \(found.file):\(found.line))")
            }
            let rule = try PatternRule(item.value, id: Self.rule, file: file, line: item.line)
            guard rule.pattern.groupNames.contains("label") else {
                throw file.error(line: item.line, rule: rule.id, "pattern needs a group named 'label'")
            }
            found = rule
        }
        labelRule = found
    }

    public func extract(from context: ExtractionContext, into record: inout DocumentRecord,
                        diagnostics: inout [Diagnostic]) {
        let entries = referenceEntries(in: context)
        guard !entries.isEmpty else { return }
        // Resolve each entry's label to the best designation found inside the entry.
        var resolved: [String: Reference] = [:]
        for entry in entries {
            let inside = record.references.filter {
                $0.range.start >= entry.sourceRange.start && $0.range.end <= entry.sourceRange.end
            }
            let best = inside.first { !Self.seriesKinds.contains($0.kind) } ?? inside.first
            if let best, resolved[entry.label] == nil { resolved[entry.label] = best }
        }
        guard !resolved.isEmpty else { return }
        let entryRanges = entries.map(\.range)
        let covered = record.references.map(\.range)
        for match in label?.matches(in: context) ?? [] {
            guard let labelRange = match.groups["label"] else { continue }
            let name = context.string(labelRange)
            guard let target = resolved[name] else { continue }
            if entryRanges.contains(where: { NSLocationInRange(match.range.location, $0) }) { continue }
            let provenance = context.provenance(match.range, rule: Self.rule)
            if covered.contains(where: { $0.start < provenance.range.end && provenance.range.start < $0.end }) {
                continue
            }
            record.references.append(Reference(
                id: target.id, kind: target.kind, text: context.document.ingested.text(of: provenance.range),
                at: provenance, qualifiers: ["anchor": name], sdo: target.sdo))
        }
        record.references.sort { ($0.range.start, $0.range.end) < ($1.range.start, $1.range.end) }
    }

    struct Entry {
        var label: String
        var range: NSRange
        var sourceRange: SourceRange
    }

    /// Reference-list entries: reference blocks, or paragraphs/lines that start with `[LABEL]`.
    func referenceEntries(in context: ExtractionContext) -> [Entry] {
        var entries: [Entry] = []
        let candidates = context.blocks.filter { $0.block.kind == .reference }.map(\.range)
        let spans = candidates.isEmpty ? labelledParagraphs(in: context) : candidates
        for span in spans {
            let text = context.string(span)
            guard text.hasPrefix("["), let match = label?.match(in: context, at: span.location, limit: 48),
                  let labelRange = match.groups["label"] else { continue }
            let name = context.string(labelRange)
            entries.append(Entry(label: name, range: span, sourceRange: context.provenance(span, rule: Self.rule).range))
        }
        return entries
    }

    /// In plain text: a line starting (after at most 6 spaces) with `[LABEL]`, with the indented lines after it
    /// up to the next blank line or the next such line.
    private func labelledParagraphs(in context: ExtractionContext) -> [NSRange] {
        var spans: [NSRange] = []
        var current: NSRange?
        for line in context.lines {
            let text = context.string(line)
            let indent = text.prefix { $0 == " " }.count
            let trimmed = text.dropFirst(indent)
            if indent <= 6, trimmed.hasPrefix("["), trimmed.contains("]") {
                if let open = current { spans.append(open) }
                current = NSRange(location: line.location + indent, length: line.length - indent)
            } else if let open = current, !trimmed.isEmpty, indent > 0 {
                current = NSRange(location: open.location, length: line.location + line.length - open.location)
            } else if let open = current {
                spans.append(open)
                current = nil
            }
        }
        if let open = current { spans.append(open) }
        return spans
    }
}
