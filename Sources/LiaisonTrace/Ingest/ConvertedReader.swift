/// Reads Word 97-2003 (.doc) and PDF through external converters. (Not written yet.)
public struct ConvertedReader: DocumentReader {
    public let format: DocumentFormat

    /// A reader for `.doc` or `.pdf`.
    public init(format: DocumentFormat) {
        self.format = format
    }

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        throw IngestError("ingest.\(format.rawValue).unsupported", "\(format.rawValue) reading is not implemented yet")
    }
}
