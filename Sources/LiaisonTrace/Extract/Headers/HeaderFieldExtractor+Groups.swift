import Foundation

extension HeaderFieldExtractor {
    /// The canonical groups of a header value such as "ITU-T SG2, SG5, SG17, ITU-D SG1, SG2" (prefixes carried
    /// over) or "3GPP (Core Network and Terminals, RAN, ...), BBF (...)": a parenthesis right after a group names
    /// parts of that group, which stays the addressee. E-mail addresses are ignored. List items that name no known
    /// group get a note, so that groups.yaml can learn them.
    func groupList(_ value: String, context: ExtractionContext, at range: NSRange, diagnostics: inout [Diagnostic],
                   reportUnknown: Bool = true) -> [String] {
        let cleaned = Self.withoutAddresses(value)
        let text = cleaned as NSString
        let depth = Self.parenthesisDepths(text)
        let mentions = groups.mentions(in: cleaned, inheritWithinLists: true, engine: context.engine)
        var kept: [GroupMention] = []
        for mention in mentions {
            if depth[mention.range.location] > 0, let open = Self.openingParenthesis(before: mention.range.location,
                                                                                    in: text, depth: depth) {
                // Refines the group just before the parenthesis: skip it.
                let before = text.substring(to: open).trimmingSpaces()
                if kept.contains(where: { $0.range.location + $0.range.length == (before as NSString).length }) {
                    continue
                }
            }
            kept.append(mention)
        }
        for mention in kept where mention.misspelt {
            diagnostics.append(context.diagnostic(
                "extract.header.misspelt-group", .note,
                "'\(text.substring(with: mention.range))' read as '\(mention.id)', a known misspelling", at: range,
                explanation: "Pipelines/rules/groups.yaml lists the misspelling; the record has the canonical name."))
        }
        if reportUnknown {
            for item in Self.listItems(text, depth: depth) {
                let itemText = text.substring(with: item).trimmingSpaces()
                guard !itemText.isEmpty, !DateNormalizer.isNoValue(itemText), itemText.count <= 60,
                      itemText.split(separator: " ").count <= 8, itemText.first?.isLetter == true,
                      !mentions.contains(where: { NSIntersectionRange($0.range, item).length > 0 }) else { continue }
                diagnostics.append(context.diagnostic(
                    "extract.header.unknown-group", .note, "'\(itemText)' is not a group LiaisonTrace knows", at: range,
                    explanation: "Add it to Pipelines/rules/groups.yaml if it is a group that sends or receives "
                        + "liaisons."))
            }
        }
        return Self.unique(kept.map(\.id))
    }

    /// The value with e-mail addresses blanked out (same length).
    static func withoutAddresses(_ value: String) -> String {
        guard value.contains("@") else { return value }
        var out = ""
        for (index, token) in value.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { out += " " }
            out += token.contains("@") ? String(repeating: " ", count: token.count) : String(token)
        }
        return out
    }

    /// Parenthesis depth at every UTF-16 offset (and the end).
    static func parenthesisDepths(_ text: NSString) -> [Int] {
        var depths: [Int] = []
        depths.reserveCapacity(text.length + 1)
        var depth = 0
        for index in 0..<text.length {
            let unit = text.character(at: index)
            if unit == 0x28 || unit == 0x5B { depth += 1 }
            depths.append(depth)
            if unit == 0x29 || unit == 0x5D { depth = max(0, depth - 1) }
        }
        depths.append(depth)
        return depths
    }

    /// The offset of the parenthesis that opens the group containing `location`.
    static func openingParenthesis(before location: Int, in text: NSString, depth: [Int]) -> Int? {
        let target = depth[location]
        var index = location
        while index > 0 {
            index -= 1
            let unit = text.character(at: index)
            if (unit == 0x28 || unit == 0x5B), depth[index] == target { return index }
        }
        return nil
    }

    /// Items of a list at parenthesis depth 0, split at ',', ';', '&' and ' and '.
    static func listItems(_ text: NSString, depth: [Int]) -> [NSRange] {
        var items: [NSRange] = []
        var start = 0
        var index = 0
        while index < text.length {
            let unit = text.character(at: index)
            var separatorLength = 0
            if depth[index] == 0 {
                if unit == 0x2C || unit == 0x3B || unit == 0x26 {
                    separatorLength = 1
                } else if unit == 0x20, index + 5 <= text.length, text.substring(with: NSRange(location: index,
                                                                                               length: 5)) == " and " {
                    separatorLength = 5
                }
            }
            if separatorLength > 0 {
                items.append(NSRange(location: start, length: index - start))
                start = index + separatorLength
                index += separatorLength
            } else {
                index += 1
            }
        }
        items.append(NSRange(location: start, length: text.length - start))
        return items
    }
}
