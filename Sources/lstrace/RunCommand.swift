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

    @Flag(name: .long, help: "Print how long each step took (walk, documents, link, each emitter).")
    var timings = false

    func run() async throws {
        var engine = diagnosticOptions.engine()
        let pipeline = try pipelineOptions.load(reportingTo: &engine)
        let interactive = Terminal.isInteractive
        let inputs = (paths.isEmpty ? ["Corpus"] : paths).map(PipelineInput.path)
        let options = RunOptions(jobs: jobs, outputDirectory: URL(fileURLWithPath: out))
        let result = try await pipeline.run(inputs, options: options) { progress in
            guard interactive, case .document(let done, let total, let path) = progress else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K[\(done)/\(total)] \(path)".utf8))
        }
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        engine.report(contentsOf: result.diagnostics)
        if diagnosticOptions.format == .text {
            let written = pipeline.emit.emitters.contains { $0.id == RecordsEmitter.id }
            Terminal.printError("\(result.records.count) records \(written ? "written to \(out)/documents" : "(not written)"), "
                + "\(result.quarantined.count) file(s) quarantined, \(result.diagnostics.count) diagnostic(s)")
        }
        if timings {
            for timing in result.timings {
                Terminal.printError(timing.step.padding(toLength: 24, withPad: " ", startingAt: 0)
                    + String(format: "%8.3f s wall %8.3f s CPU", timing.seconds, timing.cpuSeconds))
            }
        }
        try engine.finish()
    }
}
