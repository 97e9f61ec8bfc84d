import Foundation

/// Where a document came from.
public struct SourceInfo: Codable, Hashable, Sendable {
    /// The path as the user named it (or the folder walk found it); for attachments `message.eml!name.docx`.
    public var path: String
    /// The format the reader used.
    public var format: DocumentFormat
    /// SHA-256 of the file's bytes, lowercase hex.
    public var sha256: String
    /// Other paths of the batch with the same bytes (the document arrived several times); nil when none. The
    /// document is read once, under `path`, the first of them in path order.
    public var copies: [String]?

    /// Creates source information.
    public init(path: String, format: DocumentFormat, sha256: String) {
        self.path = path
        self.format = format
        self.sha256 = sha256
    }
}

/// A file attached to a document (an e-mail attachment, a file inside a zip).
public struct Attachment: Codable, Hashable, Sendable {
    /// File name as the sender gave it.
    public var name: String
    /// MIME type as declared.
    public var mediaType: String?
    /// Size in bytes after decoding.
    public var size: Int
    /// Whether it was ingested as a child document.
    public var ingested: Bool

    /// Creates an attachment entry.
    public init(name: String, mediaType: String?, size: Int, ingested: Bool) {
        self.name = name
        self.mediaType = mediaType
        self.size = size
        self.ingested = ingested
    }
}

/// A document as a reader produced it: the ingested text (what `lstrace dump` shows), its blocks, its metadata
/// fields and attachments. Positions of everything extracted later point into `text`.
public struct IngestedDocument: Sendable {
    /// Where it came from.
    public var source: SourceInfo
    /// The ingested text, UTF-8, lines separated by `\n`.
    public var text: String
    /// Blocks in reading order.
    public var blocks: [Block]
    /// Metadata fields the format carries (e-mail headers, document title, RFC number...), in source order.
    public var fields: [Field]
    /// Attached files.
    public var attachments: [Attachment]
    /// Attached documents that were ingested themselves (e-mail attachments, zip members).
    public var children: [IngestedDocument]
    /// Notes and warnings from the reader.
    public var diagnostics: [Diagnostic]

    /// Creates an ingested document.
    public init(source: SourceInfo, text: String, blocks: [Block], fields: [Field] = [],
                attachments: [Attachment] = [], children: [IngestedDocument] = [], diagnostics: [Diagnostic] = []) {
        self.source = source
        self.text = text
        self.blocks = blocks
        self.fields = fields
        self.attachments = attachments
        self.children = children
        self.diagnostics = diagnostics
    }

    /// The text of `range`.
    public func text(of range: SourceRange) -> String {
        let utf8 = text.utf8
        let start = utf8.index(utf8.startIndex, offsetBy: max(0, min(range.start, utf8.count)))
        let end = utf8.index(utf8.startIndex, offsetBy: max(0, min(range.end, utf8.count)))
        return String(decoding: text.utf8[start..<end], as: UTF8.self)
    }

    /// The first value of metadata field `name` (case-insensitive).
    public func field(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}

/// A named metadata value carried by the format itself (not found by extraction rules).
public struct Field: Codable, Hashable, Sendable {
    /// Field name, such as `Subject` or `title`.
    public var name: String
    /// Its value, unfolded and decoded.
    public var value: String

    /// Creates a field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
