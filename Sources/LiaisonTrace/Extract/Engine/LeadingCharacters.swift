/// The ASCII characters a pattern's match can hold at each of its first positions, derived from the pattern's
/// source: for `\b(?:3GPP\s)?(?<type>TS|TR)[\s.]?\d{2}`, a match starts with "3" or "T", then "G", "S" or "R", then
/// "P", white space, "." or a digit... A position where the text holds a character outside that set cannot start a
/// match, so ICU is not asked there. Before this, every "TSG" was a failed ICU try of the specification rules
/// (about 170 ns each), and every "is" one of the scope rule "(is|are) to specify|the ... study".
///
/// Positions are characters (UTF-16 units of ASCII characters). The test stops at the first character outside
/// ASCII and admits the position: case folding ("ß" for "ss"), surrogate pairs and classes such as `\S` make the
/// positions after it uncertain. Up to that point each ASCII character of the text is one character of the match:
/// what would break that (`\R` and `\X`, which can match "\r\n"; a non-ASCII character in a case-insensitive part,
/// which can match two ASCII letters) ends the analysis there, and the positions after it admit everything.
///
/// Everything here must be sound: a set that misses a character a match can hold there loses matches. So what the
/// analysis does not understand admits every character, and a pattern `RegexTree` cannot read has no leading sets.
struct LeadingCharacters: Sendable, Equatable {
    /// The sets of the first positions; the last one is never `AsciiMask.all`.
    let positions: [AsciiMask]
    /// Whether every match starts at the start of a line (the pattern begins with `^` in multi-line mode): at the
    /// start of the searched text or after a line feed (patterns are compiled with UNIX_LINES).
    let atLineStart: Bool

    /// How many positions are analyzed.
    static let depth = 10

    /// The sets of a pattern: of its first positions, and of the characters before it (`before`).
    struct Sets: Sendable, Equatable {
        var leading: LeadingCharacters?
        var before: LeadingCharacters?
    }

    /// The sets of `source` compiled with `caseInsensitive`, made once per process, or kept by an earlier run
    /// (`PatternAnalyses`: every pattern of a pipeline is analyzed when it is loaded, about 27 ms of each run).
    static func of(source: String, caseInsensitive: Bool) -> Sets {
        let key = PatternAnalyses.Key(source: source, caseInsensitive: caseInsensitive)
        if let known = PatternAnalyses.shared.leading(key) { return known }
        let sets = Sets(leading: LeadingCharacters(source: source, caseInsensitive: caseInsensitive),
                        before: before(source: source, caseInsensitive: caseInsensitive))
        PatternAnalyses.shared.add(key, sets)
        return sets
    }

    /// The leading sets of `source` compiled with `caseInsensitive`; nil when they admit everything anywhere.
    init?(source: String, caseInsensitive: Bool) {
        // "[]...]" and "[^]...]" are read differently by different engines (and by `RegexTree`): left to ICU.
        guard !source.contains("[]"), !source.contains("[^]"), let tree = RegexTree(source) else { return nil }
        var flags = Flags(caseInsensitive: caseInsensitive, multiline: false)
        guard let summary = Walk.summary(of: tree, flags: &flags) else { return nil }
        var positions = summary.positions
        while positions.last == .all { positions.removeLast() }
        let lineStart = Walk.startsAtLineStart(tree, caseInsensitive: caseInsensitive)
        guard !positions.isEmpty || lineStart else { return nil }
        self.positions = positions
        atLineStart = lineStart
    }

    /// The characters right before every match, nearest first, when the pattern begins (after flag settings and
    /// inside groups) with a positive lookbehind: the leading characters of its body reversed
    /// (`RegexTree.reversed`), which must end where the match starts. For `(?<=;\s{0,3}(?:it|they)\s{1,3}not\s)`,
    /// a space, then "t" or a space, ...; nil when there is no such lookbehind or nothing is known.
    static func before(source: String, caseInsensitive: Bool) -> LeadingCharacters? {
        guard !source.contains("[]"), !source.contains("[^]"), let tree = RegexTree(source),
              // One lookbehind that every match starts after (with alternatives, each has its own body).
              let bodies = Walk.leadingLookbehinds(tree, Flags(caseInsensitive: caseInsensitive, multiline: false)),
              bodies.count == 1, let (body, flags) = bodies.first,
              let reversed = body.reversed else { return nil }
        var inner = flags
        guard let summary = Walk.summary(of: reversed, flags: &inner) else { return nil }
        var positions = summary.positions
        while positions.last == .all { positions.removeLast() }
        guard !positions.isEmpty else { return nil }
        return LeadingCharacters(positions: positions)
    }

    private init(positions: [AsciiMask], atLineStart: Bool = false) {
        self.positions = positions
        self.atLineStart = atLineStart
    }

    func write(to writer: inout BinaryWriter) {
        writer.bool(atLineStart)
        writer.words(positions.flatMap { [$0.low, $0.high] })
    }

    init(reading reader: inout BinaryReader) throws {
        let atLineStart = try reader.bool()
        let words = try reader.words()
        guard words.count % 2 == 0, words.count <= 2 * Self.depth else { throw BinaryReader.Corrupt() }
        self.init(positions: stride(from: 0, to: words.count, by: 2).map { AsciiMask(low: words[$0], high: words[$0 + 1]) },
                  atLineStart: atLineStart)
    }

    /// Whether what comes before `position` of `units` fits `before(source:caseInsensitive:)`'s sets, in a search
    /// that sees the text from `low` (the lookbehind sees nothing before it).
    @inline(__always)
    func admitsBefore(_ units: UnsafeMutableBufferPointer<UInt16>, at position: Int, low: Int) -> Bool {
        var index = position - 1
        for mask in positions {
            guard index >= low else { return true }
            let unit = units[index]
            if unit >= 0x80 { return true }
            if !mask.contains(UInt8(truncatingIfNeeded: unit)) { return false }
            index -= 1
        }
        return true
    }

    /// Whether a match may start at `position` of `units` (UTF-16 units or UTF-8 bytes: both are ASCII for ASCII
    /// characters), judging by the characters there, in a search that sees the text up to `limit` (a word boundary
    /// holds at its end whatever follows, so nothing from `limit` on is looked at).
    @inline(__always)
    func admits<Units: RandomAccessCollection>(_ units: Units, at position: Int, limit: Int) -> Bool
        where Units.Element: BinaryInteger, Units.Index == Int {
        let end = min(limit, units.endIndex)
        var index = position
        for mask in positions {
            guard index < end else { return true }
            let unit = units[index]
            if unit >= 0x80 { return true }
            if !mask.contains(UInt8(truncatingIfNeeded: unit)) { return false }
            index += 1
        }
        return true
    }

    // MARK: - Analysis

    struct Flags {
        var caseInsensitive: Bool
        var multiline: Bool
    }

    /// What the strings a part of a pattern matches look like: for each length below `depth`, the union of the
    /// sets at each position of the strings of that length, and whether all of them are followed by a word
    /// boundary (`\b` right after them); strings of `depth` or more characters are cut to their first `depth` (and
    /// kept as length `depth`). Merging strings of one length into one set per position keeps the table small and
    /// only ever admits more. Stored flat, `depth` sets per length, with a bit per length that has strings: every
    /// pattern of a pipeline is analyzed when it is loaded, so this must be quick.
    struct Summary: Equatable {
        /// Bit `l`: there are strings of length `l`.
        var lengths: UInt32 = 0
        /// Bit `l`: every string of length `l` is followed by a word boundary.
        var boundaries: UInt32 = 0
        /// The sets of length `l` at `l * depth ..< l * depth + min(l, depth)`.
        var masks: [AsciiMask]

        private init() {
            masks = Array(repeating: .none, count: (depth + 1) * depth)
        }

        static let empty: Summary = {
            var summary = Summary()
            summary.lengths = 1
            return summary
        }()

        /// `\b`: the empty string, followed by a word boundary.
        static let boundary: Summary = {
            var summary = Summary()
            summary.lengths = 1
            summary.boundaries = 1
            return summary
        }()

        static func one(_ mask: AsciiMask) -> Summary {
            var summary = Summary()
            summary.lengths = 1 << 1
            summary.masks[depth] = mask
            return summary
        }

        /// Strings of unknown shape: every position admits everything.
        static let unknown: Summary = {
            var summary = Summary()
            summary.lengths = 1 << UInt32(depth)
            for index in 0..<depth { summary.masks[depth * depth + index] = .all }
            return summary
        }()

        func has(_ length: Int) -> Bool { lengths & (1 << UInt32(length)) != 0 }

        /// Notes strings of `length`, followed by a boundary or not: a length keeps its boundary only when all its
        /// strings have one.
        private mutating func mark(_ length: Int, boundary: Bool) {
            let bit: UInt32 = 1 << UInt32(length)
            if lengths & bit == 0 {
                if boundary, length < depth { boundaries |= bit }
            } else if !boundary {
                boundaries &= ~bit
            }
            lengths |= bit
        }

        func union(_ other: Summary) -> Summary {
            var result = self
            result.boundaries = (boundaries & other.boundaries) | (boundaries & ~other.lengths)
                | (other.boundaries & ~lengths)
            result.lengths |= other.lengths
            for index in result.masks.indices { result.masks[index] = result.masks[index].union(other.masks[index]) }
            return result
        }

        /// The strings of `self` followed by those of `next`. A boundary after a string of `self` is kept when
        /// `next` adds nothing to it; after a longer string, only `next`'s boundary counts (the one before is not
        /// used to narrow `next`'s first set: admitting more is sound).
        func then(_ next: Summary) -> Summary {
            var result = Summary()
            for length in 0...depth where has(length) {
                let base = length * depth
                guard length < depth else {
                    result.mark(depth, boundary: false)
                    for index in 0..<depth {
                        result.masks[base + index] = result.masks[base + index].union(masks[base + index])
                    }
                    continue
                }
                let before = boundaries & (1 << UInt32(length)) != 0
                for nextLength in 0...depth where next.has(nextLength) {
                    let total = min(depth, length + nextLength)
                    let target = total * depth
                    let after = next.boundaries & (1 << UInt32(nextLength)) != 0
                    result.mark(total, boundary: nextLength == 0 ? before || after : after)
                    for index in 0..<length {
                        result.masks[target + index] = result.masks[target + index].union(masks[base + index])
                    }
                    for index in 0..<(total - length) {
                        result.masks[target + length + index] = result.masks[target + length + index]
                            .union(next.masks[nextLength * depth + index])
                    }
                }
            }
            return result
        }

        /// The set of each position over all strings. A position some strings end before admits everything; one
        /// right after strings followed by a boundary admits what the boundary allows after their last character
        /// (after word characters, no ASCII word character).
        var positions: [AsciiMask] {
            (0..<depth).map { index in
                var mask = AsciiMask.none
                for length in 0...depth where has(length) {
                    if length < index { return .all }
                    if length == index {
                        guard length > 0, boundaries & (1 << UInt32(length)) != 0 else { return .all }
                        let last = masks[length * depth + length - 1]
                        if last.isSubset(of: .word) {
                            mask = mask.union(AsciiMask.word.inverted)
                        } else if last.isSubset(of: AsciiMask.word.inverted) {
                            mask = mask.union(.word)
                        } else {
                            return .all
                        }
                        continue
                    }
                    mask = mask.union(masks[length * depth + index])
                }
                return mask
            }
        }
    }

    enum Walk {
        /// The summary of `tree`, with `flags` as in force before it (and as left after it); nil when a construct
        /// is not understood.
        static func summary(of tree: RegexTree, flags: inout Flags) -> Summary? {
            switch tree {
            case .literal(let scalar, _):
                guard scalar.isASCII else {
                    // Case folding can match a non-ASCII character with ASCII letters ("ß" with "ss").
                    return flags.caseInsensitive ? .unknown : .one(.none)
                }
                return .one(AsciiMask(UInt8(scalar.value), caseInsensitive: flags.caseInsensitive))
            case .characterSet(let text):
                // `\R` and `\X` can match two ASCII characters ("\r\n").
                if text == "\\R" || text == "\\X" { return .unknown }
                return .one(AsciiMask.set(text, caseInsensitive: flags.caseInsensitive))
            case .anchor("\\b"):
                return .boundary
            case .anchor, .lookaround:
                return .empty
            case .flags(let text):
                guard let changed = Self.flags(text, from: flags) else { return nil }
                flags = changed
                return .empty
            case .group(let opening, let body):
                guard var inner = Self.flags(inside: opening, from: flags) else { return nil }
                return summary(of: body, flags: &inner)
            case .sequence(let items):
                var result = Summary.empty
                for item in items {
                    guard let next = summary(of: item, flags: &flags) else { return nil }
                    result = result.then(next)
                }
                return result
            case .alternation(let branches):
                // A flag setting in one branch lasts into the next ones, as in ICU.
                var result: Summary?
                for branch in branches {
                    guard let next = summary(of: branch, flags: &flags) else { return nil }
                    result = result.map { $0.union(next) } ?? next
                }
                return result
            case .quantified(let item, let quantifier):
                if case .flags = item { return nil }
                guard let (low, high) = Self.bounds(quantifier) else { return nil }
                var inner = flags
                guard let once = summary(of: item, flags: &inner) else { return nil }
                // The required copies, until nothing changes: without the empty string every string reaches
                // `depth` after that many copies; with it, each copy only adds, and the table is finite.
                var result = Summary.empty
                for _ in 0..<low {
                    let next = result.then(once)
                    if next == result { break }
                    result = next
                }
                // Further optional copies, until nothing changes (the table is finite).
                var extra = 0
                while high.map({ extra < $0 - low }) ?? true {
                    let next = result.union(result.then(once))
                    if next == result { break }
                    result = next
                    extra += 1
                }
                return result
            }
        }

        /// `(?i)`, `(?i-m)`, `(?-i:`...: the flags after the setting; nil for flags that change how literals read
        /// (`x`), how a word boundary reads (`w`, Unicode words), or are unknown.
        static func flags(_ text: String, from flags: Flags) -> Flags? {
            var result = flags
            var on = true
            for scalar in text.unicodeScalars.dropFirst(2) {
                switch scalar {
                case "i": result.caseInsensitive = on
                case "m": result.multiline = on
                case "s", "d": break  // `.` is read as any character anyway
                case "-": on = false
                case ":", ")": return result
                default: return nil
                }
            }
            return result
        }

        /// The flags inside a group that opens with `opening`: those of a flag group (`(?i:`), else `flags`; nil
        /// for flags `flags(_:from:)` does not take.
        static func flags(inside opening: String, from flags: Flags) -> Flags? {
            guard opening.hasPrefix("(?"), opening != "(?:", opening != "(?>", !opening.hasPrefix("(?<") else {
                return flags
            }
            return Self.flags(opening, from: flags)
        }

        /// The bounds of a quantifier as written (`?`, `*`, `+`, `{n}`, `{n,}`, `{n,m}`, with `?` or `+` after).
        static func bounds(_ quantifier: String) -> (Int, Int?)? {
            var text = Substring(quantifier)
            if text.count > 1, let last = text.last, last == "?" || last == "+" { text = text.dropLast() }
            switch text {
            case "?": return (0, 1)
            case "*": return (0, nil)
            case "+": return (1, nil)
            default:
                guard text.hasPrefix("{"), text.hasSuffix("}") else { return nil }
                let parts = text.dropFirst().dropLast().split(separator: ",", omittingEmptySubsequences: false)
                guard let low = parts.first.flatMap({ Int($0) }) else { return nil }
                if parts.count == 1 { return (low, low) }
                guard parts.count == 2 else { return nil }
                if parts[1].isEmpty { return (low, nil) }
                guard let high = Int(parts[1]), high >= low else { return nil }
                return (low, high)
            }
        }

        /// The bodies of the positive lookbehinds that every match of `tree` starts right after, one for each of
        /// its alternatives, with the flags in force in each; nil when a way to start a match has none.
        static func leadingLookbehinds(_ tree: RegexTree, _ flags: Flags) -> [(RegexTree, Flags)]? {
            switch tree {
            case .lookaround("<=", let body):
                return [(body, flags)]
            case .group(let opening, let body):
                guard let inner = Self.flags(inside: opening, from: flags) else { return nil }
                return leadingLookbehinds(body, inner)
            case .alternation(let branches):
                var bodies: [(RegexTree, Flags)] = []
                for branch in branches {
                    guard let found = leadingLookbehinds(branch, flags) else { return nil }
                    bodies += found
                }
                return bodies
            case .sequence(let items):
                var flags = flags
                for item in items {
                    guard case .flags(let text) = item else { return leadingLookbehinds(item, flags) }
                    guard let changed = Self.flags(text, from: flags) else { return nil }
                    flags = changed
                }
                return nil
            default:
                return nil
            }
        }

        /// Whether every match starts at a line start: the pattern begins, before anything that consumes, with `^`
        /// in multi-line mode (set by a leading `(?m)`), with no alternation at the top level.
        static func startsAtLineStart(_ tree: RegexTree, caseInsensitive: Bool) -> Bool {
            guard case .sequence(let items) = tree else { return false }
            var flags = Flags(caseInsensitive: caseInsensitive, multiline: false)
            for item in items {
                switch item {
                case .flags(let text):
                    guard let changed = Self.flags(text, from: flags) else { return false }
                    flags = changed
                case .anchor("^"):
                    return flags.multiline
                default:
                    return false
                }
            }
            return false
        }
    }
}

/// A set of ASCII characters, as 128 bits.
struct AsciiMask: Sendable, Equatable {
    var low: UInt64
    var high: UInt64

    static let none = AsciiMask(low: 0, high: 0)
    static let all = AsciiMask(low: ~0, high: ~0)

    init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// The characters of `bytes` (ASCII only).
    init(_ bytes: some Sequence<UInt8>) {
        self = .none
        for byte in bytes where byte < 0x80 { insert(byte) }
    }

    /// One character, with its other case when `caseInsensitive` and it is a letter.
    init(_ byte: UInt8, caseInsensitive: Bool) {
        self = .none
        insert(byte)
        if caseInsensitive { self = folded }
    }

    @inline(__always)
    func contains(_ byte: UInt8) -> Bool {
        byte < 64 ? low & (1 << UInt64(byte)) != 0 : byte < 128 && high & (1 << UInt64(byte - 64)) != 0
    }

    mutating func insert(_ byte: UInt8) {
        if byte < 64 { low |= 1 << UInt64(byte) } else if byte < 128 { high |= 1 << UInt64(byte - 64) }
    }

    func union(_ other: AsciiMask) -> AsciiMask { AsciiMask(low: low | other.low, high: high | other.high) }
    func isSubset(of other: AsciiMask) -> Bool { low & ~other.low == 0 && high & ~other.high == 0 }
    var inverted: AsciiMask { AsciiMask(low: ~low, high: ~high) }

    /// With both cases of every letter.
    var folded: AsciiMask {
        var result = self
        for byte in UInt8(0x41)...0x5A where contains(byte) || contains(byte + 0x20) {
            result.insert(byte)
            result.insert(byte + 0x20)
        }
        return result
    }

    static let digits = AsciiMask(UInt8(0x30)...0x39)
    static let word = AsciiMask(Array(UInt8(0x30)...0x39) + Array(UInt8(0x41)...0x5A) + Array(UInt8(0x61)...0x7A)
        + [0x5F])
    /// ICU's `\s` in ASCII (tab, line feed, form feed, carriage return, space), and what it may also hold in the
    /// eyes of other definitions (vertical tab, the information separators): a superset and a subset, so that
    /// both a class and its complement are sound.
    static let spaceSure = AsciiMask([0x09, 0x0A, 0x0C, 0x0D, 0x20])
    static let spaceMaybe = spaceSure.union(AsciiMask([0x0B, 0x1C, 0x1D, 0x1E, 0x1F]))
    static let horizontalSpace = AsciiMask([0x09, 0x20])
    static let verticalSpace = AsciiMask([0x0A, 0x0B, 0x0C, 0x0D])

    /// The characters of a shorthand (`\d`, `\s`, ...): at most what it matches (`sure: true`) or at least.
    static func shorthand(_ letter: Unicode.Scalar, sure: Bool) -> AsciiMask? {
        switch letter {
        case "d": return digits
        case "D": return digits.inverted
        case "w": return word
        case "W": return word.inverted
        case "s": return sure ? spaceSure : spaceMaybe
        case "S": return sure ? spaceMaybe.inverted : spaceSure.inverted
        case "h": return sure ? .none : horizontalSpace
        case "H": return sure ? .none : horizontalSpace.inverted
        case "v": return sure ? .none : verticalSpace
        case "V": return sure ? .none : verticalSpace.inverted
        default: return nil
        }
    }

    /// The ASCII characters `text` (a class, `.`, or an escape such as `\s`, as `RegexTree` keeps it) can match:
    /// at least those, everything when the set is not understood.
    static func set(_ text: String, caseInsensitive: Bool) -> AsciiMask {
        let scalars = Array(text.unicodeScalars)
        if scalars.count == 2, scalars[0] == "\\", let mask = shorthand(scalars[1], sure: false) {
            return mask
        }
        guard scalars.first == "[" else { return .all }  // `.`, `\p{..}`
        var parser = PatternLiterals.Parser(text)
        parser.index = 1
        guard let contents = try? parser.readClass(), parser.index == scalars.count, !contents.hasOtherMembers
        else { return .all }
        if contents.negated {
            // ICU closes a case-insensitive set over case before negating it, or not: not relied on.
            guard !caseInsensitive else { return .all }
            var members = AsciiMask.none
            for range in contents.ranges where range.lowerBound < 0x80 {
                for value in range.lowerBound...min(range.upperBound, 0x7F) { members.insert(UInt8(value)) }
            }
            for letter in contents.shorthands {
                guard let mask = shorthand(letter, sure: true) else { return .all }
                members = members.union(mask)
            }
            return members.inverted
        }
        var members = AsciiMask.none
        for range in contents.ranges {
            // A non-ASCII member of a case-insensitive class can match an ASCII letter (U+212A KELVIN SIGN, "k").
            if caseInsensitive, range.upperBound >= 0x80 { return .all }
            guard range.lowerBound < 0x80 else { continue }
            for value in range.lowerBound...min(range.upperBound, 0x7F) { members.insert(UInt8(value)) }
        }
        for letter in contents.shorthands {
            guard let mask = shorthand(letter, sure: false) else { return .all }
            members = members.union(mask)
        }
        return caseInsensitive ? members.folded : members
    }
}

extension LeadingCharacters.Sets {
    func write(to writer: inout BinaryWriter) {
        for sets in [leading, before] {
            writer.bool(sets != nil)
            sets?.write(to: &writer)
        }
    }

    init(reading reader: inout BinaryReader) throws {
        leading = try reader.bool() ? try LeadingCharacters(reading: &reader) : nil
        before = try reader.bool() ? try LeadingCharacters(reading: &reader) : nil
    }
}
