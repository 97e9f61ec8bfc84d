import Foundation

/// The structure the sentence-level extractors need: headings (from heading blocks, or recognized in plain text),
/// and every sentence as a `Statement` with its section and list-item flag. Computed once per document
/// (`ExtractionContext.outline`).
public struct DocumentOutline: Sendable {
    /// A heading: where it is, and its title without numbering or markup.
    public struct Heading: Sendable {
        /// The heading line (trimmed), as a UTF-16 range of the normalized text.
        public var range: NSRange
        /// Title without clause number, `=`/`#` markup or trailing colon, spaces collapsed ("References").
        public var title: String
        /// The clause number when there is one ("2.1", "A.1", "Annex A").
        public var number: String?
        /// Depth: from the heading block, or the clause number's components ("Annex A" is 1); nil when unknown.
        public var level: Int?
        /// The heading itself says its section is informative: "(informative)" in the title, an ITU-T "Appendix",
        /// or an AsciiDoc `[appendix,obligation=informative]` line before it.
        public var marksInformative = false
        /// Whether the section is informative: it or a heading it is nested in marks it so.
        public var isInformative = false
    }

    /// A sentence ready for matching.
    public struct Statement: Sendable {
        /// The sentence without a leading list marker, as a UTF-16 range of the normalized text.
        public var range: NSRange
        /// The whole sentence, list marker included ("[R-3] The UE shall ..." is a requirement number, not a list).
        public var sentence: NSRange
        /// Its text with runs of white space collapsed to one space.
        public var text: String
        /// Whether the sentence starts a list item.
        public var isListItem: Bool
        /// Index in `headings` of the heading of the section it is in.
        public var section: Int?
        /// Whether the sentence is itself a heading-like line (no final punctuation, recognized as a heading).
        public var isHeading: Bool
    }

    /// Headings in text order.
    public let headings: [Heading]
    /// Sentences in text order.
    public let statements: [Statement]

    /// Outlines `context`.
    public init(_ context: ExtractionContext) {
        let headings = Self.nestInformative(Self.headings(in: context))
        self.headings = headings
        var statements: [Statement] = []
        statements.reserveCapacity(context.sentences.count)
        var headingIndex = -1
        let listItems = Set(context.blocks.filter { $0.block.kind == .listItem }.map(\.range.location))
        var emittedHeadings = Set<Int>()
        for sentence in context.sentences {
            while headingIndex + 1 < headings.count, headings[headingIndex + 1].range.location <= sentence.location {
                headingIndex += 1
            }
            // A heading line inside a prose block is one statement, however ICU cut it ("1." "Overall ...").
            if headingIndex >= 0, NSIntersectionRange(headings[headingIndex].range, sentence).length > 0 {
                if emittedHeadings.insert(headingIndex).inserted {
                    let heading = headings[headingIndex]
                    statements.append(Statement(range: heading.range, sentence: heading.range,
                                                text: Self.collapsed(context, heading.range),
                                                isListItem: false, section: headingIndex, isHeading: true))
                }
                continue
            }
            var range = sentence
            let marker = Self.listMarkerLength(context.scan, range)
            if marker > 0 {
                range = context.trim(NSRange(location: range.location + marker, length: range.length - marker))
            }
            guard range.length > 0 else { continue }
            statements.append(Statement(range: range, sentence: sentence, text: Self.collapsed(context, range),
                                        isListItem: marker > 0 || listItems.contains(sentence.location),
                                        section: headingIndex >= 0 ? headingIndex : nil, isHeading: false))
        }
        self.statements = statements
    }

    /// The heading of the section that `location` is in.
    public func section(at location: Int) -> Heading? {
        let after = headings.partitionPoint { $0.range.location <= location }
        return after > 0 ? headings[after - 1] : nil
    }

    /// Index of the first statement starting at or after `location`.
    public func statementIndex(atOrAfter location: Int) -> Int {
        statements.partitionPoint { $0.range.location < location }
    }

    // MARK: - Text helpers

    /// `text` with every run of white space collapsed to a single space, trimmed.
    public static func collapse(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            collapse(bytes) ?? String(decoding: bytes, as: UTF8.self)
        }
    }

    /// `bytes` (UTF-8) with every run of white space (space, line feed, tab, carriage return) collapsed to a single
    /// space, trimmed; nil when that changes nothing.
    static func collapse(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        @inline(__always) func isSpace(_ byte: UInt8) -> Bool {
            byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
        }
        // Fast path: nothing to collapse or trim.
        if bytes.isEmpty || (!isSpace(bytes[0]) && !isSpace(bytes[bytes.count - 1]) && hasOnlySingleSpaces(bytes)) {
            return nil
        }
        // Written straight into the string's storage (every sentence's text is made here).
        return String(unsafeUninitializedCapacity: bytes.count) { out in
            var count = 0
            var pendingSpace = false
            for byte in bytes {
                if isSpace(byte) {
                    pendingSpace = count > 0
                } else {
                    if pendingSpace {
                        out[count] = 0x20
                        count += 1
                        pendingSpace = false
                    }
                    out[count] = byte
                    count += 1
                }
            }
            return count
        }
    }

    /// Whether the only white space (space, line feed, tab, carriage return) in `bytes` is single spaces. Eight
    /// bytes at a time while they hold no byte below 0x20 (exact masks: the spaces' high bits by the zero-byte test
    /// after XOR, those of bytes below 0x20 by adding 0x60 to their low seven bits); every sentence's text is made
    /// through here.
    static func hasOnlySingleSpaces(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let low: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let high: UInt64 = 0x8080_8080_8080_8080
        var index = 0
        var previousSpace = false
        if let base = UnsafeRawPointer(bytes.baseAddress) {
            while index + 8 <= bytes.count {
                let word = base.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                if ~(((word & low) &+ 0x6060_6060_6060_6060) | word) & high != 0 { break }
                let flipped = word ^ 0x2020_2020_2020_2020
                let spaces = ~(((flipped & low) &+ low) | flipped) & high
                // Two spaces side by side, in the word or across its start (little-endian: byte 0 is the lowest).
                if spaces & (spaces << 8) != 0 || (previousSpace && spaces & 0x80 != 0) { return false }
                previousSpace = spaces >> 63 != 0
                index += 8
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            let space = byte == 0x20 || byte == 0x0A || byte == 0x09 || byte == 0x0D
            if space && (previousSpace || byte != 0x20) { return false }
            previousSpace = space
            index += 1
        }
        return true
    }

    /// The text of `range` of the context, white space collapsed (see `collapse(_:)`).
    static func collapsed(_ context: ExtractionContext, _ range: NSRange) -> String {
        context.scan.withUTF8(of: range) { bytes in
            collapse(bytes) ?? String(decoding: bytes, as: UTF8.self)
        } ?? collapse(context.string(range))
    }

    /// Length of a list marker and the spaces after it at the start of `range`, or 0.
    static func listMarkerLength(_ text: ScanText, _ range: NSRange) -> Int {
        let count = min(range.length, 16)
        guard count >= 2 else { return 0 }
        let units = text.units(NSRange(location: range.location, length: count))
        guard SentenceSegmenter.startsListItem(units, from: 0, end: count) else { return 0 }
        var index = 0
        while index < count, units[index] != 0x20, units[index] != 0x09 { index += 1 }
        while index < count, units[index] == 0x20 || units[index] == 0x09 { index += 1 }
        return index
    }

    // MARK: - Headings

    static func headings(in context: ExtractionContext) -> [Heading] {
        let rules = context.outlineRules
        var result: [Heading] = []
        var blockHeadingLines = Set<Int>()
        for (block, range) in context.blocks where block.kind == .heading || block.kind == .title {
            let trimmed = context.trim(range)
            guard trimmed.length > 0 else { continue }
            var title = collapsed(context, trimmed)
            if let match = rules.markup?.firstMatch(in: title) {
                title = (title as NSString).substring(from: match.range.length)
            }
            var number: String?
            if let parsed = parseNumbered(title, rules) {
                number = parsed.number
                title = parsed.title
            }
            var heading = Heading(range: trimmed, title: stripColon(title), number: number)
            heading.level = block.level.map { $0 + 1 } ?? number.map(depth)
            heading.marksInformative = marksInformative(heading, context)
            result.append(heading)
            blockHeadingLines.insert(trimmed.location)
        }
        // Lines are read in order: whether one starts in a paragraph (its end included) is told by walking the
        // paragraphs' ranges, sorted, beside them (an IndexSet of every position took 5% of the outline's time).
        let proseOnly = !context.blocks.isEmpty
        let paragraphs = context.blocks.filter { $0.block.kind == .paragraph }.map(\.range)
            .sorted { $0.location < $1.location }
        var paragraph = 0
        var reachedEnd = 0
        func inParagraph(_ location: Int) -> Bool {
            // One of the paragraphs that start at or before `location` reaches it when the furthest-reaching does.
            while paragraph < paragraphs.count, paragraphs[paragraph].location <= location {
                reachedEnd = max(reachedEnd, NSMaxRange(paragraphs[paragraph]) + 1)
                paragraph += 1
            }
            return location < reachedEnd
        }
        let lines = context.lines
        var previousWasHeading = false
        for (index, line) in lines.enumerated() {
            let trimmed = context.trim(line)
            guard trimmed.length > 1, trimmed.length <= 120 else {
                previousWasHeading = false
                continue
            }
            if proseOnly, !inParagraph(trimmed.location) {
                previousWasHeading = false
                continue
            }
            if blockHeadingLines.contains(trimmed.location) {
                previousWasHeading = true
                continue
            }
            // Headings start with a clause number or a capital.
            let first = context.scan.character(at: trimmed.location)
            guard SentenceSegmenter.isDigit(first) || SentenceSegmenter.isUpper(first) else {
                previousWasHeading = false
                continue
            }
            // Most lines have nothing to collapse: those are matched where they are, and their text is made only
            // for a line that may be an unnumbered heading.
            var collapsedLine: String?
            let clean = context.scan.withUTF8(of: trimmed) { bytes -> Bool in
                collapsedLine = collapse(bytes)
                return collapsedLine == nil
            } ?? false
            if !clean, collapsedLine == nil { collapsedLine = collapsed(context, trimmed) }
            let parsed = collapsedLine.map { parseNumbered($0, rules) } ?? parseNumbered(context.scan, trimmed, rules)
            var heading: Heading?
            if let parsed, !previousWraps(context, lines, index),
               let last = parsed.title.unicodeScalars.last {
                let title = parsed.title
                let okEnd = !".;,".unicodeScalars.contains(last) && (last != ":" || title.count <= 60)
                if okEnd, title.count <= 100, rules.tocEntry?.matches(in: title).isEmpty ?? true,
                   !title.contains("....") {
                    heading = Heading(range: trimmed, title: stripColon(title), number: parsed.number,
                                      level: depth(parsed.number))
                }
            } else if mayBeUnnumberedHeading(context, trimmed) {
                let text = collapsedLine ?? context.string(trimmed)
                if isUnnumberedHeading(text, context: context, lines: lines, index: index,
                                       previousWasHeading: previousWasHeading) {
                    heading = Heading(range: trimmed, title: text, number: nil)
                }
            }
            if var heading {
                heading.marksInformative = marksInformative(heading, context)
                result.append(heading)
            }
            previousWasHeading = heading != nil
        }
        result.sort { $0.range.location < $1.range.location }
        return result
    }

    /// Depth of a clause number: "2.1.3" is 3, "A.1" is 2, "Annex A" is 1.
    static func depth(_ number: String) -> Int {
        if number.hasPrefix("Annex") || number.hasPrefix("Appendix") { return 1 }
        return number.split(separator: ".").count
    }

    static func marksInformative(_ heading: Heading, _ context: ExtractionContext) -> Bool {
        if heading.number?.hasPrefix("Appendix") == true { return true }
        guard let informativeMarker = context.outlineRules.informativeMarker else { return false }
        if !informativeMarker.matches(in: context.string(heading.range)).isEmpty { return true }
        // The line before the heading (AsciiDoc block attributes).
        var end = heading.range.location
        while end > 0, ExtractionContext.isSpace(context.scan.character(at: end - 1)) { end -= 1 }
        var start = end
        while start > 0, end - start < 200, context.scan.character(at: start - 1) != 0x0A { start -= 1 }
        guard end > start, end - start < 200 else { return false }
        return !informativeMarker.matches(in: context.string(NSRange(location: start, length: end - start))).isEmpty
    }

    /// Sets `isInformative` on headings nested (by level) under one that marks its section informative; a heading
    /// of unknown level belongs to the section before it.
    static func nestInformative(_ headings: [Heading]) -> [Heading] {
        var result = headings
        var stack: [(level: Int, informative: Bool)] = []
        for index in result.indices {
            let heading = result[index]
            if let level = heading.level {
                while let top = stack.last, top.level >= level { stack.removeLast() }
                let informative = heading.marksInformative || (stack.last?.informative ?? false)
                result[index].isInformative = informative
                stack.append((level, informative))
            } else {
                result[index].isInformative = heading.marksInformative || (stack.last?.informative ?? false)
            }
        }
        return result
    }

    /// Whether the line before `index` runs on into it (ends with a comma, a hyphen or a function word).
    static func previousWraps(_ context: ExtractionContext, _ lines: [NSRange], _ index: Int) -> Bool {
        guard index > 0 else { return false }
        let previous = context.trim(lines[index - 1])
        guard previous.length > 0 else { return false }
        let last = NSMaxRange(previous) - 1
        let unit = context.scan.character(at: last)
        if [0x2C, 0x2D, 0x28, 0x2F, 0x26].contains(unit) { return true }
        let start = max(previous.location, last - 6)
        let units = context.scan.units(NSRange(location: start, length: last + 1 - start))
        return SentenceSegmenter.endsWithFunctionWord(units, 0, units.count - 1, context.outlineRules)
    }

    /// The clause number and title of a heading line (`numbered` or `annex` rule), or nil.
    static func parseNumbered(_ text: String, _ rules: OutlineRules) -> (number: String, title: String)? {
        let scan = ScanText(text)
        return parseNumbered(scan, NSRange(location: 0, length: scan.count), rules)
    }

    /// `parseNumbered` of the text of `range`, matched where it is (a line with nothing to collapse).
    static func parseNumbered(_ scan: ScanText, _ range: NSRange,
                              _ rules: OutlineRules) -> (number: String, title: String)? {
        for pattern in [rules.numbered, rules.annex].compactMap({ $0 }) {
            if let match = pattern.firstMatch(in: scan, range: range), let number = match.groups["number"],
               let title = match.groups["title"] {
                var numberText = scan.string(number)
                if numberText.hasSuffix(".") { numberText.removeLast() }
                return (numberText, scan.string(title).trimmingSpaces())
            }
        }
        return nil
    }

    /// What `isUnnumberedHeading` rules out by a trimmed line's first and last characters alone: a line starting
    /// with a digit, or ending in punctuation.
    static func mayBeUnnumberedHeading(_ context: ExtractionContext, _ trimmed: NSRange) -> Bool {
        let first = context.scan.character(at: trimmed.location)
        let last = context.scan.character(at: NSMaxRange(trimmed) - 1)
        return !SentenceSegmenter.isDigit(first) && !(last < 0x80 && ".,;:!?".utf16.contains(last))
    }

    static func stripColon(_ title: String) -> String {
        title.hasSuffix(":") ? String(title.dropLast()).trimmingSpaces() : title
    }

    /// How many words `bytes` (UTF-8) has: runs of bytes other than the space.
    static func words(_ bytes: [UInt8]) -> Int {
        var count = 0
        var previous: UInt8 = 0x20
        for byte in bytes {
            if previous == 0x20, byte != 0x20 { count += 1 }
            previous = byte
        }
        return count
    }

    /// Whether `bytes` hold `needle` (not empty).
    static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { start in
            needle.indices.allSatisfy { bytes[start + $0] == needle[$0] }
        }
    }

    /// A short line that stands alone: capitalized, at most eight words, no final punctuation, no layout columns,
    /// after a blank line, a finished sentence or another heading, and before a blank line or a capitalized line.
    static func isUnnumberedHeading(_ text: String, context: ExtractionContext, lines: [NSRange], index: Int,
                                    previousWasHeading: Bool) -> Bool {
        // Spaces, bars and colons are looked for among the bytes (code points, not grapheme clusters: this runs on
        // every short capitalized line, where Foundation's `contains` took half the time).
        let bytes = Array(text.utf8)
        guard bytes.count <= 60 || text.count <= 60, let first = text.unicodeScalars.first,
              first.properties.isUppercase, let last = text.unicodeScalars.last,
              !".,;:!?".unicodeScalars.contains(last), words(bytes) <= 8, !bytes.contains(0x7C),
              !bytes.withUnsafeBufferPointer({ Self.contains($0, [0x3A, 0x20]) }) else { return false }
        let columns = context.scan.withUTF8(of: context.trim(lines[index])) { Self.contains($0, [0x20, 0x20, 0x20]) }
            ?? context.string(context.trim(lines[index])).contains("   ")
        if columns || !(context.outlineRules.tocEntry?.matches(in: text).isEmpty ?? true) { return false }
        let previousOK: Bool = {
            if index == 0 || previousWasHeading { return true }
            let previous = context.trim(lines[index - 1])
            if previous.length == 0 { return true }
            let unit = context.scan.character(at: NSMaxRange(previous) - 1)
            return [0x2E, 0x3A, 0x3B, 0x21, 0x3F].contains(unit)
        }()
        guard previousOK else { return false }
        guard index + 1 < lines.count else { return true }
        let next = context.trim(lines[index + 1])
        if next.length == 0 { return true }
        let unit = context.scan.character(at: next.location)
        return SentenceSegmenter.isUpper(unit) || SentenceSegmenter.isDigit(unit) || unit == 0x5B
            || listMarkerLength(context.scan, next) > 0
    }
}
