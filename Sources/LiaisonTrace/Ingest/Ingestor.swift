import Foundation

/// The ingestion stage: reads a file, sniffs its format and hands it to the reader for that format.
public struct Ingestor: Sendable {
    /// Caps on sizes and times.
    public var limits: IngestLimits
    /// External converters for .doc and .pdf.
    public var converters: ConverterTable

    /// Creates the stage.
    public init(limits: IngestLimits = IngestLimits(), converters: ConverterTable = .standard) {
        self.limits = limits
        self.converters = converters
    }

    /// The reader for a format.
    public static func reader(for format: DocumentFormat) -> any DocumentReader {
        switch format {
        case .text, .markdown, .asciidoc: return PlainTextReader(format: format)
        case .html: return HTMLReader()
        case .xml: return XMLReader()
        case .docx: return DOCXReader()
        case .odt: return ODTReader()
        case .doc, .pdf: return ConvertedReader(format: format)
        case .email: return MailReader()
        case .zip: return ZipArchiveReader()
        }
    }

    /// Reads the file at `path` (as the user named it).
    public func ingest(path: String) throws(IngestError) -> IngestedDocument {
        let url = URL(fileURLWithPath: path)
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            throw IngestError("ingest.unreadable", "file cannot be read: \(error.localizedDescription)")
        }
        if size > limits.maxFileBytes {
            throw IngestError("ingest.too-large", "file is \(size) bytes, over the limit of \(limits.maxFileBytes)",
                              explanation: "Raise limits.max_file_bytes in the pipeline file to read it.")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw IngestError("ingest.unreadable", "file cannot be read: \(error.localizedDescription)")
        }
        return try ingest(ReaderInput(path: path, data: data, limits: limits, converters: converters))
    }

    /// Reads bytes already in memory (used for attachments too).
    public func ingest(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        let format = try FormatSniffer.sniff(input.data, pathExtension: input.pathExtension)
        var document = try Self.reader(for: format).read(input)
        document.diagnostics = document.diagnostics.map { $0.at(path: input.path) }
        return document
    }
}
