import Foundation

/// Builds ingested text block by block: each block is its text followed by a newline, and its range is recorded.
/// Readers of structured formats (HTML, XML, DOCX, e-mail) use it so that block ranges are always true.
public struct TextBuilder: Sendable {
    /// The text so far.
    public private(set) var text = ""
    /// The blocks so far.
    public private(set) var blocks: [Block] = []
    private var byteCount = 0

    /// Creates an empty builder.
    public init() {}

    /// Appends a block. Text is trimmed of surrounding whitespace; internal newlines are kept (a multi-line
    /// block); empty blocks are skipped. Returns the block's range when one was added.
    @discardableResult
    public mutating func append(_ blockText: String, kind: BlockKind, level: Int? = nil, table: Int? = nil,
                                row: Int? = nil, column: Int? = nil, sourceLine: Int? = nil,
                                name: String? = nil) -> SourceRange? {
        let trimmed = Self.trim(blockText)
        guard !trimmed.isEmpty else { return nil }
        let start = byteCount
        text += trimmed
        byteCount += trimmed.utf8.count
        let range = SourceRange(start, byteCount)
        text += "\n"
        byteCount += 1
        blocks.append(Block(kind: kind, range: range, level: level, table: table, row: row, column: column,
                            sourceLine: sourceLine, name: name))
        return range
    }

    /// Appends an empty line (a visual separator that carries no block).
    public mutating func appendBlankLine() {
        guard !text.isEmpty, !text.hasSuffix("\n\n") else { return }
        text += "\n"
        byteCount += 1
    }

    /// Trims spaces, tabs and newlines at both ends and collapses runs of spaces and tabs inside each line.
    static func trim(_ string: String) -> String {
        var lines: [String] = []
        let string = string.contains("\r") ? string.replacingOccurrences(of: "\r\n", with: "\n")
            .replacingOccurrences(of: "\r", with: "\n") : string
        for line in string.split(separator: "\n", omittingEmptySubsequences: false) {
            var out = ""
            var pendingSpace = false
            for character in line {
                if character == " " || character == "\t" {
                    pendingSpace = !out.isEmpty
                } else {
                    if pendingSpace { out.append(" ") }
                    pendingSpace = false
                    out.append(character)
                }
            }
            lines.append(out)
        }
        while let first = lines.first, first.isEmpty { lines.removeFirst() }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
