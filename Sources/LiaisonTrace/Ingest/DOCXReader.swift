/// Reads DOCX documents. (Not written yet.)
public struct DOCXReader: DocumentReader {
    public let format = DocumentFormat.docx

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        throw IngestError("ingest.docx.unsupported", "DOCX reading is not implemented yet")
    }
}
