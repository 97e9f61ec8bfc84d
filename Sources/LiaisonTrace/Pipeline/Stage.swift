import Foundation

/// The stages of a run, in the order they run. A pipeline file's `stages:` lists them.
public enum StageName: String, CaseIterable, Codable, Sendable, Comparable {
    /// Files to documents: format sniffing and one reader per format (`Ingestor`).
    case ingest
    /// Documents to normalized text with a map back to the ingested text (`NormalizeStage`).
    case normalize
    /// Normalized documents to records, by the rule-driven extractors (`Extraction`).
    case extract
    /// The records of a batch to one traceability graph (`Linker`).
    case link
    /// Records and graph to the output files (`EmitStage`).
    case emit

    /// The stage whose output this one needs (none for ingest; emit needs normalized documents at least).
    public var prerequisite: StageName? {
        switch self {
        case .ingest: return nil
        case .normalize: return .ingest
        case .extract: return .normalize
        case .link: return .extract
        case .emit: return .normalize
        }
    }

    public static func < (lhs: StageName, rhs: StageName) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One step of the pipeline: a value configured through its `init`, with a typed input and output and no shared
/// mutable state. It throws only when its input cannot go on (a document that cannot be ingested); otherwise it
/// records diagnostics and continues.
public protocol Stage<Input, Output>: Sendable {
    associatedtype Input
    associatedtype Output
    /// The stage's name in pipeline files and diagnostics.
    static var name: StageName { get }
    /// Runs the stage on one input.
    func run(_ input: Input, diagnostics: inout [Diagnostic]) throws -> Output
}

extension Ingestor: Stage {
    public static var name: StageName { .ingest }

    /// Reads one document from disk or memory.
    public func run(_ input: PipelineInput, diagnostics: inout [Diagnostic]) throws(IngestError) -> IngestedDocument {
        switch input {
        case .path(let path):
            return try ingest(path: path)
        case .document(let name, let data):
            return try ingest(ReaderInput(path: name, data: data, limits: limits, converters: converters))
        }
    }
}

/// The normalization stage: NFKC, dashes, quotes, spaces and de-hyphenation, with the offset map back to the
/// ingested text (see `Normalizer`).
public struct NormalizeStage: Stage {
    public static var name: StageName { .normalize }

    /// Creates the stage.
    public init() {}

    /// The analyzed (normalized) document.
    public func run(_ input: IngestedDocument, diagnostics: inout [Diagnostic]) -> AnalyzedDocument {
        AnalyzedDocument(input)
    }
}

extension Extraction: Stage {
    public static var name: StageName { .extract }
}

extension Linker: Stage {
    public static var name: StageName { .link }

    /// The graph of a batch's records.
    public func run(_ input: [DocumentRecord], diagnostics: inout [Diagnostic]) -> TraceGraph {
        link(input, diagnostics: &diagnostics)
    }
}
