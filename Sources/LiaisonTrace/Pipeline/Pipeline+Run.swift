import Foundation

/// A document made by the per-document stages, ready for the cache and the outputs: its record, its text, the
/// bytes of its record file, its search document (see `SearchDocument`), and the part linking needs in the cache's
/// binary form. Made in the parallel part when several jobs run, so that the one thread that hands documents to the
/// outputs only copies bytes (see `StagedOutcome`).
struct PreparedUnit: Sendable {
    var record: DocumentRecord
    var text: String
    var recordJSON: [UInt8]
    var recordHash: String
    var searchJSON: [UInt8]
    var searchHash: String
    var linkingBytes: [UInt8]

    init(_ document: ProcessedDocument) {
        record = document.record
        text = document.text
        recordJSON = JSONOutput.bytes(document.record, capacity: 16 * 1024)
        recordHash = ContentHash.sha256(recordJSON)
        searchJSON = JSONOutput.bytes(SearchDocument(record: document.record, text: document.text), pretty: false,
                                      capacity: document.text.utf8.count + 1024)
        searchHash = ContentHash.sha256(searchJSON)
        linkingBytes = document.record.linkingBytes()
    }
}

/// What the per-document stages made of one input file.
enum PreparedOutcome: Sendable {
    case processed([PreparedUnit])
    case failed(Diagnostic)
}

/// What the per-document stages hand the writer of a run. With several jobs, the documents are ready for the cache
/// and the outputs. With one, they are as extracted, and the writer encodes them: beside one job it is busy about
/// half the time, while the stages are the run's critical path (on 2,000 documents encoding is 0.36 s of the stages'
/// 6.7 s).
enum StagedOutcome: Sendable {
    case prepared(PreparedOutcome)
    case extracted(DocumentOutcome)

    /// The outcome ready for the cache and the outputs.
    var prepared: PreparedOutcome {
        switch self {
        case .prepared(let outcome): return outcome
        case .extracted(.failed(let diagnostic)): return .failed(diagnostic)
        case .extracted(.processed(let documents)): return .processed(documents.map(PreparedUnit.init))
        }
    }
}

/// One input of a batch after walking and hashing.
struct BatchItem: Sendable {
    var input: PipelineInput
    /// The content hash, when the bytes could be read.
    var sha256: String?
    /// The file's stamp, for files on disk.
    var stamp: RunCache.FileStamp?
    /// Other inputs with the same bytes, in path order.
    var copies: [String] = []
}

extension Pipeline {
    // MARK: - A batch

    /// Runs the pipeline over `inputs`: files and folders are expanded (a missing path is an `input.missing`
    /// error), files with the same bytes become one document, documents go through the per-document stages
    /// `options.jobs` at a time (or come from the run cache of the output folder, when their bytes and the pipeline
    /// have not changed) and go to the outputs in path order as they are ready; then the batch is linked, the
    /// outputs that need the whole batch are written, and the delta against the previous run is computed.
    /// `progress` is called as documents finish and as the batch-wide stages start. Cancelling the task stops the
    /// run before its next document; outputs already written are whole files (see `AtomicFile`), and the next run
    /// into the same folder completes them. A run cancelled before its first document writes nothing.
    public func run(_ inputs: [PipelineInput], options: RunOptions = RunOptions(),
                    progress: (@Sendable (RunProgress) -> Void)? = nil) async throws(CancellationError) -> RunResult {
        var clock = StepClock()
        let writes = stages.contains(.emit) ? options.outputDirectory : nil
        var walkOptions = options.walk
        if let writes { walkOptions.skipFolders.append(writes.path) }
        let paths = inputs.compactMap { input -> String? in
            if case .path(let path) = input { return path }
            return nil
        }
        let (files, inputDiagnostics) = InputWalker.files(in: paths, options: walkOptions)
        let unsorted = files.map(PipelineInput.path) + inputs.filter { if case .document = $0 { true } else { false } }
        clock.lap("walk")
        if Task.isCancelled { throw CancellationError() }

        var diagnostics = inputDiagnostics
        // The cache of an existing output folder is read at once; a new one is made when the first document is
        // stored, so that a run cancelled before its first document leaves no folder behind.
        var cache: RunCache?
        if let writes, FileManager.default.fileExists(atPath: RunCache.folder(in: writes).path) {
            cache = Self.openCache(in: writes, full: options.full, diagnostics: &diagnostics)
        }
        let (items, newHashes) = Self.hashed(unsorted, cache: cache)
        clock.lap("hash")

        let asOf = options.asOf ?? TraceChecker.today()
        let previous = (try? cache?.state()) ?? nil
        let cacheBox = CacheBox(cache)
        let context = EmitContext(previous: previous, asOf: asOf, feed: options.feed, full: options.full) { path in
            try? cacheBox.cache?.recordJSON(unitPath: path)
        }
        var batch = Batch(pipeline: self, options: options, cache: cacheBox,
                          fingerprint: writes.map { _ in self.fingerprint ?? RunCache.fingerprint(of: configuration) } ?? "",
                          previous: previous, context: context, diagnostics: diagnostics)
        if let writes {
            let emit = emit
            let full = options.full
            batch.openOutputs = { diagnostics in
                if cacheBox.cache == nil {
                    cacheBox.cache = Pipeline.openCache(in: writes, full: full, diagnostics: &diagnostics)
                }
                return emit.open(in: writes, context: context)
            }
        }
        try await batch.process(items, progress: progress)
        if !batch.outputsOpen, batch.openOutputs != nil { batch.openOutputsNow() }
        cache = cacheBox.cache
        // What the workers made and let go of (texts, records, the extraction's buffers) goes back to the system.
        Memory.giveBackFreedPages()
        clock.lap("documents")

        var result = RunResult(documents: batch.retained, documentCount: batch.spill.count, graph: nil,
                               quarantined: batch.quarantined, diagnostics: batch.diagnostics)
        result.reusedFiles = batch.reusedFiles
        if stages.contains(.link) {
            progress?(.stage(.link))
            var linkDiagnostics: [Diagnostic] = []
            result.graph = link.link(records: batch.spill, diagnostics: &linkDiagnostics)
            result.diagnostics += linkDiagnostics
            clock.lap("link")
        }
        if Task.isCancelled { throw CancellationError() }
        guard var session = batch.session else {
            result.timings = clock.timings
            return result
        }
        progress?(.stage(.emit))
        var state = RunState(asOf: asOf, documents: batch.summaries, graph: result.graph)
        let delta = RunDelta(previous: previous, current: state, documents: batch.summaries, graph: result.graph)
        result.delta = delta
        // The records the previous run wrote are about to be replaced: until this run finishes, trust none of them.
        if previous != nil { try? cache?.markOutputsReplaced() }
        clock.lap("delta")
        do {
            let output = RunOutput(graph: result.graph, quarantined: result.quarantined,
                                   diagnostics: result.diagnostics, delta: delta)
            result.diagnostics += session.finish(output, clock: &clock)
        }
        // A caller that keeps no documents keeps no graph either: it goes before the run's state is saved, so that the
        // two are never in memory together.
        if !options.retainsDocuments {
            result.graph = nil
            Memory.giveBackFreedPages()
        }
        state.feed = context.feedDocuments ?? [:]
        state.records = context.recordFiles ?? [:]
        state.store = context.store
        do {
            try cache?.recordHashes(newHashes)
            try cache?.forget(pathsOtherThan: Set(items.map(\.input.path)))
            try cache?.saveState(state)
            // What the folder did not keep of the rules' build (it may have come from the user's cache): a deferred
            // extraction stage is one whose examples passed under this fingerprint already.
            if !(rulesKeptIn.map { $0.standardizedFileURL == writes?.standardizedFileURL } ?? false) {
                if extractionDeferred || extract.examplesPassed { try cache?.recordExamplesPassed(batch.fingerprint) }
                _ = extract // (every pattern analysed: a deferred extraction stage may still be compiling)
                try cache?.keepAnalyses(PatternAnalyses.shared.bytes(), fingerprint: batch.fingerprint)
            }
        } catch {
            result.diagnostics.append(Self.cacheProblem(error, in: writes!))
        }
        cache?.close()
        clock.lap("state")
        result.timings = clock.timings
        return result
    }

    static func cacheProblem(_ error: any Error, in directory: URL) -> Diagnostic {
        Diagnostic(.runCache, "run cache cannot be used: \(error.localizedDescription)",
                   at: DiagnosticLocation(path: RunCache.folder(in: directory).path, line: 1, column: 1))
    }

    /// Opens (or makes) the cache of `directory`; emptied of documents for `--full`. A cache that cannot be used is a
    /// `run.cache` warning, and the run goes on without it.
    static func openCache(in directory: URL, full: Bool, diagnostics: inout [Diagnostic]) -> RunCache? {
        do {
            let cache = try RunCache(outputDirectory: directory)
            if full { try cache.clearDocuments() }
            return cache
        } catch {
            diagnostics.append(cacheProblem(error, in: directory))
            return nil
        }
    }

    /// The inputs with their content hashes (from the cache for files whose stamp has not changed; read and hashed
    /// in parallel otherwise), sorted as given, files with the same bytes folded into the first.
    static func hashed(_ inputs: [PipelineInput], cache: RunCache?)
        -> (items: [BatchItem], newHashes: [(path: String, stamp: RunCache.FileStamp, sha256: String)]) {
        var items = inputs.map { input -> BatchItem in
            switch input {
            case .path(let path): return BatchItem(input: input, stamp: RunCache.FileStamp(path: path))
            case .document(_, let data): return BatchItem(input: input, sha256: ContentHash.sha256(data))
            }
        }
        var stamps: [String: RunCache.FileStamp] = [:]
        for item in items { if let stamp = item.stamp { stamps[item.input.path] = stamp } }
        let known = (try? cache?.knownHashes(stamps)) ?? [:]
        var missing: [Int] = []
        for index in items.indices where items[index].sha256 == nil && items[index].stamp != nil {
            if let sha = known[items[index].input.path] { items[index].sha256 = sha } else { missing.append(index) }
        }
        let hashes = UnsafeSendableBuffer<String>(count: missing.count)
        let missingPaths = missing.map { items[$0].input.path }
        DispatchQueue.concurrentPerform(iterations: missingPaths.count) { position in
            if let data = FileManager.default.contents(atPath: missingPaths[position]) {
                hashes[position] = ContentHash.sha256(data)
            }
        }
        var recorded: [(path: String, stamp: RunCache.FileStamp, sha256: String)] = []
        for (position, index) in missing.enumerated() {
            guard let sha = hashes[position] else { continue }
            items[index].sha256 = sha
            recorded.append((items[index].input.path, items[index].stamp!, sha))
        }
        // Same bytes, one document: the first path in order reads it, the others are its copies.
        var first: [String: Int] = [:]
        var kept: [BatchItem] = []
        for item in items {
            if let sha = item.sha256 {
                if let index = first[sha] {
                    kept[index].copies.append(item.input.path)
                    continue
                }
                first[sha] = kept.count
            }
            kept.append(item)
        }
        return (kept, recorded)
    }
}

/// The run cache, once there is one (it is made when the first document of a new output folder is stored).
final class CacheBox: @unchecked Sendable {
    var cache: RunCache?

    init(_ cache: RunCache?) {
        self.cache = cache
    }
}

/// The per-document part of a run: takes each input, in path order, from the cache or from the per-document stages
/// (run in parallel, ahead of the one awaited), stores what was made in the cache (one transaction per file), and
/// hands every document to the outputs at once; keeps only what linking needs.
struct Batch {
    let pipeline: Pipeline
    let options: RunOptions
    let cacheBox: CacheBox
    var cache: RunCache? { cacheBox.cache }
    let fingerprint: String
    let previous: RunState?
    let context: EmitContext
    var session: EmitSession?
    /// Opens the cache (if need be) and the outputs, when the first document is ready.
    var openOutputs: ((inout [Diagnostic]) -> EmitSession)?
    var outputsOpen: Bool { session != nil }
    /// What linking reads of every document, in path order, written aside as documents come.
    let spill: RecordSpill
    /// What the delta reads of every document, in path order.
    var summaries: [DocumentSummary] = []
    /// Every document, when the options retain them.
    var retained: [ProcessedDocument] = []
    var quarantined: [Diagnostic] = []
    var diagnostics: [Diagnostic]
    /// Files whose documents came from the cache.
    var reusedFiles = 0

    init(pipeline: Pipeline, options: RunOptions, cache: CacheBox, fingerprint: String, previous: RunState?,
         context: EmitContext, diagnostics: [Diagnostic]) {
        spill = RecordSpill()
        spill.readsAhead = options.jobs > 1
        self.pipeline = pipeline
        self.options = options
        self.cacheBox = cache
        self.fingerprint = fingerprint
        self.previous = previous
        self.context = context
        self.diagnostics = diagnostics
    }

    mutating func process(_ items: [BatchItem], progress: (@Sendable (RunProgress) -> Void)?)
        async throws(CancellationError) {
        // Which files the cache holds (their documents are read from it when their turn comes), and which are
        // processed.
        var cached: [Int: [String]] = [:]
        var fresh: [Int] = []
        var known = (try? cache?.entries(fingerprint: fingerprint)) ?? [:]
        for (index, item) in items.enumerated() {
            if let cache, let sha = item.sha256 {
                let path = item.input.path
                var units = known[path].flatMap { $0.sha256 == sha ? $0.units : nil }
                if units == nil, (try? cache.movedEntry(to: path, sha256: sha, fingerprint: fingerprint)) != nil {
                    units = try? cache.unitPaths(path: path, sha256: sha, fingerprint: fingerprint)
                }
                if let units {
                    cached[index] = units
                    continue
                }
            }
            fresh.append(index)
        }
        known = [:]
        if !fresh.isEmpty { pipeline.startExtraction() }
        // The record names the documents will most likely get: every path known before processing (documents from
        // the cache with their attachments, the other inputs without theirs).
        if openOutputs != nil {
            var planned: [String] = []
            for (index, item) in items.enumerated() {
                planned += cached[index] ?? [item.input.path]
            }
            context.plannedNames = Dictionary(zip(planned, RecordsEmitter.recordNames(planned)),
                                              uniquingKeysWith: { first, _ in first })
        }
        let pipeline = pipeline
        // A full search feed writes every document's search JSON: read with its entry, not in a query of its own.
        let searchWithEntries = options.feed == .full && pipeline.emit.emitters.contains { $0.id == SearchFeed.id }
        // At most `window` documents are made ahead of the one awaited (their outcomes wait in memory); among
        // documents from the cache, the few to process start at once, beside the reading of the others.
        let queue = PreparationQueue<StagedOutcome>(window: max(64, options.jobs * 8))
        let jobs = options.jobs
        let toPrepare = fresh
        var this = self
        await withTaskGroup(of: Void.self) { group in
            if !toPrepare.isEmpty {
                group.addTask {
                    await queue.run(toPrepare, jobs: jobs) { index in
                        let outcome = pipeline.process(items[index].input)
                        return jobs > 1 ? .prepared(StagedOutcome.extracted(outcome).prepared) : .extracted(outcome)
                    }
                }
            }
            defer { queue.close() }
            for index in items.indices {
                if Task.isCancelled { break }
                if cached.removeValue(forKey: index) != nil {
                    if let sha = items[index].sha256,
                       let entry = try? this.cache?.entry(path: items[index].input.path, sha256: sha,
                                                          fingerprint: this.fingerprint,
                                                          withSearch: searchWithEntries) {
                        this.take(items[index], cached: entry)
                    } else {
                        // In the cache a moment ago, unreadable now: processed after all.
                        this.take(items[index], fresh: pipeline.prepare(items[index].input))
                    }
                } else {
                    guard let outcome = await queue.outcome(for: index) else { break }
                    this.take(items[index], fresh: outcome.prepared)
                }
                progress?(.document(done: index + 1, total: items.count, path: items[index].input.path))
            }
        }
        self = this
        if Task.isCancelled { throw CancellationError() }
    }

    /// Opens the outputs (and the cache) now.
    mutating func openOutputsNow() {
        guard session == nil, let openOutputs else { return }
        session = openOutputs(&diagnostics)
    }

    /// A file processed in this run: stored in the cache, then handed on.
    private mutating func take(_ item: BatchItem, fresh outcome: PreparedOutcome) {
        openOutputsNow()
        if let cache, let sha = item.sha256 {
            do {
                try cache.store(path: item.input.path, sha256: sha, fingerprint: fingerprint, outcome: outcome)
            } catch {
                diagnostics.append(Pipeline.cacheProblem(error, in: options.outputDirectory!))
            }
        }
        switch outcome {
        case .failed(let diagnostic):
            fail(diagnostic, copies: item.copies)
        case .processed(let units):
            for (position, unit) in units.enumerated() {
                var record = unit.record
                var recordJSON = unit.recordJSON
                var recordHash = unit.recordHash
                if position == 0, !item.copies.isEmpty {
                    record.source.copies = item.copies
                    recordJSON = JSONOutput.bytes(record, capacity: recordJSON.count + 256)
                    recordHash = ContentHash.sha256(recordJSON)
                }
                if options.retainsDocuments { retained.append(ProcessedDocument(record: record, text: unit.text)) }
                hand(record.linkingPart, linkingBytes: record.source.copies == nil ? unit.linkingBytes : nil,
                     search: EmitSearch(json: unit.searchJSON, hash: unit.searchHash, text: unit.text),
                     recordJSON: recordJSON, recordHash: recordHash)
            }
        }
    }

    /// A file whose documents come from the cache.
    private mutating func take(_ item: BatchItem, cached entry: RunCache.Entry) {
        openOutputsNow()
        reusedFiles += 1
        switch entry {
        case .failed(let diagnostic):
            fail(diagnostic, copies: item.copies)
        case .units(let units):
            for (position, unit) in units.enumerated() {
                var record = unit.record
                var recordJSON: [UInt8]?
                var recordHash = unit.recordHash
                var full: DocumentRecord?
                if options.retainsDocuments || (position == 0 && !item.copies.isEmpty) {
                    full = (try? cache?.recordJSON(unitPath: record.source.path))?
                        .flatMap { try? JSONDecoder().decode(DocumentRecord.self, from: $0) }
                }
                if position == 0, !item.copies.isEmpty, var copy = full {
                    copy.source.copies = item.copies
                    record.source.copies = item.copies
                    full = copy
                    recordJSON = JSONOutput.bytes(copy)
                    recordHash = ContentHash.sha256(recordJSON!)
                }
                let cacheBox = cacheBox
                let unitPath = record.source.path
                let preloaded = unit.searchJSON
                let search = EmitSearch(hash: unit.searchHash) {
                    preloaded ?? (try? cacheBox.cache?.searchJSON(unitPath: unitPath)).flatMap { $0 } ?? []
                }
                if options.retainsDocuments {
                    retained.append(ProcessedDocument(record: full ?? record, text: search.text))
                }
                hand(record, linkingBytes: record.source.copies == unit.record.source.copies ? unit.linkingBytes : nil, search: search,
                     recordJSON: recordJSON, recordHash: recordHash)
            }
        }
    }

    /// Quarantines a file, and every file with the same bytes (each named, so none is dropped silently).
    private mutating func fail(_ diagnostic: Diagnostic, copies: [String]) {
        for failed in [diagnostic] + copies.map({ path in
            var copy = diagnostic
            copy.path = path
            return copy
        }) {
            quarantined.append(failed)
            diagnostics.append(failed)
        }
    }

    /// Hands a document to the outputs and keeps what linking and the delta need; `linkingBytes`, when given, is
    /// the binary form of `record` (as the cache keeps it).
    private mutating func hand(_ record: DocumentRecord, linkingBytes: [UInt8]? = nil, search: EmitSearch,
                               recordJSON: [UInt8]?, recordHash: String) {
        diagnostics += record.diagnostics
        if let linkingBytes { spill.append(record, linkingBytes: linkingBytes) } else { spill.append(record) }
        summaries.append(DocumentSummary(record))
        guard session != nil else { return }
        let change: DocumentChange
        switch previous?.documents[record.source.path] {
        case nil: change = .added
        case let known? where known.sha256 != record.source.sha256: change = .changed
        default: change = .unchanged
        }
        session!.add(EmitDocument(record: record, search: search, recordJSON: recordJSON, recordHash: recordHash,
                                  change: change))
    }
}

extension Pipeline {
    /// The per-document stages over one input, with everything the cache and the outputs need of each document.
    func prepare(_ input: PipelineInput) -> PreparedOutcome {
        StagedOutcome.extracted(process(input)).prepared
    }
}
