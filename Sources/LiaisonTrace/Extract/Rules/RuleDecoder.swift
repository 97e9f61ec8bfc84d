import Foundation
import Yams

/// Decodes rule-file YAML (a `Yams.Node` tree) into `Decodable` specs strictly: a key that the spec type does not
/// know is an error at any depth, and every error names the file, the line and the key path
/// (`rules[3].examples[0].ids`).
///
/// Scalars are read as Yams' `YAMLDecoder` reads them (Yams' own `ScalarConstructible` rules: a plain `15` read as
/// `String` is `"15"`, `0x1F` as `Int` is 31, `yes` as `Bool` is true), except that a null (`~`, `null`, nothing)
/// is not accepted where a value is required; it means "absent" for optionals only.
///
/// How unknown keys are found: when a type asks for a keyed container on a mapping, the container's key type `K`
/// is remembered, and every key the type asks for (`decode`, `decodeIfPresent`, `contains`) is logged. When the
/// type's `init(from:)` returns, each key of the mapping must be accepted by one of the remembered key types
/// (`K(stringValue:) != nil`; the coding key of `[String: X]` accepts every string). The logged keys, plus all cases
/// of a `CaseIterable` key type, are the known keys offered in the message, with the closest one as "did you mean".
/// When the init fails because a key is missing and the mapping also has an unknown key, the unknown key is
/// reported instead: `patern` is the cause of the missing `pattern`.
///
/// Not supported: merge keys (`<<`), which are reported as unknown keys.
struct RuleDecoder {
    /// One step of a key path: a mapping key, or an index in a sequence.
    struct Key: CodingKey, Hashable {
        var stringValue: String
        var intValue: Int?

        /// A mapping key.
        init(_ name: String) {
            stringValue = name
            intValue = nil
        }

        /// An index in a sequence.
        init(index: Int) {
            stringValue = String(index)
            intValue = index
        }

        init?(stringValue: String) {
            self.init(stringValue)
        }

        init?(intValue: Int) {
            self.init(index: intValue)
        }
    }

    /// The rule file's path, as errors name it.
    let path: String

    /// The `userInfo` key under which a node's decoder gives the node's line (see `Lined`).
    static let lineKey = CodingUserInfoKey(rawValue: "lstrace.rule-line")!

    /// A decoder for the rule file at `path`.
    init(path: String) {
        self.path = path
    }

    /// Decodes `node` as `T`. `codingPath` is where `node` sits in the file (`[Key("rules"), Key(index: 3)]` for the
    /// fourth rule), for error messages.
    func decode<T: Decodable>(_ type: T.Type, from node: Node,
                              at codingPath: [Key] = []) throws(PipelineError) -> T {
        try decode(type, from: node, at: codingPath, allowing: [])
    }

    /// Decodes a whole rule file, its top-level mapping, as `T`. `version` and `kind` (checked by
    /// `RuleLibrary.parse`) are always allowed, so `T` declares only the keys of its kind.
    func decodeFile<T: Decodable>(_ type: T.Type, from root: Node) throws(PipelineError) -> T {
        guard case .mapping = root else {
            throw PipelineError(path: path, line: root.mark?.line ?? 1,
                                summary: "rule file must be a mapping with 'version' and 'kind'")
        }
        return try decode(type, from: root, at: [], allowing: ["version", "kind"])
    }

    private func decode<T: Decodable>(_ type: T.Type, from node: Node, at codingPath: [Key],
                                      allowing allowed: [String]) throws(PipelineError) -> T {
        do {
            return try NodeDecoder(node: node, codingPath: codingPath).value(T.self, allowing: allowed)
        } catch let failure as RuleDecodingFailure {
            throw PipelineError(.pipelineInvalid, path: path, line: failure.line, column: failure.column,
                                summary: (failure.rule.map { "rule '\($0)': " } ?? "") + failure.summary)
        } catch {
            throw PipelineError(path: path, line: node.mark?.line,
                                summary: "cannot decode \(NodeDecoder.describe(codingPath)): \(error)")
        }
    }

    /// The known key closest to `name` when it is close enough to be a likely misspelling (one edit for short
    /// keys, two for keys of eight characters or more; case is ignored, a transposition is one edit).
    static func suggestion(for name: String, among known: [String]) -> String? {
        let limit = max(1, min(2, name.count / 4))
        var best: (name: String, distance: Int)?
        for candidate in known where candidate != name {
            let distance = editDistance(name.lowercased(), candidate.lowercased())
            if distance <= limit, distance < best?.distance ?? .max {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[a.count][b.count]
    }
}

extension RuleFile {
    /// Decodes this whole file strictly as `T` (see `RuleDecoder.decodeFile`).
    func decodeStrictly<T: Decodable>(_ type: T.Type) throws(PipelineError) -> T {
        try RuleDecoder(path: path).decodeFile(type, from: node)
    }
}

/// A decoded value with the line it starts on in its rule file (a rule's line, for messages and provenance).
/// Decoded by `RuleDecoder`, it reads the value as `Value` reads it and takes the line the decoder gives.
struct Lined<Value: Decodable>: Decodable {
    /// The decoded value.
    var value: Value
    /// 1-based line of the value's node.
    var line: Int

    init(from decoder: any Decoder) throws {
        value = try Value(from: decoder)
        line = decoder.userInfo[RuleDecoder.lineKey] as? Int ?? 1
    }
}

/// A decoding error with its place, before it becomes a `PipelineError` (which also needs the file's path).
private struct RuleDecodingFailure: Error {
    var line: Int?
    var summary: String
    /// 1-based column of the key or value, when known.
    var column: Int?
    /// The id of the innermost rule the failure is in.
    var rule: String?
    /// For a missing key: the path of the mapping it is missing from, and the key.
    var missing: (mapping: String, key: String)?
}

/// The keys asked of one mapping node while a type decodes it.
private final class KeyLog {
    /// Key types of the containers asked for on the node; a key must be accepted by one of them.
    var keyTypes: [(String) -> Bool] = []
    /// Keys the type asked for, and the key types whose case names are known keys too, in order.
    private var noted: [Noted] = []
    /// Decoders handed out without going through `NodeDecoder.value` (nested containers, super decoders): their
    /// mappings are checked with this one.
    var nested: [NodeDecoder] = []

    init(allowing allowed: [String]) {
        if !allowed.isEmpty {
            keyTypes.append { allowed.contains($0) }
            note(allowed)
        }
    }

    private enum Noted {
        case key(String)
        /// The case names of a coding key type, when it is `CaseIterable`. They are needed only for a message, and
        /// asking the runtime whether a type conforms costs a scan of the binary's conformances for each new type.
        case cases(() -> [String]?)
    }

    func note(_ names: [String]) {
        for name in names { note(name) }
    }

    func note(_ name: String) {
        let seen = noted.contains { if case .key(let key) = $0 { key == name } else { false } }
        if !seen { noted.append(.key(name)) }
    }

    /// Notes the case names of `type` (when it is `CaseIterable`) as known keys.
    func noteCases<K: CodingKey>(of type: K.Type) {
        noted.append(.cases { NodeDecoder.caseNames(of: type) })
    }

    /// Keys the type asked for, and case names of `CaseIterable` key types, in order, without repeats.
    var known: [String] {
        var names: [String] = []
        for entry in noted {
            switch entry {
            case .key(let name): if !names.contains(name) { names.append(name) }
            case .cases(let cases): for name in cases() ?? [] where !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    func accepts(_ name: String) -> Bool {
        keyTypes.contains { $0(name) }
    }
}

/// The `Decoder` over one node. It is also its own single-value container.
private struct NodeDecoder: Decoder, SingleValueDecodingContainer {
    let node: Node
    let codingPath: [any CodingKey]
    let log: KeyLog

    /// The line of this node (`RuleDecoder.lineKey`), for `Lined` values.
    var userInfo: [CodingUserInfoKey: Any] { [RuleDecoder.lineKey: node.mark?.line ?? 1] }

    init(node: Node, codingPath: [any CodingKey], log: KeyLog = KeyLog(allowing: [])) {
        self.node = node
        self.codingPath = codingPath
        self.log = log
    }

    /// A decoder for `child`, one step (`key`) below this node.
    func child(_ child: Node, _ key: any CodingKey) -> NodeDecoder {
        NodeDecoder(node: child, codingPath: codingPath + [key])
    }

    // MARK: - Decoding one value

    /// Decodes this node as `T`, then checks the keys of the mapping it decoded (`allowed` keys are accepted too).
    /// Every value the containers decode goes through here.
    func value<T: Decodable>(_ type: T.Type, allowing allowed: [String] = []) throws -> T {
        if let scalarType = ScalarTypes.of(T.self) {
            return try scalar(scalarType, as: T.self)
        }
        let decoder = NodeDecoder(node: node, codingPath: codingPath, log: KeyLog(allowing: allowed))
        let value: T
        do {
            value = try T(from: decoder)
        } catch var failure as RuleDecodingFailure {
            // A key missing from this mapping (or a nested container's) is most likely a misspelt one: report the
            // misspelling.
            let owners = [decoder] + decoder.log.nested
            if let missing = failure.missing,
               let owner = owners.first(where: { Self.describe($0.codingPath) == missing.mapping }),
               let unknown = owner.unknownKeys().first {
                failure = owner.unknownKeyFailure(unknown, missing: missing.key)
            }
            throw named(failure)
        } catch let error as DecodingError {
            throw named(failure(from: error, decoding: T.self))
        } catch {
            throw named(RuleDecodingFailure(line: node.mark?.line,
                                            summary: "invalid value \(placeDescription): \(error)"))
        }
        do {
            try decoder.checkKeys()
        } catch let failure as RuleDecodingFailure {
            throw named(failure)
        }
        return value
    }

    /// `failure`, naming the rule when this node is a rule (a mapping with an `id`) and no inner rule is named.
    func named(_ failure: RuleDecodingFailure) -> RuleDecodingFailure {
        guard failure.rule == nil, case .mapping(let mapping) = node, let id = mapping["id"]?.string else {
            return failure
        }
        var named = failure
        named.rule = id
        return named
    }

    private func scalar<T>(_ scalarType: any ScalarConstructible.Type, as type: T.Type) throws -> T {
        guard case .scalar(let scalar) = node, node.null == nil,
              let value = scalarType.construct(from: scalar) as? T else {
            throw mismatch(expected: Self.name(of: T.self))
        }
        return value
    }

    // MARK: - Decoder

    func container<K: CodingKey>(keyedBy type: K.Type) throws -> KeyedDecodingContainer<K> {
        guard case .mapping(let mapping) = node else { throw mismatch(expected: "a mapping") }
        log.keyTypes.append { K(stringValue: $0) != nil }
        log.noteCases(of: K.self)
        return KeyedDecodingContainer(MappingContainer<K>(decoder: self, mapping: mapping))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .sequence(let sequence) = node else { throw mismatch(expected: "a list") }
        return SequenceContainer(decoder: self, items: Array(sequence))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        self
    }

    // MARK: - SingleValueDecodingContainer

    func decodeNil() -> Bool {
        node.null != nil
    }

    /// Serves every `decode` requirement of the protocol (`Bool`, `String`, `Int`... are `ScalarConstructible`).
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try value(T.self)
    }

    // MARK: - Unknown keys

    /// Keys of this node's mapping that no key type asked for on it accepts (none when no keyed container was
    /// asked for).
    func unknownKeys() -> [Node] {
        guard case .mapping(let mapping) = node, !log.keyTypes.isEmpty else { return [] }
        return mapping.keys.filter { key in key.string.map { !log.accepts($0) } ?? true }
    }

    /// Throws for the first unknown key of this node's mapping and of the mappings of nested decoders.
    func checkKeys() throws {
        if let unknown = unknownKeys().first { throw unknownKeyFailure(unknown, missing: nil) }
        for nested in log.nested {
            try nested.checkKeys()
        }
    }

    func unknownKeyFailure(_ key: Node, missing: String?) -> RuleDecodingFailure {
        let name = key.string ?? "?"
        var summary = "unknown key '\(name)' \(Self.placeName(codingPath))"
        // Keys of a block mapping all start at its column; others (flow mappings) need theirs.
        if let column = key.mark?.column, column != node.mark?.column { summary += " (column \(column))" }
        let suggestion = RuleDecoder.suggestion(for: name, among: log.known)
        if let suggestion { summary += "; did you mean '\(suggestion)'?" }
        if let missing {
            if missing != suggestion { summary += "; '\(missing)' is missing" }
        } else if !log.known.isEmpty {
            summary += " (known: \(log.known.joined(separator: ", ")))"
        }
        return RuleDecodingFailure(line: key.mark?.line ?? node.mark?.line, summary: summary,
                                   column: key.mark?.column ?? node.mark?.column)
    }

    /// The names of a `CaseIterable` key type's cases; nil for other key types (synthesized `CodingKeys`).
    static func caseNames<K: CodingKey>(of type: K.Type) -> [String]? {
        guard let iterable = type as? any CaseIterable.Type else { return nil }
        func names<C: CaseIterable>(_ cases: C.Type) -> [String] {
            cases.allCases.compactMap { ($0 as? any CodingKey)?.stringValue }
        }
        return names(iterable)
    }

    // MARK: - Messages

    /// `rules[3].examples[0].ids`; empty for the top level.
    static func describe(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let key = key as? RuleDecoder.Key, let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return text
    }

    /// "in 'rules[3]'" or "at the top level".
    static func placeName(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "at the top level" : "in '\(describe(path))'"
    }

    /// "at 'rules[3].pattern' (column 14)" or "at the top level".
    var placeDescription: String {
        var text = codingPath.isEmpty ? "at the top level" : "at '\(Self.describe(codingPath))'"
        if let column = node.mark?.column { text += " (column \(column))" }
        return text
    }

    /// What the node is, for "found ..." in messages.
    var found: String {
        switch node {
        case .scalar(let scalar):
            if node.null != nil { return "null" }
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
            return "'\(text)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func name<T>(of type: T.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Double.Type, is Float.Type: return "a number"
        case is any FixedWidthInteger.Type: return "an integer"
        default: return "a value of type \(type)"
        }
    }

    func mismatch(expected: String) -> RuleDecodingFailure {
        RuleDecodingFailure(line: node.mark?.line, summary: "expected \(expected) \(placeDescription), found \(found)",
                            column: node.mark?.column)
    }

    func missingKey(_ key: String) -> RuleDecodingFailure {
        RuleDecodingFailure(line: node.mark?.line, summary: "missing key '\(key)' \(Self.placeName(codingPath))",
                            missing: (Self.describe(codingPath), key))
    }

    /// A `DecodingError` thrown by `T.init(from:)` itself (a raw value no case has, a custom check).
    func failure<T>(from error: DecodingError, decoding type: T.Type) -> RuleDecodingFailure {
        let line = node.mark?.line
        switch error {
        case .dataCorrupted(let context):
            if case .scalar = node, T.self is any RawRepresentable.Type {
                var summary = "invalid value \(found) \(placeDescription)"
                if let values = Self.rawValues(of: T.self) {
                    summary += "; expected one of: " + values.joined(separator: ", ")
                } else {
                    summary += ": not a \(T.self)"
                }
                return RuleDecodingFailure(line: line, summary: summary)
            }
            return RuleDecodingFailure(line: line, summary: "invalid value \(placeDescription): "
                                        + context.debugDescription)
        case .keyNotFound(let key, _):
            return missingKey(key.stringValue)
        case .typeMismatch(let expected, _), .valueNotFound(let expected, _):
            return mismatch(expected: Self.name(of: expected))
        @unknown default:
            return RuleDecodingFailure(line: line, summary: "invalid value \(placeDescription): \(error)")
        }
    }

    /// The raw values of a `CaseIterable` enum, for "expected one of"; nil for other types.
    static func rawValues<T>(of type: T.Type) -> [String]? {
        guard let iterable = type as? any CaseIterable.Type else { return nil }
        func values<C: CaseIterable>(_ cases: C.Type) -> [String] {
            cases.allCases.compactMap { ($0 as? any RawRepresentable).map { "\($0.rawValue)" } }
        }
        return values(iterable)
    }
}

/// The types Yams constructs from a scalar (its `ScalarConstructible` conformers), by identity. `T.self as? any
/// ScalarConstructible.Type` asked the runtime, which scans the binary's conformance records once for each new
/// type: about a seventh of decoding the rules.
private enum ScalarTypes {
    /// Written once, when first read (a `static let`), and only read after: metatypes are not `Sendable`, but the
    /// table is never changed.
    nonisolated(unsafe) static let all: [ObjectIdentifier: any ScalarConstructible.Type] = {
        let types: [any ScalarConstructible.Type] = [
            String.self, Bool.self, Int.self, Int8.self, Int16.self, Int32.self, Int64.self, UInt.self, UInt8.self,
            UInt16.self, UInt32.self, UInt64.self, Double.self, Float.self, Decimal.self, Date.self, Data.self,
            URL.self, UUID.self,
        ]
        return Dictionary(uniqueKeysWithValues: types.map { (ObjectIdentifier($0), $0) })
    }()

    static func of(_ type: Any.Type) -> (any ScalarConstructible.Type)? {
        all[ObjectIdentifier(type)]
    }
}

/// The keyed container over a mapping node.
private struct MappingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let decoder: NodeDecoder
    /// The mapping's keys (nil for a key that is no scalar) and values, read once: a type asks for each of its keys,
    /// present or not, and going through `Node.Mapping`'s pairs for each was most of decoding the rules.
    let names: [String?]
    let values: [Node]

    init(decoder: NodeDecoder, mapping: Node.Mapping) {
        self.decoder = decoder
        var names: [String?] = []
        var values: [Node] = []
        names.reserveCapacity(mapping.count)
        values.reserveCapacity(mapping.count)
        for (key, value) in mapping {
            names.append(key.string)
            values.append(value)
        }
        self.names = names
        self.values = values
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        names.compactMap { $0.flatMap(Key.init(stringValue:)) }
    }

    func contains(_ key: Key) -> Bool {
        decoder.log.note(key.stringValue)
        return node(for: key) != nil
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        try child(key).decodeNil()
    }

    /// Serves every `decode(_:forKey:)` requirement of the protocol.
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try child(key).value(T.self)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type,
                                               forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try handOut(child(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try handOut(child(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        try handOut(decoder(for: RuleDecoder.Key("super")))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try handOut(child(key))
    }

    private func node(for key: any CodingKey) -> Node? {
        let name = key.stringValue
        return names.firstIndex { $0 == name }.map { values[$0] }
    }

    private func decoder(for key: any CodingKey) throws -> NodeDecoder {
        decoder.log.note(key.stringValue)
        guard let node = node(for: key) else { throw decoder.missingKey(key.stringValue) }
        return decoder.child(node, key)
    }

    private func child(_ key: Key) throws -> NodeDecoder {
        try decoder(for: key)
    }

    /// Registers a decoder that is used outside `NodeDecoder.value`, so that its mapping's keys are checked too.
    private func handOut(_ nested: NodeDecoder) -> NodeDecoder {
        decoder.log.nested.append(nested)
        return nested
    }
}

/// The unkeyed container over a sequence node.
private struct SequenceContainer: UnkeyedDecodingContainer {
    let decoder: NodeDecoder
    let items: [Node]
    var currentIndex = 0

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    init(decoder: NodeDecoder, items: [Node]) {
        self.decoder = decoder
        self.items = items
    }

    mutating func decodeNil() throws -> Bool {
        guard try current().decodeNil() else { return false }
        currentIndex += 1
        return true
    }

    /// Serves every `decode(_:)` requirement of the protocol.
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try current().value(T.self)
        currentIndex += 1
        return value
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        let container = try handOut(current()).container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try handOut(current()).unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let nested = try handOut(current())
        currentIndex += 1
        return nested
    }

    private func current() throws -> NodeDecoder {
        guard !isAtEnd else {
            throw RuleDecodingFailure(
                line: decoder.node.mark?.line,
                summary: "expected more than \(items.count) items \(decoder.placeDescription)")
        }
        return decoder.child(items[currentIndex], RuleDecoder.Key(index: currentIndex))
    }

    private func handOut(_ nested: NodeDecoder) -> NodeDecoder {
        decoder.log.nested.append(nested)
        return nested
    }
}
