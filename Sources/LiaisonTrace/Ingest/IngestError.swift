import Foundation

/// Why a document could not be ingested at all. The batch records it as an error diagnostic, quarantines the
/// file and goes on.
public struct IngestError: DiagnosticError, LocalizedError, Equatable {
    /// Diagnostic id, such as `ingest.empty` or `ingest.docx.truncated-zip`.
    public var id: String
    /// Headline naming the cause.
    public var summary: String
    /// A hint: what to install, what limit to raise.
    public var explanation: String?
    /// Line in the ingested or original text, when the failure has one (malformed XML).
    public var line: Int?
    /// Column, when known.
    public var column: Int?

    /// Creates an ingestion error.
    public init(_ id: String, _ summary: String, explanation: String? = nil, line: Int? = nil, column: Int? = nil) {
        self.id = id
        self.summary = summary
        self.explanation = explanation
        self.line = line
        self.column = column
    }

    public var errorDescription: String? { summary }

    /// The error as a diagnostic about `path`.
    public func diagnostic(path: String) -> Diagnostic {
        Diagnostic(id: id, severity: .error, summary: summary, explanation: explanation, path: path,
                   line: line ?? 1, column: column ?? 1)
    }
}

/// Caps that keep one hostile or broken file from exhausting the machine.
public struct IngestLimits: Codable, Sendable, Equatable {
    /// Largest input file read, in bytes.
    public var maxFileBytes: Int = 64 << 20
    /// Largest total of decompressed bytes read out of one zip container (DOCX, ODT, zip attachments).
    public var maxDecompressedBytes: Int = 256 << 20
    /// Largest decompressed-to-compressed ratio accepted for one zip entry over 1 MiB (zip bombs).
    public var maxCompressionRatio: Int = 200
    /// Deepest element nesting accepted in XML and HTML.
    public var maxNestingDepth: Int = 256
    /// Seconds an external converter (antiword, pdftotext) may run.
    public var converterTimeoutSeconds: Double = 60
    /// Largest converter output kept, in bytes.
    public var maxConverterOutputBytes: Int = 32 << 20
    /// Deepest nesting of attachments (e-mail in zip in e-mail...).
    public var maxAttachmentDepth: Int = 3
    /// Seconds extraction may spend per MB of a document's text (at least `ExtractionBudget.minimumSeconds`); a
    /// document that needs longer is quarantined with an error naming the rule that was running.
    public var extractSecondsPerMB: Double = 10

    /// The defaults.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case maxFileBytes = "max_file_bytes"
        case maxDecompressedBytes = "max_decompressed_bytes"
        case maxCompressionRatio = "max_compression_ratio"
        case maxNestingDepth = "max_nesting_depth"
        case converterTimeoutSeconds = "converter_timeout_seconds"
        case maxConverterOutputBytes = "max_converter_output_bytes"
        case maxAttachmentDepth = "max_attachment_depth"
        case extractSecondsPerMB = "extract_seconds_per_mb"
    }

    public init(from decoder: Decoder) throws {
        let defaults = IngestLimits()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        maxFileBytes = try container.decodeIfPresent(Int.self, forKey: .maxFileBytes) ?? defaults.maxFileBytes
        maxDecompressedBytes = try container.decodeIfPresent(Int.self, forKey: .maxDecompressedBytes)
            ?? defaults.maxDecompressedBytes
        maxCompressionRatio = try container.decodeIfPresent(Int.self, forKey: .maxCompressionRatio)
            ?? defaults.maxCompressionRatio
        maxNestingDepth = try container.decodeIfPresent(Int.self, forKey: .maxNestingDepth) ?? defaults.maxNestingDepth
        converterTimeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .converterTimeoutSeconds)
            ?? defaults.converterTimeoutSeconds
        maxConverterOutputBytes = try container.decodeIfPresent(Int.self, forKey: .maxConverterOutputBytes)
            ?? defaults.maxConverterOutputBytes
        maxAttachmentDepth = try container.decodeIfPresent(Int.self, forKey: .maxAttachmentDepth)
            ?? defaults.maxAttachmentDepth
        extractSecondsPerMB = try container.decodeIfPresent(Double.self, forKey: .extractSecondsPerMB)
            ?? defaults.extractSecondsPerMB
    }
}
