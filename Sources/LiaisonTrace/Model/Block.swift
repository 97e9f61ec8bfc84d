/// What a stretch of ingested text was in the original document.
public enum BlockKind: String, Codable, Sendable, CaseIterable {
    case title
    case heading
    case paragraph
    case listItem = "list-item"
    case tableCell = "table-cell"
    case header
    case footer
    case footnote
    case field
    case code
    case reference
}

/// One block of a document's ingested text: a paragraph, heading, table cell and so on.
public struct Block: Codable, Hashable, Sendable {
    /// What the block was in the original.
    public var kind: BlockKind
    /// Where its text is in the ingested text (without the trailing newline).
    public var range: SourceRange
    /// Heading or list level, when the format says.
    public var level: Int?
    /// For table cells: which table (0-based, in document order), row and column.
    public var table: Int?
    public var row: Int?
    public var column: Int?
    /// Line in the original file (HTML/XML node line), when it differs from the ingested text.
    public var sourceLine: Int?
    /// For fields (e-mail headers, document properties): the field name.
    public var name: String?

    /// Creates a block.
    public init(kind: BlockKind, range: SourceRange, level: Int? = nil, table: Int? = nil, row: Int? = nil,
                column: Int? = nil, sourceLine: Int? = nil, name: String? = nil) {
        self.kind = kind
        self.range = range
        self.level = level
        self.table = table
        self.row = row
        self.column = column
        self.sourceLine = sourceLine
        self.name = name
    }
}
