/// A small binary format for values the run cache keeps (`RunCache`): unsigned LEB128 integers, strings as a
/// length and UTF-8 bytes, optionals as a presence byte, arrays as a count and elements. It is read back by the
/// same build only (the cache is keyed by the build), so it carries no field names or version marks.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    mutating func int(_ value: Int) {
        // Zig-zag, so that the rare negative value stays short.
        var rest = UInt64(bitPattern: Int64((value << 1) ^ (value >> 63)))
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    mutating func bool(_ value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            int(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    mutating func string(_ value: String?) {
        bool(value != nil)
        if let value { string(value) }
    }

    mutating func int(_ value: Int?) {
        bool(value != nil)
        if let value { int(value) }
    }

    mutating func strings(_ values: [String]) {
        int(values.count)
        for value in values { string(value) }
    }

    /// 64-bit words, eight bytes each (hashes do not shrink as LEB128).
    mutating func words(_ values: [UInt64]) {
        int(values.count)
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
    }

    /// A value of a closed vocabulary, as its position (a byte, read back without comparing names).
    mutating func value<Value: CachedCase>(_ value: Value) {
        int(Value.cases.firstIndex(of: value)!)
    }

    mutating func array<T>(_ values: [T], _ write: (inout BinaryWriter, T) -> Void) {
        int(values.count)
        for value in values { write(&self, value) }
    }
}

/// Reads what `BinaryWriter` wrote. A truncated or foreign input throws `BinaryReader.Corrupt`.
struct BinaryReader {
    struct Corrupt: Error {}

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { offset == bytes.count }

    /// A value of a closed vocabulary, written as its position.
    mutating func value<Value: CachedCase>() throws -> Value {
        let index = try int()
        guard Value.cases.indices.contains(index) else { throw Corrupt() }
        return Value.cases[index]
    }

    /// Steps over a string (a field the reader does not need).
    mutating func skipString() throws {
        let count = try int()
        guard count >= 0, offset + count <= bytes.count else { throw Corrupt() }
        offset += count
    }

    mutating func int() throws -> Int {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw Corrupt() }
            let byte = bytes[offset]
            offset += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { break }
            shift += 7
        }
        let value = Int64(bitPattern: result)
        return Int((value >> 1) ^ -(value & 1))
    }

    mutating func bool() throws -> Bool {
        guard offset < bytes.count else { throw Corrupt() }
        offset += 1
        return bytes[offset - 1] != 0
    }

    mutating func string() throws -> String {
        let count = try int()
        guard count >= 0, offset + count <= bytes.count else { throw Corrupt() }
        defer { offset += count }
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[offset..<(offset + count)]), as: UTF8.self)
        }
    }

    mutating func optionalString() throws -> String? {
        try bool() ? try string() : nil
    }

    mutating func optionalInt() throws -> Int? {
        try bool() ? try int() : nil
    }

    mutating func strings() throws -> [String] {
        try array { try $0.string() }
    }

    mutating func words() throws -> [UInt64] {
        let count = try int()
        guard count >= 0, count <= (bytes.count - offset) / 8 else { throw Corrupt() }
        var values = [UInt64](repeating: 0, count: count)
        bytes.withUnsafeBytes { raw in
            for index in 0..<count {
                values[index] = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset + index * 8, as: UInt64.self))
            }
        }
        offset += count * 8
        return values
    }

    mutating func array<T>(_ read: (inout BinaryReader) throws -> T) throws -> [T] {
        let count = try int()
        guard count >= 0, count <= bytes.count - offset else { throw Corrupt() }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }
}

/// A closed vocabulary the run cache keeps as the position of the case (see `BinaryWriter.value`).
protocol CachedCase: CaseIterable, Equatable {
    /// Every case, in declaration order, made once.
    static var cases: [Self] { get }
}

extension DocumentFormat: CachedCase { static let cases = Array(allCases) }
extension DocumentKind: CachedCase { static let cases = Array(allCases) }
extension Addressee.Purpose: CachedCase { static let cases = Array(allCases) }
extension Reference.Kind: CachedCase { static let cases = Array(allCases) }
extension Requirement.Modality: CachedCase { static let cases = Array(allCases) }
extension Scope.Polarity: CachedCase { static let cases = Array(allCases) }
extension Relation.Kind: CachedCase { static let cases = Array(allCases) }
extension Severity: CachedCase { static let cases = Array(allCases) }
