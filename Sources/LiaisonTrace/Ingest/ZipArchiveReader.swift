/// Reads zip archive documents. (Not written yet.)
public struct ZipArchiveReader: DocumentReader {
    public let format = DocumentFormat.zip

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        throw IngestError("ingest.zip.unsupported", "zip archive reading is not implemented yet")
    }
}
