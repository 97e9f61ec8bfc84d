/// Strings kept once each, by number: the bytes of all of them in one buffer, and an open-addressing table from
/// content to number. A graph of a million nodes holds its ids, paths, rules and texts this way in a few bytes of
/// overhead per string, where a `[String: Int]` costs a hundred.
struct StringPool: Sendable {
    private var bytes: [UInt8] = []
    /// Start of each string in `bytes`; the end is the next start.
    private var starts: [Int32] = [0]
    /// Open addressing: string number + 1, 0 for an empty slot.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)
    /// Whether each string is not all ASCII, a bit per string: comparing two strings as Swift does (see
    /// `GraphStorage`) asks it of both, once per comparison, and the sorts of a large graph compare millions of times.
    private var nonASCII: [UInt64] = []

    init() {}

    /// How many strings the pool holds.
    var count: Int { starts.count - 1 }

    /// The number of `string`, adding it when new.
    mutating func intern(_ string: String) -> Int32 {
        var string = string
        return string.withUTF8 { intern($0) }
    }

    /// The number of the string with these UTF-8 bytes, adding it when new.
    mutating func intern(_ utf8: UnsafeBufferPointer<UInt8>) -> Int32 {
        let hash = Self.hash(utf8)
        var slot = hash & (slots.count - 1)
        while slots[slot] != 0 {
            let number = slots[slot] - 1
            if equals(number, utf8) { return number }
            slot = (slot + 1) & (slots.count - 1)
        }
        let number = Int32(count)
        bytes.append(contentsOf: utf8)
        starts.append(Int32(bytes.count))
        if number & 63 == 0 { nonASCII.append(0) }
        if !WordMasks.isASCII(utf8) { nonASCII[Int(number >> 6)] |= 1 << UInt64(number & 63) }
        slots[slot] = number + 1
        if count * 2 > slots.count { grow() }
        return number
    }

    /// The number of `string`, or nil when the pool does not hold it.
    func find(_ string: String) -> Int32? {
        var string = string
        return string.withUTF8 { utf8 in
            var slot = Self.hash(utf8) & (slots.count - 1)
            while slots[slot] != 0 {
                let number = slots[slot] - 1
                if equals(number, utf8) { return number }
                slot = (slot + 1) & (slots.count - 1)
            }
            return nil
        }
    }

    /// Whether string `number` is all ASCII.
    func isASCII(_ number: Int32) -> Bool {
        nonASCII[Int(number >> 6)] & 1 << UInt64(number & 63) == 0
    }

    /// String number `number`.
    subscript(number: Int32) -> String {
        let start = Int(starts[Int(number)])
        let end = Int(starts[Int(number) + 1])
        return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<end]),
                                                      as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of string `number`.
    func withUTF8<T>(_ number: Int32, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        let start = Int(starts[Int(number)])
        let end = Int(starts[Int(number) + 1])
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[start..<end])) }
    }

    /// Whether string `a` comes before string `b` in the order of their UTF-8 bytes.
    func utf8Precedes(_ a: Int32, _ b: Int32) -> Bool {
        withUTF8(a) { left in withUTF8(b) { right in
            let common = min(left.count, right.count)
            if common > 0, let base = left.baseAddress, let other = right.baseAddress {
                let order = memcmp(base, other, common)
                if order != 0 { return order < 0 }
            }
            return left.count < right.count
        } }
    }

    private func equals(_ number: Int32, _ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = Int(starts[Int(number)])
        let end = Int(starts[Int(number) + 1])
        guard end - start == utf8.count else { return false }
        guard utf8.count > 0 else { return true }
        return bytes.withUnsafeBufferPointer { memcmp($0.baseAddress! + start, utf8.baseAddress!, utf8.count) == 0 }
    }

    private mutating func grow() {
        var larger = [Int32](repeating: 0, count: slots.count * 2)
        for number in 0..<Int32(count) {
            let hash = withUTF8(number) { Self.hash($0) }
            var slot = hash & (larger.count - 1)
            while larger[slot] != 0 { slot = (slot + 1) & (larger.count - 1) }
            larger[slot] = number + 1
        }
        slots = larger
    }

    /// Where a string sits in `slots` (never its number or order).
    private static func hash(_ utf8: UnsafeBufferPointer<UInt8>) -> Int {
        Int(truncatingIfNeeded: StableHash.of(utf8) & 0x7FFF_FFFF_FFFF_FFFF)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
