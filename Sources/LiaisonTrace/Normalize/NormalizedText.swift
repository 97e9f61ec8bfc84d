/// A document's text after normalization, with a map from every normalized byte back to the ingested text.
/// Extractors search `text` and report positions through `sourceRange(_:)`, never normalized offsets.
public struct NormalizedText: Sendable {
    /// The normalized text (NFKC, ASCII dashes/quotes/spaces, no soft hyphens, LF line ends).
    public let text: String
    /// For normalized byte i, the first byte in the ingested text of the character that produced it.
    let starts: [Int32]
    /// For normalized byte i, one past the last byte in the ingested text of the character that produced it.
    let ends: [Int32]

    init(text: String, starts: [Int32], ends: [Int32]) {
        precondition(starts.count == text.utf8.count && ends.count == starts.count)
        self.text = text
        self.starts = starts
        self.ends = ends
    }

    /// The byte range in the ingested text that normalized bytes `start..<end` came from.
    public func sourceRange(_ start: Int, _ end: Int) -> SourceRange {
        guard !starts.isEmpty else { return SourceRange(0, 0) }
        let first = max(0, min(start, starts.count - 1))
        if end <= start {
            let at = start >= starts.count ? Int(ends[starts.count - 1]) : Int(starts[first])
            return SourceRange(at, at)
        }
        let last = max(first, min(end - 1, ends.count - 1))
        return SourceRange(Int(starts[first]), Int(ends[last]))
    }

    /// The first normalized offset whose source is at or after ingested-text offset `sourceOffset`.
    public func normalizedOffset(forSource sourceOffset: Int) -> Int {
        starts.partitionPoint { Int($0) < sourceOffset }
    }
}
