// lstrace-bench: throughput of each stage and each extractor over a folder of documents, in MB/s, beside two
// baselines measured in the same run (reading and UTF-8-decoding the files; one plain regular-expression scan of the
// text). Run it on a release build, with nothing else loading the machine:
//
//     swift run -c release lstrace-bench --corpus ../shared/corpus-real [--repeat 5] [--only ID] [--patterns]
//
// `--only ID` times one stage or extractor (its id, as printed) repeatedly and the rest once, for profiling;
// `--patterns` prints where the regular expressions spent their time; `--frequent-cues` the cue literals found most
// often (each hit is a candidate the engine must sort and maybe confirm).
import Foundation
import LiaisonTrace

struct Options {
    var corpora: [String] = []
    var repeats = 5
    var only: String?
    var patterns = false
    /// Print the cue literals found most often (what makes the literal scan hand out many candidates).
    var frequentCues = false
    var just = false
    var pipeline: String?

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--corpus": corpora.append(try Self.value(&rest, argument))
            case "--repeat": repeats = max(1, Int(try Self.value(&rest, argument)) ?? 5)
            case "--only": only = try Self.value(&rest, argument)
            case "--just":
                only = try Self.value(&rest, argument)
                just = true
            case "--patterns": patterns = true
            case "--frequent-cues": frequentCues = true
            case "--pipeline": pipeline = try Self.value(&rest, argument)
            case "--cues":
                print(PatternCues.describe(try Self.value(&rest, argument)))
                exit(0)
            case "-h", "--help":
                print("usage: lstrace-bench [--corpus DIR]... [DIR...] [--repeat N] [--only ID] [--patterns] "
                    + "[--frequent-cues] "
                    + "[--pipeline FILE] [--just ID] | --cues PATTERN")
                exit(0)
            default:
                guard !argument.hasPrefix("-") else { throw BenchError("unknown option \(argument)") }
                corpora.append(argument)
            }
        }
        if corpora.isEmpty { corpora = ["Corpus"] }
    }

    static func value(_ rest: inout ArraySlice<String>, _ option: String) throws -> String {
        guard let value = rest.popFirst() else { throw BenchError("\(option) needs a value") }
        return value
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

@MainActor
func main() async throws {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    if options.patterns { setenv("LSTRACE_PATTERN_PROFILE", "1", 1) }
    let (files, _) = InputWalker.files(in: options.corpora)
    let pipeline = try Pipeline.load(options.pipeline.map { .file($0) } ?? .builtIn)
    let extraction = pipeline.extract
    let ingestor = pipeline.ingest

    var ingested: [IngestedDocument] = []
    for file in files {
        if let document = try? ingestor.ingest(path: file) { ingested.append(document) }
    }
    let textBytes = ingested.reduce(0) { $0 + $1.text.utf8.count }
    print("\(ingested.count) documents of \(files.count) files, \(textBytes) bytes of ingested text; best of "
        + "\(options.repeats); one core")
    if let summary = extraction.engineSummary { print("engine: \(summary)") }

    func measure(_ name: String, id: String, bytes: Int, _ body: () throws -> Void) rethrows {
        let selected = options.only == nil || options.only == id
        // With --just, only the selected measurement runs (and what it needs: ingest and normalize).
        if options.just, !selected, !["ingest", "normalize", "extract"].contains(id) { return }
        var best = Double.infinity
        for _ in 0..<(selected ? options.repeats : 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let rate = Double(bytes) / best / 1_000_000
        let padded = name.padding(toLength: 46, withPad: " ", startingAt: 0)
        print(padded + String(format: "%9.2f ms %9.1f MB/s", best * 1000, rate))
    }

    let textFiles = files.filter { !$0.hasSuffix(".doc") && !$0.hasSuffix(".pdf") }
    let textFileBytes = textFiles.reduce(0) { $0 + ((try? Data(contentsOf: URL(fileURLWithPath: $1)).count) ?? 0) }
    measure("baseline: read + UTF-8 decode (text files)", id: "read", bytes: textFileBytes) {
        for file in textFiles {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
            _ = String(decoding: data, as: UTF8.self).utf8.count
        }
    }
    let baselinePattern = try NSRegularExpression(pattern: "\\bRFC\\s?\\d{1,5}\\b")
    measure("baseline: one regular-expression scan", id: "regex", bytes: textBytes) {
        for document in ingested {
            _ = baselinePattern.numberOfMatches(in: document.text,
                                                range: NSRange(location: 0, length: document.text.utf16.count))
        }
    }
    measure("ingest (no converters: .doc/.pdf skipped)", id: "ingest", bytes: textFileBytes) {
        for file in textFiles { _ = try? ingestor.ingest(path: file) }
    }
    var analyzed: [AnalyzedDocument] = []
    measure("normalize", id: "normalize", bytes: textBytes) {
        analyzed = ingested.map(AnalyzedDocument.init)
    }
    if options.patterns {
        // How many texts the JIT form may answer for (`ScanText.jitAgrees`).
        let agreeing = analyzed.filter { ScanText($0.normalized.text).jitAgrees }.count
        print("texts ICU and PCRE2 read alike (the JIT form answers): \(agreeing) of \(analyzed.count)")
    }
    if options.frequentCues {
        print("--- cue literals found most often (hits, patterns served)")
        for cue in extraction.frequentCues(in: analyzed, top: 25) {
            print(String(format: "%10d %4d  ", cue.hits, cue.patterns.count) + cue.literal.debugDescription)
            for source in cue.patterns { print("                 " + String(source.prefix(140))) }
        }
    }
    var records: [DocumentRecord] = []
    measure("extract (all extractors)", id: "extract", bytes: textBytes) {
        records = analyzed.map { document in
            var diagnostics: [Diagnostic] = []
            return extraction.run(document, diagnostics: &diagnostics)
        }
    }
    // The shared parts, then each extractor alone on top of the ones before it (they read what earlier ones found).
    measure("  text and cue scan (one pass)", id: "scan", bytes: textBytes) {
        for document in analyzed { extraction.context(for: document).prepareScan() }
    }
    measure("  sentences and outline", id: "outline", bytes: textBytes) {
        for document in analyzed { _ = extraction.context(for: document).outline }
    }
    for (index, extractor) in extraction.extractors.enumerated() {
        let id = type(of: extractor).description.id
        if let only = options.only, only != id, only != "extractors" || options.just { continue }
        let before = Array(extraction.extractors.prefix(index))
        let prepared: [(ExtractionContext, DocumentRecord)] = analyzed.map { document in
            let context = extraction.context(for: document)
            var record = DocumentRecord(source: document.ingested.source)
            var diagnostics: [Diagnostic] = []
            for earlier in before { earlier.extract(from: context, into: &record, diagnostics: &diagnostics) }
            _ = context.outline
            return (context, record)
        }
        measure("  \(id)", id: id, bytes: textBytes) {
            for (context, record) in prepared {
                var copy = record
                var diagnostics: [Diagnostic] = []
                extractor.extract(from: context, into: &copy, diagnostics: &diagnostics)
            }
        }
    }
    measure("link", id: "link", bytes: textBytes) {
        _ = pipeline.link.link(records)
    }
    guard options.only == nil || options.only == "run" else {
        if options.patterns { print(PatternProfile.report()) }
        return
    }
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("lstrace-bench-\(getpid())")
    defer { try? FileManager.default.removeItem(at: output) }
    let inputs = options.corpora.map(PipelineInput.path)
    let fileBytes = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    var run: RunResult?
    let start = DispatchTime.now().uptimeNanoseconds
    run = try await pipeline.run(inputs, options: RunOptions(jobs: 1, outputDirectory: output))
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    let padded = "run, end to end, 1 job (file bytes)".padding(toLength: 46, withPad: " ", startingAt: 0)
    print(padded + String(format: "%9.2f ms %9.1f MB/s", seconds * 1000, Double(fileBytes) / seconds / 1_000_000)
        + "  (\(run?.documents.count ?? 0) records)")
    if options.patterns { print(PatternProfile.report()) }
}

do {
    try await main()
} catch {
    FileHandle.standardError.write(Data("lstrace-bench: \(error)\n".utf8))
    exit(2)
}
