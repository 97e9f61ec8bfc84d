import CICU
import Foundation

/// Splits a document's normalized text into sentences for the sentence-level extractors (actions, requirements,
/// scopes, relations).
///
/// Sentences are found with ICU's sentence break iterator (`en_US@ss=standard`, which keeps "e.g." and "i.e."
/// inside sentences), run once over the whole text, and kept only within paragraph-like blocks. ICU breaks after
/// every line feed, which is right for text where a line is a paragraph (DOCX and HTML readers) but cuts wrapped
/// text (pdftotext, RFC plain text) at every line. So before running ICU, each line break inside a block is
/// classified: a *wrap* is read as a space, a *hard* break stays. A break is hard
///
/// - before a blank line, a list item (`-`, `•`, `·`, `*`, `o`, `1)`, `a)`, `[1]`...) or a `Field:` line, and
///   around table rows (lines that start or end with `|`);
/// - after a line ending with a colon;
/// - after a short line without final punctuation (a heading, a label, the end of a paragraph in ragged-right
///   text), where "short" is shorter than 60 % of the block's longest line.
///
/// A line ending with a comma, a hyphen or a function word ("and", "of", "the"...) always wraps, and so does one
/// ending with a period, "!", "?" or ";" (ICU then decides, knowing abbreviations).
enum SentenceSegmenter {
    /// Block kinds whose text is running prose.
    static let proseKinds: Set<BlockKind> = [.paragraph, .listItem, .tableCell, .footnote]

    /// The sentences of `context`, as trimmed UTF-16 ranges of its normalized text, in text order.
    static func sentences(of context: ExtractionContext) -> [NSRange] {
        let text = context.scan
        let length = text.length
        guard length > 0 else { return [] }
        var spans: [NSRange]
        if context.blocks.isEmpty {
            spans = [NSRange(location: 0, length: length)]
        } else {
            spans = context.blocks.filter { proseKinds.contains($0.block.kind) && $0.range.length > 0 }.map(\.range)
            spans.sort { $0.location < $1.location }
        }
        var units = Array(text.units)
        let rules = context.outlineRules
        if !context.blocks.isEmpty { spans = joinListContinuations(spans, context: context, units: units) }
        for span in spans { unwrap(&units, span, rules) }
        let boundaries = splitMissedBreaks(mergeAfterAbbreviations(breaks(units), units, rules), units, rules)

        var result: [NSRange] = []
        var spanIndex = 0
        var start = 0
        for end in boundaries {
            defer { start = end }
            while spanIndex < spans.count, NSMaxRange(spans[spanIndex]) <= start { spanIndex += 1 }
            var index = spanIndex
            while index < spans.count, spans[index].location < end {
                let span = spans[index]
                let pieceStart = max(start, span.location)
                let pieceEnd = min(end, NSMaxRange(span))
                if pieceEnd > pieceStart {
                    let trimmed = context.trim(NSRange(location: pieceStart, length: pieceEnd - pieceStart))
                    if trimmed.length > 0 { result.append(trimmed) }
                }
                index += 1
            }
        }
        // Blocks may overlap (a list item inside a table cell): keep each sentence once. Pieces of spans that do not
        // overlap are all different.
        guard zip(spans, spans.dropFirst()).contains(where: { NSMaxRange($0) > $1.location }) else { return result }
        var seen = Set<NSRange>()
        return result.filter { seen.insert($0).inserted }
    }

    /// ICU's sentence boundaries (ends of sentences) of `units`: found by `SentenceBreaks` when it covers every
    /// character, else by ICU.
    static func breaks(_ units: [UInt16]) -> [Int] {
        if let found = units.withUnsafeBufferPointer(SentenceBreaks.breaks) { return found }
        return icuBreaks(units)
    }

    /// The boundaries ICU's break iterator gives.
    static func icuBreaks(_ units: [UInt16]) -> [Int] {
        var capacity = units.count / 16 + 64
        while true {
            var boundaries = [Int32](repeating: 0, count: capacity)
            let count = Int(lt_sentence_breaks(units, Int32(units.count), &boundaries, Int32(capacity)))
            if count < 0 { return [units.count] }
            if count <= capacity { return boundaries.prefix(count).map(Int.init) }
            capacity = count
        }
    }

    /// Adds the boundaries ICU's abbreviation filter misses ("relative to IMSIs. Faced with" stays one sentence
    /// in ICU): after ". " followed by a capital, when the word before the period has three characters or more, or
    /// two with a lower-case one, has no inner period ("U.S.") and is not one of the rules' abbreviations (after
    /// which ICU may break although the sentence goes on: "(e.g." is not in ICU's list).
    static func splitMissedBreaks(_ boundaries: [Int], _ units: [UInt16], _ rules: OutlineRules) -> [Int] {
        var result: [Int] = []
        result.reserveCapacity(boundaries.count)
        var start = 0
        return units.withUnsafeBufferPointer { units in
            let raw = UnsafeRawPointer(units.baseAddress)
            for boundary in boundaries {
                var index = start + 2
                while index < boundary - 2 {
                    // Four units at a time while none is a full stop (most are not).
                    if let raw, index + 4 <= boundary - 2,
                       WordMasks.lanes(raw.loadUnaligned(fromByteOffset: index * 2, as: UInt64.self),
                                       equalTo: 0x2E) == 0 {
                        index += 4
                        continue
                    }
                    if units[index] == 0x2E, units[index + 1] == 0x20 {
                        var next = index + 1
                        while next < boundary, units[next] == 0x20 { next += 1 }
                        if next < boundary - 1, isUpper(units[next]) {
                            var wordStart = index
                            while wordStart > start, units[wordStart - 1] != 0x20, units[wordStart - 1] != 0x0A,
                                  units[wordStart - 1] != 0x28 {
                                wordStart -= 1
                            }
                            let word = units[wordStart..<index]
                            if word.count >= 2, !word.contains(0x2E),
                               word.count >= 3 || word.contains(where: { isLower($0) }),
                               !rules.isAbbreviation(units[wordStart...index]) {
                                result.append(next)
                            }
                        }
                    }
                    index += 1
                }
                result.append(boundary)
                start = boundary
            }
            return result
        }
    }

    /// Drops the boundaries that follow one of the rules' abbreviations.
    static func mergeAfterAbbreviations(_ boundaries: [Int], _ units: [UInt16], _ rules: OutlineRules) -> [Int] {
        return boundaries.filter { boundary in
            var end = boundary
            while end > 0, units[end - 1] == 0x20 { end -= 1 }
            guard end > 1, units[end - 1] == 0x2E, boundary < units.count, units[boundary - 1] != 0x0A else {
                return true
            }
            var start = end - 1
            while start > 0, units[start - 1] != 0x20, units[start - 1] != 0x0A, units[start - 1] != 0x28,
                  end - start < 10 {
                start -= 1
            }
            return !rules.isAbbreviation(units[start..<end])
        }
    }

    /// Plain-text readers make a list item of the bullet line only; its wrapped continuation lines (indented
    /// further, or starting in lower case) become the next paragraph block. Joins them back.
    static func joinListContinuations(_ spans: [NSRange], context: ExtractionContext, units: [UInt16]) -> [NSRange] {
        let listItems = Set(context.blocks.filter { $0.block.kind == .listItem }.map(\.range.location))
        var result: [NSRange] = []
        for span in spans {
            if let last = result.last, listItems.contains(last.location) || last.length > 0,
               continues(last, with: span, units: units, listItems: listItems, rules: context.outlineRules) {
                result[result.count - 1] = NSRange(location: last.location, length: NSMaxRange(span) - last.location)
            } else {
                result.append(span)
            }
        }
        return result
    }

    static func continues(_ item: NSRange, with next: NSRange, units: [UInt16], listItems: Set<Int>,
                          rules: OutlineRules) -> Bool {
        guard listItems.contains(item.location), !listItems.contains(next.location) else { return false }
        // Exactly one line feed (and spaces) between them.
        var index = NSMaxRange(item)
        var feeds = 0
        while index < next.location {
            if units[index] == 0x0A { feeds += 1 } else if units[index] != 0x20 { return false }
            index += 1
        }
        guard feeds == 1 else { return false }
        var itemLineStart = item.location
        while itemLineStart > 0, units[itemLineStart - 1] != 0x0A { itemLineStart -= 1 }
        var nextLineStart = next.location
        while nextLineStart > 0, units[nextLineStart - 1] != 0x0A { nextLineStart -= 1 }
        let itemIndent = item.location - itemLineStart
        let nextIndent = next.location - nextLineStart
        guard nextIndent > itemIndent || isLower(units[next.location]) else { return false }
        var nextLineEnd = next.location
        while nextLineEnd < NSMaxRange(next), units[nextLineEnd] != 0x0A { nextLineEnd += 1 }
        let longest = max(NSMaxRange(item) - itemLineStart, nextLineEnd - nextLineStart)
        return isWrap(units, previous: item.location..<NSMaxRange(item), next: next.location..<nextLineEnd,
                      longest: longest, rules)
    }

    // MARK: - Line breaks inside a block

    /// Replaces the line feeds of `span` that only wrap a sentence by spaces.
    static func unwrap(_ units: inout [UInt16], _ span: NSRange, _ rules: OutlineRules) {
        let end = NSMaxRange(span)
        var lineFeeds: [Int] = []
        var longest = 0
        var lineStart = span.location
        for index in span.location..<end where units[index] == 0x0A {
            lineFeeds.append(index)
            longest = max(longest, index - lineStart)
            lineStart = index + 1
        }
        guard !lineFeeds.isEmpty else { return }
        longest = max(longest, end - lineStart)
        var previousStart = span.location
        for (number, feed) in lineFeeds.enumerated() {
            let nextEnd = number + 1 < lineFeeds.count ? lineFeeds[number + 1] : end
            let previous = previousStart..<feed
            let next = (feed + 1)..<nextEnd
            if isWrap(units, previous: previous, next: next, longest: longest, rules) { units[feed] = 0x20 }
            previousStart = feed + 1
        }
    }

    static func isWrap(_ units: [UInt16], previous: Range<Int>, next: Range<Int>, longest: Int,
                       _ rules: OutlineRules) -> Bool {
        guard let last = lastNonSpace(units, previous), let first = firstNonSpace(units, next) else { return false }
        if isPageMarker(units, previous) || isPageMarker(units, next) { return false }
        // Table rows ("| cell | cell |" in Markdown and text renderings) are no wrapped prose.
        if units[first] == 0x7C || units[last] == 0x7C { return false }
        let lastUnit = units[last]
        if lastUnit == 0x3A { return false } // ':'
        if startsListItem(units, from: first, end: next.upperBound) { return false }
        if startsField(units, from: first, end: next.upperBound) { return false }
        // ',', '-', '(', '/', '&' or a function word at the end: the sentence goes on.
        if [0x2C, 0x2D, 0x28, 0x2F, 0x26].contains(lastUnit) { return true }
        if endsWithFunctionWord(units, previous.lowerBound, last, rules) { return true }
        // '.', '!', '?', ';': ICU decides (it knows abbreviations).
        if [0x2E, 0x21, 0x3F, 0x3B].contains(lastUnit) { return true }
        // A short line without final punctuation ends there (a heading, a label, the end of a ragged paragraph).
        let width = last + 1 - previous.lowerBound
        if Double(width) < 0.6 * Double(longest) { return false }
        return true
    }

    /// A page number line as pdftotext prints it: "-3-", "- 12 -".
    static func isPageMarker(_ units: [UInt16], _ line: Range<Int>) -> Bool {
        guard let first = firstNonSpace(units, line), let last = lastNonSpace(units, line),
              units[first] == 0x2D, units[last] == 0x2D, last - first >= 2, last - first <= 6 else { return false }
        return (first + 1..<last).allSatisfy { isDigit(units[$0]) || units[$0] == 0x20 }
    }

    static func firstNonSpace(_ units: [UInt16], _ range: Range<Int>) -> Int? {
        range.first { !ExtractionContext.isSpace(units[$0]) }
    }

    static func lastNonSpace(_ units: [UInt16], _ range: Range<Int>) -> Int? {
        range.last { !ExtractionContext.isSpace(units[$0]) }
    }

    static func isUpper(_ unit: UInt16) -> Bool {
        if unit < 0x80 { return unit >= 0x41 && unit <= 0x5A }
        guard let scalar = Unicode.Scalar(UInt32(unit)) else { return false }
        return scalar.properties.isUppercase
    }

    static func isLower(_ unit: UInt16) -> Bool {
        if unit < 0x80 { return unit >= 0x61 && unit <= 0x7A }
        guard let scalar = Unicode.Scalar(UInt32(unit)) else { return false }
        return scalar.properties.isLowercase
    }

    static func isDigit(_ unit: UInt16) -> Bool { unit >= 0x30 && unit <= 0x39 }

    static func isLetterOrDigit(_ unit: UInt16) -> Bool {
        isDigit(unit) || isUpper(unit) || isLower(unit)
    }

    /// Bullets: `-`, `*`, `+`, `o`, `•`, `·`, `▪`, `◦`, `‣`, `►` followed by a space; enumerators: `1)`,
    /// `(a)`, `a.`, `iv)`, `12.`, `[3]`, `[i.1]` followed by a space.
    static func startsListItem(_ units: [UInt16], from start: Int, end: Int) -> Bool {
        func spaceAt(_ index: Int) -> Bool { index < end && (units[index] == 0x20 || units[index] == 0x09) }
        let first = units[start]
        if [0x2D, 0x2A, 0x2B, 0x2022, 0xB7, 0x25AA, 0x25E6, 0x2023, 0x25BA, 0x25CF, 0x25A0].contains(first) {
            return spaceAt(start + 1)
        }
        if first == 0x6F { return spaceAt(start + 1) } // "o" used as a bullet
        var index = start
        if first == 0x5B { // [n]
            var close = start + 1
            while close < end, close - start <= 10, units[close] != 0x5D { close += 1 }
            return close < end && units[close] == 0x5D && close > start + 1 && spaceAt(close + 1)
        }
        if first == 0x28 { index += 1 } // "(a)"
        let tokenStart = index
        while index < end, index - tokenStart < 4, isDigit(units[index]) || isLower(units[index]) { index += 1 }
        let token = index - tokenStart
        guard token > 0, index < end else { return false }
        let allDigits = (tokenStart..<index).allSatisfy { isDigit(units[$0]) }
        let roman = (tokenStart..<index).allSatisfy { [0x69, 0x76, 0x78].contains(units[$0]) }
        guard allDigits || token == 1 || roman else { return false }
        if units[index] == 0x29 { return spaceAt(index + 1) } // ')'
        if units[index] == 0x2E, first != 0x28 { return spaceAt(index + 1) }
        return false
    }

    /// `Field:` or `Field name:` at the start of a line, followed by a space or the end of the line.
    static func startsField(_ units: [UInt16], from start: Int, end: Int) -> Bool {
        guard isUpper(units[start]) else { return false }
        var index = start + 1
        while index < end, index - start <= 32 {
            let unit = units[index]
            if unit == 0x3A { return index + 1 == end || units[index + 1] == 0x20 || units[index + 1] == 0x09 }
            if !(isLetterOrDigit(unit) || [0x20, 0x2E, 0x2F, 0x28, 0x29, 0x26, 0x27, 0x2D].contains(unit)) {
                return false
            }
            index += 1
        }
        return false
    }

    /// Whether the line ending at `last` ends with one of the rules' function words.
    static func endsWithFunctionWord(_ units: [UInt16], _ lineStart: Int, _ last: Int, _ rules: OutlineRules) -> Bool {
        var start = last
        while start > lineStart, isLetterOrDigit(units[start - 1]) { start -= 1 }
        guard last - start < 5, isLower(units[start]) else { return false }
        let word = String(decoding: units[start...last], as: UTF16.self)
        return rules.functionWords.contains(word)
    }
}
