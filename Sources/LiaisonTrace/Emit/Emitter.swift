import Foundation

/// One output of a run, chosen by id in the pipeline file's `emit:` list (like SwiftLint's reporters).
///
/// An emitter opens its output for one run (`open`), is handed every document as soon as it is ready, in path
/// order (`EmitterOutput.add`), and writes what needs the whole batch after linking (`EmitterOutput.finish`). So a
/// run keeps no document's text or encoded record for emitting: each goes to its file, or to a temporary file that
/// `finish` renames into place, as it comes.
public protocol Emitter: Sendable {
    /// Id in `emit:`, such as `records` or `graph-json`.
    static var id: String { get }
    /// What it writes, for `dump-pipeline` and the README.
    static var summary: String { get }
    /// The last stage whose output it needs (`link` for the graph outputs).
    static var needs: StageName { get }
    /// Starts this run's output in `directory`.
    func open(in directory: URL, context: EmitContext) throws -> any EmitterOutput
}

extension Emitter {
    /// The emitter's id.
    public var id: String { Self.id }
    /// The last stage whose output it needs.
    public var needs: StageName { Self.needs }
}

/// An emitter's output during one run.
public protocol EmitterOutput: AnyObject {
    /// Takes the next document, in path order. The default takes nothing.
    func add(_ document: EmitDocument) throws
    /// Writes what needs the whole batch and puts the output in place.
    func finish(_ output: RunOutput) throws
}

extension EmitterOutput {
    public func add(_ document: EmitDocument) throws {}
}

/// How an emitter that only writes at the end (graph, diagnostics, delta) opens: it has nothing to do until
/// `finish`, which calls `write`.
final class FinishOnlyOutput: EmitterOutput {
    private let write: (RunOutput) throws -> Void

    init(_ write: @escaping (RunOutput) throws -> Void) {
        self.write = write
    }

    func finish(_ output: RunOutput) throws {
        try write(output)
    }
}

/// Whether a document is new since the previous run into the same folder.
public enum DocumentChange: String, Sendable, Codable {
    /// Its path was not in the previous run.
    case added
    /// Its path was, with other bytes.
    case changed
    /// Same path, same bytes.
    case unchanged
}

/// A document's search document (see `SearchDocument`) on its way to the outputs: the compact JSON that the search
/// feed and the store write, and its hash. For a document from the run cache the bytes are read from the cache, and
/// the text decoded from them, only when an output asks: an output that has the document already (same hash) reads
/// neither.
public final class EmitSearch: @unchecked Sendable {
    /// SHA-256 of `json`.
    public let hash: String
    private var load: (() -> [UInt8])?
    private var bytes: [UInt8]?
    private var decodedText: String?

    /// The search document of a document made in this run.
    init(json: [UInt8], hash: String, text: String) {
        self.hash = hash
        bytes = json
        decodedText = text
    }

    /// The search document of a document from the cache, read by `load` when needed.
    init(hash: String, load: @escaping () -> [UInt8]) {
        self.hash = hash
        self.load = load
    }

    /// The compact JSON of the search document.
    public var json: [UInt8] {
        if let bytes { return bytes }
        let loaded = load?() ?? []
        bytes = loaded
        load = nil
        return loaded
    }

    /// The document's normalized text.
    public var text: String {
        if let decodedText { return decodedText }
        let text = SearchDocument.text(ofJSON: json)
        decodedText = text
        return text
    }
}

/// A document on its way to the outputs.
public struct EmitDocument: Sendable {
    /// What linking, search and the delta read of the record (see `DocumentRecord.linkingPart`).
    public var record: DocumentRecord
    /// Its search document.
    public var search: EmitSearch
    /// The normalized text.
    public var text: String { search.text }
    /// The bytes of the record file, when this run made them; nil for a document from the cache, whose file
    /// `RecordsEmitter` finds in place or reads back from the cache.
    public var recordJSON: [UInt8]?
    /// SHA-256 of the record file's bytes.
    public var recordHash: String
    /// New, changed or unchanged since the previous run.
    public var change: DocumentChange
}

/// What the search feed writes: every document, or only what changed since the previous run.
public enum FeedMode: String, Sendable, CaseIterable {
    /// Index actions for every document.
    case full
    /// Index actions for added and changed documents, delete actions for removed ones.
    case delta
}

/// What emitters share during one run: the previous run's summary, the options that shape outputs, and what
/// they report back for the next run.
public final class EmitContext: @unchecked Sendable {
    /// The summary of the previous run into the same folder, if any.
    public let previous: RunState?
    /// The day deadlines are judged against, `YYYY-MM-DD`.
    public let asOf: String
    /// What the search feed holds.
    public let feed: FeedMode
    /// Whether the outputs are written anew, whatever the previous run left (`--full`).
    public let full: Bool
    /// Reads a record file's bytes back from the cache (documents this run did not make).
    let recordJSON: (String) -> Data?
    /// The record file names the documents will most likely get (their final names need every path of the batch,
    /// attachments included), by path; set before the first document arrives. Records made in this run are written
    /// under these names at once, and moved at the end if the final name differs.
    var plannedNames: [String: String] = [:]
    /// The record files written, by name, with their hash (set by `RecordsEmitter`).
    var recordFiles: [String: String]?
    /// The search feed documents, by `_id`, with their hash (set by `SearchFeed`).
    var feedDocuments: [String: String]?
    /// The store as this run left it (set by `SearchStoreEmitter`).
    var store: SearchStore.StoreState?

    init(previous: RunState?, asOf: String, feed: FeedMode, full: Bool = false,
         recordJSON: @escaping (String) -> Data?) {
        self.previous = previous
        self.asOf = asOf
        self.feed = feed
        self.full = full
        self.recordJSON = recordJSON
    }
}

/// What the emit stage hands every emitter when the batch is linked (the documents themselves went to each output
/// as they came).
public struct RunOutput: Sendable {
    /// The graph, when the pipeline links.
    public var graph: TraceGraph?
    /// Files that could not be processed, with the reason.
    public var quarantined: [Diagnostic]
    /// Every diagnostic of the run so far.
    public var diagnostics: [Diagnostic]
    /// What changed since the previous run into the same folder.
    public var delta: RunDelta?

    /// Creates the output of a run.
    public init(graph: TraceGraph?, quarantined: [Diagnostic], diagnostics: [Diagnostic], delta: RunDelta? = nil) {
        self.graph = graph
        self.quarantined = quarantined
        self.diagnostics = diagnostics
        self.delta = delta
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
        RecordsEmitter(), JSONGraphEmitter(), DOTEmitter(), SearchFeed(), SearchStoreEmitter(), DeltaEmitter(),
        DiagnosticsEmitter(),
    ]

    /// The emitter with `id`.
    public static func emitter(id: String) -> (any Emitter)? {
        all.first { $0.id == id }
    }
}

/// The emit stage: the chosen emitters' outputs in the output folder. An emitter that fails is an `emit.write`
/// error naming it; the others still run.
public struct EmitStage: Sendable {
    public static var name: StageName { .emit }

    /// The emitters, in order.
    public var emitters: [any Emitter]

    /// Creates the stage with the emitters of `ids` (known ids: the pipeline file was checked).
    public init(ids: [String]) {
        emitters = ids.compactMap(EmitterRegistry.emitter(id:))
    }

    /// Opens every emitter's output in `directory` for one run.
    func open(in directory: URL, context: EmitContext) -> EmitSession {
        var session = EmitSession(directory: directory)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            session.diagnostics.append(Self.failure(nil, error, path: directory.path))
            return session
        }
        for emitter in emitters {
            do {
                session.outputs.append((emitter.id, try emitter.open(in: directory, context: context)))
            } catch {
                session.diagnostics.append(Self.failure(emitter.id, error, path: directory.path))
            }
        }
        return session
    }

    static func failure(_ emitter: String?, _ error: any Error, path: String) -> Diagnostic {
        Diagnostic(.emitWrite, "\(emitter.map { "\($0): " } ?? "")cannot write outputs: "
                   + error.localizedDescription, at: DiagnosticLocation(path: path, line: 1, column: 1),
                   notes: ["at the emit stage" + (emitter.map { ", emitter '\($0)'" } ?? "")])
    }
}

/// The emitters' outputs during one run. An output that fails is dropped with an `emit.write` error; the others go
/// on.
struct EmitSession {
    let directory: URL
    var outputs: [(id: String, output: any EmitterOutput)] = []
    /// Failures so far.
    var diagnostics: [Diagnostic] = []

    init(directory: URL) {
        self.directory = directory
    }

    /// Hands `document` to every output.
    mutating func add(_ document: EmitDocument) {
        var failed: [Int] = []
        for (index, (id, output)) in outputs.enumerated() {
            do {
                try output.add(document)
            } catch {
                diagnostics.append(EmitStage.failure(id, error, path: directory.path))
                failed.append(index)
            }
        }
        for index in failed.reversed() { outputs.remove(at: index) }
    }

    /// The output that takes longest once the batch is linked: it is finished on a thread of its own while the
    /// others are finished one after the other beside it.
    static let finishedAlone = JSONGraphEmitter.id
    /// The output finished last beside it: what the store leaves for the next run (its row digests, 80 MB at a
    /// hundred thousand documents) is then never held while the others write.
    static let finishedLastBeside = SearchStoreEmitter.id

    /// Finishes every output, timing each; returns the diagnostics of the emit stage. The graph file is finished on
    /// one thread while the others (the store last) are finished on another, one after the other: each holds little
    /// memory of its own while it writes except the store, and none waits for the graph file. The diagnostics output
    /// runs last, so that it lists the others' failures.
    ///
    /// Also with one job: like the documents, which are written beside the one job that makes them, the outputs are
    /// not documents processed in parallel. (One after the other, the graph file added 0.12 s to a run of 2,000
    /// documents.)
    mutating func finish(_ output: RunOutput, clock: inout StepClock) -> [Diagnostic] {
        var output = output
        output.diagnostics += diagnostics
        func finishOneByOne(_ outputs: [(id: String, output: any EmitterOutput)]) {
            for (id, emitterOutput) in outputs {
                do {
                    try emitterOutput.finish(output)
                } catch {
                    let failure = EmitStage.failure(id, error, path: directory.path)
                    diagnostics.append(failure)
                    output.diagnostics.append(failure)
                }
                clock.lap("emit \(id)")
            }
        }
        var last = outputs.filter { $0.id == DiagnosticsEmitter.id }
        let alone = outputs.filter { $0.id == Self.finishedAlone }
        let others = outputs.filter { $0.id != Self.finishedAlone && $0.id != DiagnosticsEmitter.id }
        let beside = others.filter { $0.id != Self.finishedLastBeside } + others.filter { $0.id == Self.finishedLastBeside }
        if !alone.isEmpty, !beside.isEmpty {
            let lanes = [alone, beside]
            let results = Self.inLanes(lanes, output)
            for (lane, outputs) in lanes.enumerated() {
                for (index, (id, _)) in outputs.enumerated() {
                    let result = results[lane][index]
                    if let error = result.error {
                        let failure = EmitStage.failure(id, error, path: directory.path)
                        diagnostics.append(failure)
                        output.diagnostics.append(failure)
                    }
                    clock.record("emit \(id)", seconds: result.seconds, cpuSeconds: result.cpuSeconds)
                }
            }
        } else {
            last = outputs
        }
        finishOneByOne(last)
        outputs = []
        return diagnostics
    }

    private struct Finished {
        var error: (any Error)?
        var seconds: Double
        var cpuSeconds: Double
    }

    /// Finishes each lane's outputs in order, the lanes side by side (one thread each).
    private static func inLanes(_ lanes: [[(id: String, output: any EmitterOutput)]], _ output: RunOutput)
        -> [[Finished]] {
        let results = UnsafeSendableBuffer<[Finished]>(count: lanes.count)
        let work = UnsafeSendableBox(lanes)
        DispatchQueue.concurrentPerform(iterations: lanes.count) { lane in
            var finished: [Finished] = []
            for (_, emitterOutput) in work.value[lane] {
                let start = DispatchTime.now().uptimeNanoseconds
                let cpu = StepClock.threadCPU()
                var failure: (any Error)?
                do { try emitterOutput.finish(output) } catch { failure = error }
                finished.append(Finished(error: failure, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9,
                                         cpuSeconds: StepClock.threadCPU() - cpu))
            }
            results[lane] = finished
        }
        return (0..<lanes.count).map { results[$0]! }
    }
}
