import Foundation

/// What a reader is given: the file's bytes, how the user named it, and everything readers share.
public struct ReaderInput: Sendable {
    /// Path as the user named it (for attachments: `message.eml!report.docx`).
    public var path: String
    /// The file's bytes.
    public var data: Data
    /// Caps on sizes and times.
    public var limits: IngestLimits
    /// External converters (antiword, pdftotext) as the pipeline file declares them.
    public var converters: ConverterTable
    /// How deep in attachments this input sits (0 for files named by the user).
    public var attachmentDepth: Int

    /// Creates a reader input.
    public init(path: String, data: Data, limits: IngestLimits = IngestLimits(),
                converters: ConverterTable = .standard, attachmentDepth: Int = 0) {
        self.path = path
        self.data = data
        self.limits = limits
        self.converters = converters
        self.attachmentDepth = attachmentDepth
    }

    /// The file-name extension, lowercased, without the dot.
    public var pathExtension: String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }
}

/// Reads one format into an `IngestedDocument`. A reader throws `IngestError` only when the document cannot
/// be read at all; lesser problems become diagnostics on the document.
public protocol DocumentReader: Sendable {
    /// The format this reader handles.
    var format: DocumentFormat { get }
    /// Reads the input.
    func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument
}

extension DocumentReader {
    /// The source information of `input` as read by this reader.
    func sourceInfo(_ input: ReaderInput) -> SourceInfo {
        SourceInfo(path: input.path, format: format, sha256: ContentHash.sha256(input.data))
    }
}
