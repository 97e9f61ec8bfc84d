import CICU
import Foundation

/// Turns the bytes of a text file into a String: BOMs first, then strict UTF-8, then ICU's charset detector,
/// with Windows-1252 as the last resort. Says how sure it is.
enum CharsetDecoder {
    /// The decoded text, the charset used, and a diagnostic when the guess is uncertain.
    struct Result {
        var text: String
        var charset: String
        var diagnostic: Diagnostic?
    }

    static func decode(_ data: Data, format: DocumentFormat) throws(IngestError) -> Result {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return try decodeUTF8(Array(bytes.dropFirst(3)), charset: "UTF-8 (BOM)")
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let bigEndian = bytes[0] == 0xFE
            let payload = Array(bytes.dropFirst(2))
            guard payload.count % 2 == 0 else {
                throw IngestError("ingest.text.truncated-utf16", "UTF-16 text has an odd number of bytes",
                                  explanation: "The file starts with a UTF-16 byte order mark but its last character is cut off.")
            }
            var units: [UInt16] = []
            units.reserveCapacity(payload.count / 2)
            for i in stride(from: 0, to: payload.count, by: 2) {
                units.append(bigEndian ? UInt16(payload[i]) << 8 | UInt16(payload[i + 1])
                                       : UInt16(payload[i + 1]) << 8 | UInt16(payload[i]))
            }
            return Result(text: String(decoding: units, as: UTF16.self), charset: bigEndian ? "UTF-16BE" : "UTF-16LE",
                          diagnostic: nil)
        }
        if let text = String(validating: bytes, as: UTF8.self) {
            return Result(text: text, charset: "UTF-8", diagnostic: nil)
        }
        // Not UTF-8: ask ICU, but only accept single-byte Latin charsets (ICU guesses wildly on short texts).
        var name = [CChar](repeating: 0, count: 64)
        var confidence: Int32 = 0
        var charset = "windows-1252"
        var diagnostic: Diagnostic?
        let status = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                lt_charset_detect(chars.baseAddress, Int32(chars.count), &name, Int32(name.count), &confidence)
            }
        }
        let detected = status == 0 ? String(cString: name) : ""
        if ["ISO-8859-1", "windows-1252", "ISO-8859-15"].contains(detected), confidence >= 50 {
            charset = detected == "ISO-8859-1" ? "windows-1252" : detected
        } else {
            diagnostic = Diagnostic(
                id: "ingest.text.charset-uncertain", severity: .warning,
                summary: "text is not valid UTF-8; decoded as windows-1252"
                    + (detected.isEmpty ? "" : " (ICU guessed \(detected), confidence \(confidence))"),
                explanation: "Check accented characters; re-save the file as UTF-8 to be sure.")
        }
        guard let text = convert(bytes, from: charset) else {
            throw IngestError("ingest.text.undecodable", "text could not be decoded as \(charset)")
        }
        return Result(text: text, charset: charset, diagnostic: diagnostic)
    }

    private static func decodeUTF8(_ bytes: [UInt8], charset: String) throws(IngestError) -> Result {
        if let text = String(validating: bytes, as: UTF8.self) {
            return Result(text: text, charset: charset, diagnostic: nil)
        }
        return Result(text: String(decoding: bytes, as: UTF8.self), charset: charset, diagnostic: Diagnostic(
            id: "ingest.text.invalid-utf8", severity: .warning,
            summary: "file declares UTF-8 but has invalid byte sequences; they were replaced with U+FFFD"))
    }

    /// Converts bytes in a named charset to a String through ICU.
    static func convert(_ bytes: [UInt8], from charset: String) -> String? {
        if bytes.isEmpty { return "" }
        return bytes.withUnsafeBufferPointer { buffer -> String? in
            buffer.withMemoryRebound(to: CChar.self) { source -> String? in
                var capacity = bytes.count * 3 + 16
                for _ in 0..<2 {
                    var destination = [CChar](repeating: 0, count: capacity)
                    let needed = lt_convert_to_utf8(charset, source.baseAddress, Int32(source.count), &destination,
                                                    Int32(capacity))
                    if needed < 0 { return nil }
                    if Int(needed) <= capacity {
                        return String(decoding: destination[0..<Int(needed)].map { UInt8(bitPattern: $0) },
                                      as: UTF8.self)
                    }
                    capacity = Int(needed) + 1
                }
                return nil
            }
        }
    }
}
