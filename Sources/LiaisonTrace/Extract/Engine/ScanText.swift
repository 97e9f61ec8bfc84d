import CICU
import Foundation

/// Text as the rule engine matches it: UTF-16 code units in one buffer that ICU reads in place (no copy per
/// call), with the text's UTF-8 bytes for the literal scan and the maps between the two encodings.
///
/// Offsets into a `ScanText` are UTF-16 units, as `NSRange` counts them. Immutable once built.
public final class ScanText: @unchecked Sendable { // immutable after init; the buffer is owned and never written
    /// The UTF-16 code units.
    let units: UnsafeMutableBufferPointer<UInt16>
    /// The UTF-8 bytes of the same text.
    let utf8: [UInt8]
    /// For every UTF-16 offset (and the end), the UTF-8 offset; empty when the text is ASCII (offsets agree).
    private let utf16ToUTF8: [Int32]
    /// For every UTF-8 offset (and the end), the UTF-16 offset; empty when the text is ASCII.
    private let utf8ToUTF16: [Int32]

    /// The number of UTF-16 units.
    public var count: Int { units.count }
    /// Whether the text is all ASCII (UTF-8 and UTF-16 offsets agree).
    public var isASCII: Bool { utf8ToUTF16.isEmpty }
    /// Whether the text holds a character that makes the fast form of `\b` differ from the general one (see
    /// `WordBoundary`): a non-ASCII decimal digit (`\d` matches it, `[0-9]` does not), or a character that ICU's
    /// case folding equates with ASCII letters ("ß" for "ss").
    let hasBoundaryTraps: Bool
    /// Whether ICU and PCRE2 read every character of the text alike, so that a pattern's JIT form may answer the
    /// engine's tries and searches (`lt_regex_jit_agrees`; off when `Pattern.jitEnabled` is).
    public let jitAgrees: Bool

    /// Transcodes `text` once.
    public init(_ text: String) {
        var text = text
        let bytes: [UInt8] = text.withUTF8 { Array($0) }
        utf8 = bytes
        // ASCII (most documents): widen byte by byte, checking as we go.
        let buffer = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: max(1, bytes.count))
        let ascii = bytes.withUnsafeBufferPointer { source -> Bool in
            var high: UInt8 = 0
            for index in 0..<source.count {
                let byte = source[index]
                high |= byte
                buffer[index] = UInt16(byte)
            }
            return high < 0x80
        }
        if ascii {
            units = UnsafeMutableBufferPointer(rebasing: buffer[0..<bytes.count])
            utf16ToUTF8 = []
            utf8ToUTF16 = []
            hasBoundaryTraps = false
            // ASCII was found while widening: the characters need not be read again.
            jitAgrees = Pattern.jitEnabled && lt_regex_jit_agrees_on_ascii() == 1
            return
        }
        // Non-ASCII: decode scalar by scalar into buffers sized for the worst case (one UTF-16 unit per byte),
        // recording both maps. The maps are written whole, so they are not zeroed first.
        let storage = buffer
        var traps = false
        var position = 0
        var toUTF8: [Int32] = []
        let toUTF16 = [Int32](unsafeUninitializedCapacity: bytes.count + 1) { toUTF16, written16 in
            toUTF8 = [Int32](unsafeUninitializedCapacity: bytes.count + 1) { toUTF8, written8 in
                bytes.withUnsafeBufferPointer { bytes in
                    let count = bytes.count
                    var index = 0
                    let base = UnsafeRawPointer(bytes.baseAddress!)
                    let units = UnsafeMutableRawPointer(storage.baseAddress!)
                    let toUTF8Base = UnsafeMutableRawPointer(toUTF8.baseAddress!)
                    let toUTF16Base = UnsafeMutableRawPointer(toUTF16.baseAddress!)
                    let steps = SIMD8<Int32>(0, 1, 2, 3, 4, 5, 6, 7)
                    while index < count {
                        // A run of ASCII: eight bytes at a time while all eight are ASCII, one unit per byte.
                        while index &+ 8 <= count {
                            let eight = base.loadUnaligned(fromByteOffset: index, as: SIMD8<UInt8>.self)
                            guard eight & 0x80 == SIMD8(repeating: 0) else { break }
                            units.storeBytes(of: SIMD8<UInt16>(truncatingIfNeeded: eight), toByteOffset: position &* 2,
                                             as: SIMD8<UInt16>.self)
                            toUTF8Base.storeBytes(of: SIMD8(repeating: Int32(truncatingIfNeeded: index)) &+ steps,
                                                  toByteOffset: position &* 4, as: SIMD8<Int32>.self)
                            toUTF16Base.storeBytes(of: SIMD8(repeating: Int32(truncatingIfNeeded: position)) &+ steps,
                                                   toByteOffset: index &* 4, as: SIMD8<Int32>.self)
                            position &+= 8
                            index &+= 8
                        }
                        while index < count, bytes[index] < 0x80 {
                            storage[position] = UInt16(bytes[index])
                            toUTF8[position] = Int32(truncatingIfNeeded: index)
                            toUTF16[index] = Int32(truncatingIfNeeded: position)
                            position &+= 1
                            index &+= 1
                        }
                        guard index < count else { break }
                        let lead = bytes[index]
                        let width: Int
                        var scalar: UInt32
                        switch lead {
                        case 0xC0..<0xE0: width = 2; scalar = UInt32(lead & 0x1F)
                        case 0xE0..<0xF0: width = 3; scalar = UInt32(lead & 0x0F)
                        default: width = 4; scalar = UInt32(lead & 0x07)
                        }
                        let end = min(count, index + width)
                        var next = index + 1
                        while next < end {
                            scalar = scalar << 6 | UInt32(bytes[next] & 0x3F)
                            next += 1
                        }
                        if !traps { traps = Self.isBoundaryTrap(scalar) }
                        for byte in index..<end { toUTF16[byte] = Int32(position) }
                        if scalar > 0xFFFF {
                            let value = scalar - 0x10000
                            storage[position] = UInt16(0xD800 + (value >> 10))
                            storage[position + 1] = UInt16(0xDC00 + (value & 0x3FF))
                            toUTF8[position] = Int32(index)
                            toUTF8[position + 1] = Int32(index)
                            position += 2
                        } else {
                            storage[position] = UInt16(truncatingIfNeeded: scalar)
                            toUTF8[position] = Int32(index)
                            position += 1
                        }
                        index = end
                    }
                    toUTF8[position] = Int32(count)
                    toUTF16[count] = Int32(position)
                }
                written8 = position + 1
            }
            written16 = bytes.count + 1
        }
        units = UnsafeMutableBufferPointer(rebasing: storage[0..<position])
        utf16ToUTF8 = toUTF8
        utf8ToUTF16 = toUTF16
        hasBoundaryTraps = traps
        jitAgrees = Pattern.jitEnabled && lt_regex_jit_agrees(storage.baseAddress!, Int32(position)) == 1
    }

    /// Whether a scalar outside ASCII is a boundary trap: a decimal digit, or one of
    /// `PatternLiterals.foldExceptions`. Characters of the Basic Multilingual Plane are looked up in a table made
    /// once (a property lookup per character of every document costs more than the rest of the transcoding).
    @inline(__always)
    static func isBoundaryTrap(_ scalar: UInt32) -> Bool {
        if scalar < 0x10000 {
            return trapTable[Int(scalar >> 6)] & (1 << UInt64(scalar & 63)) != 0
        }
        return Unicode.Scalar(scalar).map(isTrap) ?? false
    }

    private static func isTrap(_ scalar: Unicode.Scalar) -> Bool {
        PatternLiterals.foldExceptions[scalar] != nil || scalar.properties.numericType == .decimal
    }

    /// One bit per scalar of the Basic Multilingual Plane: `isTrap`.
    private static let trapTable: [UInt64] = {
        var table = [UInt64](repeating: 0, count: 0x10000 / 64)
        for value in 0x80..<0x10000 {
            guard let scalar = Unicode.Scalar(UInt32(value)), isTrap(scalar) else { continue }
            table[value >> 6] |= 1 << UInt64(value & 63)
        }
        return table
    }()

    deinit {
        units.deallocate()
    }

    /// The unit at `offset`.
    @inline(__always)
    public subscript(offset: Int) -> UInt16 { units[offset] }

    /// The text of a UTF-16 range.
    public func string(_ range: NSRange) -> String {
        let start = max(0, min(range.location, count))
        let end = max(start, min(range.location + range.length, count))
        // From the UTF-8 bytes (a copy, where UTF-16 would be transcoded), unless the range splits a surrogate pair.
        let from = utf8Offset(start)
        let to = utf8Offset(end)
        let splitsPair = start < end && (units[start] & 0xFC00 == 0xDC00 || units[end - 1] & 0xFC00 == 0xD800)
        if isASCII || !splitsPair {
            return utf8.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[from..<to]), as: UTF8.self) }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: units[start..<end]), as: UTF16.self)
    }

    /// The unit at `offset` (the name `NSString` uses).
    @inline(__always)
    public func character(at offset: Int) -> UInt16 { units[offset] }

    /// The number of UTF-16 units (the name `NSString` uses).
    public var length: Int { units.count }

    /// The text of a UTF-16 range (the name `NSString` uses).
    public func substring(with range: NSRange) -> String { string(range) }

    /// The units of `range`, as an array.
    public func units(_ range: NSRange) -> [UInt16] {
        Array(units[range.location..<(range.location + range.length)])
    }

    /// Calls `body` with the UTF-8 bytes of a UTF-16 range; nil when the range splits a surrogate pair.
    func withUTF8<Result>(of range: NSRange, _ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result? {
        let start = max(0, min(range.location, count))
        let end = max(start, min(range.location + range.length, count))
        if !isASCII, start < end, units[start] & 0xFC00 == 0xDC00 || units[end - 1] & 0xFC00 == 0xD800 { return nil }
        let from = utf8Offset(start)
        let to = utf8Offset(end)
        return utf8.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[from..<to])) }
    }

    /// The whole text.
    public var string: String { String(decoding: utf8, as: UTF8.self) }

    /// The UTF-8 offset of UTF-16 offset `offset` (clamped to the text).
    @inline(__always)
    public func utf8Offset(_ offset: Int) -> Int {
        let clamped = max(0, min(offset, count))
        return utf16ToUTF8.isEmpty ? clamped : Int(utf16ToUTF8[clamped])
    }

    /// The UTF-16 offset of UTF-8 offset `offset` (clamped to the text).
    @inline(__always)
    public func utf16Offset(_ offset: Int) -> Int {
        let clamped = max(0, min(offset, utf8.count))
        return utf8ToUTF16.isEmpty ? clamped : Int(utf8ToUTF16[clamped])
    }
}
