import Foundation

/// The extraction engine: every rule pattern of a pipeline that has literal cues, compiled once into one
/// `LiteralScanner`. For each document it makes one pass over the UTF-8 bytes and records, for every pattern,
/// where its cues occur (`CandidateIndex`); the pattern's regular expression then runs only there, in a bounded
/// window (see `Pattern.matches(in:range:candidates:)`).
///
/// Patterns without cues (or not registered) run over the whole range they are asked about, so a document gives
/// the same record with or without the engine; the engine only makes it cheaper.
public final class RuleEngine: Sendable {
    /// The number of slots: one per pattern with cues.
    let slotCount: Int
    /// The slot of each pattern with cues.
    private let slots: PatternSlots
    private let scanner: LiteralScanner
    /// For each scanner literal, the slots of the patterns it is a cue of: `literalSlotStart[l]..<[l + 1]`.
    private let literalSlotStart: [Int32]
    private let literalSlots: [Int32]
    /// For each slot, whether its cues only count at an ASCII word start (`PatternCues.wordStart`).
    private let wordStartSlots: [Bool]

    /// The scanner's literals (for reports).
    private let literalTexts: [String]
    /// The source of each slot's pattern (for reports).
    private let slotSources: [String]

    /// Compiles the cues of `patterns` (duplicates and patterns without cues are left out).
    public init(patterns: [Pattern]) {
        var slots: [ObjectIdentifier: Int] = [:]
        var wordStart: [Bool] = []
        var literalIndex: [[UInt8]: Int] = [:]
        var literals: [[UInt8]] = []
        var owners: [[Int32]] = []
        func addSlot(_ cueLiterals: [String], wordStartOnly: Bool) -> Int {
            let slot = wordStart.count
            wordStart.append(wordStartOnly)
            for literal in Set(cueLiterals) {
                let bytes = Array(literal.utf8)
                guard !bytes.isEmpty else { continue }
                if let index = literalIndex[bytes] {
                    owners[index].append(Int32(slot))
                } else {
                    literalIndex[bytes] = literals.count
                    literals.append(bytes)
                    owners.append([Int32(slot)])
                }
            }
            return slot
        }
        var sources: [String] = []
        for pattern in patterns {
            guard let cues = pattern.cues, slots[ObjectIdentifier(pattern)] == nil else { continue }
            // A pattern anchored at the start of what it is asked about, whose matches start with a cue, can only
            // match where that range starts: a look at its first characters there answers (`matches(in:range:)`),
            // and scanning every document for its cues ("the", "in", "us") would only hand out candidates.
            if pattern.anchoredAtStart, case .start = cues.placement { continue }
            slots[ObjectIdentifier(pattern)] = addSlot(cues.literals, wordStartOnly: cues.wordStart)
            sources.append(pattern.source)
        }
        slotSources = sources
        slotCount = wordStart.count
        self.slots = PatternSlots(slots)
        wordStartSlots = wordStart
        scanner = LiteralScanner(literals)
        literalTexts = literals.map { String(decoding: $0, as: UTF8.self) }
        var start: [Int32] = [0]
        var flat: [Int32] = []
        for list in owners {
            flat += list
            start.append(Int32(flat.count))
        }
        literalSlotStart = start
        literalSlots = flat
    }

    /// What the engine holds: patterns with cues, literals, and the size of the scanner's automaton.
    public var summary: String {
        "\(slotCount) patterns with cues, \(scanner.lengths.count) literals; automaton of \(scanner.stateCount) "
            + "states over \(scanner.byteClassCount) byte classes (\(scanner.tableBytes / 1024) KB of transitions)"
    }

    /// The cue literals found most often in `texts`, with how often and how many patterns each one serves: the
    /// cues that make the scan hand out many candidates.
    public func frequentCues(in texts: [ScanText], top: Int) -> [(literal: String, hits: Int, patterns: [String])] {
        var counts = [Int](repeating: 0, count: literalTexts.count)
        for text in texts {
            text.utf8.withUnsafeBufferPointer { bytes in
                scanner.scan(bytes) { literal, _ in counts[Int(literal)] += 1 }
            }
        }
        return counts.indices.sorted { counts[$0] > counts[$1] }.prefix(top).map {
            (literalTexts[$0], counts[$0],
             literalSlots[Int(literalSlotStart[$0])..<Int(literalSlotStart[$0 + 1])].map { slotSources[Int($0)] })
        }
    }

    /// The slot of `pattern`, when it has cues.
    @inline(__always)
    func slot(of pattern: Pattern) -> Int? {
        slots.slot(of: ObjectIdentifier(pattern))
    }

    /// Where every pattern's cues occur in `text`: one pass over its UTF-8 bytes.
    func candidates(in text: ScanText) -> CandidateIndex {
        // The hits in a buffer of our own, grown by doubling: appending to an array from inside the scan's closure
        // made Swift check the array's uniqueness at every hit.
        typealias Hit = (slot: Int32, position: Int32)
        var capacity = max(64, text.utf8.count / 8)
        var hits = UnsafeMutablePointer<Hit>.allocate(capacity: capacity)
        var count = 0
        defer { hits.deallocate() }
        let starts = literalSlotStart
        let owners = literalSlots
        let wordStart = wordStartSlots
        text.utf8.withUnsafeBufferPointer { bytes in
            scanner.scan(bytes) { literal, start in
                let afterWord = start > 0 && Self.isWordByte(bytes[start - 1])
                for index in Int(starts[Int(literal)])..<Int(starts[Int(literal) + 1]) {
                    let slot = owners[index]
                    if afterWord, wordStart[Int(slot)] { continue }
                    if count == capacity {
                        let grown = UnsafeMutablePointer<Hit>.allocate(capacity: capacity * 2)
                        grown.moveInitialize(from: hits, count: count)
                        hits.deallocate()
                        hits = grown
                        capacity *= 2
                    }
                    (hits + count).initialize(to: (slot, Int32(start)))
                    count += 1
                }
            }
        }
        let found = UnsafeBufferPointer(start: hits, count: count)
        // Bucket by slot (counting sort), then order each slot's positions and map them to UTF-16 offsets.
        var offsets = [Int32](repeating: 0, count: slotCount + 1)
        for hit in found { offsets[Int(hit.slot) + 1] += 1 }
        for slot in 0..<slotCount { offsets[slot + 1] += offsets[slot] }
        var fill = offsets
        var positions = [Int32](repeating: 0, count: count)
        let ascii = text.isASCII
        for hit in found {
            let slot = Int(hit.slot)
            positions[Int(fill[slot])] = ascii ? hit.position : Int32(text.utf16Offset(Int(hit.position)))
            fill[slot] += 1
        }
        for slot in 0..<slotCount {
            let range = Int(offsets[slot])..<Int(offsets[slot + 1])
            if range.count > 1 { positions[range].sort() }
        }
        return CandidateIndex(offsets: offsets, positions: positions,
                              // A fold trap is one of the boundary traps `ScanText` notes as it transcodes: a text
                              // without those is not read again.
                              hasFoldTraps: text.hasBoundaryTraps && Self.hasFoldTraps(text.utf8),
                              hasShortRuns: Self.hasShortRuns(text.utf8))
    }

    /// Whether no run of white space is longer than `PatternCues.shortSpaceRun` and no run of other characters
    /// longer than `PatternCues.shortWordRun`. White space: bytes that are ASCII white space or part of a non-ASCII
    /// character (a bound on what `\s+` can match, as ICU's white space outside ASCII is all non-ASCII); other
    /// characters: bytes that are not ICU's ASCII white space, tab, line feed, form feed, carriage return and space
    /// (a bound on what `\S+` or `\w+` can match).
    ///
    /// A run longer than `limit` holds a position that is a multiple of `limit + 1`: only the runs through those
    /// positions are measured. Most bytes are never looked at (counting every run was 2% of the extraction), and no
    /// byte is looked at twice for one limit, as a run no longer than it holds at most one such position.
    static func hasShortRuns(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            runClasses.withUnsafeBufferPointer { classes in
                // Whether a run of bytes whose class has `bit` (`set`) or lacks it is longer than `limit`.
                func hasRun(longerThan limit: Int, bit: UInt8, set: Bool) -> Bool {
                    @inline(__always) func inRun(_ index: Int) -> Bool {
                        (classes[Int(buffer[index])] & bit != 0) == set
                    }
                    var sample = 0
                    while sample < buffer.count {
                        if inRun(sample) {
                            var start = sample
                            while start > 0, inRun(start - 1) { start -= 1 }
                            var end = sample + 1
                            while end < buffer.count, inRun(end) { end += 1 }
                            if end - start > limit { return true }
                        }
                        sample += limit + 1
                    }
                    return false
                }
                return !hasRun(longerThan: PatternCues.shortSpaceRun, bit: 1, set: true)
                    && !hasRun(longerThan: PatternCues.shortWordRun, bit: 2, set: false)
            }
        }
    }

    /// For each byte: bit 0 when it counts as white space for `hasShortRuns` (ICU's ASCII white space, the vertical
    /// tab, or part of a non-ASCII character), bit 1 when it is ICU's ASCII white space (tab, line feed, form feed,
    /// carriage return, space).
    private static let runClasses: [UInt8] = (0..<256).map { value -> UInt8 in
        let asciiSpace = value == 0x20 || value == 0x0A || value == 0x09 || value == 0x0C || value == 0x0D
        let spaceLike = asciiSpace || value == 0x0B || value >= 0x80
        return (spaceLike ? 1 : 0) | (asciiSpace ? 2 : 0)
    }

    /// Whether a byte is an ASCII word character (`[A-Za-z0-9_]`).
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
            || byte == 0x5F
    }

    /// For each byte, whether one of `PatternCues.foldTraps` starts with it (made once: this is asked of every
    /// text searched through the engine, and making the set each time was most of the question).
    private static let foldTrapLeads: [Bool] = {
        var leads = [Bool](repeating: false, count: 256)
        for trap in PatternCues.foldTraps { if let first = trap.first { leads[Int(first)] = true } }
        return leads
    }()

    /// Whether `bytes` hold one of `PatternCues.foldTraps`.
    static func hasFoldTraps(_ bytes: [UInt8]) -> Bool {
        let traps = PatternCues.foldTraps
        return bytes.withUnsafeBufferPointer { buffer in
            for index in 0..<buffer.count where buffer[index] >= 0xC2 && foldTrapLeads[Int(buffer[index])] {
                for trap in traps where index + trap.count <= buffer.count
                    && (0..<trap.count).allSatisfy({ buffer[index + $0] == trap[$0] }) {
                    return true
                }
            }
            return false
        }
    }
}

/// Where each pattern's cues occur in one document (UTF-16 offsets of the normalized text, sorted per pattern).
///
/// A class, not a struct: extractors ask a document's context for it at every search (77,000 times for the group
/// rules alone on 200 documents), and a struct of two arrays cost a copy, two retains and two releases each time.
final class CandidateIndex: Sendable {
    let offsets: [Int32]
    let positions: [Int32]
    /// Whether the text holds a character that case folding equates with ASCII letters.
    let hasFoldTraps: Bool
    /// Whether the text's runs of white space and of other characters are short (see `PatternCues`).
    let hasShortRuns: Bool

    init(offsets: [Int32], positions: [Int32], hasFoldTraps: Bool, hasShortRuns: Bool) {
        self.offsets = offsets
        self.positions = positions
        self.hasFoldTraps = hasFoldTraps
        self.hasShortRuns = hasShortRuns
    }

    /// The cue positions of pattern slot `slot`.
    @inline(__always)
    func positions(of slot: Int) -> ArraySlice<Int32> {
        positions[Int(offsets[slot])..<Int(offsets[slot + 1])]
    }
}

/// The literal cues of a pattern, derived from its source: the strings (ASCII lower case) the literal scan looks for,
/// and where a match can be relative to them.
public struct PatternCues: Sendable {
    /// Where matches lie relative to a cue.
    enum Placement: Sendable {
        /// Every match starts with a cue; it is at most `maxLength` long (nil: unbounded).
        case start(maxLength: Int?)
        /// Every match contains a cue that starts at most `maxOffset` after the match (nil: unbounded), and is at
        /// most `maxLength` long.
        case inside(maxOffset: Int?, maxLength: Int?)
    }

    /// The cue strings.
    let literals: [String]

    /// Whether a cue can only start a match at an ASCII word boundary: the pattern starts with `\b` and every cue
    /// with a word character, so a cue right after a word character ("ts" in "its") is no candidate.
    let wordStart: Bool
    /// Where matches lie, in any text.
    let placement: Placement
    /// Where matches lie in a text with short runs: no run of white space (or non-ASCII characters) longer than
    /// `shortSpaceRun` and none without white space longer than `shortWordRun`. A pattern's `\s+` and `\w+` are
    /// then bounded, and so are its windows.
    let placementInShortRuns: Placement
    /// Whether a match may also run through a character that ICU's case folding equates with ASCII letters
    /// ("ß" for "ss"): in a document holding one, the pattern runs over the whole range.
    let foldSensitive: Bool

    /// No window is longer than this (UTF-16 units): a match that would be is not found, and time stays linear
    /// whatever the shape of the text.
    static let windowCap = 4096

    /// The longest run of white space a text may have for `placementInShortRuns` to hold.
    static let shortSpaceRun = 64
    /// The longest run without white space a text may have for `placementInShortRuns` to hold.
    static let shortWordRun = 256

    /// The cues of a pattern, or nil when none are known to hold (see `PatternLiterals`).
    init?(source: String, caseInsensitive: Bool) {
        self.init(PatternLiterals(source: source, caseInsensitive: caseInsensitive))
    }

    /// The cues of an analyzed pattern, or nil when none are known to hold.
    init?(_ analysis: PatternLiterals) {
        let source = analysis.source
        let caseInsensitive = analysis.caseInsensitive
        guard let (literals, placement) = Self.placement(analysis) else { return nil }
        // The bounds in texts with short runs differ only when the pattern repeats something without bound.
        let bounded = Self.hasUnboundedRepetition(source)
            ? PatternLiterals(source: source, caseInsensitive: caseInsensitive, spaceRun: Self.shortSpaceRun,
                              wordRun: Self.shortWordRun)
            : analysis
        self.literals = literals
        self.placement = placement
        if case .start = placement, source.hasPrefix("\\b") {
            wordStart = literals.allSatisfy { $0.unicodeScalars.first.map(WordBoundary.isWord) ?? false }
        } else {
            wordStart = false
        }

        if let (boundedLiterals, boundedPlacement) = Self.placement(bounded), boundedLiterals == literals {
            placementInShortRuns = boundedPlacement
        } else {
            placementInShortRuns = placement
        }
        foldSensitive = analysis.foldSensitive
    }

    /// What the engine scans for and where it tries `source` (for `lstrace-bench --cues`).
    public static func describe(_ source: String, caseInsensitive: Bool = false) -> String {
        let analysis = PatternLiterals(source: source, caseInsensitive: caseInsensitive)
        guard let cues = PatternCues(analysis) else {
            return "no cues (\(analysis.unsupported ?? "no literal every match holds")): scanned wherever asked"
        }
        return "cues \(cues.literals.sorted())\nplacement \(cues.placement)\nin short runs \(cues.placementInShortRuns)"
            + "\nword start \(cues.wordStart)\nfirst characters "
            + (analysis.firstCharacters.map { String(decoding: $0.sorted(), as: UTF8.self) } ?? "any")
    }

    /// Whether `source` has `*`, `+` or `{n,}` (outside escapes; classes are not told apart, which only costs an
    /// analysis).
    static func hasUnboundedRepetition(_ source: String) -> Bool {
        var escaped = false
        var previous: Character = " "
        for character in source {
            defer { previous = character }
            if escaped {
                escaped = false
                continue
            }
            if character == "\\" { escaped = true; continue }
            if character == "*" || character == "+" { return true }
            if character == "}", previous == "," { return true }
        }
        return false
    }

    private static func placement(_ analysis: PatternLiterals) -> ([String], Placement)? {
        switch analysis.cues {
        case .prefixes(let prefixes):
            return (prefixes, .start(maxLength: analysis.maxLength))
        case .required(let required):
            let offsets = required.map(\.maxOffset)
            return (required.map(\.literal), .inside(maxOffset: offsets.contains(nil) ? nil : offsets.compactMap { $0 }.max(),
                                                      maxLength: analysis.maxLength))
        case nil:
            return nil
        }
    }

    /// Characters ICU's case folding equates with ASCII letters (see `PatternLiterals.foldExceptions`), as UTF-8.
    static let foldTraps: [[UInt8]] = PatternLiterals.foldExceptions.keys.map { Array(String($0).utf8) }
}

/// The slots of the patterns, by the patterns' addresses: an open-addressing table probed with a multiplicative
/// hash. Extractors ask for a pattern's slot at every search (366,000 times on 200 documents), and a `Dictionary`
/// hashed each address with SipHash: 1.1% of the extraction's instructions.
struct PatternSlots: Sendable {
    /// The addresses (0: empty) and their slots, `keys.count` a power of two at least twice the patterns.
    private let keys: [UInt]
    private let values: [Int32]
    private let shift: Int

    init(_ slots: [ObjectIdentifier: Int]) {
        var capacity = 16
        while capacity < 2 * slots.count { capacity *= 2 }
        shift = UInt.bitWidth - capacity.trailingZeroBitCount
        var keys = [UInt](repeating: 0, count: capacity)
        var values = [Int32](repeating: -1, count: capacity)
        for (pattern, slot) in slots {
            let key = UInt(bitPattern: pattern)
            var index = Self.home(key, shift: shift)
            while keys[index] != 0 { index = (index + 1) & (capacity - 1) }
            keys[index] = key
            values[index] = Int32(slot)
        }
        self.keys = keys
        self.values = values
    }

    @inline(__always)
    private static func home(_ key: UInt, shift: Int) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> UInt(shift))
    }

    /// The slot of the pattern at `pattern`, nil when it has none.
    @inline(__always)
    func slot(of pattern: ObjectIdentifier) -> Int? {
        let key = UInt(bitPattern: pattern)
        var index = Self.home(key, shift: shift)
        while true {
            let found = keys[index]
            if found == key { return Int(values[index]) }
            if found == 0 { return nil }
            index = (index + 1) & (keys.count - 1)
        }
    }
}
