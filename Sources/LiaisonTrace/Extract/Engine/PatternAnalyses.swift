import Foundation

/// The analyses of rule patterns (`PatternLiterals`) made in this process, and those a run into the same output
/// folder kept. An analysis is a function of the pattern's source and options alone, and analyzing the nine
/// hundred patterns of the built-in rules is half of building the extraction stage (about 70 ms of every run, as
/// long as reading a thousand documents from the cache). `lstrace run` loads the analyses kept under the
/// fingerprint of the build and the rules (`RunCache.fingerprint`: with the same build and rules they are the same)
/// before it builds the pipeline, and keeps them after the run when they were not loaded.
final class PatternAnalyses: @unchecked Sendable {
    struct Key: Hashable, Sendable {
        var source: String
        var caseInsensitive: Bool
        var spaceRun: Int? = nil
        var wordRun: Int? = nil

        // Sources compare by their bytes: `String` equality is canonical equivalence, which takes the KELVIN SIGN
        // for "K" (ICU does not), and two such patterns would share an analysis.
        static func == (lhs: Key, rhs: Key) -> Bool {
            lhs.caseInsensitive == rhs.caseInsensitive && lhs.spaceRun == rhs.spaceRun && lhs.wordRun == rhs.wordRun
                && lhs.source.utf8.elementsEqual(rhs.source.utf8)
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(caseInsensitive)
            hasher.combine(spaceRun)
            hasher.combine(wordRun)
            var source = source
            source.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }

    static let shared = PatternAnalyses()

    private let lock = NSLock()
    private var table: [Key: PatternLiterals] = [:]
    /// The leading sets of each pattern (`LeadingCharacters.of`), by source and case mode (runs unset).
    private var leadingTable: [Key: LeadingCharacters.Sets] = [:]
    /// The fingerprint the analyses were loaded under, if they were.
    private var loadedFingerprint: String?

    func analysis(_ key: Key) -> PatternLiterals? {
        lock.withLock { table[key] }
    }

    func add(_ key: Key, _ analysis: PatternLiterals) {
        lock.withLock { table[key] = analysis }
    }

    /// Every analysis held, by key.
    var all: [Key: PatternLiterals] {
        lock.withLock { table }
    }

    func leading(_ key: Key) -> LeadingCharacters.Sets? {
        lock.withLock { leadingTable[key] }
    }

    func add(_ key: Key, _ sets: LeadingCharacters.Sets) {
        lock.withLock { leadingTable[key] = sets }
    }

    /// Every pattern's leading sets held, by key.
    var allLeading: [Key: LeadingCharacters.Sets] {
        lock.withLock { leadingTable }
    }

    /// Whether the analyses were loaded under `fingerprint` (then there is nothing new to keep).
    func wereLoaded(under fingerprint: String) -> Bool {
        lock.withLock { loadedFingerprint == fingerprint }
    }

    /// Every analysis and every pattern's leading sets, in a binary form (`BinaryWriter`), in the order of their
    /// sources.
    func bytes() -> [UInt8] {
        // By the sources' bytes (as `Key` compares them), then by the options.
        func order(_ lhs: Key, _ rhs: Key) -> Bool {
            if !lhs.source.utf8.elementsEqual(rhs.source.utf8) {
                return lhs.source.utf8.lexicographicallyPrecedes(rhs.source.utf8)
            }
            return (lhs.caseInsensitive ? 1 : 0, lhs.spaceRun ?? -1, lhs.wordRun ?? -1)
                < (rhs.caseInsensitive ? 1 : 0, rhs.spaceRun ?? -1, rhs.wordRun ?? -1)
        }
        let (analyses, leading) = lock.withLock { (table, leadingTable) }
        var writer = BinaryWriter(capacity: 1 << 16)
        writer.array(analyses.sorted { order($0.key, $1.key) }) { writer, entry in
            writer.bool(entry.key.caseInsensitive)
            writer.int(entry.key.spaceRun)
            writer.int(entry.key.wordRun)
            entry.value.write(to: &writer)
        }
        writer.array(leading.sorted { order($0.key, $1.key) }) { writer, entry in
            writer.string(entry.key.source)
            writer.bool(entry.key.caseInsensitive)
            entry.value.write(to: &writer)
        }
        return writer.bytes
    }

    /// Adds the analyses of `bytes` (made by `bytes()` under `fingerprint`); a foreign or damaged input adds none.
    func load(_ bytes: [UInt8], under fingerprint: String) {
        var reader = BinaryReader(bytes)
        guard let entries = try? reader.array({ reader -> (Key, PatternLiterals) in
            let caseInsensitive = try reader.bool()
            let spaceRun = try reader.optionalInt()
            let wordRun = try reader.optionalInt()
            let analysis = try PatternLiterals(reading: &reader)
            guard analysis.caseInsensitive == caseInsensitive else { throw BinaryReader.Corrupt() }
            return (Key(source: analysis.source, caseInsensitive: caseInsensitive, spaceRun: spaceRun,
                        wordRun: wordRun), analysis)
        }), let leading = try? reader.array({ reader -> (Key, LeadingCharacters.Sets) in
            let key = Key(source: try reader.string(), caseInsensitive: try reader.bool())
            return (key, try LeadingCharacters.Sets(reading: &reader))
        }), reader.isAtEnd else { return }
        lock.withLock {
            for (key, analysis) in entries { table[key] = analysis }
            for (key, sets) in leading { leadingTable[key] = sets }
            loadedFingerprint = fingerprint
        }
    }
}

extension PatternLiterals {
    func write(to writer: inout BinaryWriter) {
        writer.string(source)
        writer.bool(caseInsensitive)
        writer.bool(prefixes != nil)
        if let prefixes { writer.strings(prefixes) }
        writer.bool(required != nil)
        if let required { writer.array(required) { $0.string($1.literal); $0.int($1.maxOffset) } }
        writer.int(minLength)
        writer.int(maxLength)
        writer.bool(foldSensitive)
        writer.string(unsupported)
        writer.bool(firstCharacters != nil)
        if let firstCharacters { writer.array(firstCharacters.sorted()) { $0.int(Int($1)) } }
    }

    init(source: String, caseInsensitive: Bool, prefixes: [String]?, required: [Required]?, minLength: Int,
         maxLength: Int?, foldSensitive: Bool, unsupported: String?, firstCharacters: Set<UInt8>?) {
        self.source = source
        self.caseInsensitive = caseInsensitive
        self.prefixes = prefixes
        self.required = required
        self.minLength = minLength
        self.maxLength = maxLength
        self.foldSensitive = foldSensitive
        self.unsupported = unsupported
        self.firstCharacters = firstCharacters
    }

    init(reading reader: inout BinaryReader) throws {
        self.init(source: try reader.string(), caseInsensitive: try reader.bool(),
                  prefixes: try reader.bool() ? try reader.strings() : nil,
                  required: try reader.bool()
                      ? try reader.array { Required(literal: try $0.string(), maxOffset: try $0.optionalInt()) } : nil,
                  minLength: try reader.int(), maxLength: try reader.optionalInt(), foldSensitive: try reader.bool(),
                  unsupported: try reader.optionalString(),
                  firstCharacters: try reader.bool()
                      ? Set(try reader.array { reader -> UInt8 in
                          let byte = try reader.int()
                          guard (0...255).contains(byte) else { throw BinaryReader.Corrupt() }
                          return UInt8(byte)
                      }) : nil)
    }
}
