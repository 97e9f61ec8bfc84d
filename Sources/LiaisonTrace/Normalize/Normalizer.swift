import CICU

/// The normalization stage: Unicode NFKC (through ICU), dash variants to `-`, curly quotes to straight ones,
/// tabs and odd spaces to a space, soft hyphens and zero-width characters dropped, CR/CRLF to LF, and (for PDF
/// text) words broken across lines joined again.
public struct Normalizer: Sendable {
    /// Join `exam-\nple` into `example` (for PDF text, where line breaks are the renderer's).
    public var dehyphenate: Bool

    /// Creates the stage.
    public init(dehyphenate: Bool = false) {
        self.dehyphenate = dehyphenate
    }

    /// Normalizes a document's ingested text.
    public func normalize(_ text: String) -> NormalizedText {
        var text = text
        let count = text.utf8.count
        var output = Output(capacity: count)
        text.withUTF8 { bytes in
            var index = 0
            while index < count {
                let byte = bytes[index]
                if byte < 0x80 {
                    // A run of plain ASCII bytes is copied as it is.
                    if byte >= 0x20 || byte == 0x0A {
                        var end = index + 1
                        while end < count, bytes[end] < 0x80, bytes[end] >= 0x20 || bytes[end] == 0x0A { end += 1 }
                        output.appendIdentity(bytes, index..<end)
                        index = end
                        continue
                    }
                    if byte == 0x0D {
                        if index + 1 < count, bytes[index + 1] == 0x0A {
                            index += 1
                            continue
                        }
                        output.append(0x0A, index, index + 1)
                    } else if byte == 0x09 || byte == 0x0B || byte == 0x0C {
                        output.append(0x20, index, index + 1)
                    } else {
                        output.append(byte, index, index + 1)
                    }
                    index += 1
                    continue
                }
                let (scalar, width) = Self.decode(bytes, at: index)
                let end = index + width
                if let mapped = Self.mapped(scalar) {
                    if let byte = mapped { output.append(byte, index, end) }
                    index = end
                    continue
                }
                if lt_nfkc_is_inert(scalar.value) == 1 {
                    output.append(bytes, index..<end)
                    index = end
                    continue
                }
                // A normalization segment: this scalar and the following ones up to the next NFKC boundary.
                var segmentEnd = end
                while segmentEnd < count, bytes[segmentEnd] >= 0x80 {
                    let (next, nextWidth) = Self.decode(bytes, at: segmentEnd)
                    if lt_nfkc_boundary_before(next.value) != 0 { break }
                    segmentEnd += nextWidth
                }
                let segment = String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<segmentEnd]), as: UTF8.self)
                for normalizedScalar in Self.nfkc(segment).unicodeScalars {
                    if normalizedScalar.value < 0x80 {
                        output.append(UInt8(normalizedScalar.value), index, segmentEnd)
                    } else if let mapped = Self.mapped(normalizedScalar) {
                        if let byte = mapped { output.append(byte, index, segmentEnd) }
                    } else {
                        output.append(normalizedScalar, index, segmentEnd)
                    }
                }
                index = segmentEnd
            }
        }
        if dehyphenate { output.joinHyphenatedWords() }
        return NormalizedText(text: String(decoding: output.bytes, as: UTF8.self), map: output.map)
    }

    /// The scalar starting at byte `index` of valid UTF-8, and its width in bytes.
    @inline(__always)
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> (Unicode.Scalar, Int) {
        let lead = bytes[index]
        var value: UInt32
        let width: Int
        switch lead {
        case 0xC0..<0xE0: width = 2; value = UInt32(lead & 0x1F)
        case 0xE0..<0xF0: width = 3; value = UInt32(lead & 0x0F)
        default: width = 4; value = UInt32(lead & 0x07)
        }
        for next in 1..<width { value = value << 6 | UInt32(bytes[index + next] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", width)
    }

    /// Characters replaced outright: `.some(byte)` becomes that ASCII byte, `.some(nil)` is dropped.
    static func mapped(_ scalar: Unicode.Scalar) -> UInt8?? {
        switch scalar.value {
        case 0x00A0, 0x1680, 0x2000...0x200A, 0x202F, 0x205F, 0x3000: return .some(0x20)
        case 0x00AD, 0x200B...0x200D, 0x2060, 0xFEFF: return .some(nil)
        case 0x2010...0x2015, 0x2043, 0x2212, 0xFE58, 0xFE63, 0xFF0D: return .some(0x2D)
        case 0x2018, 0x2019, 0x201A, 0x201B, 0x2032: return .some(0x27)
        case 0x201C, 0x201D, 0x201E, 0x201F, 0x2033: return .some(0x22)
        case 0x2028, 0x2029: return .some(0x0A)
        default: return nil
        }
    }

    static func nfkc(_ string: String) -> String {
        let units = Array(string.utf16)
        var capacity = units.count * 4 + 8
        for _ in 0..<2 {
            var destination = [UInt16](repeating: 0, count: capacity)
            let needed = lt_nfkc(units, Int32(units.count), &destination, Int32(capacity))
            if needed < 0 { return string }
            if Int(needed) <= capacity { return String(decoding: destination[0..<Int(needed)], as: UTF16.self) }
            capacity = Int(needed)
        }
        return string
    }

    private struct Output {
        var bytes: [UInt8] = []
        var map = OffsetMap()

        init(capacity: Int) {
            bytes.reserveCapacity(capacity)
        }

        mutating func append(_ byte: UInt8, _ start: Int, _ end: Int) {
            bytes.append(byte)
            map.append(start: start, end: end)
        }

        mutating func append(_ scalar: Unicode.Scalar, _ start: Int, _ end: Int) {
            for byte in String(scalar).utf8 { append(byte, start, end) }
        }

        /// Appends the bytes of one scalar of the input, each mapped to the whole scalar.
        mutating func append(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
            for index in range { append(input[index], range.lowerBound, range.upperBound) }
        }

        /// Appends input bytes that stay as they are, each mapped to itself.
        mutating func appendIdentity(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) {
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[range]))
            map.appendIdentity(start: range.lowerBound, length: range.count)
        }

        /// Removes `-\n` and the next line's indentation between two lowercase letters ("stand-\n  ardization").
        mutating func joinHyphenatedWords() {
            var keep = [Bool](repeating: true, count: bytes.count)
            var changed = false
            var i = 2
            while i + 1 < bytes.count {
                if bytes[i] == 0x2D, bytes[i + 1] == 0x0A, Self.isLower(bytes[i - 1]), Self.isLower(bytes[i - 2]) {
                    var next = i + 2
                    while next < bytes.count, bytes[next] == 0x20 { next += 1 }
                    if next < bytes.count, Self.isLower(bytes[next]) {
                        for removed in i..<next { keep[removed] = false }
                        changed = true
                        i = next
                        continue
                    }
                }
                i += 1
            }
            guard changed else { return }
            bytes = bytes.indices.filter { keep[$0] }.map { bytes[$0] }
            map = map.keeping(keep)
        }

        private static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    }
}
