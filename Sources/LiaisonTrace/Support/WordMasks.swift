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
}
