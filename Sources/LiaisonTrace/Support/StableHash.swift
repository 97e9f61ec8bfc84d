/// A 64-bit hash of bytes that is the same in every process and on every machine (Swift's `Hasher` is seeded per
/// process), eight bytes at a time, finished with MurmurHash3's 64-bit mix so that every bit of the result depends
/// on every byte. For hash tables and for telling whether stored bytes changed; not for security.
enum StableHash {
    static func of(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = bytes.count
        var hash = 0x9E37_79B9_7F4A_7C15 ^ UInt64(count) &* 0xFF51_AFD7_ED55_8CCD
        if count > 0, let base = UnsafeRawPointer(bytes.baseAddress) {
            var offset = 0
            while offset + 8 <= count {
                hash = step(hash, base.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                offset += 8
            }
            if offset < count {
                var tail: UInt64 = 0
                for index in offset..<count { tail = tail << 8 | UInt64(base.load(fromByteOffset: index, as: UInt8.self)) }
                hash = (hash ^ tail) &* 0x9FB2_1C65_1E98_DF25
            }
        }
        return finish(hash)
    }

    static func of(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBufferPointer { of($0) }
    }

    /// Mixes eight bytes into `hash`.
    @inline(__always)
    static func step(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let mixed = (hash ^ word) &* 0x9FB2_1C65_1E98_DF25
        return mixed ^ mixed >> 28
    }

    /// MurmurHash3's 64-bit final mix.
    @inline(__always)
    static func finish(_ hash: UInt64) -> UInt64 {
        var hash = hash
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        hash &*= 0xC4CE_B9FE_1A85_EC53
        hash ^= hash >> 33
        return hash
    }
}

/// Words mixed into one stable 64-bit hash, in order (each as `StableHash` mixes eight bytes, with its final mix).
struct Digest {
    private var hash: UInt64 = 0x9E37_79B9_7F4A_7C15

    mutating func add(_ word: UInt64) {
        hash = StableHash.step(hash, word)
    }

    var value: UInt64 { StableHash.finish(hash) }
}
