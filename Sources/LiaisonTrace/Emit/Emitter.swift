import Foundation

/// One output of a run, chosen by id in the pipeline file's `emit:` list (like SwiftLint's reporters).
///
/// An emitter works in two parts: `prepare` runs once per document in the parallel part of the batch, as soon as the
/// document's record is ready (so encoding work per document stays parallel, and could be streamed), and `write`
/// runs once, after linking, with everything prepared handed back in path order.
public protocol Emitter: Sendable {
    /// Id in `emit:`, such as `records` or `graph-json`.
    static var id: String { get }
    /// What it writes, for `dump-pipeline` and the README.
    static var summary: String { get }
    /// The last stage whose output it needs (`link` for the graph outputs).
    static var needs: StageName { get }
    /// Per-document work, run in the parallel part of the batch. The default prepares nothing.
    func prepare(_ document: ProcessedDocument) throws -> Data?
    /// Writes the output into `directory`.
    func write(_ output: RunOutput, to directory: URL) throws
}

extension Emitter {
    /// The emitter's id.
    public var id: String { Self.id }
    /// The last stage whose output it needs.
    public var needs: StageName { Self.needs }

    public func prepare(_ document: ProcessedDocument) throws -> Data? { nil }
}

/// A document that went through the per-document stages: its record, its normalized text (for the search
/// outputs), and what each emitter prepared for it.
public struct ProcessedDocument: Sendable {
    /// The extraction record.
    public var record: DocumentRecord
    /// The normalized text.
    public var text: String
    /// Prepared output by emitter id.
    public var prepared: [String: Data] = [:]

    /// Creates a processed document.
    public init(record: DocumentRecord, text: String) {
        self.record = record
        self.text = text
    }
}

/// What the emit stage hands every emitter.
public struct RunOutput: Sendable {
    /// Every processed document (attachments after their parent), in path order.
    public var documents: [ProcessedDocument]
    /// The graph, when the pipeline links.
    public var graph: TraceGraph?
    /// Files that could not be processed, with the reason.
    public var quarantined: [Diagnostic]
    /// Every diagnostic of the run so far.
    public var diagnostics: [Diagnostic]

    /// Creates the output of a run.
    public init(documents: [ProcessedDocument], graph: TraceGraph?, quarantined: [Diagnostic],
                diagnostics: [Diagnostic]) {
        self.documents = documents
        self.graph = graph
        self.quarantined = quarantined
        self.diagnostics = diagnostics
    }

    /// The graph, for emitters that need it (the pipeline file is checked so that they always get one).
    func requireGraph(for emitter: String) throws -> TraceGraph {
        guard let graph else { throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey:
            "\(emitter) needs the link stage, which did not run"]) }
        return graph
    }
}

/// Every emitter, in the order the emit stage runs them (diagnostics last, so that it includes the others' errors).
public enum EmitterRegistry {
    /// One of each.
    public static let all: [any Emitter] = [
        RecordsEmitter(), JSONGraphEmitter(), DOTEmitter(), SearchFeed(), SearchStoreEmitter(), DiagnosticsEmitter(),
    ]

    /// The emitter with `id`.
    public static func emitter(id: String) -> (any Emitter)? {
        all.first { $0.id == id }
    }
}

/// The emit stage: runs the chosen emitters into the output folder. An emitter that fails is an `emit.write`
/// error naming it; the others still run.
public struct EmitStage: Stage {
    public static var name: StageName { .emit }

    /// The emitters, in order.
    public var emitters: [any Emitter]

    /// Creates the stage with the emitters of `ids` (known ids: the pipeline file was checked).
    public init(ids: [String]) {
        emitters = ids.compactMap(EmitterRegistry.emitter(id:))
    }

    /// Per-document preparation of every emitter. An emitter whose preparation fails gets nothing and does the
    /// work again in `write`, where the failure is reported.
    func prepare(_ document: inout ProcessedDocument) {
        for emitter in emitters {
            if let data = try? emitter.prepare(document) { document.prepared[emitter.id] = data }
        }
    }

    /// Writes every output into `input.directory`.
    public func run(_ input: (output: RunOutput, directory: URL), diagnostics: inout [Diagnostic]) {
        var clock = StepClock()
        run(input, diagnostics: &diagnostics, clock: &clock)
    }

    /// Writes every output into `input.directory`, timing each emitter.
    func run(_ input: (output: RunOutput, directory: URL), diagnostics: inout [Diagnostic], clock: inout StepClock) {
        var output = input.output
        do {
            try FileManager.default.createDirectory(at: input.directory, withIntermediateDirectories: true)
        } catch {
            diagnostics.append(Self.failure(nil, error, path: input.directory.path))
            return
        }
        for emitter in emitters {
            do {
                try emitter.write(output, to: input.directory)
            } catch {
                let failure = Self.failure(emitter, error, path: input.directory.path)
                diagnostics.append(failure)
                output.diagnostics.append(failure)
            }
            clock.lap("emit \(emitter.id)")
        }
    }

    static func failure(_ emitter: (any Emitter)?, _ error: any Error, path: String) -> Diagnostic {
        Diagnostic(.emitWrite, "\(emitter.map { "\($0.id): " } ?? "")cannot write outputs: "
                   + error.localizedDescription, at: DiagnosticLocation(path: path, line: 1, column: 1),
                   notes: ["at the emit stage" + (emitter.map { ", emitter '\($0.id)'" } ?? "")])
    }
}
