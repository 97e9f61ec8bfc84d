import CICU

/// The sentence boundaries ICU's `en_US@ss=standard` break iterator gives, found without it for texts made only of
/// characters the rules below cover (every BMP character except ICU's Extend and Format characters); `nil` for the
/// others, which `SentenceSegmenter` gives to ICU.
///
/// Our own code rather than ICU's for speed: ICU's rule-based iterator spent about 57 instructions a character
/// (8% of extraction), this one a table look-up and a few comparisons. It is the same two steps as ICU's:
///
/// 1. the Unicode sentence-break rules (UAX #29, SB3-SB11, which ICU's `sent.txt` rules implement), over ICU's own
///    Sentence_Break property values;
/// 2. ICU's filter (`SimpleFilteredSentenceBreakIterator`), which drops a break after one of the locale's
///    exceptions ("Mr.", "U.S.", "Ph.D."), read from ICU's data and looked up as ICU looks them up.
///
/// `SentenceBreakTests` compares both with ICU on every corpus text and on random texts of every class.
enum SentenceBreaks {
    /// Sentence_Break property values (ICU's `USentenceBreak` numbering).
    enum Class {
        static let other: UInt8 = 0, aTerm: UInt8 = 1, close: UInt8 = 2, format: UInt8 = 3, lower: UInt8 = 4
        static let numeric: UInt8 = 5, oLetter: UInt8 = 6, sep: UInt8 = 7, sp: UInt8 = 8, sTerm: UInt8 = 9
        static let upper: UInt8 = 10, cr: UInt8 = 11, extend: UInt8 = 12, lf: UInt8 = 13, sContinue: UInt8 = 14
        /// Not a property value: a surrogate or an Extend or Format character, which the rules here do not cover.
        static let uncovered: UInt8 = 255
    }

    /// The class of each UTF-16 unit, from ICU.
    static let classes: [UInt8] = {
        var table = [UInt8](repeating: Class.other, count: 0x10000)
        table.withUnsafeMutableBufferPointer { lt_sentence_break_classes($0.baseAddress!) }
        for unit in 0xD800...0xDFFF { table[unit] = Class.uncovered }
        for unit in table.indices where table[unit] == Class.extend || table[unit] == Class.format {
            table[unit] = Class.uncovered
        }
        return table
    }()

    /// The boundaries (ends of sentences, the last one `units.count`) of `units`, or nil when a character is not
    /// covered here.
    static func breaks(_ units: UnsafeBufferPointer<UInt16>) -> [Int]? {
        guard let underlying = ruleBreaks(units) else { return nil }
        let filter = ExceptionFilter.english
        guard !filter.isEmpty else { return underlying }
        // ICU never drops the break at the end of the text.
        return underlying.filter { $0 == units.count || !filter.suppresses(at: $0, in: units) }
    }

    /// The boundaries the rules give (step 1), or nil when a character is not covered.
    static func ruleBreaks(_ units: UnsafeBufferPointer<UInt16>) -> [Int]? {
        let count = units.count
        guard count > 0, let text = units.baseAddress else { return [] }
        return classes.withUnsafeBufferPointer { classes -> [Int]? in
            guard let table = classes.baseAddress else { return nil }
            @inline(__always) func classAt(_ index: Int) -> UInt8 { table[Int(text[index])] }
            @inline(__always) func isParagraphSeparator(_ value: UInt8) -> Bool {
                value == Class.sep || value == Class.cr || value == Class.lf
            }
            // Where the skip below stops: terminators and separators (outside "terminator Close* Sp*", a boundary
            // only follows a separator: SB4, SB11) and what is not covered.
            let special: UInt32 = 1 << UInt32(Class.aTerm) | 1 << UInt32(Class.sTerm) | 1 << UInt32(Class.sep)
                | 1 << UInt32(Class.cr) | 1 << UInt32(Class.lf) | 1 << UInt32(Class.uncovered & 31)
            var result: [Int] = []
            result.reserveCapacity(count / 64 + 1)
            // What the text before the candidate boundary ends with: `termClose`, the terminator of a final
            // "(ATerm | STerm) Close*"; `termCloseSpace`, that of a final "(ATerm | STerm) Close* Sp*" (0: none).
            var termClose: UInt8 = 0
            var termCloseSpace: UInt8 = 0
            // Classes of the two characters before the candidate boundary.
            var beforeLast = Class.other
            var last = Class.other
            // SB8's look ahead for a lower-case letter, kept while the candidate boundary is before `lowerStop`
            // (every character between is neither a letter, a terminator nor a separator, so the answer is the
            // same).
            var lowerStop = -1
            var lowerAhead = false
            func lowerFollows(from index: Int) -> Bool {
                if index > lowerStop {
                    var stop = index
                    while stop < count {
                        let value = classAt(stop)
                        if value == Class.oLetter || value == Class.upper || value == Class.lower
                            || value == Class.aTerm || value == Class.sTerm || isParagraphSeparator(value) {
                            break
                        }
                        stop += 1
                    }
                    lowerStop = stop
                    lowerAhead = stop < count && classAt(stop) == Class.lower
                }
                return lowerAhead
            }
            var index = 0
            while index < count {
                if termCloseSpace == 0, !isParagraphSeparator(last) {
                    // No boundary can come before the next special character, and the state stays empty.
                    while index < count, special & (1 << UInt32(classAt(index) & 31)) == 0 { index += 1 }
                    guard index < count else { break }
                    if index >= 1 { last = classAt(index - 1) }
                    if index >= 2 { beforeLast = classAt(index - 2) }
                }
                let next = classAt(index)
                if next == Class.uncovered { return nil }
                // Whether there is a boundary between `last` and `next`; the rules that allow none are named.
                var boundary = false
                if index == 0 || last == Class.cr && next == Class.lf {
                    // SB1 (no boundary at the start), SB3
                } else if isParagraphSeparator(last) {
                    boundary = true // SB4
                } else if termCloseSpace == 0 {
                    // SB998: every rule below needs a terminator before.
                } else if last == Class.aTerm, next == Class.numeric {
                    // SB6
                } else if last == Class.aTerm, next == Class.upper,
                          beforeLast == Class.upper || beforeLast == Class.lower {
                    // SB7
                } else if termCloseSpace == Class.aTerm, lowerFollows(from: index) {
                    // SB8: ATerm Close* Sp* × (¬(OLetter | Upper | Lower | ParaSep | SATerm))* Lower
                } else if next == Class.sContinue || next == Class.sTerm || next == Class.aTerm {
                    // SB8a
                } else if termClose != 0, next == Class.close || next == Class.sp || isParagraphSeparator(next) {
                    // SB9
                } else if next == Class.sp || isParagraphSeparator(next) {
                    // SB10
                } else {
                    boundary = true // SB11
                }
                if boundary { result.append(index) }
                switch next {
                case Class.aTerm, Class.sTerm:
                    termClose = next
                    termCloseSpace = next
                case Class.close:
                    termCloseSpace = termClose
                case Class.sp:
                    termClose = 0
                default:
                    termClose = 0
                    termCloseSpace = 0
                }
                beforeLast = last
                last = next
                index += 1
            }
            result.append(count)
            return result
        }
    }

    /// ICU's exceptions filter for English (step 2): a break after an exception is dropped.
    struct ExceptionFilter: Sendable {
        /// Reversed exceptions, or reversed prefixes up to their first full stop that a forward string must complete.
        let backward: UnitTrie
        /// The exceptions that start with such a prefix ("Ph.D." for "Ph.").
        let forward: UnitTrie

        static let whole: UInt8 = 2, partial: UInt8 = 1

        var isEmpty: Bool { backward.isEmpty }

        static let english = ExceptionFilter(exceptions: loadExceptions())

        /// The exceptions from ICU's data (none when ICU has none: then ICU's iterator filters nothing either).
        static func loadExceptions() -> [[UInt16]] {
            let needed = Int(lt_sentence_exceptions(nil, 0))
            guard needed > 0 else { return [] }
            var buffer = [UInt16](repeating: 0, count: needed)
            guard Int(lt_sentence_exceptions(&buffer, Int32(needed))) == needed else { return [] }
            return buffer.split(separator: 0, omittingEmptySubsequences: true).map(Array.init)
        }

        /// Builds the filter as ICU's `SimpleFilteredBreakIteratorBuilder::build` does, in its order (the
        /// exceptions sorted by UTF-16 units), which decides which of the exceptions sharing a prefix goes where.
        init(exceptions: [[UInt16]]) {
            let strings = Set(exceptions).sorted { $0.lexicographicallyPrecedes($1) }
            let fullStop: UInt16 = 0x2E
            var partial = [Bool](repeating: false, count: strings.count)
            var backward = UnitTrie()
            for (index, string) in strings.enumerated() {
                guard let stop = string.firstIndex(of: fullStop), stop + 1 != string.count else { continue }
                let prefix = string[...stop]
                var sameAs = false
                for (other, candidate) in strings.enumerated() where other != index {
                    guard candidate.count > stop, candidate[...stop] == prefix else { continue }
                    if !partial[other] { partial[other] = true } else { sameAs = true }
                }
                if !sameAs, !partial[index] {
                    backward.insert(prefix.reversed(), value: Self.partial)
                    partial[index] = true
                }
            }
            var forward = UnitTrie()
            for (index, string) in strings.enumerated() {
                if partial[index] {
                    forward.insert(string, value: Self.whole)
                } else {
                    backward.insert(string.reversed(), value: Self.whole)
                }
            }
            self.backward = backward
            self.forward = forward
        }

        /// Whether ICU drops the break at `boundary` (`SimpleFilteredSentenceBreakIterator::breakExceptionAt`).
        func suppresses(at boundary: Int, in units: UnsafeBufferPointer<UInt16>) -> Bool {
            // One space before the break is stepped over ("Mr. |Brown").
            var position = boundary
            if position > 0, units[position - 1] == 0x20 { position -= 1 }
            // Backward: the longest key the text before `position` ends with.
            var node = UnitTrie.root
            var best: (start: Int, value: UInt8)?
            while position > 0, let child = backward.child(of: node, units[position - 1]) {
                node = child
                position -= 1
                let value = backward.value(of: node)
                if value != 0 { best = (position, value) }
            }
            guard let best else { return false }
            if best.value == Self.whole { return true }
            guard !forward.isEmpty else { return false }
            // Forward from the prefix's start, while what is read is a proper prefix of a forward string: it matched
            // unless what it read is no prefix at all (the end of the text matches).
            node = UnitTrie.root
            position = best.start
            while position < units.count {
                guard let child = forward.child(of: node, units[position]) else { return false }
                node = child
                position += 1
                if !forward.hasChildren(node) { return true }
            }
            return true
        }
    }

    /// A trie of UTF-16 strings with a value per string.
    struct UnitTrie: Sendable {
        static let root: Int32 = 0
        /// `node << 16 | unit` → child node.
        private var children: [UInt32: Int32] = [:]
        /// Per node: its string's value (0: not a string) and whether it has children.
        private var values: [UInt8] = [0]
        private var parents: [Bool] = [false]

        var isEmpty: Bool { children.isEmpty }

        /// Adds `string` with `value` (a string added twice keeps its first value).
        mutating func insert(_ string: some Collection<UInt16>, value: UInt8) {
            var node = Self.root
            for unit in string {
                let key = UInt32(node) << 16 | UInt32(unit)
                if let child = children[key] {
                    node = child
                } else {
                    let child = Int32(values.count)
                    children[key] = child
                    values.append(0)
                    parents.append(false)
                    parents[Int(node)] = true
                    node = child
                }
            }
            if values[Int(node)] == 0 { values[Int(node)] = value }
        }

        @inline(__always)
        func child(of node: Int32, _ unit: UInt16) -> Int32? {
            children[UInt32(node) << 16 | UInt32(unit)]
        }

        func value(of node: Int32) -> UInt8 { values[Int(node)] }

        func hasChildren(_ node: Int32) -> Bool { parents[Int(node)] }
    }
}
