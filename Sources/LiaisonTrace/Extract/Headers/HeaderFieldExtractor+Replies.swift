import Foundation

extension HeaderFieldExtractor {
    /// The opening sentences: the abstract (when the header has one) and the first sentences of the body. A
    /// sentence that starts with the abstract's label ("Abstract: This liaison statement answers ...") starts at
    /// the value.
    func openingSentences(_ context: ExtractionContext, scanner: HeaderScanner, count: Int) -> [NSRange] {
        let start = scanner.openingStart
        return context.sentences.lazy.filter { $0.location + $0.length > start }.prefix(count).map { sentence in
            sentence.location >= start ? sentence
                : NSRange(location: start, length: sentence.location + sentence.length - start)
        }
    }

    /// What a liaison answers besides its "Response to" field: reply cues in the title ("(Reply to SP-190276)")
    /// and in the opening sentences ("This liaison statement answers SG11-LS159", "thanks SG16 for the liaison
    /// statement SG9-LS47"), which often give the sender's number of a liaison the field names by its
    /// registration number.
    func replyCues(_ context: ExtractionContext, scanner: HeaderScanner, record: DocumentRecord, draft: inout Draft,
                   readsBody: Bool = true) {
        let kinds = Set(rules.replyKinds)
        for part in draft.titleParts {
            for cue in readsBody ? rules.titleReplies : rules.subjectReplies {
                for match in cue.pattern.matches(in: context, range: part) {
                    guard let target = match.groups["target"] else { continue }
                    draft.respondsTo += references(in: [sourceRange(target, context)], record: record, kinds: kinds)
                        .map(\.id)
                }
            }
        }
        guard readsBody else { return }
        for sentence in openingSentences(context, scanner: scanner, count: rules.replySentences) {
            for cue in rules.bodyReplies {
                for match in cue.pattern.matches(in: context, range: sentence) {
                    guard let target = match.groups["target"] else { continue }
                    let targetRange = sourceRange(target, context)
                    let found = references(in: [targetRange], record: record, kinds: kinds)
                    draft.respondsTo += found.map(\.id)
                    // "a response to the liaison statement received from <sender> on <title> (<id>)".
                    var qualifiers: [String: String] = [:]
                    if let title = match.groups["title"] { qualifiers["title"] = Self.collapse(context.string(title)) }
                    if let sender = match.groups["sender"],
                       let group = groups.mentions(in: context, range: sender).first?.id {
                        qualifiers["from"] = group
                    }
                    if !found.isEmpty, !qualifiers.isEmpty { draft.qualifiers.append(([targetRange], qualifiers)) }
                }
            }
        }
    }

    /// Two designations of one document written together ("(your SG11-LS159 and our FG-MV-I-753)") and the
    /// '/'-joined numbers of header values: recorded in `document.aliases` and as the `alias` qualifier of the
    /// mentions, which the linker joins.
    func aliasCues(_ context: ExtractionContext, record: inout DocumentRecord, draft: inout Draft) {
        for cue in rules.aliasPatterns {
            for match in cue.pattern.matches(in: context) {
                guard let first = match.groups["first"], let second = match.groups["second"] else { continue }
                let a = references(in: [sourceRange(first, context)], record: record, kinds: nil).map(\.id)
                let b = references(in: [sourceRange(second, context)], record: record, kinds: nil).map(\.id)
                guard a.count == 1, b.count == 1, a != b else { continue }
                draft.aliases.append(a + b)
            }
        }
        var merged: [[String]] = []
        for set in draft.aliases {
            if let index = merged.firstIndex(where: { !Set($0).isDisjoint(with: set) }) {
                merged[index] = Self.unique(merged[index] + set)
            } else {
                merged.append(set)
            }
        }
        draft.aliases = merged
        // The first of a set is its representative (the sender's number in "your X and our Y"): the others'
        // mentions name it as their alias, which the linker joins (and prefers as the node name).
        for set in merged {
            guard let representative = set.first else { continue }
            for (index, reference) in record.references.enumerated()
            where set.contains(reference.id) && reference.id != representative {
                guard record.references[index].qualifiers?["alias"] == nil else { continue }
                record.references[index].qualifiers = (record.references[index].qualifiers ?? [:])
                    .merging(["alias": representative]) { current, _ in current }
            }
        }
    }

    /// Adds qualifiers (the answered liaison's title and sender, as the replying document states them) to the
    /// references in `ranges`, without overwriting existing ones.
    func qualify(_ record: inout DocumentRecord, in ranges: [SourceRange], with qualifiers: [String: String]) {
        guard !qualifiers.isEmpty else { return }
        for index in record.references.indices {
            let range = record.references[index].range
            guard ranges.contains(where: { range.start >= $0.start && range.end <= $0.end }) else { continue }
            record.references[index].qualifiers = (record.references[index].qualifiers ?? [:])
                .merging(qualifiers) { current, _ in current }
        }
    }

    /// The title a "Response to" value gives for the answered liaison: what is left around the numbers, without
    /// a leading "LS (on)" ('LS (S2-131713) on interaction of oneM2M with Underlying Networks' -> 'interaction of
    /// oneM2M with Underlying Networks'), and without a trailing "from <group>", which becomes the sender.
    static let emptyParentheses = try! Pattern(#"\([\s/,;&]*(?:and)?[\s/,;&]*\)"#)

    func answeredTitle(_ value: String, mentions: [Reference]) -> [String: String] {
        var rest = value
        for mention in mentions { rest = rest.replacingOccurrences(of: mention.text, with: " ") }
        // Parentheses the numbers leave empty: "( / )", "()".
        rest = Self.emptyParentheses.replacingMatches(in: rest, with: " ")
        var result: [String: String] = [:]
        if let from = rest.range(of: " from ", options: .backwards) {
            let tail = String(rest[from.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: " .;:)"))
            if let group = groups.canonical(tail) {
                result["from"] = group
                rest = String(rest[..<from.lowerBound])
            }
        }
        let junk = CharacterSet(charactersIn: " /:;,\"'").union(.whitespacesAndNewlines)
        var title = Self.collapse(rest).trimmingCharacters(in: junk)
        if title.hasPrefix("("), title.hasSuffix(")") { title = String(title.dropFirst().dropLast()) }
        for marker in ["LS on ", "Liaison Statement on ", "LS "] where title.hasPrefix(marker) {
            title = String(title.dropFirst(marker.count))
            break
        }
        title = Self.collapse(title.trimmingCharacters(in: junk))
        if title.split(separator: " ").count >= 3 { result["title"] = title }
        return result
    }

    /// A liaison without a header block: the sender is the subject of the first sender cue ("The ITU Focus Group
    /// on the Metaverse (FG-MV) would like to thank ..."), the addressees the groups recipient cues name ("thank
    /// ITU-T Study Group 11", "inform SG11"), and the group owning each answered liaison; purpose `information`
    /// unless a cue asks for action.
    func headerless(_ context: ExtractionContext, scanner: HeaderScanner, draft: inout Draft,
                    diagnostics: inout [Diagnostic]) {
        let sentences = openingSentences(context, scanner: scanner, count: rules.headerlessSentences)
        var sender: [String] = []
        var cueRange: NSRange?
        if draft.from.isEmpty {
            search: for sentence in sentences {
                for cue in rules.senders {
                    guard let match = cue.pattern.firstMatch(in: context, range: sentence),
                          let span = match.groups["sender"] else { continue }
                    let found = Self.unique(groups.mentions(in: context, range: span).map(\.id))
                    if !found.isEmpty {
                        sender = found
                        cueRange = cueRange ?? match.range
                        break search
                    }
                }
            }
            draft.from = sender
        }
        guard draft.to.isEmpty else { return }
        var addressees: [Addressee] = []
        func add(_ group: String, _ purpose: Addressee.Purpose) {
            guard !draft.from.contains(group) else { return }
            if let index = addressees.firstIndex(where: { $0.group == group }) {
                if purpose == .action { addressees[index].purpose = purpose }
            } else {
                addressees.append(Addressee(group: group, purpose: purpose))
            }
        }
        for sentence in sentences {
            for cue in rules.recipients {
                for match in cue.pattern.matches(in: context, range: sentence) {
                    guard let span = match.groups["recipient"] else { continue }
                    for group in leadingGroups(context, span: span) {
                        add(group, cue.purpose ?? .information)
                        cueRange = cueRange ?? match.range
                    }
                }
            }
        }
        for answered in draft.respondsTo {
            if let owner = rules.owner(of: answered, groups: groups, engine: context.engine) {
                add(owner, rules.ownerPurpose)
            }
        }
        draft.to = addressees
        if let cueRange, !draft.from.isEmpty || !draft.to.isEmpty {
            diagnostics.append(context.diagnostic(
                "extract.header.inferred", .note, "liaison has no header block; sender and addressees taken from its "
                    + "opening sentences", at: cueRange,
                explanation: "Cues in Pipelines/rules/headers.yaml (headerless)."))
        }
    }

    /// The groups a span starts with: the first mention right at its start, and those joined to it as a list
    /// ("RAN2 and CT1", "SG11, SG12").
    func leadingGroups(_ context: ExtractionContext, span: NSRange) -> [String] {
        let mentions = groups.mentions(in: context, range: span, inheritWithinLists: true)
        guard let first = mentions.first, first.range.location - span.location <= 1 else { return [] }
        var result = [first.id]
        var end = first.range.location + first.range.length
        for mention in mentions.dropFirst() {
            let between = context.string(NSRange(location: end, length: max(0, mention.range.location - end)))
                .trimmingSpaces().lowercased()
            guard ["", ",", "&", "and", ", and", "/", "or"].contains(between) else { break }
            result.append(mention.id)
            end = mention.range.location + mention.range.length
        }
        return Self.unique(result)
    }
}
