/// Reads HTML documents. (Not written yet.)
public struct HTMLReader: DocumentReader {
    public let format = DocumentFormat.html

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        throw IngestError("ingest.html.unsupported", "HTML reading is not implemented yet")
    }
}
