/// White-space trimming with the character sets of Foundation's `CharacterSet.whitespaces` and
/// `.whitespacesAndNewlines`, without Foundation's per-call cost (it bridges to `NSString`): our own code because
/// the extractors trim thousands of short values per document.
extension StringProtocol {
    /// The text without leading and trailing tabs and space separators (`CharacterSet.whitespaces`).
    func trimmingSpaces() -> String {
        trimming(where: Self.isSpace)
    }

    /// The text without leading and trailing white space and line breaks (`CharacterSet.whitespacesAndNewlines`).
    func trimmingSpacesAndNewlines() -> String {
        trimming { Self.isSpace($0) || Self.isNewline($0) }
    }

    /// Tab and the space separators, as `CharacterSet.whitespaces` holds them on Linux (U+200B included).
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// The line breaks `CharacterSet.whitespacesAndNewlines` adds.
    static func isNewline(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
        default: return false
        }
    }

    private func trimming(where isTrimmed: (Unicode.Scalar) -> Bool) -> String {
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return "" }
        if !isTrimmed(first), !isTrimmed(last) { return String(self) }
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isTrimmed(scalars[start]) { start = scalars.index(after: start) }
        while end > start, isTrimmed(scalars[scalars.index(before: end)]) { end = scalars.index(before: end) }
        return String(String.UnicodeScalarView(scalars[start..<end]))
    }
}
