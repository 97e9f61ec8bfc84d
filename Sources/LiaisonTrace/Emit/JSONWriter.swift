import Foundation

/// Writes JSON bytes directly, exactly as Foundation's `JSONEncoder` does with `[.sortedKeys, .prettyPrinted,
/// .withoutEscapingSlashes]` (or without `.prettyPrinted`): two-space indentation, `"key" : value`, empty containers
/// as `[\n\n  ]`, control characters as `\b \t \n \f \r` or `\u00xx`, everything else as UTF-8, keys in the order
/// of their UTF-8 bytes. It builds no intermediate tree, so a record or a graph costs one pass over its values.
///
/// A writer can also lay out only its outer levels (`prettyLevels`): the containers of those levels put each
/// element on a line of its own, indented, and everything deeper is written compact, one element to a line (the
/// graph file: one node or edge per line, for `grep` and line diffs, at 57% of the pretty size).
///
/// Objects are written key by key: callers give keys in sorted order (types write their fields in a fixed,
/// pre-sorted order; dictionaries are sorted with `sortedKeys`). Debug builds check the order.
public struct JSONWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []
    /// How many levels of containers are pretty-printed (`Int.max`: all; 0: none, compact).
    public let prettyLevels: Int
    /// Pretty-printed (at least its outer level) or compact.
    public var pretty: Bool { prettyLevels > 0 }
    // One entry per open container: whether it has an element yet.
    private var open: [Bool] = []
    #if DEBUG
    private var lastKeys: [[UInt8]?] = []
    #endif

    /// A writer; `capacity` reserves room for the expected size.
    public init(pretty: Bool = true, capacity: Int = 1024) {
        self.init(prettyLevels: pretty ? .max : 0, capacity: capacity)
    }

    /// A writer that pretty-prints the outer `prettyLevels` levels of containers and writes deeper ones compact.
    public init(prettyLevels: Int, capacity: Int = 1024) {
        self.prettyLevels = prettyLevels
        bytes.reserveCapacity(capacity)
    }

    // MARK: Containers

    /// Starts an object (as a value: after `key`, as an array element, or at the top).
    public mutating func beginObject() {
        bytes.append(UInt8(ascii: "{"))
        open.append(false)
        #if DEBUG
        lastKeys.append(nil)
        #endif
    }

    /// Ends the object started last.
    public mutating func endObject() {
        close(UInt8(ascii: "}"))
        #if DEBUG
        lastKeys.removeLast()
        #endif
    }

    /// Starts an array.
    public mutating func beginArray() {
        bytes.append(UInt8(ascii: "["))
        open.append(false)
        #if DEBUG
        lastKeys.append(nil)
        #endif
    }

    /// Ends the array started last.
    public mutating func endArray() {
        close(UInt8(ascii: "]"))
        #if DEBUG
        lastKeys.removeLast()
        #endif
    }

    private mutating func close(_ bracket: UInt8) {
        let hadElements = open.removeLast()
        if open.count < prettyLevels {
            bytes.append(0x0A)
            if !hadElements { bytes.append(0x0A) }
            indent()
        }
        bytes.append(bracket)
    }

    private mutating func indent() {
        for _ in 0..<open.count { bytes.append(0x20); bytes.append(0x20) }
    }

    /// Starts the next element of the current array (call before writing the element's value).
    public mutating func element() {
        separate()
    }

    private mutating func separate() {
        if open[open.count - 1] { bytes.append(UInt8(ascii: ",")) } else { open[open.count - 1] = true }
        if open.count <= prettyLevels {
            bytes.append(0x0A)
            indent()
        }
    }

    /// Writes the next key of the current object; its value follows.
    public mutating func key(_ key: String) {
        var key = key
        key.withUTF8 { self.key(utf8: $0) }
    }

    /// Writes the next key, given as UTF-8 bytes.
    public mutating func key(utf8: UnsafeBufferPointer<UInt8>) {
        #if DEBUG
        let bytes = Array(utf8)
        if let previous = lastKeys[lastKeys.count - 1] {
            assert(previous.lexicographicallyPrecedes(bytes), "JSON keys out of order: \(String(decoding: bytes, as: UTF8.self))")
        }
        lastKeys[lastKeys.count - 1] = bytes
        #endif
        separate()
        string(utf8: utf8)
        if open.count <= prettyLevels {
            self.bytes.append(0x20); self.bytes.append(UInt8(ascii: ":")); self.bytes.append(0x20)
        } else {
            self.bytes.append(UInt8(ascii: ":"))
        }
    }

    // MARK: Scalars

    /// Writes a string, escaped as JSONEncoder escapes it.
    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { string(utf8: $0) }
    }

    /// Writes a string given as UTF-8 bytes, escaped as JSONEncoder escapes it.
    public mutating func string(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var start = 0
        var index = 0
        let count = utf8.count
        while index < count {
            // Eight bytes at a time while none of them needs escaping (most text).
            if let base = UnsafeRawPointer(utf8.baseAddress) {
                while index + 8 <= count, !Self.needsEscape(base.loadUnaligned(fromByteOffset: index, as: UInt64.self)) {
                    index += 8
                }
                if index >= count { break }
            }
            let byte = utf8[index]
            index += 1
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            let position = index - 1
            if start < position { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<position])) }
            start = index
            bytes.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
            case 0x08: bytes.append(UInt8(ascii: "b"))
            case 0x09: bytes.append(UInt8(ascii: "t"))
            case 0x0A: bytes.append(UInt8(ascii: "n"))
            case 0x0C: bytes.append(UInt8(ascii: "f"))
            case 0x0D: bytes.append(UInt8(ascii: "r"))
            default:
                let hex = Self.hexDigits
                bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
        }
        if start < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...])) }
        bytes.append(UInt8(ascii: "\""))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Whether one of the eight bytes of `word` is below 0x20, a quotation mark or a backslash (exact: the
    /// classic test for a byte below n, and for a zero byte after XOR).
    @inline(__always)
    static func needsEscape(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let control = (word &- ones &* 0x20) & ~word & highs
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        return (control | ((quotes &- ones) & ~quotes & highs) | ((backslashes &- ones) & ~backslashes & highs)) != 0
    }

    /// Writes an integer.
    public mutating func int(_ value: Int) {
        if value >= 0 && value < 10 {
            bytes.append(UInt8(ascii: "0") + UInt8(value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var magnitude = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// Writes a number as `JSONValue` encodes one: whole numbers below 10^15 as integers, others as JSONEncoder
    /// writes a `Double`.
    public mutating func double(_ value: Double) {
        if value.rounded() == value, abs(value) < 1e15 {
            int(Int(value))
            return
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    /// Writes `null`.
    public mutating func null() {
        bytes.append(contentsOf: Self.nullBytes)
    }

    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let nullBytes = Array("null".utf8)

    /// Hands over the bytes written so far and starts an empty buffer (the open containers stay open), so that a
    /// long document can be written to a file piece by piece.
    public mutating func takeBytes() -> [UInt8] {
        var taken: [UInt8] = []
        taken.reserveCapacity(bytes.capacity)
        swap(&taken, &bytes)
        return taken
    }

    /// Appends bytes that are already a JSON value written with the same settings at the same depth.
    public mutating func raw(_ json: some Sequence<UInt8>) {
        bytes.append(contentsOf: json)
    }

    // MARK: Shorthands

    /// A string field.
    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    /// A string field that is `null` when nil.
    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    /// A string field left out when nil (what synthesized `Encodable` does with optionals).
    public mutating func field(ifPresent name: String, _ value: String?) {
        if let value { field(name, value) }
    }

    /// An integer field.
    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        int(value)
    }

    /// A boolean field.
    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    /// An array-of-strings field.
    public mutating func field(_ name: String, _ values: [String]) {
        key(name)
        strings(values)
    }

    /// An array of strings.
    public mutating func strings(_ values: [String]) {
        beginArray()
        for value in values {
            element()
            string(value)
        }
        endArray()
    }

    /// An array of values written by `write`.
    public mutating func array<T>(_ values: [T], _ write: (inout JSONWriter, T) -> Void) {
        array(values, flush: { _ in }, write)
    }

    /// An array of values written by `write`, calling `flush` after each value (so that a long array can be handed
    /// on as it is written).
    public mutating func array<T>(_ values: [T], flush: (inout JSONWriter) throws -> Void,
                                  _ write: (inout JSONWriter, T) -> Void) rethrows {
        beginArray()
        for value in values {
            element()
            write(&self, value)
            try flush(&self)
        }
        endArray()
    }

    /// An array of values that write themselves.
    public mutating func array(_ values: [some JSONWritable]) {
        beginArray()
        for value in values {
            element()
            value.writeJSON(to: &self)
        }
        endArray()
    }

    /// A field holding an array of values that write themselves.
    public mutating func field(_ name: String, _ values: [some JSONWritable]) {
        key(name)
        array(values)
    }

    /// A field holding a value that writes itself.
    public mutating func field(_ name: String, _ value: some JSONWritable) {
        key(name)
        value.writeJSON(to: &self)
    }

    /// An object of string values, keys sorted.
    public mutating func object(_ values: [String: String]) {
        beginObject()
        for key in Self.sortedKeys(values) { field(key, values[key]!) }
        endObject()
    }

    /// The keys of `dictionary` in the order JSONEncoder sorts them (by their UTF-8 bytes).
    public static func sortedKeys(_ dictionary: [String: some Any]) -> [String] {
        dictionary.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}

/// A value that writes its own JSON, byte for byte what its `Encodable` conformance gives through JSONEncoder
/// (tests compare the two on real records).
public protocol JSONWritable: Encodable {
    /// Writes the value at the writer's current position.
    func writeJSON(to writer: inout JSONWriter)
}

extension JSONValue: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        switch self {
        case .string(let value): writer.string(value)
        case .number(let value): writer.double(value)
        case .bool(let value): writer.bool(value)
        case .null: writer.null()
        case .array(let values): writer.array(values)
        case .object(let values):
            writer.beginObject()
            for key in JSONWriter.sortedKeys(values) { writer.field(key, values[key]!) }
            writer.endObject()
        }
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.array(self)
    }
}

extension Dictionary: JSONWritable where Key == String, Value: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        for key in JSONWriter.sortedKeys(self) { writer.field(key, self[key]!) }
        writer.endObject()
    }
}
