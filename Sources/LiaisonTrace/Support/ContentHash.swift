import Crypto
import Foundation

/// The content hash of every record's `source.sha256`: SHA-256 from swift-crypto, as lowercase hex.
enum ContentHash {
    /// The SHA-256 digest of `data` as 64 lowercase hex digits.
    static func sha256(_ data: Data) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: data) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}
