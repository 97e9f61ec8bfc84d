/// The extraction stage: runs the rule sets over an analyzed document and fills its record.
public struct Extraction: Sendable {
    /// Creates the stage.
    public init() {}

    /// The record of `document`.
    public func run(_ document: AnalyzedDocument, diagnostics: inout [Diagnostic]) -> DocumentRecord {
        var record = DocumentRecord(source: document.ingested.source)
        record.fields = document.ingested.fields
        record.attachments = document.ingested.attachments
        if document.ingested.source.format == .email { record.document.kind = .email }
        if let title = document.ingested.field("title") ?? document.ingested.field("Subject") {
            record.document.title = title
        }
        return record
    }
}
