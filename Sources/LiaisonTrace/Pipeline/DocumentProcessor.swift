import Foundation

/// Runs the per-document stages, in order: ingest, normalize, extract. Attachments that were ingested come out
/// as records of their own, after their parent.
public struct DocumentProcessor: Sendable {
    /// The ingestion stage.
    public var ingestor: Ingestor
    /// The extraction stage.
    public var extraction: Extraction

    /// Creates the processor.
    public init(ingestor: Ingestor = Ingestor(), extraction: Extraction = Extraction()) {
        self.ingestor = ingestor
        self.extraction = extraction
    }

    /// A processed document: its record and its normalized text (for the search indexes).
    public struct Processed: Sendable {
        public var record: DocumentRecord
        public var text: String
    }

    /// The outcome for one input file.
    public enum Outcome: Sendable {
        /// The document and its ingested attachments, parent first.
        case processed([Processed])
        /// The file could not be read at all.
        case failed(Diagnostic)
    }

    /// Processes the file at `path`.
    public func process(path: String) -> Outcome {
        do {
            let ingested = try ingestor.ingest(path: path)
            return .processed(records(for: ingested, parent: nil))
        } catch {
            return .failed(error.diagnostic(path: path))
        }
    }

    /// Processes an already ingested document (and its children).
    public func records(for ingested: IngestedDocument, parent: String?) -> [Processed] {
        let analyzed = AnalyzedDocument(ingested)
        var diagnostics = ingested.diagnostics
        var record = extraction.run(analyzed, diagnostics: &diagnostics)
        record.attachedTo = parent
        record.diagnostics = diagnostics.map { $0.at(path: ingested.source.path) }
        var all = [Processed(record: record, text: analyzed.normalized.text)]
        for child in ingested.children {
            all += records(for: child, parent: ingested.source.path)
        }
        return all
    }
}
