import Foundation

/// One input of a run: a file or folder on disk (folders are walked), or bytes in memory under a name.
public enum PipelineInput: Sendable, Hashable {
    /// A file, or a folder whose files are read recursively (see `InputWalker`).
    case path(String)
    /// A document already in memory; `name` is its path in records and diagnostics.
    case document(name: String, data: Data)
}

/// How a run goes: parallelism, where its outputs go, and what it compares them with.
public struct RunOptions: Sendable {
    /// How many documents are processed at once.
    public var jobs: Int
    /// The output folder; nil writes nothing (the emit stage is skipped). The folder also keeps the run cache
    /// (`.lstrace-cache/`): a later run into it redoes only the documents that changed.
    public var outputDirectory: URL?
    /// Process every document again, ignoring what the cache holds (`lstrace run --full`).
    public var full: Bool
    /// The day deadlines are judged against for the delta, `YYYY-MM-DD` (default: today, UTC).
    public var asOf: String?
    /// What the search feed holds: every document, or the changes since the previous run.
    public var feed: FeedMode
    /// Whether `RunResult.documents` holds every document (records and texts), and `RunResult.graph` the graph. The
    /// command-line tool keeps neither: documents go to the outputs as they come, and the graph is let go once the
    /// outputs are written, so memory does not grow with the batch.
    public var retainsDocuments: Bool
    /// Which files of the folders given are read (see `InputWalker.Options`).
    public var walk: InputWalker.Options

    /// Creates options.
    public init(jobs: Int = ProcessInfo.processInfo.activeProcessorCount, outputDirectory: URL? = nil,
                full: Bool = false, asOf: String? = nil, feed: FeedMode = .full, retainsDocuments: Bool = true,
                walk: InputWalker.Options = InputWalker.Options()) {
        self.jobs = max(1, jobs)
        self.outputDirectory = outputDirectory
        self.full = full
        self.asOf = asOf
        self.feed = feed
        self.retainsDocuments = retainsDocuments
        self.walk = walk
    }
}

/// How far a run has come.
public enum RunProgress: Sendable, Equatable {
    /// The per-document stages are done for `path`, the `done`th of `total` documents.
    case document(done: Int, total: Int, path: String)
    /// A stage over the whole batch (link, emit) starts.
    case stage(StageName)
}

/// A document that went through the per-document stages: its record and its normalized text.
public struct ProcessedDocument: Sendable {
    /// The extraction record.
    public var record: DocumentRecord
    /// The normalized text.
    public var text: String

    /// Creates a processed document.
    public init(record: DocumentRecord, text: String) {
        self.record = record
        self.text = text
    }
}

/// What came of one input file.
public enum DocumentOutcome: Sendable {
    /// The document and its ingested attachments, parent first.
    case processed([ProcessedDocument])
    /// The file could not be read at all: it is quarantined.
    case failed(Diagnostic)
}

/// How long one step of a run took.
public struct StepTiming: Sendable, Equatable {
    /// The step: `walk`, `documents`, `link`, `emit records`...
    public var step: String
    /// Wall-clock seconds.
    public var seconds: Double
    /// CPU seconds of the whole process (all threads) during the step.
    public var cpuSeconds: Double
    /// The process's resident set size when the step ended, in bytes (0 where the system does not say).
    public var residentBytes: Int
    /// The process's peak resident set size so far, in bytes (0 where the system does not say).
    public var peakResidentBytes: Int

    /// Creates a timing.
    public init(step: String, seconds: Double, cpuSeconds: Double, residentBytes: Int = 0, peakResidentBytes: Int = 0) {
        self.step = step
        self.seconds = seconds
        self.cpuSeconds = cpuSeconds
        self.residentBytes = residentBytes
        self.peakResidentBytes = peakResidentBytes
    }
}

/// Measures wall-clock and process CPU time between steps.
struct StepClock {
    private var last = DispatchTime.now().uptimeNanoseconds
    private var lastCPU = StepClock.processCPU()
    /// The steps measured so far.
    var timings: [StepTiming] = []

    /// Ends step `name`: the time since the previous step ended (or the clock started).
    mutating func lap(_ name: String) {
        let now = DispatchTime.now().uptimeNanoseconds
        let cpu = Self.processCPU()
        timings.append(StepTiming(step: name, seconds: Double(now - last) / 1e9, cpuSeconds: cpu - lastCPU,
                                  residentBytes: Self.residentBytes(), peakResidentBytes: Self.peakResidentBytes()))
        last = now
        lastCPU = cpu
    }

    /// Records step `name`, measured apart (a step that ran beside others): `seconds` of wall time, `cpuSeconds` of
    /// its own thread. The next lap starts now.
    mutating func record(_ name: String, seconds: Double, cpuSeconds: Double) {
        timings.append(StepTiming(step: name, seconds: seconds, cpuSeconds: cpuSeconds,
                                  residentBytes: Self.residentBytes(), peakResidentBytes: Self.peakResidentBytes()))
        last = DispatchTime.now().uptimeNanoseconds
        lastCPU = Self.processCPU()
    }

    /// CPU seconds used by the calling thread so far.
    static func threadCPU() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// The resident set size of the process (from /proc/self/statm), or 0.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .ascii) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The peak resident set size of the process (VmHWM in /proc/self/status), or 0.
    static func peakResidentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .ascii),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kilobytes * 1024
    }

    /// CPU seconds used by the process so far.
    static func processCPU() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// What a run produced.
public struct RunResult: Sendable {
    /// Every processed document (attachments after their parent), in path order, when the options retain them.
    public var documents: [ProcessedDocument]
    /// How many documents were processed (or taken from the cache).
    public var documentCount: Int
    /// How many input files came from the run cache (not read again).
    public var reusedFiles = 0
    /// The graph, when the pipeline links (and the options retain documents: see `RunOptions.retainsDocuments`).
    public var graph: TraceGraph?
    /// Files that could not be read, with the reason.
    public var quarantined: [Diagnostic]
    /// Every diagnostic of the run, in order: inputs, documents (in path order), link, emit.
    public var diagnostics: [Diagnostic]
    /// What changed since the previous run into the same output folder (nil without an output folder).
    public var delta: RunDelta?
    /// How long each step took (wall-clock seconds), in the order they ran: `walk`, `hash`, `documents`, `link`,
    /// then `emit <id>` for every emitter (`lstrace run --timings` prints them).
    public var timings: [StepTiming] = []

    /// The records of the processed documents.
    public var records: [DocumentRecord] { documents.map(\.record) }
}

/// The pipeline: named stages built from a pipeline file, and the one place where the steps of a run are put
/// together. `run` takes a batch through ingest, normalize and extract (per document, in parallel, merged in path
/// order), then link and emit; `process` takes one document through the per-document stages.
public struct Pipeline: Sendable {
    /// The pipeline file it was built from.
    public let configuration: PipelineConfiguration
    /// Files to documents.
    public let ingest: Ingestor
    /// Documents to normalized text.
    public let normalize: NormalizeStage
    /// Normalized documents to records (no extractors when the pipeline has no extract stage).
    public var extract: Extraction { extraction.value }

    /// Starts building the extraction stage, when it is built on a thread of its own (a run calls it once it knows
    /// that a document is to be extracted).
    func startExtraction() {
        extraction.start()
    }

    /// Whether the extraction stage is built or being built.
    var extractionStarted: Bool { extraction.hasStarted }
    private let extraction: Deferred<Extraction>
    /// Whether the extraction stage is built on a thread of its own once a run needs it (see `load(_:runningInto:)`).
    let extractionDeferred: Bool
    /// The run cache's fingerprint of the pipeline (see `RunCache.fingerprint`), when `load` computed it.
    let fingerprint: String?
    /// The run folder whose cache kept that the rules' examples passed and the patterns' analyses, under
    /// `fingerprint`, when `load` took both from there (a run into it has nothing of the rules' build to keep).
    let rulesKeptIn: URL?
    /// Records to graph.
    public let link: Linker
    /// Records and graph to files.
    public let emit: EmitStage

    /// The stages it runs, in order.
    public var stages: [StageName] { configuration.stages }

    /// Builds the pipeline of `configuration`, reading its rule files through its source.
    public init(configuration: PipelineConfiguration) throws(PipelineError) {
        let rules = configuration.stages.contains(.extract) ? try Self.rules(of: configuration) : RuleLibrary()
        try self.init(configuration: configuration, rules: rules)
    }

    /// Builds the pipeline of `configuration` with rules already loaded.
    public init(configuration: PipelineConfiguration, rules: RuleLibrary) throws(PipelineError) {
        try self.init(configuration: configuration, rules: rules, examplesKnownToPass: false)
    }

    private init(configuration: PipelineConfiguration, rules: RuleLibrary, examplesKnownToPass: Bool,
                 fingerprint: String? = nil, rulesKeptIn: URL? = nil) throws(PipelineError) {
        self.configuration = configuration
        ingest = Ingestor(limits: configuration.limits, converters: configuration.converters)
        normalize = NormalizeStage()
        do {
            var extraction = configuration.stages.contains(.extract)
                ? try Extraction(rules: rules, checkingExamples: !examplesKnownToPass,
                                 examplesKnownToPass: examplesKnownToPass)
                : Extraction()
            extraction.budget = ExtractionBudget(secondsPerMB: configuration.limits.extractSecondsPerMB)
            self.extraction = Deferred(extraction)
        } catch {
            throw error.during(.extract)
        }
        link = Linker()
        emit = EmitStage(ids: configuration.stages.contains(.emit) ? configuration.emit : [])
        extractionDeferred = false
        self.fingerprint = fingerprint
        self.rulesKeptIn = rulesKeptIn
    }

    /// Builds the pipeline of `configuration` whose rules, the files `ruleFiles` (path and text), are known to load
    /// and pass their examples: its extraction stage is built on a thread of its own once a run finds a document to
    /// extract (`startExtraction`), while it reads the cache, and the first document to extract waits for it. A run
    /// that takes every document from the cache builds no extraction stage.
    private init(configuration: PipelineConfiguration, knownGoodRules ruleFiles: [(path: String, text: String)],
                 fingerprint: String, rulesKeptIn: URL?) {
        self.configuration = configuration
        ingest = Ingestor(limits: configuration.limits, converters: configuration.converters)
        normalize = NormalizeStage()
        let budget = ExtractionBudget(secondsPerMB: configuration.limits.extractSecondsPerMB)
        extraction = Deferred {
            do {
                let rules = RuleLibrary(files: try ruleFiles.map { try RuleLibrary.parse($0.text, path: $0.path) })
                var extraction = try Extraction(rules: rules, checkingExamples: false, examplesKnownToPass: true)
                extraction.budget = budget
                return extraction
            } catch {
                // The same build loaded these very bytes and ran their examples (the fingerprint covers both).
                preconditionFailure("rule files that loaded under fingerprint \(fingerprint) no longer do: \(error)")
            }
        }
        link = Linker()
        emit = EmitStage(ids: configuration.stages.contains(.emit) ? configuration.emit : [])
        extractionDeferred = true
        self.fingerprint = fingerprint
        self.rulesKeptIn = rulesKeptIn
    }

    /// The same pipeline with another extraction stage (a different budget, in tests).
    init(_ other: Pipeline, extraction: Extraction) {
        configuration = other.configuration
        ingest = other.ingest
        normalize = other.normalize
        self.extraction = Deferred(extraction)
        link = other.link
        emit = other.emit
        extractionDeferred = false
        fingerprint = other.fingerprint
        rulesKeptIn = other.rulesKeptIn
    }

    private init(_ other: Pipeline, stages: [StageName]) {
        var configuration = other.configuration
        configuration.stages = stages
        self.configuration = configuration
        ingest = other.ingest
        normalize = other.normalize
        extraction = stages.contains(.extract) ? other.extraction : Deferred(Extraction())
        link = other.link
        emit = EmitStage(ids: stages.contains(.emit) ? configuration.emit : [])
        extractionDeferred = stages.contains(.extract) && other.extractionDeferred
        // The stages are part of the fingerprint.
        fingerprint = nil
        rulesKeptIn = nil
    }

    /// The same pipeline, without the stages after `stage` (`lstrace extract` stops after extract).
    public func stopping(after stage: StageName) -> Pipeline {
        Pipeline(self, stages: stages.filter { $0 <= stage })
    }

    /// Loads the pipeline file of `source` and builds its pipeline; for a run into `outputDirectory`, the rules'
    /// examples are not run again when a run into that folder recorded in its cache that they passed under the same
    /// fingerprint (the build, the pipeline file and the rule files: see `RunCache.fingerprint`), and the patterns'
    /// analyses it kept are used (see `PatternAnalyses`). Rules known to pass are moreover compiled on a thread of
    /// their own while the run starts: a run that takes most documents from the cache does not wait for them
    /// (reading and compiling them takes about 80 ms, as long as reading 2,000 documents from the cache).
    ///
    /// `ruleCache`, the user's cache of the same (`RuleBuildCache`), serves where the folder kept nothing (a first run
    /// into it, or no folder: `lstrace extract`), and is written when the rules were built here.
    public static func load(_ source: PipelineSource = .builtIn, runningInto outputDirectory: URL? = nil,
                            ruleCache: RuleBuildCache? = nil) throws(PipelineError) -> Pipeline {
        let configuration = try PipelineConfiguration.load(source)
        guard outputDirectory != nil || ruleCache != nil else { return try Pipeline(configuration: configuration) }
        let extracts = configuration.stages.contains(.extract)
        let ruleFiles = extracts ? try ruleTexts(of: configuration) : []
        let fingerprint = RunCache.fingerprint(of: configuration, ruleTexts: ruleFiles)
        var kept: (examplesPassed: Bool, analyses: [UInt8]?) =
            outputDirectory.map { RunCache.kept(in: $0, fingerprint: fingerprint) } ?? (false, nil)
        let rulesKeptIn = kept.examplesPassed && kept.analyses != nil ? outputDirectory : nil
        var keptForUser = false
        if extracts, !kept.examplesPassed || kept.analyses == nil, let user = ruleCache?.kept(fingerprint: fingerprint) {
            kept = (kept.examplesPassed || user.examplesPassed, kept.analyses ?? user.analyses)
            keptForUser = user.analyses != nil
        }
        if let analyses = kept.analyses { PatternAnalyses.shared.load(analyses, under: fingerprint) }
        if kept.examplesPassed, extracts {
            return Pipeline(configuration: configuration, knownGoodRules: ruleFiles, fingerprint: fingerprint,
                            rulesKeptIn: rulesKeptIn)
        }
        let rules = try rules(in: ruleFiles)
        let pipeline = try Pipeline(configuration: configuration, rules: rules, examplesKnownToPass: kept.examplesPassed,
                                    fingerprint: fingerprint, rulesKeptIn: rulesKeptIn)
        // The examples ran and passed (the stage would not build otherwise), and every pattern was analyzed.
        if extracts, !keptForUser {
            ruleCache?.keep(fingerprint: fingerprint, analyses: PatternAnalyses.shared.bytes())
        }
        return pipeline
    }

    /// The rule files `configuration` names, read through its source (built-in files for the built-in pipeline,
    /// files relative to the pipeline file otherwise).
    static func rules(of configuration: PipelineConfiguration) throws(PipelineError) -> RuleLibrary {
        try rules(in: ruleTexts(of: configuration))
    }

    /// The path and text of every rule file `configuration` names.
    static func ruleTexts(of configuration: PipelineConfiguration) throws(PipelineError)
        -> [(path: String, text: String)] {
        var texts: [(path: String, text: String)] = []
        for name in configuration.rules {
            do {
                if let source = configuration.source {
                    texts.append(try source.ruleText(name))
                } else {
                    texts.append((name, try RuleLibrary.text(path: name)))
                }
            } catch {
                throw error.during(.extract)
            }
        }
        return texts
    }

    /// The rule library of rule files read with `ruleTexts(of:)`.
    private static func rules(in texts: [(path: String, text: String)]) throws(PipelineError) -> RuleLibrary {
        var files: [RuleFile] = []
        for (path, text) in texts {
            do {
                files.append(try RuleLibrary.parse(text, path: path))
            } catch {
                throw error.during(.extract)
            }
        }
        return RuleLibrary(files: files)
    }

    // MARK: - One document

    /// Takes one file (or in-memory document) through the per-document stages.
    public func process(_ input: PipelineInput) -> DocumentOutcome {
        var diagnostics: [Diagnostic] = []
        let ingested: IngestedDocument
        do {
            ingested = try ingest.run(input, diagnostics: &diagnostics)
        } catch {
            return .failed(error.diagnostic(path: input.path))
        }
        do {
            return .processed(try documents(of: ingested, parent: nil))
        } catch {
            return .failed(error.diagnostic(path: error.path ?? input.path))
        }
    }

    /// The processed document of an ingested one, then those of its ingested attachments.
    func documents(of ingested: IngestedDocument,
                   parent: String?) throws(ExtractionBudget.Exceeded) -> [ProcessedDocument] {
        var diagnostics = ingested.diagnostics
        let document: ProcessedDocument
        if stages.contains(.normalize) {
            let analyzed = normalize.run(ingested, diagnostics: &diagnostics)
            var record: DocumentRecord
            do {
                record = try extract.record(of: analyzed, diagnostics: &diagnostics)
            } catch {
                var exceeded = error
                exceeded.path = ingested.source.path
                throw exceeded
            }
            record.attachedTo = parent
            record.diagnostics = diagnostics.map { $0.at(path: ingested.source.path) }
            document = ProcessedDocument(record: record, text: analyzed.normalized.text)
        } else {
            var record = DocumentRecord(source: ingested.source)
            record.attachedTo = parent
            record.diagnostics = diagnostics.map { $0.at(path: ingested.source.path) }
            document = ProcessedDocument(record: record, text: ingested.text)
        }
        var result = [document]
        for child in ingested.children { result += try documents(of: child, parent: ingested.source.path) }
        return result
    }

}

extension PipelineInput {
    /// The path or name the input goes by.
    public var path: String {
        switch self {
        case .path(let path), .document(let path, _): return path
        }
    }
}
