/// A document's text after normalization, with a map from every normalized byte back to the ingested text.
/// Extractors search `text` and report positions through `sourceRange(_:)`, never normalized offsets.
public struct NormalizedText: Sendable {
    /// The normalized text (NFKC, ASCII dashes/quotes/spaces, no soft hyphens, LF line ends).
    public let text: String
    /// For each normalized byte, the span of the ingested text of the character that produced it.
    let map: OffsetMap

    init(text: String, map: OffsetMap) {
        precondition(map.count == text.utf8.count)
        self.text = text
        self.map = map
    }

    /// The byte range in the ingested text that normalized bytes `start..<end` came from.
    public func sourceRange(_ start: Int, _ end: Int) -> SourceRange {
        guard map.count > 0 else { return SourceRange(0, 0) }
        let first = max(0, min(start, map.count - 1))
        if end <= start {
            let at = start >= map.count ? map.end(at: map.count - 1) : map.start(at: first)
            return SourceRange(at, at)
        }
        let last = max(first, min(end - 1, map.count - 1))
        return SourceRange(map.start(at: first), map.end(at: last))
    }

    /// The first normalized offset whose source is at or after ingested-text offset `sourceOffset`.
    public func normalizedOffset(forSource sourceOffset: Int) -> Int {
        map.firstIndex(atOrAfterSource: sourceOffset)
    }
}
