import ArgumentParser
import Foundation
import LiaisonTrace

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Process a batch of documents and write records, graph and indexes.")

    @Argument(help: "Files or folders (default: Corpus).")
    var paths: [String] = []

    @OptionGroup var pipelineOptions: PipelineOptions

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    @Option(name: .long, help: "Output folder.")
    var out: String = "out"

    @Option(name: .long, help: "Documents processed in parallel.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(name: .long, help: "Process every document again, ignoring the run cache of the output folder.")
    var full = false

    @Option(name: .customLong("as-of"), help: "Judge deadlines against this day for the delta (YYYY-MM-DD; default today).")
    var asOf: String?

    @Option(name: .long, help: "What search.ndjson holds: full (every document) or delta (changes since the previous run).")
    var feed: FeedMode = .full

    @Option(name: .long, help: ArgumentHelp("Read only the files of the folders that match this glob (repeatable).",
                                            valueName: "glob"))
    var include: [String] = []

    @Option(name: .long, help: ArgumentHelp("Do not read the files (or folders) that match this glob (repeatable).",
                                            valueName: "glob"))
    var exclude: [String] = []

    @Flag(name: .long, help: "Print how long each step took (walk, hash, documents, link, each emitter).")
    var timings = false

    func run() async throws {
        var engine = diagnosticOptions.engine()
        // With --full the examples run again and every pattern is analyzed again, as everything else is done again
        // (what that makes is still kept for the next commands).
        let pipeline = try pipelineOptions.load(reportingTo: &engine,
                                                runningInto: full ? nil : URL(fileURLWithPath: out),
                                                ruleCache: .standard(reads: !full))
        let interactive = Terminal.isInteractive
        let inputs = (paths.isEmpty ? ["Corpus"] : paths).map(PipelineInput.path)
        if let asOf, !TraceChecker.isDay(asOf) {
            throw engine.fail(Diagnostic(.usageInvalid, "--as-of '\(asOf)' is not a day (YYYY-MM-DD)",
                                         at: DiagnosticLocation(path: "<command-line>")))
        }
        let options = RunOptions(jobs: jobs, outputDirectory: URL(fileURLWithPath: out), full: full, asOf: asOf,
                                 feed: feed, retainsDocuments: false,
                                 walk: InputWalker.Options(include: include, exclude: exclude))
        let result = try await pipeline.run(inputs, options: options) { progress in
            guard interactive, case .document(let done, let total, let path) = progress else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K[\(done)/\(total)] \(path)".utf8))
        }
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        engine.report(contentsOf: result.diagnostics)
        if diagnosticOptions.format == .text {
            let written = pipeline.emit.emitters.contains { $0.id == RecordsEmitter.id }
            Terminal.printError("\(result.documentCount) records \(written ? "written to \(out)/documents" : "(not written)"), "
                + "\(result.quarantined.count) file(s) quarantined, \(result.diagnostics.count) diagnostic(s); "
                + "\(result.reusedFiles) file(s) unchanged since the last run, taken from its cache")
            for line in result.delta?.summary() ?? [] { Terminal.printError(line) }
        }
        if timings {
            for timing in result.timings {
                Terminal.printError(timing.step.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + String(format: "%8.3f s wall %8.3f s CPU %8.1f MB resident %8.1f MB peak", timing.seconds,
                             timing.cpuSeconds, Double(timing.residentBytes) / 1e6,
                             Double(timing.peakResidentBytes) / 1e6))
            }
        }
        try engine.finish()
    }
}
extension FeedMode: ExpressibleByArgument {}
