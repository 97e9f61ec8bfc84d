// lstrace-bench: throughput of each pipeline stage over a set of documents, beside two baselines measured in
// the same run (reading and UTF-8-decoding the files; one plain NSRegularExpression scan of the text).
// Run it on a release build:  swift run -c release lstrace-bench ../shared/corpus-real [--repeat N]
import Foundation
import LiaisonTrace

@MainActor
func main() async throws {
    var arguments = Array(CommandLine.arguments.dropFirst())
    var repeats = 5
    if let index = arguments.firstIndex(of: "--repeat"), index + 1 < arguments.count {
        repeats = Int(arguments[index + 1]) ?? 5
        arguments.removeSubrange(index...(index + 1))
    }
    let paths = arguments.isEmpty ? ["Corpus"] : arguments
    let (files, _) = InputWalker.files(in: paths)
    let pipeline = try Pipeline.load(.builtIn)
    let extraction = pipeline.extract
    let ingestor = pipeline.ingest

    var ingested: [IngestedDocument] = []
    for file in files {
        if let document = try? ingestor.ingest(path: file) { ingested.append(document) }
    }
    let textBytes = ingested.reduce(0) { $0 + $1.text.utf8.count }
    print("\(ingested.count) documents of \(files.count) files, \(textBytes) bytes of ingested text; best of \(repeats)")

    let onlyExtractor = ProcessInfo.processInfo.environment["ONLY"]
    func measure(_ name: String, bytes: Int, _ body: () throws -> Void) rethrows {
        var best = Double.infinity
        let isOnly = onlyExtractor.map { name.hasSuffix(" " + $0) || ($0 == "all" && name.hasPrefix("extract (all")) } ?? true
        for _ in 0..<(isOnly ? repeats : 1) {
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
    measure("baseline: read + UTF-8 decode (text files)", bytes: textFileBytes) {
        for file in textFiles {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: file))) ?? Data()
            _ = String(decoding: data, as: UTF8.self).utf8.count
        }
    }
    let baselinePattern = try NSRegularExpression(pattern: "\\bRFC\\s?\\d{1,5}\\b")
    measure("baseline: one NSRegularExpression scan", bytes: textBytes) {
        for document in ingested {
            _ = baselinePattern.numberOfMatches(in: document.text, range: NSRange(location: 0, length: document.text.utf16.count))
        }
    }
    measure("ingest (no converters: .doc/.pdf skipped)", bytes: textFileBytes) {
        for file in textFiles { _ = try? ingestor.ingest(path: file) }
    }
    var analyzed: [AnalyzedDocument] = []
    measure("normalize", bytes: textBytes) {
        analyzed = ingested.map(AnalyzedDocument.init)
    }
    var records: [DocumentRecord] = []
    if onlyExtractor == nil || onlyExtractor == "all" {
    measure("extract (all extractors)", bytes: textBytes) {
        records = analyzed.map { document in
            var diagnostics: [Diagnostic] = []
            return extraction.run(document, diagnostics: &diagnostics)
        }
    }
    }
    if Pattern.profiling, onlyExtractor == nil { Pattern.dumpProfile(); return }
    // Each extractor alone, on top of the ones before it (they read what earlier ones found).
    let only = ProcessInfo.processInfo.environment["ONLY"]
    for (index, extractor) in extraction.extractors.enumerated() {
        if let only, type(of: extractor).description.id != only { continue }
        let before = Array(extraction.extractors.prefix(index))
        let prepared: [(ExtractionContext, DocumentRecord)] = analyzed.map { document in
            let context = extraction.context(for: document)
            var record = DocumentRecord(source: document.ingested.source)
            var diagnostics: [Diagnostic] = []
            for earlier in before { earlier.extract(from: context, into: &record, diagnostics: &diagnostics) }
            return (context, record)
        }
        measure("  \(type(of: extractor).description.id)", bytes: textBytes) {
            for (context, record) in prepared {
                var copy = record
                var diagnostics: [Diagnostic] = []
                extractor.extract(from: context, into: &copy, diagnostics: &diagnostics)
            }
        }
    }
    if Pattern.profiling { Pattern.dumpProfile(); return }
    measure("link", bytes: textBytes) {
        _ = pipeline.link.link(records)
    }
}

if let source = ProcessInfo.processInfo.environment["CUES"] { debugCues(source); exit(0) }
try await main()

func debugCues(_ source: String, _ ci: Bool = false) {
    let l = PatternLiteralsDebug.describe(source, ci)
    print(l)
}
