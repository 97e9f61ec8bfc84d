/// Reads XML documents. (Not written yet.)
public struct XMLReader: DocumentReader {
    public let format = DocumentFormat.xml

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        throw IngestError("ingest.xml.unsupported", "XML reading is not implemented yet")
    }
}
