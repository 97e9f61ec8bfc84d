import CICU
import Foundation

/// A compiled rule pattern: an ICU regular expression (through the plain-C bridge, never Swift `Regex`, which is
/// far slower on Linux, nor `NSRegularExpression`, which copies the text to UTF-16 on every call). In rule files
/// `\b` means an ASCII word boundary: identifiers are ASCII, and a Unicode-aware boundary is both slower and wrong
/// next to letters such as "é".
///
/// Matching follows `NSRegularExpression`: a search within a range sees only that range (`^` and `$` match at its
/// ends, lookarounds stop there). ICU matchers are not thread-safe, so each `Pattern` keeps a small pool of them.
public final class Pattern: @unchecked Sendable { // the pool is guarded by `lock`; everything else is immutable
    /// The pattern as written in the rule file.
    public let source: String
    /// Where it was written: "file:line rule 'id'" (for diagnostics).
    public let origin: String
    /// Whether letters match regardless of case.
    public let caseInsensitive: Bool
    /// Names of the capture groups in the pattern.
    public let groupNames: [String]
    /// ICU group number of each name in `groupNames`.
    let groupNumbers: [Int32]
    /// What the literal scan looks for: the cues every match starts with or contains (nil: none are known, the
    /// pattern is run over every range it is asked about).
    public let cues: PatternCues?

    /// The compiled expression, with `\b` in its fastest exact form for texts without boundary traps.
    private let fast: Compiled
    /// The same with the letters of case-insensitive parts as classes (`AsciiCase`), what texts without boundary
    /// traps get once the pattern has served `foldedAfter` searches (ICU takes a while to compile classes: in a run
    /// over a few documents, most patterns would not win that time back); nil when the pattern has no such part.
    private let folded: Compiled?
    /// The same with the general form of `\b`, for texts with boundary traps (see `ScanText.hasBoundaryTraps`),
    /// written and compiled when the first such text comes; nil when the pattern has no `\b`.
    private let exact: Compiled?

    /// How many searches a pattern serves in the form as written before its `folded` form is compiled.
    static let foldedAfter = 64
    /// Whether a pattern's PCRE2 JIT form may answer the engine's tries and searches where it gives ICU's answer
    /// (`Sources/CICU/regex_jit.c`). `LSTRACE_JIT=0` turns it off, to compare; tests set it to compare both ways.
    nonisolated(unsafe) static var jitEnabled = ProcessInfo.processInfo.environment["LSTRACE_JIT"] != "0"

    /// A pattern that does not compile: the ICU error and where in the pattern it is.
    public struct CompileError: Error, LocalizedError {
        /// ICU's error name, such as `U_REGEX_RULE_SYNTAX`.
        public var message: String
        /// UTF-16 offset in the pattern, when ICU knows it.
        public var offset: Int?

        public var errorDescription: String? {
            offset.map { "\(message) at offset \($0)" } ?? message
        }
    }

    /// Compiles `source`; `caseInsensitive` for cue phrases.
    public convenience init(_ source: String, caseInsensitive: Bool = false, origin: String = "a built-in pattern")
        throws {
        try self.init(source, caseInsensitive: caseInsensitive, origin: origin, foldedAfter: Self.foldedAfter)
    }

    /// Compiles `source`, with its `folded` form used after `foldedAfter` searches (nil: never; for tests that
    /// compare the forms).
    init(_ source: String, caseInsensitive: Bool, origin: String, foldedAfter: Int?) throws {
        self.source = source
        self.origin = origin
        self.caseInsensitive = caseInsensitive
        let flags = UInt32(LT_REGEX_UNIX_LINES) | (caseInsensitive ? UInt32(LT_REGEX_CASE_INSENSITIVE) : 0)
        let rewritten = WordBoundary.rewrite(source)
        let fast = try Compiled(rewritten, flags: flags)
        self.fast = fast
        // The general form is written only when the first text with boundary traps comes (most runs meet none);
        // when it is the same as the fast one, the fast one serves.
        exact = source.contains("\\b") ? Compiled(deferred: {
            let general = WordBoundary.legacy(source)
            return general == rewritten ? nil : general
        }, flags: flags, fallback: fast, after: 0) : nil
        if let foldedAfter, caseInsensitive || source.contains("(?i") {
            folded = Compiled(deferred: {
                let spelled = AsciiCase.rewrite(source, caseInsensitive: caseInsensitive)
                return spelled == source ? nil : WordBoundary.rewrite(spelled)
            }, flags: flags, fallback: fast, after: foldedAfter)
        } else {
            folded = nil
        }
        let regex = fast.prototype
        let names = Self.groupNames(in: source)
        groupNames = names
        groupNumbers = names.map { name in
            let utf16 = Array(name.utf16)
            return lt_regex_group_number(regex, utf16, Int32(utf16.count))
        }
        let analysis = PatternLiterals(source: source, caseInsensitive: caseInsensitive)
        cues = PatternCues(analysis)
        firstCharacters = Self.firstCharacters(of: analysis)
        // Prefixes with a non-ASCII character are not used (case folding makes their bytes uncertain).
        if let list = analysis.prefixes, !list.isEmpty, list.allSatisfy({ $0.utf8.allSatisfy { $0 < 0x80 } }) {
            let bytes = list.map { Array($0.utf8).map(Self.lower) }
            prefixes = bytes
            var buckets = [[[UInt8]]](repeating: [], count: 128)
            for literal in bytes { buckets[Int(literal[0])].append(literal) }
            prefixBuckets = buckets
        } else {
            prefixes = nil
            prefixBuckets = []
        }
        anchoredAtStart = source.hasPrefix("^") && !source.contains("(?m") && !source.contains("(?i-m")
            && !WordBoundary.hasTopLevelAlternation(source)
        startsAtWord = source.hasPrefix("\\b")
            && analysis.firstCharacters?.allSatisfy(RuleEngine.isWordByte) == true
        startsAfter = Self.startsAfter(source, caseInsensitive: caseInsensitive)
        let sets = LeadingCharacters.of(source: source, caseInsensitive: caseInsensitive)
        leading = sets.leading
        leadingBefore = sets.before
        lookbehindLiterals = Self.lookbehindLiterals(source, caseInsensitive: caseInsensitive)
        branchGates = Self.branchGates(source, caseInsensitive: caseInsensitive, leading: sets.leading)
    }

    /// The leading characters of each alternative of the pattern's leading alternation on its own
    /// (`RegexTree.leadingBranches`), listed under each ASCII character their first position holds. `leading`
    /// merges the alternatives' characters ("i", "s", " ", then "t" or "i" for `(?:is|are)\s+(?:intended\s+)?to`,
    /// "s", "p" for `specify`...); a place where no alternative fits cannot start a match. Nil when the pattern has
    /// no leading alternation (or more than 64 alternatives), when an alternative has no leading characters, or when
    /// all are the same as `leading`.
    private let branchGates: [[LeadingCharacters]]?

    static func branchGates(_ source: String, caseInsensitive: Bool,
                            leading: LeadingCharacters?) -> [[LeadingCharacters]]? {
        guard !source.contains("[]"), !source.contains("[^]"), let tree = RegexTree(source),
              let branches = tree.leadingBranches, (2...64).contains(branches.count) else { return nil }
        var gates: [LeadingCharacters] = []
        for branch in branches {
            guard let gate = LeadingCharacters.of(source: branch.source, caseInsensitive: caseInsensitive).leading
            else { return nil }
            gates.append(gate)
        }
        guard gates.contains(where: { $0 != leading }) else { return nil }
        return (0..<128).map { unit in
            gates.filter { $0.positions.first?.contains(UInt8(unit)) ?? true }
        }
    }

    /// Whether one of the alternatives' leading characters (`branchGates`) fits at `position` of `text`, in a
    /// search that sees the text up to `limit`. A character outside ASCII there always fits.
    @inline(__always)
    func branchesAdmit(_ text: ScanText, at position: Int, limit: Int) -> Bool {
        guard let branchGates, position < text.count else { return true }
        let unit = text[position]
        guard unit < 0x80 else { return true }
        return branchGates[Int(unit)].contains { $0.admits(text.units, at: position, limit: limit) }
    }

    /// Literals one of which every match of the positive lookbehinds that matches start after holds, and the most
    /// UTF-16 units such a match spans: a start without one of them in that stretch before it cannot match (nil:
    /// none known).
    private let lookbehindLiterals: LookbehindLiterals?

    /// Literals one of which every match of a lookbehind's body holds, within `span` units.
    struct LookbehindLiterals {
        let literals: AsciiLiterals
        /// The most UTF-16 units a match of the body spans.
        let span: Int
        /// Whether ICU's case folding lets a character outside ASCII match a letter of the literals
        /// (`PatternLiterals.foldSensitive`): then the test holds only in texts without such characters.
        let foldSensitive: Bool
    }

    /// `lookbehindLiterals` of `source`: when every way a match can start is right after a positive lookbehind (the
    /// pattern begins with one, or each of its alternatives does), the required literals of those lookbehinds'
    /// bodies (`PatternLiterals.required`), when each body is bounded and its literals are ASCII.
    static func lookbehindLiterals(_ source: String, caseInsensitive: Bool) -> LookbehindLiterals? {
        guard source.contains("(?<="), let tree = RegexTree(source),
              let bodies = LeadingCharacters.Walk.leadingLookbehinds(
                  tree, LeadingCharacters.Flags(caseInsensitive: caseInsensitive, multiline: false)) else { return nil }
        var literals: Set<String> = []
        var span = 0
        var foldSensitive = false
        for (body, flags) in bodies {
            let analysis = PatternLiterals(source: body.source, caseInsensitive: flags.caseInsensitive)
            guard let length = analysis.maxLength, let required = AsciiLiterals.required(analysis) else { return nil }
            literals.formUnion(required)
            span = max(span, length)
            foldSensitive = foldSensitive || analysis.foldSensitive
        }
        return LookbehindLiterals(literals: AsciiLiterals(literals.sorted()), span: span, foldSensitive: foldSensitive)
    }

    /// For each ASCII character, whether a match may start right after it, when the pattern begins with a negative
    /// lookbehind of one character class (`(?<![^\s(])`: only after white space or "("); nil when it does not.
    /// A start after a non-ASCII character, or after one whose membership is not certain, is always tried.
    private let startsAfter: [Bool]?

    /// The table of `startsAfter` for `source`, or nil when it does not begin with `(?<![CLASS])` of a class whose
    /// members are characters, ranges, `\s` and `\d` (read as `PatternLiterals` reads classes). Compiled
    /// case-insensitively, a class holds both cases of its ASCII letters.
    static func startsAfter(_ source: String, caseInsensitive: Bool = false) -> [Bool]? {
        let opening = "(?<!["
        // The lookbehind must govern every match: not when a top-level "|" gives other ways to start one.
        guard source.hasPrefix(opening), !WordBoundary.hasTopLevelAlternation(source) else { return nil }
        var parser = PatternLiterals.Parser(source)
        parser.index = opening.unicodeScalars.count
        // "[]...]" and "[^]...]" are read differently by different engines: left to ICU.
        guard parser.peek != "]", !(parser.peek == "^" && parser.peek(1) == "]"),
              let contents = try? parser.readClass(), parser.peek == ")", !contents.hasOtherMembers,
              contents.shorthands.allSatisfy({ $0 == "s" || $0 == "d" }) else { return nil }
        var members = [Bool](repeating: false, count: 128)
        for range in contents.ranges where range.lowerBound < 0x80 {
            for value in range.lowerBound...min(range.upperBound, 0x7F) { members[Int(value)] = true }
        }
        if contents.shorthands.contains("s") {
            for byte in PatternLiterals.Parser.asciiSpaces { members[Int(byte)] = true }
        }
        if contents.shorthands.contains("d") {
            for byte in 0x30...0x39 { members[byte] = true }
        }
        if caseInsensitive {
            for lower in 0x61...0x7A where members[lower] || members[lower - 0x20] {
                members[lower] = true
                members[lower - 0x20] = true
            }
        }
        // `(?<![^X])`: a start needs a character of X before it; `(?<![X])`: one not of X. The vertical tab, which
        // ICU's `\s` leaves out, is left to ICU.
        return (0..<128).map { byte in
            (byte == 0x0B && contents.shorthands.contains("s")) || (contents.negated ? members[byte] : !members[byte])
        }
    }

    /// Whether a match can start at `position` of a search that sees `text` from `low`, judging by the lookbehind
    /// the pattern begins with (one class, `startsAfter`; or a positive one, `leadingBefore` and
    /// `lookbehindLiterals`), by a leading `^` in multi-line mode, and by what comes before (at `low` the search sees
    /// nothing before it: a negative lookbehind holds, and a line starts).
    @inline(__always)
    func mayStartAfter(in text: ScanText, low: Int, at position: Int, lookbehind: LookbehindLiterals?) -> Bool {
        guard position > low else { return true }
        let before = text[position - 1]
        if Self.splitsPair(text, at: position) { return false }
        if atLineStart, before != 0x0A { return false }
        if let leadingBefore, !leadingBefore.admitsBefore(text.units, at: position, low: low) { return false }
        if let lookbehind,
           !lookbehind.literals.occur(in: text, from: max(low, position - lookbehind.span), to: position) {
            return false
        }
        guard let startsAfter else { return true }
        return before >= 0x80 || startsAfter[Int(before)]
    }

    /// Whether `position` is between the two halves of a surrogate pair. A scan never starts a match there; and
    /// ICU 72, asked to match from there with transparent bounds, can read before the start of the text and
    /// crash (with a pattern that begins with a class loop, such as `[ \t]*[,;]`).
    @inline(__always)
    static func splitsPair(_ text: ScanText, at position: Int) -> Bool {
        position > 0 && position < text.count && text[position] & 0xFC00 == 0xDC00
            && text[position - 1] & 0xFC00 == 0xD800
    }

    /// The ASCII characters a match can hold at each of its first positions (nil: any).
    let leading: LeadingCharacters?
    /// The ASCII characters right before a match, nearest first, from the positive lookbehind the pattern begins
    /// with (nil: none known).
    let leadingBefore: LeadingCharacters?
    /// Whether every match starts at a line start (`leading`).
    private var atLineStart: Bool { leading?.atLineStart == true }

    /// For each ASCII character, whether a match can start with it (nil: any character may start one). A match
    /// starting with a non-ASCII character is never ruled out.
    private let firstCharacters: [Bool]?
    /// Whether every match starts at the start of the searched text (the pattern begins with `^` and has no `m`
    /// flag, so `^` never matches after a line break).
    let anchoredAtStart: Bool

    /// Whether a match can only start after a non-word character: the pattern starts with `\b` and every first
    /// character is an ASCII word character.
    private let startsAtWord: Bool

    /// The literals every match starts with (ASCII lower case, by first byte), even when too common to scan for:
    /// inside mode tries only positions that start with one.
    private let prefixes: [[UInt8]]?
    /// `prefixes` by first byte (an array, not a dictionary: this is asked at every position a match is tried).
    private let prefixBuckets: [[[UInt8]]]

    /// Whether a match can start at `position`, judging by the prefixes (a non-ASCII character always can).
    @inline(__always)
    func startsWithPrefix(_ text: ScanText, at position: Int) -> Bool {
        guard prefixes != nil else { return true }
        let first = text[position]
        guard first < 0x80 else { return true }
        let bucket = prefixBuckets[Int(Self.lower(UInt8(first)))]
        candidates: for literal in bucket {
            guard position + literal.count <= text.count else { continue }
            for offset in 1..<max(1, literal.count) {
                let unit = text[position + offset]
                if unit >= 0x80 { return true }
                if Self.lower(UInt8(unit)) != literal[offset] { continue candidates }
            }
            return true
        }
        return false
    }

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }

    @inline(__always)
    static func isWordUnit(_ unit: UInt16) -> Bool {
        unit < 0x80 && RuleEngine.isWordByte(UInt8(unit))
    }

    private static func firstCharacters(of analysis: PatternLiterals) -> [Bool]? {
        guard let characters = analysis.firstCharacters else { return nil }
        var table = [Bool](repeating: false, count: 128)
        for byte in characters { table[Int(byte)] = true }
        return table
    }

    /// The first position from `start` through `stop` whose character may start a match, judging by the first
    /// characters only (a character outside ASCII always may), and that is a line start (`low`, where the search's
    /// text starts, or right after a line feed) when every match starts at one, or a word start (`low`, or after a
    /// unit that is no ASCII word character) when every match starts with `\b`; `stop + 1` when there is none.
    @inline(__always)
    func skipToFirstCharacter(_ text: ScanText, from start: Int, through stop: Int, low: Int) -> Int {
        let units = text.units
        var position = start
        if atLineStart {
            while position <= stop {
                if position == low || units[position - 1] == 0x0A {
                    let unit = units[position]
                    if unit >= 0x80 || firstCharacters?[Int(unit)] != false { return position }
                }
                position += 1
            }
            return position
        }
        guard let firstCharacters else { return start }
        return firstCharacters.withUnsafeBufferPointer { table in
            guard startsAtWord else {
                while position <= stop {
                    let unit = units[position]
                    if unit >= 0x80 || table[Int(unit)] { return position }
                    position += 1
                }
                return position
            }
            // A match of a pattern that starts with `\b` is only tried after a unit that is no ASCII word character
            // (or at `low`): positions inside words are passed over here, not one by one by the checks after.
            var previous: UInt16 = position > low ? units[position - 1] : 0x20
            while position <= stop {
                let unit = units[position]
                if unit >= 0x80 || table[Int(unit)], !Self.isWordUnit(previous) { return position }
                previous = unit
                position += 1
            }
            return position
        }
    }

    /// Whether a match can start at `location` of `text`, judging by its first characters, in a search that sees
    /// the text up to `limit`.
    @inline(__always)
    func mayStart(in text: ScanText, at location: Int, limit: Int) -> Bool {
        guard location < text.count else { return true }
        return mayStart(with: text[location]) && leading?.admits(text.units, at: location, limit: limit) != false
    }

    /// Whether a match can start with the UTF-16 unit `unit`, judging by the pattern's first characters.
    @inline(__always)
    func mayStart(with unit: UInt16) -> Bool {
        guard let firstCharacters else { return true }
        return unit >= 0x80 || firstCharacters[Int(unit)]
    }

    /// One compiled ICU expression, compiled when made or on first use, and the matchers cloned from it for use by
    /// one thread at a time.
    // `expression` once deferred, `pending` and `idle` are guarded by `lock`.
    final class Compiled: @unchecked Sendable {
        private let lock = NSLock()
        private var expression: OpaquePointer?
        /// For a deferred expression not compiled yet: what makes its source (nil: use `fallback`).
        private var pending: (@Sendable () -> String?)?
        /// How many searches `fallback` serves before a deferred expression is compiled, and how many it served.
        private let after: Int
        private var served = 0
        private let flags: UInt32
        /// The expression to use instead when a deferred one has no source or does not compile.
        private let fallback: Compiled?
        private var idle: [OpaquePointer] = []

        /// Compiles `source` now.
        init(_ source: String, flags: UInt32) throws {
            expression = try Self.compile(source, flags: flags)
            self.flags = flags
            fallback = nil
            after = 0
        }

        /// The source `deferred` makes, compiled when `after` searches have been served by `fallback`; `fallback`
        /// also serves when it makes no source or the source does not compile (it is another form of the same
        /// pattern, which compiled).
        init(deferred: @escaping @Sendable () -> String?, flags: UInt32, fallback: Compiled, after: Int) {
            pending = deferred
            self.flags = flags
            self.fallback = fallback
            self.after = after
        }

        private static func compile(_ source: String, flags: UInt32) throws -> OpaquePointer {
            let compiled = Array(source.utf16)
            var offset: Int32 = -1
            var message = [CChar](repeating: 0, count: 128)
            guard let regex = lt_regex_open(compiled, Int32(compiled.count), flags, &offset, &message, 128) else {
                throw CompileError(message: String(cString: message), offset: offset >= 0 ? Int(offset) : nil)
            }
            return regex
        }

        /// The expression of one compiled when made (for reading its group numbers).
        var prototype: OpaquePointer {
            lock.lock()
            defer { lock.unlock() }
            return expression!
        }

        deinit {
            for matcher in idle { lt_regex_close(matcher) }
            if let expression { lt_regex_close(expression) }
        }

        @inline(__always)
        func withMatcher<Result>(_ body: (OpaquePointer) -> Result) -> Result {
            lock.lock()
            if let make = pending {
                if served < after {
                    served += 1
                    lock.unlock()
                    return fallback!.withMatcher(body)
                }
                pending = nil
                expression = make().flatMap { try? Self.compile($0, flags: flags) }
            }
            guard let expression else {
                lock.unlock()
                return fallback!.withMatcher(body)
            }
            let matcher = idle.popLast() ?? lt_regex_clone(expression)!
            lock.unlock()
            defer {
                lock.lock()
                idle.append(matcher)
                lock.unlock()
            }
            return body(matcher)
        }
    }

    /// Runs `body` with a matcher of this pattern (in the form `text` needs) that no other thread uses meanwhile.
    @inline(__always)
    func withMatcher<Result>(for text: ScanText, _ body: (OpaquePointer) -> Result) -> Result {
        let compiled = text.hasBoundaryTraps ? exact ?? fast : folded ?? fast
        guard PatternProfile.isEnabled else { return compiled.withMatcher(body) }
        let start = DispatchTime.now().uptimeNanoseconds
        defer { PatternProfile.time(source, nanoseconds: DispatchTime.now().uptimeNanoseconds - start) }
        return compiled.withMatcher(body)
    }

    /// Gives `matcher` the units `low..<low + count` of `text`, and lets the JIT form answer where `text` allows it.
    @inline(__always)
    static func setText(_ matcher: OpaquePointer, _ text: ScanText, from low: Int, count: Int) -> Bool {
        guard lt_regex_set_text(matcher, text.units.baseAddress! + low, Int32(count)) == 0 else { return false }
        lt_regex_allow_jit(matcher, text.jitAgrees ? 1 : 0)
        return true
    }

    /// Runs `body` with a matcher of the form for a text without boundary traps.
    @inline(__always)
    func withPlainMatcher<Result>(_ body: (OpaquePointer) -> Result) -> Result {
        (folded ?? fast).withMatcher(body)
    }

    /// `\b` becomes an ASCII word boundary (outside character classes; see `WordBoundary`).
    static func asciiBoundaries(_ pattern: String) -> String {
        WordBoundary.rewrite(pattern)
    }

    /// The ICU group number of the group named `name` (0 when there is none).
    func groupNumber(of name: String) -> Int32 {
        groupNames.firstIndex(of: name).map { groupNumbers[$0] } ?? 0
    }

    static func groupNames(in pattern: String) -> [String] {
        var names: [String] = []
        var rest = Substring(pattern)
        while let start = rest.range(of: "(?<") {
            let after = rest[start.upperBound...]
            if let first = after.first, first != "=", first != "!", let close = after.firstIndex(of: ">") {
                names.append(String(after[..<close]))
            }
            rest = after
        }
        return names
    }

    // MARK: - Matching

    /// Every match in `text` within `range` (UTF-16 ranges, as NSString counts).
    public func matches(in text: String, range: NSRange? = nil) -> [PatternMatch] {
        // A pattern anchored at the start can only match there: no need to build the text when its first character
        // cannot start a match.
        if anchoredAtStart, range == nil || range?.location == 0, let first = text.utf16.first, first < 0x80,
           let firstCharacters, !firstCharacters[Int(first)] {
            return []
        }
        return matches(in: ScanText(text), range: range)
    }

    /// Every match within `range` of `text` (the whole text when nil), scanning all of it.
    public func matches(in text: ScanText, range: NSRange? = nil, limit: Int = .max) -> [PatternMatch] {
        let range = Self.clamp(range, to: text)
        guard limit > 0 else { return [] }
        // A pattern anchored at the start can only match there.
        if anchoredAtStart, range.length > 0,
           !mayStart(in: text, at: range.location, limit: range.location + range.length)
               || !startsWithPrefix(text, at: range.location) { return [] }
        return withMatcher(for: text) { matcher in
            var found: [PatternMatch] = []
            guard Self.setText(matcher, text, from: range.location, count: range.length) else { return found }
            while lt_regex_find_next(matcher) == 1 {
                found.append(current(matcher, offset: range.location))
                if found.count >= limit { break }
            }
            return found
        }
    }

    /// `text` with every match replaced by `replacement`.
    public func replacingMatches(in text: String, with replacement: String) -> String {
        let scan = ScanText(text)
        let found = matches(in: scan)
        guard !found.isEmpty else { return text }
        var out = ""
        var position = 0
        for match in found {
            out += scan.string(NSRange(location: position, length: match.range.location - position)) + replacement
            position = match.range.location + match.range.length
        }
        return out + scan.string(NSRange(location: position, length: scan.count - position))
    }

    /// The first match in `text` within `range`.
    public func firstMatch(in text: String, range: NSRange? = nil) -> PatternMatch? {
        firstMatch(in: ScanText(text), range: range)
    }

    /// The first match within `range` of `text`.
    public func firstMatch(in text: ScanText, range: NSRange? = nil) -> PatternMatch? {
        matches(in: text, range: range, limit: 1).first
    }

    /// Whether the pattern matches anywhere in `text`.
    public func hasMatch(in text: String) -> Bool {
        firstMatch(in: text) != nil
    }

    /// The match starting exactly at `location`, within `limit` units (for continuations of lists). The search
    /// sees only `location..<location + limit`.
    public func match(in text: String, at location: Int, limit: Int) -> PatternMatch? {
        match(in: ScanText(text), at: location, limit: limit)
    }

    /// The match starting exactly at `location`, within `limit` units; it sees only that range.
    public func match(in text: ScanText, at location: Int, limit: Int) -> PatternMatch? {
        let length = min(limit, text.count - location)
        guard location >= 0, length > 0, mayStart(in: text, at: location, limit: location + length),
              startsWithPrefix(text, at: location), branchesAdmit(text, at: location, limit: location + length)
        else { return nil }
        return withMatcher(for: text) { matcher in
            guard Self.setText(matcher, text, from: location, count: length), lt_regex_looking_at(matcher) == 1
            else { return nil }
            return current(matcher, offset: location)
        }
    }

    /// Matches within `range` of `text`, tried only where the literal scan found this pattern's cues
    /// (`candidates`: sorted UTF-16 offsets where a cue starts). Gives what a scan of the whole range gives, as long
    /// as no match is longer than `PatternCues.windowCap`.
    /// `foldTraps`: whether the text holds characters that ICU's case folding equates with ASCII letters
    /// (`CandidateIndex.hasFoldTraps`).
    func matches(in text: ScanText, range: NSRange, candidates: ArraySlice<Int32>, shortRuns: Bool = false,
                 foldTraps: Bool = true, limit: Int = .max) -> [PatternMatch] {
        // The placement alone is read from `cues`: a copy of the whole struct retains and releases its literals,
        // and most calls find no candidate in their range.
        guard let placement = shortRuns ? cues?.placementInShortRuns : cues?.placement, !candidates.isEmpty,
              limit > 0 else { return [] }
        let range = Self.clamp(range, to: text)
        let low = range.location
        let high = range.location + range.length
        // Candidates whose cue starts inside the range.
        var first = candidates.partitionPoint { Int($0) < low }
        let last = candidates[first...].partitionPoint { Int($0) < high }
        guard first < last else { return [] }
        let lookbehind = foldTraps && lookbehindLiterals?.foldSensitive == true ? nil : lookbehindLiterals
        return withMatcher(for: text) { matcher in
            var found: [PatternMatch] = []
            guard Self.setText(matcher, text, from: low, count: range.length) else { return found }
            switch placement {
            case .start(let maxLength):
                // Every match starts with a cue: try each cue position not inside the previous match.
                let reach = min(maxLength ?? PatternCues.windowCap, PatternCues.windowCap)
                var covered = low
                while first < last {
                    let start = Int(candidates[first])
                    first += 1
                    if start < covered { continue }
                    let end = min(high, start + reach)
                    guard mayStart(in: text, at: start, limit: high),
                          mayStartAfter(in: text, low: low, at: start, lookbehind: lookbehind),
                          branchesAdmit(text, at: start, limit: high) else {
                        continue
                    }
                    lt_regex_set_region(matcher, Int32(start - low), Int32(end - low), 1)
                    let hit = lt_regex_looking_at(matcher) == 1
                    if PatternProfile.isEnabled { PatternProfile.attempt(source, hit: hit) }
                    guard hit else { continue }
                    let match = current(matcher, offset: low)
                    covered = max(start + 1, match.range.location + match.range.length)
                    found.append(match)
                    if found.count >= limit { break }
                }
            case .inside(let maxOffset, let maxLength)
                where firstCharacters != nil || startsAfter != nil || atLineStart:
                // Every match contains a cue at most `back` after its start, and starts with one of the first
                // characters, after a character its leading lookbehind allows, or at a line start: try those
                // positions before each cue, in order, as a scan of the range would.
                let back = min(maxOffset ?? PatternCues.windowCap, PatternCues.windowCap)
                let reach = min(maxLength ?? PatternCues.windowCap, PatternCues.windowCap)
                var covered = low
                var next = low
                var walked = 0
                while first < last, found.count < limit {
                    let cue = Int(candidates[first])
                    first += 1
                    var position = max(next, covered, cue - back)
                    if PatternProfile.isEnabled { walked += max(0, min(cue + 1, high) - position) }
                    let stop = min(cue, high - 1)
                    while position <= stop {
                        // Most positions before a cue cannot start a match by their first character: pass over them
                        // in a tight loop before the other tests.
                        position = skipToFirstCharacter(text, from: position, through: stop, low: low)
                        guard position <= stop else { break }
                        guard mayStart(in: text, at: position, limit: high),
                              !startsAtWord || position == low || !Self.isWordUnit(text[position - 1]),
                              mayStartAfter(in: text, low: low, at: position, lookbehind: lookbehind),
                              startsWithPrefix(text, at: position),
                              branchesAdmit(text, at: position, limit: high) else {
                            position += 1
                            continue
                        }
                        lt_regex_set_region(matcher, Int32(position - low), Int32(min(high, position + reach) - low), 1)
                        let hit = lt_regex_looking_at(matcher) == 1
                        if PatternProfile.isEnabled { PatternProfile.attempt(source, hit: hit) }
                        guard hit else {
                            position += 1
                            continue
                        }
                        let match = current(matcher, offset: low)
                        found.append(match)
                        covered = max(position + 1, match.range.location + match.range.length)
                        position = covered
                        if found.count >= limit { break }
                    }
                    next = max(next, cue + 1)
                }
                if PatternProfile.isEnabled { PatternProfile.walked(source, positions: walked) }
            case .inside(let maxOffset, let maxLength):
                // Every match contains a cue: search merged windows around the cue positions.
                let back = min(maxOffset ?? PatternCues.windowCap, PatternCues.windowCap)
                let ahead = min(maxLength ?? PatternCues.windowCap, PatternCues.windowCap)
                var windowStart = -1
                var windowEnd = -1
                func search() -> Bool {
                    guard windowEnd > windowStart else { return true }
                    lt_regex_set_region(matcher, Int32(windowStart - low), Int32(windowEnd - low), 1)
                    while lt_regex_find_next(matcher) == 1 {
                        found.append(current(matcher, offset: low))
                        if found.count >= limit { return false }
                    }
                    return true
                }
                while first < last {
                    let position = Int(candidates[first])
                    first += 1
                    var start = max(low, position - back)
                    if start > low, Self.splitsPair(text, at: start) { start -= 1 }
                    let end = min(high, position + ahead)
                    if start <= windowEnd {
                        windowEnd = max(windowEnd, end)
                    } else {
                        guard search() else { return found }
                        windowStart = start
                        windowEnd = end
                    }
                }
                _ = search()
            }
            return found
        }
    }

    /// The current match of `matcher`, shifted by `offset`.
    @inline(__always)
    func current(_ matcher: OpaquePointer, offset: Int) -> PatternMatch {
        let start = Int(lt_regex_start(matcher, 0))
        let end = Int(lt_regex_end(matcher, 0))
        var groups = MatchGroups()
        for (index, number) in groupNumbers.enumerated() where number > 0 {
            let groupStart = lt_regex_start(matcher, number)
            guard groupStart >= 0 else { continue }
            let groupEnd = lt_regex_end(matcher, number)
            groups.append(groupNames[index], NSRange(location: Int(groupStart) + offset,
                                                     length: Int(groupEnd - groupStart)))
        }
        return PatternMatch(range: NSRange(location: start + offset, length: end - start), groups: groups)
    }

    @inline(__always)
    static func clamp(_ range: NSRange?, to text: ScanText) -> NSRange {
        guard let range else { return NSRange(location: 0, length: text.count) }
        let start = max(0, min(range.location, text.count))
        let end = max(start, min(range.location + range.length, text.count))
        return NSRange(location: start, length: end - start)
    }
}

/// One match: its range and its named groups (UTF-16 ranges).
public struct PatternMatch: Sendable {
    public var range: NSRange
    public var groups: MatchGroups
}

/// The named groups that took part in a match, in the pattern's order, read by name like a dictionary. A short
/// list: building and hashing a dictionary for every match cost more than the few comparisons of a look-up (a
/// pattern has a handful of groups).
public struct MatchGroups: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    private var entries: [(key: String, value: NSRange)] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, NSRange)...) {
        entries = elements.map { (key: $0.0, value: $0.1) }
    }

    /// The range of the group `name`, nil when it did not take part.
    public subscript(name: String) -> NSRange? {
        entries.first { $0.key == name }?.value
    }

    /// Appends a group not there yet.
    mutating func append(_ name: String, _ range: NSRange) {
        entries.append((name, range))
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: NSRange)]> {
        entries.makeIterator()
    }

    /// The same groups with the same ranges, whatever their order.
    public static func == (lhs: MatchGroups, rhs: MatchGroups) -> Bool {
        lhs.entries.count == rhs.entries.count && lhs.entries.allSatisfy { rhs[$0.key] == $0.value }
    }
}
