/// Reads ODT documents. (Not written yet.)
public struct ODTReader: DocumentReader {
    public let format = DocumentFormat.odt

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        throw IngestError("ingest.odt.unsupported", "ODT reading is not implemented yet")
    }
}
