import CICU
import Foundation

/// Alternatives tried in order at each place, as in `\b(?i:A0|A1|...)\b` (a keyword lexicon: "may not" before
/// "may"): the match at a place is the first alternative that matches there. `whole` is that one pattern; its cues
/// give the places, and it is what runs when the engine cannot (no cues, characters that need ICU's own folding).
///
/// Why not just run `whole`: ICU tries a lookbehind by matching its body from every start position it allows, up
/// to the body's longest match before the current position. A lexicon whose `none` phrases look back over a clause
/// ("whether ... may", "if ... can", up to 200 characters) pays that at every keyword for every such phrase, most of
/// the time for nothing. Here each alternative `HEAD(?<=BODY)TAIL`, with its lookbehind outside every group and a
/// head of literal strings, is tried as ICU would try it, in three steps: the head strings (in ICU's order) compared
/// in place; the body reversed (`RegexTree.reversed`) and run forward over the reversed text before the head's end,
/// from that end, which gives the same yes or no as the lookbehind for one attempt; then the tail. Runs of other
/// alternatives stay one ICU pattern each (their order kept by the alternation). The matches are those of `whole`:
/// `OrderedAlternationTests` compares both on every document of the real corpus.
final class OrderedAlternation: Sendable {
    /// The pattern of all alternatives in one, each in a group named `k<index>`.
    let whole: Pattern
    /// How many alternatives there are.
    let count: Int
    private let steps: [Step]
    private let caseInsensitive: Bool

    /// A run of alternatives tried by one ICU pattern, or one alternative tried in steps. (Both cases hold a class:
    /// the steps are read at every keyword, and a step holding its fields itself was copied with a retain and a
    /// release of each.)
    private enum Step: Sendable {
        case run(Run)
        case lookbehind(Lookbehind)
    }

    /// `\b(?:(?<z0>B0)|(?<z1>B1)...)\b`: `alternatives[i]` is the alternative of the group `groups[i]` (`z<i>`).
    private final class Run: Sendable {
        let pattern: Pattern
        let alternatives: [Int]
        let groups: [Int32]

        init(_ pattern: Pattern, alternatives: [Int], groups: [Int32]) {
            self.pattern = pattern
            self.alternatives = alternatives
            self.groups = groups
        }
    }

    /// One alternative `HEAD(?<=BODY)TAIL`.
    private final class Lookbehind: Sendable {
        let alternative: Int
        /// The head's strings in the order ICU tries them (lower-cased ASCII when case-insensitive).
        let heads: [[UInt16]]
        /// The body reversed, and the most UTF-16 units a match of the body spans.
        let body: Pattern
        let bodyMaxLength: Int
        /// Literals (lower-cased ASCII) one of which every match of the body holds, when known
        /// (`PatternLiterals.required`): where none is near, the body is not run.
        let bodyLiterals: AsciiLiterals?
        /// Those literals as one pattern compiled through the rule file, so that the engine's scan records where
        /// they start. Where the engine holds its cues, the test is a look-up among those places; where it does not
        /// (no engine, or literals too common to be cues, such as "I"), `bodyLiterals` reads the text.
        let bodyCue: Pattern?
        /// The tail with the closing `\b`; nil when the tail is empty (only the `\b` is left).
        let tail: Pattern?

        init(alternative: Int, heads: [[UInt16]], body: Pattern, bodyMaxLength: Int, bodyLiterals: AsciiLiterals?,
             bodyCue: Pattern?, tail: Pattern?) {
            self.alternative = alternative
            self.heads = heads
            self.body = body
            self.bodyMaxLength = bodyMaxLength
            self.bodyLiterals = bodyLiterals
            self.bodyCue = bodyCue
            self.tail = tail
        }
    }

    /// Compiles the alternatives (ICU sources) into `whole` (through `compile`, so that the engine scans its cues)
    /// and into the steps.
    init(_ alternatives: [String], caseInsensitive: Bool, compile: (String) throws -> Pattern) throws {
        let open = caseInsensitive ? "(?i:" : "(?:"
        let body = alternatives.enumerated().map { "(?<k\($0.offset)>\($0.element))" }.joined(separator: "|")
        whole = try compile("\\b\(open)\(body))\\b")
        count = alternatives.count
        self.caseInsensitive = caseInsensitive
        // Branches in order, with the alternative each belongs to; nil steps when one cannot be read.
        var branches: [(alternative: Int, tree: RegexTree)] = []
        var readable = true
        for (index, source) in alternatives.enumerated() {
            guard let tree = RegexTree(source), !tree.hasTopLevelFlags else { readable = false; break }
            branches += tree.branches.map { (index, $0) }
        }
        var steps: [Step] = []
        var pending: [(alternative: Int, tree: RegexTree)] = []
        func flush() throws {
            guard !pending.isEmpty else { return }
            let body = pending.enumerated().map { "(?<z\($0.offset)>\($0.element.tree.source))" }.joined(separator: "|")
            let pattern = try Pattern("\\b\(open)\(body))\\b")
            steps.append(.run(Run(pattern, alternatives: pending.map(\.alternative),
                                  groups: pending.indices.map { pattern.groupNumber(of: "z\($0)") })))
            pending = []
        }
        do {
            for branch in branches where readable {
                if let step = try Self.lookbehind(branch.tree, alternative: branch.alternative, open: open,
                                                  caseInsensitive: caseInsensitive, compile: compile) {
                    try flush()
                    steps.append(.lookbehind(step))
                } else {
                    pending.append(branch)
                }
            }
            try flush()
        } catch {
            // A part that does not compile on its own (two branches naming the same group): `whole` does it all.
            readable = false
        }
        self.steps = readable ? steps : []
    }

    /// The alternative in steps, when it has the shape `HEAD(?<=BODY)TAIL` this supports.
    private static func lookbehind(_ branch: RegexTree, alternative: Int, open: String, caseInsensitive: Bool,
                                   compile: (String) throws -> Pattern) throws -> Lookbehind? {
        let items = branch.items
        guard let at = items.firstIndex(where: \.isLookbehind),
              case .lookaround(_, let bodyTree) = items[at],
              let heads = RegexTree.sequence(Array(items[..<at])).literalStrings(),
              heads.allSatisfy({ $0.allSatisfy(\.isASCII) }),
              // Non-ASCII letters may fold to several characters, which read backwards differently.
              !caseInsensitive || bodyTree.source.unicodeScalars.allSatisfy(\.isASCII),
              let reversed = bodyTree.reversed,
              case let bodyAnalysis = PatternLiterals(source: bodyTree.source, caseInsensitive: caseInsensitive),
              let bodyMaxLength = bodyAnalysis.maxLength
        else { return nil }
        let tailSource = RegexTree.sequence(Array(items[(at + 1)...])).source
        let literals = bodyLiterals(bodyTree, heads: heads, caseInsensitive: caseInsensitive)
        return Lookbehind(
            alternative: alternative,
            heads: heads.map { head in
                head.map { UInt16(caseInsensitive ? Pattern.lower(UInt8($0.value)) : UInt8($0.value)) }
            },
            body: try Pattern("\(open)\(reversed.source))"), bodyMaxLength: bodyMaxLength,
            bodyLiterals: literals, bodyCue: try literals.map { try compile($0.source) },
            tail: tailSource.isEmpty ? nil : try Pattern("\(open)\(tailSource))\\b"))
    }

    /// Literals one of which every match of the lookbehind's body holds (`PatternLiterals.required`), none of them
    /// within a head's own text: the body's match ends where the head does, so such a literal is always within
    /// reach and tells nothing ("may" for `(?<=\bit\s{1,4}may)`). The body without its last item is read first,
    /// as that item is most often the head again. Nil when no such literals are known: the body then always runs.
    /// Literals with a character outside ASCII are not compared in place. (Steps run only on texts without the
    /// characters ICU folds to ASCII letters, "ß" for "ss": there ASCII letters match only themselves.)
    static func bodyLiterals(_ body: RegexTree, heads: [[Unicode.Scalar]], caseInsensitive: Bool) -> AsciiLiterals? {
        let heads = heads.map { String(String.UnicodeScalarView($0)).lowercased() }
        let items = body.items
        let readings = items.count > 1 ? [RegexTree.sequence(Array(items.dropLast())), body] : [body]
        for reading in readings {
            guard let list = AsciiLiterals.required(PatternLiterals(source: reading.source,
                                                                    caseInsensitive: caseInsensitive)),
                  !list.contains(where: { literal in heads.contains { $0.contains(literal.lowercased()) } })
            else { continue }
            return AsciiLiterals(list)
        }
        return nil
    }

    /// One match: the alternative and its range (UTF-16).
    struct Match: Equatable {
        var alternative: Int
        var range: NSRange
    }

    /// Every match within `range` of the document (the whole text when nil), as `whole` finds them.
    func matches(in context: ExtractionContext, range: NSRange? = nil) -> [Match] {
        let text = context.scan
        guard !steps.isEmpty, !text.hasBoundaryTraps, let cues = whole.cues,
              let engine = context.engine, let slot = engine.slot(of: whole),
              let candidates = context.candidates, !candidates.hasFoldTraps,
              case .start(let maxLength) = candidates.hasShortRuns ? cues.placementInShortRuns : cues.placement,
              context.withinBudget(whole) else {
            return wholeMatches(in: context, range: range)
        }
        let range = Pattern.clamp(range, to: text)
        let positions = candidates.positions(of: slot)
        let low = range.location
        let high = range.location + range.length
        var first = positions.partitionPoint { Int($0) < low }
        let last = positions[first...].partitionPoint { Int($0) < high }
        let reach = min(maxLength ?? PatternCues.windowCap, PatternCues.windowCap)
        var found: [Match] = []
        var covered = low
        while first < last {
            let start = Int(positions[first])
            first += 1
            if start < covered || !whole.mayStart(in: text, at: start, limit: high) { continue }
            let end = min(high, start + reach)
            let hit = match(in: text, low: low, high: high, at: start, end: end, engine: engine, candidates: candidates)
            if PatternProfile.isEnabled { PatternProfile.attempt(whole.source, hit: hit != nil) }
            guard let hit else { continue }
            covered = max(start + 1, NSMaxRange(hit.range))
            found.append(hit)
        }
        return found
    }

    /// The matches of `whole` itself (what the steps must give).
    func wholeMatches(in context: ExtractionContext, range: NSRange? = nil) -> [Match] {
        whole.matches(in: context, range: range).compactMap { match in
            (0..<count).lazy.compactMap { index in
                match.groups["k\(index)"].map { Match(alternative: index, range: $0) }
            }.first
        }
    }

    /// Whether the alternatives are tried in steps (false: `whole` does it all).
    var hasSteps: Bool { !steps.isEmpty }

    /// How many steps try an alternative with a lookbehind.
    var lookbehindSteps: Int {
        steps.count { if case .lookbehind = $0 { return true } else { return false } }
    }

    /// The patterns of the lookbehind steps' body literals, for the engine to scan for (see `Lookbehind.bodyCue`).
    var bodyCues: [Pattern] {
        steps.compactMap { if case .lookbehind(let step) = $0 { return step.bodyCue } else { return nil } }
    }

    /// The first alternative matching at `start` within `start..<end` (lookarounds see `low..<high`); `candidates`
    /// are the engine's cues in `text`.
    private func match(in text: ScanText, low: Int, high: Int, at start: Int, end: Int, engine: RuleEngine,
                       candidates: CandidateIndex) -> Match? {
        // `\b` before the alternatives.
        let before = start > low && Pattern.isWordUnit(text[start - 1])
        let after = start < high && Pattern.isWordUnit(text[start])
        guard before != after else { return nil }
        for step in steps {
            switch step {
            case .run(let run):
                let pattern = run.pattern
                // Each branch's leading characters on its own ("may" then " o" of "may only", "shall" then " n" of
                // "shall not"), which the pattern's own merge.
                guard pattern.mayStart(in: text, at: start, limit: high), pattern.startsWithPrefix(text, at: start),
                      pattern.branchesAdmit(text, at: start, limit: high),
                      let (range, group) = pattern.lookingAt(text, low: low, high: high, start: start, end: end,
                                                             firstOf: run.groups)
                else { continue }
                if let group { return Match(alternative: run.alternatives[group], range: range) }
            case .lookbehind(let step):
                if let stop = lookbehind(step, in: text, low: low, high: high, at: start, end: end, engine: engine,
                                         candidates: candidates) {
                    return Match(alternative: step.alternative, range: NSRange(location: start, length: stop - start))
                }
            }
        }
        return nil
    }

    /// Where the alternative's match at `start` ends, trying its heads in ICU's order.
    private func lookbehind(_ step: Lookbehind, in text: ScanText, low: Int, high: Int, at start: Int,
                            end: Int, engine: RuleEngine, candidates: CandidateIndex) -> Int? {
        heads: for head in step.heads {
            let headEnd = start + head.count
            guard headEnd <= end else { continue }
            for (offset, unit) in head.enumerated() {
                var value = text[start + offset]
                if caseInsensitive, value < 0x80 { value = UInt16(Pattern.lower(UInt8(value))) }
                if value != unit { continue heads }
            }
            guard bodyMatches(step, in: text, low: low, high: high, endingAt: headEnd, engine: engine,
                              candidates: candidates) else { continue }
            if let tail = step.tail {
                if let found = tail.lookingAt(text, low: low, high: high, start: headEnd, end: end) {
                    return NSMaxRange(found.range)
                }
            } else {
                // Only the closing `\b`.
                let before = headEnd > low && Pattern.isWordUnit(text[headEnd - 1])
                let after = headEnd < high && Pattern.isWordUnit(text[headEnd])
                if before != after { return headEnd }
            }
        }
        return nil
    }

    /// Whether the lookbehind's body matches a text ending at `position`: its reverse, run over the reversed text
    /// from there. The reversed window holds a few characters beyond the body's longest match on each side, for its
    /// boundaries to look at; `^` (reversed `\z`) can only match where the window ends at `low`.
    private func bodyMatches(_ step: Lookbehind, in text: ScanText, low: Int, high: Int, endingAt position: Int,
                             engine: RuleEngine, candidates: CandidateIndex) -> Bool {
        let from = max(low, position - step.bodyMaxLength - 4)
        let to = min(high, position + 4)
        guard to > from else { return false }
        // The reversed body's leading characters, read backwards from `position` over what the window holds.
        if let leading = step.body.leading, !leading.admitsBefore(text.units, at: position, low: from) {
            return false
        }
        if let literals = step.bodyLiterals {
            let start = max(low, position - step.bodyMaxLength)
            if let cue = step.bodyCue, let slot = engine.slot(of: cue) {
                // The first place a literal starts at or after `start`, which must leave room for the shortest.
                let places = candidates.positions(of: slot)
                let first = places.partitionPoint { Int($0) < start }
                guard first < places.endIndex, Int(places[first]) + literals.shortest <= position else {
                    return false
                }
            } else if !literals.occur(in: text, from: start, to: position) {
                return false
            }
        }
        // On the stack: this runs at every keyword a lookbehind step is tried at.
        return withUnsafeTemporaryAllocation(of: UInt16.self, capacity: to - from) { window in
            var index = 0
            var source = to - 1
            while source >= from {
                let unit = text[source]
                // A surrogate pair keeps its order.
                if unit & 0xFC00 == 0xDC00, source - 1 >= from, text[source - 1] & 0xFC00 == 0xD800 {
                    window[index] = text[source - 1]
                    window[index + 1] = unit
                    index += 2
                    source -= 2
                } else {
                    window[index] = unit
                    index += 1
                    source -= 1
                }
            }
            return step.body.lookingAt(units: UnsafeBufferPointer(window), start: to - position, end: window.count,
                                       jit: text.jitAgrees) != nil
        }
    }
}

/// A few ASCII literals looked for in short stretches of text, ASCII letters in either case: the test before a
/// lookbehind's body runs. Read from the text (`occur`, a linear pass) only where the engine's scan does not hold
/// them as cues (`source`, see `OrderedAlternation.Lookbehind.bodyCue`).
struct AsciiLiterals: Sendable {
    /// The literals, lower-cased and sorted, and for each ASCII character the first one that starts with it (-1:
    /// none).
    private let literals: [[UInt16]]
    private let byFirstStart: [Int]

    /// The literals one of which every match holds (`PatternLiterals.required`), when there are some and all are
    /// ASCII and not empty; nil otherwise.
    static func required(_ analysis: PatternLiterals) -> [String]? {
        guard let list = analysis.required?.map(\.literal), !list.isEmpty,
              list.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy { $0 < 0x80 } }) else { return nil }
        return list
    }

    /// The fewest characters of a literal.
    let shortest: Int

    /// A pattern that matches each literal, ASCII letters in either case (for the engine to scan for).
    var source: String {
        let escaped = literals.map { literal in
            literal.map { unit -> String in
                let scalar = Unicode.Scalar(UInt8(unit))
                let plain = ("a"..."z") ~= scalar || ("0"..."9") ~= scalar
                return (plain ? "" : "\\") + String(Character(scalar))
            }.joined()
        }
        return "(?i:" + escaped.joined(separator: "|") + ")"
    }

    /// `literals`: ASCII, not empty.
    init(_ literals: [String]) {
        let lowered = literals.map { $0.utf8.map { UInt16(Pattern.lower($0)) } }
            .sorted { $0.lexicographicallyPrecedes($1) }
        self.literals = lowered
        shortest = lowered.map(\.count).min() ?? 0
        var start = [Int](repeating: -1, count: 128)
        for (index, literal) in lowered.enumerated().reversed() { start[Int(literal[0])] = index }
        byFirstStart = start
    }

    /// Whether `text[from..<to]` holds one of the literals. In a text without `PatternCues.foldTraps` no character
    /// outside ASCII matches an ASCII letter, case-insensitively or not.
    func occur(in text: ScanText, from: Int, to: Int) -> Bool {
        guard from < to else { return false }
        let units = UnsafeBufferPointer(text.units)
        for position in from..<to {
            let unit = units[position]
            guard unit < 0x80 else { continue }
            let first = Pattern.lower(UInt8(unit))
            var index = byFirstStart[Int(first)]
            guard index >= 0 else { continue }
            candidates: while index < literals.count, literals[index][0] == UInt16(first) {
                let literal = literals[index]
                index += 1
                guard position + literal.count <= to else { continue }
                for offset in 1..<max(1, literal.count) {
                    let value = units[position + offset]
                    if value >= 0x80 || UInt16(Pattern.lower(UInt8(value))) != literal[offset] { continue candidates }
                }
                return true
            }
        }
        return false
    }
}

extension Pattern {
    /// The match starting at `start` within `start..<end` of `text`, whose lookarounds see `low..<high`.
    func lookingAt(_ text: ScanText, low: Int, high: Int, start: Int, end: Int) -> PatternMatch? {
        lookingAt(text, low: low, high: high, start: start, end: end) { current($0, offset: low) }
    }

    /// The match starting at `start` within `start..<end` of `text`, whose lookarounds see `low..<high`, and which
    /// of `groups` (ICU group numbers) is the first to take part in it (nil: none), without making the match's
    /// groups by name.
    func lookingAt(_ text: ScanText, low: Int, high: Int, start: Int, end: Int,
                   firstOf groups: [Int32]) -> (range: NSRange, group: Int?)? {
        lookingAt(text, low: low, high: high, start: start, end: end) { matcher in
            let matchStart = Int(lt_regex_start(matcher, 0))
            let range = NSRange(location: matchStart + low, length: Int(lt_regex_end(matcher, 0)) - matchStart)
            return (range, groups.firstIndex { $0 > 0 && lt_regex_start(matcher, $0) >= 0 })
        }
    }

    /// What `read` takes from the matcher when the pattern matches at `start` within `start..<end` of `text`
    /// (lookarounds seeing `low..<high`; the matcher's offsets count from `low`); nil when it does not.
    private func lookingAt<Result>(_ text: ScanText, low: Int, high: Int, start: Int, end: Int,
                                   read: (OpaquePointer) -> Result) -> Result? {
        withMatcher(for: text) { matcher in
            guard Pattern.setText(matcher, text, from: low, count: high - low) else { return nil }
            lt_regex_set_region(matcher, Int32(start - low), Int32(end - low), 1)
            guard lt_regex_looking_at(matcher) == 1 else { return nil }
            return read(matcher)
        }
    }

    /// The match starting at `start` within `start..<end` of `units` (a text of its own, without boundary traps);
    /// `jit`: whether the units are characters of a text whose `jitAgrees` holds.
    func lookingAt(units: UnsafeBufferPointer<UInt16>, start: Int, end: Int, jit: Bool) -> PatternMatch? {
        withPlainMatcher { matcher in
            guard let base = units.baseAddress, lt_regex_set_text(matcher, base, Int32(units.count)) == 0 else {
                return nil
            }
            lt_regex_allow_jit(matcher, jit ? 1 : 0)
            lt_regex_set_region(matcher, Int32(start), Int32(end), 1)
            guard lt_regex_looking_at(matcher) == 1 else { return nil }
            return current(matcher, offset: 0)
        }
    }
}
