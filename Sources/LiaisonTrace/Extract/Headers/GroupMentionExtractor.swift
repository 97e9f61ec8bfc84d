import Foundation

/// Records every group a document names (`groups` extension of the record), canonicalized with groups.yaml.
/// In a list ("ITU-D SG1, SG2", "(SG16, SG20, SG13, and SG11)") a bare name takes the body of the explicit
/// prefix before it; outside lists every mention stands alone.
public struct GroupMentionExtractor: Extractor {
    public static let description = ExtractorDescription(
        id: "groups", summary: "Every group mention, canonicalized, with provenance")

    let groups: GroupCanonicalizer

    /// The rule-file kinds it reads.
    public static let ruleKinds = ["groups"]

    public init(rules library: RuleLibrary) throws(PipelineError) {
        groups = try GroupCanonicalizer(rules: library)
    }

    /// The group rules.
    public var ruleDescriptions: [RuleDescription] { groups.ruleDescriptions }

    public func extract(from context: ExtractionContext, into record: inout DocumentRecord,
                        diagnostics: inout [Diagnostic]) {
        guard !groups.rules.isEmpty else { return }
        var mentions = groups.mentions(in: context)
        // Runs of mentions that form a list get the prefix carried over.
        var runStart = 0
        func closeRun(_ end: Int) {
            guard end - runStart > 1 else { return }
            let first = mentions[runStart].range
            let last = mentions[end - 1].range
            let span = NSRange(location: first.location, length: last.location + last.length - first.location)
            let inherited = groups.mentions(in: context, range: span, inheritWithinLists: true)
            for index in runStart..<end {
                if let match = inherited.first(where: { $0.range == mentions[index].range }) { mentions[index] = match }
            }
        }
        for index in mentions.indices.dropFirst() {
            let previous = mentions[index - 1].range
            let gapStart = previous.location + previous.length
            let gapLength = max(0, mentions[index].range.location - gapStart)
            if !Self.isListSeparator(context.scan, NSRange(location: gapStart, length: gapLength)) {
                closeRun(index)
                runStart = index
            }
        }
        closeRun(mentions.count)
        for mention in mentions {
            record.groups.append(GroupReference(id: mention.id, body: mention.body, text: context.string(mention.range),
                                                at: context.provenance(mention.range, rule: mention.rule)))
        }
    }

    /// ",", ", ", " & ", " and ", ", and ", ";" between two mentions, at `range` of `text` (without building the
    /// text of a long gap).
    static func isListSeparator(_ text: ScanText, _ range: NSRange) -> Bool {
        var start = range.location
        var end = range.location + range.length
        while start < end, isHorizontalSpace(text[start]) { start += 1 }
        while end > start, isHorizontalSpace(text[end - 1]) { end -= 1 }
        guard end - start <= 5 else { return false }
        return isListSeparator(text.string(range))
    }

    /// The characters `CharacterSet.whitespaces` holds (tab and the space separators; not line breaks).
    static func isHorizontalSpace(_ unit: UInt16) -> Bool {
        switch unit {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// ",", ", ", " & ", " and ", ", and ", ";" between two mentions.
    static func isListSeparator(_ gap: String) -> Bool {
        let trimmed = gap.trimmingSpaces().lowercased()
        return ["", ",", ";", "&", "and", ", and", "/", "or"].contains(trimmed) && !gap.contains("\n\n")
    }
}
