/// Reads e-mail documents. (Not written yet.)
public struct MailReader: DocumentReader {
    public let format = DocumentFormat.email

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        throw IngestError("ingest.email.unsupported", "e-mail reading is not implemented yet")
    }
}
