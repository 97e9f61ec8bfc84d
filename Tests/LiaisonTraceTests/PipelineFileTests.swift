import XCTest
@testable import LiaisonTrace

final class PipelineFileTests: XCTestCase {
    func testDefaultPipelineLoadsAndNamesEveryRuleFile() throws {
        let path = TestSupport.packageRoot.appendingPathComponent("Pipelines/default.yaml").path
        let configuration = try PipelineConfiguration.load(path: path)
        XCTAssertEqual(configuration.version, 1)
        XCTAssertEqual(configuration.stages, StageName.allCases)
        let onDisk = try FileManager.default.contentsOfDirectory(
            atPath: TestSupport.packageRoot.appendingPathComponent("Pipelines/rules").path)
            .filter { $0.hasSuffix(".yaml") }.map { "rules/" + $0 }.sorted()
        XCTAssertEqual(configuration.rules.sorted(), onDisk, "Pipelines/default.yaml must list every rule file")
        // Every rule file compiles into the extractors.
        let extraction = try Extraction(rules: RuleLibrary.load(configuration))
        XCTAssertEqual(extraction.extractors.count, ExtractorRegistry.all.count)
        // Every rule-file kind is used by some extractor (none is silently ignored).
        let kinds = Set(try RuleLibrary.load(configuration).files.map(\.kind))
        XCTAssertTrue(kinds.isSubset(of: ["references", "groups", "headers", "classification", "actions",
                                          "requirements", "scopes", "relations", "statements"]), "\(kinds)")
    }

    func testUnknownKeysAndBadVersionsFail() throws {
        func error(_ yaml: String) -> Diagnostic? {
            XCTAssertThrowsError(try PipelineConfiguration.parse(yaml, path: "p.yaml"))
            do {
                _ = try PipelineConfiguration.parse(yaml, path: "p.yaml")
                return nil
            } catch {
                return error.diagnostic
            }
        }
        let unknown = error("version: 1\nstagez: [x]\n")
        XCTAssertEqual(unknown?.id, "pipeline.unknown-key")
        XCTAssertEqual(unknown?.formatted, "p.yaml:2:1: error: unknown key 'stagez' in pipeline file; did you mean "
            + "'stages'? [pipeline.unknown-key]")
        // Keys inside limits and converters are checked too (a misspelt limit would silently keep its default).
        XCTAssertEqual(error("version: 1\nlimits:\n  max_file_byte: 3\n")?.formatted,
                       "p.yaml:3:3: error: unknown key 'max_file_byte' in 'limits'; did you mean 'max_file_bytes'? "
                           + "[pipeline.unknown-key]")
        XCTAssertEqual(error("version: 1\nconverters:\n  pdf: {command: x, arguments: [], package: y, args: []}\n")?
            .summary, "unknown key 'args' in converter 'pdf'")
        XCTAssertThrowsError(try PipelineConfiguration.parse("version: 7\n", path: "p.yaml")) { error in
            XCTAssertEqual((error as? PipelineError)?.line, 1)
        }
        XCTAssertThrowsError(try PipelineConfiguration.parse("version: 1\nlimits: [1, 2]\n", path: "p.yaml")) { error in
            XCTAssertTrue((error as? PipelineError)?.summary.contains("limits") ?? false)
        }
        XCTAssertThrowsError(try PipelineConfiguration.parse("version: 1\n  bad: : yaml\n", path: "p.yaml"))
        let limits = try PipelineConfiguration.parse("version: 1\nlimits:\n  max_file_bytes: 10\n", path: "p.yaml").limits
        XCTAssertEqual(limits.maxFileBytes, 10)
        XCTAssertEqual(limits.maxNestingDepth, IngestLimits().maxNestingDepth)
    }

    func testRuleFilesNeedVersionAndKind() {
        XCTAssertThrowsError(try RuleLibrary.parse("kind: references\n", path: "r.yaml")) { error in
            XCTAssertTrue((error as? PipelineError)?.summary.contains("version") ?? false)
        }
        XCTAssertThrowsError(try RuleLibrary.parse("version: 1\n", path: "r.yaml")) { error in
            XCTAssertTrue((error as? PipelineError)?.summary.contains("kind") ?? false)
        }
    }
}

/// The pipeline as a value: stages from the file, emitters by id, the built-in copy of `Pipelines/`, and where a
/// pipeline file and its rule files are found.
final class PipelineTests: XCTestCase {
    private func stagesError(_ list: String) -> String? {
        do {
            _ = try PipelineConfiguration.parse("version: 1\nstages: \(list)\n", path: "p.yaml")
            return nil
        } catch {
            XCTAssertEqual(error.diagnostic.id, "pipeline.unknown-stage")
            XCTAssertEqual(error.line, 2)
            return error.summary
        }
    }

    func testStagesAreKnownOrderedAndComplete() throws {
        XCTAssertEqual(stagesError("[ingest, bogus]"),
                       "unknown stage 'bogus'; the stages are ingest, normalize, extract, link, emit")
        XCTAssertEqual(stagesError("[ingest, normalise]"), "unknown stage 'normalise'; did you mean 'normalize'? "
            + "the stages are ingest, normalize, extract, link, emit")
        XCTAssertEqual(stagesError("[ingest, normalize, extract, emit, link]"), "stage 'link' must come before 'emit'")
        XCTAssertEqual(stagesError("[ingest, ingest]"), "stage 'ingest' is listed twice")
        XCTAssertEqual(stagesError("[ingest, extract]"), "stage 'extract' needs stage 'normalize' before it")
        XCTAssertEqual(stagesError("[normalize]"), "stage 'normalize' needs stage 'ingest' before it")
        XCTAssertEqual(stagesError("ingest"), "'stages' must be a list that starts with ingest")
        // Without link, the default emitters are those that need no graph.
        let records = try PipelineConfiguration.parse("version: 1\nstages: [ingest, normalize, extract, emit]\n",
                                                      path: "p.yaml")
        XCTAssertEqual(records.emit, ["records", "search-feed", "delta", "diagnostics"])
        let none = try PipelineConfiguration.parse("version: 1\nstages: [ingest, normalize, extract]\n", path: "p.yaml")
        XCTAssertEqual(none.emit, [])
    }

    func testEmittersAreChosenById() throws {
        let configuration = try PipelineConfiguration.parse("version: 1\nemit: [records, graph-json]\n", path: "p.yaml")
        XCTAssertEqual(configuration.emit, ["records", "graph-json"])
        XCTAssertEqual(try Pipeline(configuration: configuration).emit.emitters.map(\.id), ["records", "graph-json"])
        XCTAssertThrowsError(try PipelineConfiguration.parse("version: 1\nemit: [records, graph-jsn]\n", path: "p.yaml")) {
            XCTAssertEqual(($0 as? PipelineError)?.diagnostic.formatted, "p.yaml:2:17: error: unknown emitter "
                + "'graph-jsn'; did you mean 'graph-json'? the emitters are records, graph-json, graph-dot, search-feed, "
                + "store, delta, diagnostics [pipeline.unknown-emitter]")
        }
        XCTAssertThrowsError(try PipelineConfiguration.parse(
            "version: 1\nstages: [ingest, normalize, extract, emit]\nemit: [store]\n", path: "p.yaml")) {
            XCTAssertEqual(($0 as? PipelineError)?.summary,
                           "emitter 'store' needs stage 'link', which 'stages' does not list")
        }
        XCTAssertEqual(Set(EmitterRegistry.all.map(\.id)).count, EmitterRegistry.all.count, "emitter ids are unique")
    }

    func testRunWritesOnlyTheChosenOutputs() async throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("Title: LS on IMSI\nSee TS 23.003.\n".utf8).write(to: folder.appendingPathComponent("in.txt"))
        var configuration = PipelineConfiguration()
        configuration.emit = ["records", "graph-json"]
        let out = folder.appendingPathComponent("out")
        let seen = ProgressLog()
        let result = try await Pipeline(configuration: configuration).run(
            [.path(folder.appendingPathComponent("in.txt").path)], options: RunOptions(outputDirectory: out),
            progress: seen.append)
        XCTAssertEqual(result.records.count, 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted(),
                       [".lstrace-cache", "documents", "graph.json"], "the chosen outputs, and the run cache")
        XCTAssertEqual(seen.all, [.document(done: 1, total: 1, path: folder.appendingPathComponent("in.txt").path),
                              .stage(.link), .stage(.emit)])
    }

    func testCancelledRunLeavesOnlyWholeFilesAndTheNextRunCompletes() async throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let documents = folder.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: documents, withIntermediateDirectories: true)
        for index in 0..<20 {
            try Data("Document \(index) cites RFC 9110.\n".utf8).write(to: documents.appendingPathComponent("\(index).txt"))
        }
        let out = folder.appendingPathComponent("out")
        let pipeline = try Pipeline(configuration: PipelineConfiguration())
        // Cancelled after its third document: whatever is in place is whole, and the batch-wide outputs are not.
        let task = Task {
            try await pipeline.run([.path(documents.path)], options: RunOptions(jobs: 1, outputDirectory: out)) { progress in
                if case .document(let done, _, _) = progress, done == 3 { withUnsafeCurrentTask { $0?.cancel() } }
            }
        }
        do {
            _ = try await task.value
            XCTFail("a cancelled run must throw")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
        for name in ["graph.json", "index.sqlite", "search.ndjson", "diagnostics.json"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), name)
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("documents").path)) ?? []
        where !name.hasPrefix(".") {
            let data = try Data(contentsOf: out.appendingPathComponent("documents/\(name)"))
            XCTAssertNoThrow(try JSONDecoder().decode(DocumentRecord.self, from: data), name)
        }
        // The next run completes the job: the same outputs as a run that was never interrupted.
        _ = try await pipeline.run([.path(documents.path)], options: RunOptions(jobs: 1, outputDirectory: out))
        let clean = folder.appendingPathComponent("clean")
        _ = try await pipeline.run([.path(documents.path)], options: RunOptions(jobs: 1, outputDirectory: clean))
        XCTAssertEqual(try TestSupport.outputDifferences(out, clean), [])
    }

    func testBuiltInPipelineIsTheRepositorysPipelinesFolder() throws {
        let folder = TestSupport.packageRoot.appendingPathComponent("Pipelines")
        let walker = try XCTUnwrap(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil))
        var onDisk: [String: String] = [:]
        for case let url as URL in walker where url.pathExtension == "yaml" {
            let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
            onDisk[relative] = try String(contentsOf: url, encoding: .utf8)
        }
        XCTAssertEqual(onDisk.keys.sorted(), PipelineSource.builtInFiles.keys.sorted())
        for (path, text) in onDisk {
            XCTAssertEqual(PipelineSource.builtInFiles[path], text, "built-in copy of Pipelines/\(path) is stale")
        }
        let builtIn = try Pipeline.load(.builtIn)
        XCTAssertEqual(builtIn.configuration.rules, try TestSupport.pipeline().configuration.rules)
        XCTAssertEqual(builtIn.extract.extractors.count, ExtractorRegistry.all.count)
    }

    func testPipelineChoiceAndRulePaths() throws {
        XCTAssertEqual(PipelineSource.choose(option: "a.yaml", environment: ["LSTRACE_PIPELINE": "b.yaml"]).source,
                       .file("a.yaml"))
        XCTAssertEqual(PipelineSource.choose(option: nil, environment: ["LSTRACE_PIPELINE": "b.yaml"]).source,
                       .file("b.yaml"))
        XCTAssertEqual(PipelineSource.choose(option: nil, environment: ["LSTRACE_PIPELINE": ""]).source, .builtIn)
        XCTAssertEqual(PipelineSource.builtIn.resolve("./rules/../rules/x.yaml"), "<built-in>/Pipelines/rules/x.yaml")
        XCTAssertEqual(PipelineSource.file("/p/q/pipeline.yaml").resolve("rules/x.yaml"), "/p/q/rules/x.yaml")

        // A pipeline file elsewhere finds its rule files next to it, whatever the working directory.
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"),
                                                withIntermediateDirectories: true)
        try Data("version: 1\nrules: [rules/refs.yaml]\n".utf8).write(to: folder.appendingPathComponent("p.yaml"))
        let rules = try XCTUnwrap(PipelineSource.builtInFiles["rules/references-ietf.yaml"])
        try Data(rules.utf8).write(to: folder.appendingPathComponent("rules/refs.yaml"))
        let pipeline = try Pipeline.load(.file(folder.appendingPathComponent("p.yaml").path))
        guard case .processed(let documents) = pipeline.process(.document(name: "x.txt", data: Data("See RFC 9110.\n".utf8)))
        else { return XCTFail("not processed") }
        XCTAssertEqual(documents.first?.record.references.map(\.id), ["RFC 9110"])

        // Named but missing: pipeline.missing, naming the file; a missing rule file names the stage.
        XCTAssertThrowsError(try Pipeline.load(.file(folder.appendingPathComponent("none.yaml").path))) {
            let diagnostic = ($0 as? PipelineError)?.diagnostic
            XCTAssertEqual(diagnostic?.id, "pipeline.missing")
            XCTAssertEqual(diagnostic?.summary, "pipeline file \(folder.appendingPathComponent("none.yaml").path) "
                + "does not exist")
        }
        try Data("version: 1\nrules: [rules/gone.yaml]\n".utf8).write(to: folder.appendingPathComponent("q.yaml"))
        XCTAssertThrowsError(try Pipeline.load(.file(folder.appendingPathComponent("q.yaml").path))) {
            let diagnostic = ($0 as? PipelineError)?.diagnostic
            XCTAssertEqual(diagnostic?.path, folder.appendingPathComponent("rules/gone.yaml").path)
            XCTAssertEqual(diagnostic?.notes, ["while setting up the extract stage"])
        }
    }

    /// A new folder holding a pipeline file `p.yaml` whose one rule file, `rules/refs.yaml`, holds `rules`, and an
    /// input `in.txt` holding `text`.
    private static func pipelineFolder(rules: String, text: String) throws -> (folder: URL, pipelineFile: URL) {
        let folder = try TestSupport.temporaryDirectory()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("rules"),
                                                withIntermediateDirectories: true)
        let pipelineFile = folder.appendingPathComponent("p.yaml")
        try Data("version: 1\nrules: [rules/refs.yaml]\n".utf8).write(to: pipelineFile)
        try Data(rules.utf8).write(to: folder.appendingPathComponent("rules/refs.yaml"))
        try Data(text.utf8).write(to: folder.appendingPathComponent("in.txt"))
        return (folder, pipelineFile)
    }

    /// A run records in its folder's cache that the rules' examples passed; a pipeline loaded for the next run into
    /// that folder does not run them again, unless the rules (or the build) changed: a rule file edited so that an
    /// example no longer holds fails to load as it would anywhere else.
    func testExamplesRunAgainOnlyWhenTheRulesChange() async throws {
        let rules = try XCTUnwrap(PipelineSource.builtInFiles["rules/references-ietf.yaml"])
        let (folder, pipelineFile) = try Self.pipelineFolder(rules: rules, text: "See RFC 9110.\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")

        let first = try Pipeline.load(.file(pipelineFile.path), runningInto: out)
        XCTAssertTrue(first.extract.examplesPassed, "run when the stage was built")
        let fingerprint = RunCache.fingerprint(of: first.configuration)
        XCTAssertFalse(RunCache.kept(in: out, fingerprint: fingerprint).examplesPassed, "no run into the folder yet")
        _ = try await first.run([.path(folder.appendingPathComponent("in.txt").path)],
                                options: RunOptions(outputDirectory: out))
        XCTAssertTrue(RunCache.kept(in: out, fingerprint: fingerprint).examplesPassed)
        XCTAssertNotNil(RunCache.kept(in: out, fingerprint: fingerprint).analyses, "the patterns' analyses are kept")
        XCTAssertNil(RunCache.kept(in: out, fingerprint: fingerprint + "0").analyses)
        XCTAssertFalse(RunCache.kept(in: out, fingerprint: fingerprint + "0").examplesPassed)
        // Rules known to pass are compiled on a thread of their own, and extract what the rules built at once do.
        XCTAssertFalse(first.extractionDeferred)
        XCTAssertEqual(first.fingerprint, fingerprint, "the fingerprint of the run cache, computed once")
        let second = try Pipeline.load(.file(pipelineFile.path), runningInto: out)
        XCTAssertTrue(second.extractionDeferred)
        XCTAssertEqual(second.fingerprint, fingerprint)
        // A run that takes every document from the cache builds no extraction stage; reading the stage builds it.
        let unchanged = try await second.run([.path(folder.appendingPathComponent("in.txt").path)],
                                             options: RunOptions(outputDirectory: out))
        XCTAssertEqual(unchanged.reusedFiles, 1)
        XCTAssertFalse(second.extractionStarted, "nothing to extract, no rules compiled")
        XCTAssertTrue(second.extract.examplesPassed)
        XCTAssertTrue(second.extractionStarted)
        let input = PipelineInput.path(folder.appendingPathComponent("in.txt").path)
        guard case .processed(let eager) = first.process(input), case .processed(let deferred) = second.process(input)
        else { return XCTFail("in.txt not processed") }
        XCTAssertEqual(deferred.map { JSONOutput.bytes($0.record) }, eager.map { JSONOutput.bytes($0.record) })
        XCTAssertEqual(eager.first?.record.references.map(\.id), ["RFC 9110"])

        // An example that no longer holds: the rule file changed (and so the fingerprint), so the rules are built at
        // once, the examples run, and the load fails.
        let broken = rules.replacingOccurrences(of: "RFC 9110", with: "RFC 9111 ")
        XCTAssertNotEqual(broken, rules, "the rule file has an example to break")
        try Data(broken.utf8).write(to: folder.appendingPathComponent("rules/refs.yaml"))
        XCTAssertThrowsError(try Pipeline.load(.file(pipelineFile.path), runningInto: out))
        XCTAssertThrowsError(try Pipeline.load(.file(pipelineFile.path)))
    }
    /// The user's cache of built rules (`RuleBuildCache`) serves a command with no run folder (`lstrace extract`) and
    /// a first run into a new folder: the second load neither runs the examples nor analyzes the patterns, and
    /// extracts what the first did. It is written only by a load whose rules built and passed, and read only under
    /// the same fingerprint.
    func testTheUsersRuleCacheServesCommandsWithoutARunFolder() async throws {
        let rules = try XCTUnwrap(PipelineSource.builtInFiles["rules/references-ietf.yaml"])
        // A rule file of its own, so that the fingerprint is this test's whatever else the process loaded.
        let (folder, pipelineFile) = try Self.pipelineFolder(rules: rules + "\n# \(UUID().uuidString)\n",
                                                             text: "See RFC 9110 and RFC 2119.\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = RuleBuildCache(folder: folder.appendingPathComponent("cache"))

        let first = try Pipeline.load(.file(pipelineFile.path), ruleCache: cache)
        XCTAssertFalse(first.extractionDeferred, "nothing kept yet: the examples run")
        let fingerprint = try XCTUnwrap(first.fingerprint)
        let kept = cache.kept(fingerprint: fingerprint)
        XCTAssertTrue(kept.examplesPassed)
        let analyses = try XCTUnwrap(kept.analyses)
        let fresh = PatternAnalyses()
        fresh.load(analyses, under: fingerprint)
        XCTAssertTrue(fresh.wereLoaded(under: fingerprint), "the analyses read back whole")
        XCTAssertFalse(cache.kept(fingerprint: fingerprint + "0").examplesPassed, "another build or other rules")
        XCTAssertFalse(RuleBuildCache(folder: cache.folder, reads: false).kept(fingerprint: fingerprint).examplesPassed)

        let second = try Pipeline.load(.file(pipelineFile.path), ruleCache: cache)
        XCTAssertTrue(second.extractionDeferred, "examples known to pass")
        XCTAssertEqual(second.fingerprint, fingerprint)
        let input = PipelineInput.path(folder.appendingPathComponent("in.txt").path)
        guard case .processed(let eager) = first.process(input), case .processed(let cached) = second.process(input)
        else { return XCTFail("in.txt not processed") }
        XCTAssertEqual(cached.map { JSONOutput.bytes($0.record) }, eager.map { JSONOutput.bytes($0.record) })
        XCTAssertEqual(eager.first?.record.references.map(\.id), ["RFC 9110", "RFC 2119"])
        // A first run into a folder, served by the user's cache, keeps the same in the folder's run cache.
        let out = folder.appendingPathComponent("out")
        let intoFolder = try Pipeline.load(.file(pipelineFile.path), runningInto: out, ruleCache: cache)
        XCTAssertTrue(intoFolder.extractionDeferred)
        XCTAssertNil(intoFolder.rulesKeptIn)
        _ = try await intoFolder.run([input], options: RunOptions(outputDirectory: out))
        XCTAssertTrue(RunCache.kept(in: out, fingerprint: fingerprint).examplesPassed)
        XCTAssertEqual(RunCache.kept(in: out, fingerprint: fingerprint).analyses, analyses)
        XCTAssertEqual(try Pipeline.load(.file(pipelineFile.path), runningInto: out, ruleCache: nil).rulesKeptIn, out)
        XCTAssertFalse(try Pipeline.load(.file(pipelineFile.path), ruleCache: RuleBuildCache(folder: cache.folder,
                                                                                        reads: false))
                        .extractionDeferred, "--full reads nothing kept")

        // A damaged file is ignored: the rules are built again, and the file written again.
        let file = cache.folder.appendingPathComponent("rules-\(fingerprint).bin")
        let whole = try Data(contentsOf: file)
        try whole.prefix(whole.count / 2).write(to: file)
        XCTAssertFalse(cache.kept(fingerprint: fingerprint).examplesPassed)
        XCTAssertFalse(try Pipeline.load(.file(pipelineFile.path), ruleCache: cache).extractionDeferred)
        XCTAssertTrue(cache.kept(fingerprint: fingerprint).examplesPassed, "written whole again")

        // Rules whose example no longer holds fail to load, and leave nothing in the cache.
        let broken = rules.replacingOccurrences(of: "RFC 9110", with: "RFC 9111 ")
        XCTAssertNotEqual(broken, rules, "the rule file has an example to break")
        try Data(broken.utf8).write(to: folder.appendingPathComponent("rules/refs.yaml"))
        let files = try FileManager.default.contentsOfDirectory(atPath: cache.folder.path)
        XCTAssertThrowsError(try Pipeline.load(.file(pipelineFile.path), ruleCache: cache))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: cache.folder.path), files)
    }

    /// Where the user's cache of built rules lives, and that only the newest files stay.
    func testTheUsersRuleCacheFolderAndItsOldFiles() throws {
        XCTAssertEqual(RuleBuildCache.standard(environment: ["LSTRACE_CACHE_DIR": "/c", "HOME": "/h"])?.folder.path, "/c")
        XCTAssertNil(RuleBuildCache.standard(environment: ["LSTRACE_CACHE_DIR": "", "HOME": "/h"]), "turned off")
        XCTAssertEqual(RuleBuildCache.standard(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"])?.folder.path,
                       "/x/lstrace")
        XCTAssertEqual(RuleBuildCache.standard(environment: ["XDG_CACHE_HOME": "x", "HOME": "/h"])?.folder.path,
                       "/h/.cache/lstrace", "a relative XDG_CACHE_HOME is ignored, as the XDG specification says")
        XCTAssertNil(RuleBuildCache.standard(environment: [:]))
        XCTAssertEqual(RuleBuildCache.standard(environment: ["HOME": "/h"], reads: false)?.reads, false)

        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = RuleBuildCache(folder: folder.appendingPathComponent("deeper/cache"))
        for index in 0..<(RuleBuildCache.keptFiles + 2) {
            cache.keep(fingerprint: "f\(index)", analyses: [UInt8(index)])
            // Apart in time, so that the newest are known.
            let file = cache.folder.appendingPathComponent("rules-f\(index).bin").path
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: Double(1000 + index))],
                                                  ofItemAtPath: file)
        }
        // A temporary file a killed command left, an hour old, and one being written now.
        let leftover = cache.folder.appendingPathComponent(".rules-f0.bin" + AtomicFile.suffix).path
        let writing = cache.folder.appendingPathComponent(".rules-f9.bin" + AtomicFile.suffix).path
        for path in [leftover, writing] { try Data([1]).write(to: URL(fileURLWithPath: path)) }
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                              ofItemAtPath: leftover)
        cache.keep(fingerprint: "f5", analyses: [5])
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1005)],
                                              ofItemAtPath: cache.folder.appendingPathComponent("rules-f5.bin").path)
        XCTAssertFalse(FileManager.default.fileExists(atPath: leftover))
        XCTAssertTrue(FileManager.default.fileExists(atPath: writing))
        try FileManager.default.removeItem(atPath: writing)
        let names = try FileManager.default.contentsOfDirectory(atPath: cache.folder.path).sorted()
        XCTAssertEqual(names, (2..<(RuleBuildCache.keptFiles + 2)).map { "rules-f\($0).bin" })
        XCTAssertEqual(cache.kept(fingerprint: "f5").analyses, [5])
        XCTAssertTrue(cache.kept(fingerprint: "f5").examplesPassed)
        XCTAssertNil(cache.kept(fingerprint: "f1").analyses, "removed")
    }
}

/// Progress reports, collected from any thread.
private final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [RunProgress] = []

    var all: [RunProgress] { lock.withLock { reports } }

    @Sendable func append(_ progress: RunProgress) { lock.withLock { reports.append(progress) } }
}
