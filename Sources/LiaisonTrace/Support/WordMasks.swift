/// Tests of several characters at once in one 64-bit word (SWAR: SIMD within a register), for scans that look for
/// a few rare characters in long texts. Exact: the classic zero-lane test after XOR, `(x - 1) & ~x & high`, sets
/// the high bit of the lowest lane that is zero, and of a higher lane only when a lower one is zero too.
enum WordMasks {
    /// Nonzero when one of the four UTF-16 units in `word` equals `unit`.
    @inline(__always)
    static func lanes(_ word: UInt64, equalTo unit: UInt16) -> UInt64 {
        let ones: UInt64 = 0x0001_0001_0001_0001
        let flipped = word ^ (ones &* UInt64(unit))
        return (flipped &- ones) & ~flipped & 0x8000_8000_8000_8000
    }

    /// Whether `utf8` is all ASCII: its bytes OR-ed eight at a time.
    static func isASCII(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = UnsafeRawPointer(utf8.baseAddress) else { return true }
        var high: UInt64 = 0
        var offset = 0
        while offset + 8 <= utf8.count {
            high |= base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < utf8.count {
            high |= UInt64(utf8[offset])
            offset += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
