import ArgumentParser
import Foundation
import LiaisonTrace

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Process a batch of documents and write records, graph and indexes.")

    @Argument(help: "Files or folders (default: Corpus).")
    var paths: [String] = []

    @OptionGroup var pipelineOptions: PipelineOptions

    @Option(name: .long, help: "Output folder.")
    var out: String = "out"

    @Option(name: .long, help: "Documents processed in parallel.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        let processor = try pipelineOptions.processor()
        let (files, inputDiagnostics) = InputWalker.files(in: paths.isEmpty ? ["Corpus"] : paths)
        for diagnostic in inputDiagnostics { Terminal.printError(diagnostic.formatted) }
        let interactive = Terminal.isInteractive
        let batch = Batch(processor: processor, jobs: jobs)
        var result = await batch.run(files: files) { done, total, path in
            if interactive {
                FileHandle.standardError.write(Data("\r\u{1B}[K[\(done)/\(total)] \(path)".utf8))
            }
        }
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        result.diagnostics = inputDiagnostics + result.diagnostics
        for diagnostic in result.diagnostics where diagnostic.severity >= .warning {
            Terminal.printError(diagnostic.formatted)
        }
        do {
            var linkDiagnostics: [Diagnostic] = []
            let graph = Linker().link(result.records, diagnostics: &linkDiagnostics)
            result.diagnostics += linkDiagnostics
            for diagnostic in linkDiagnostics { Terminal.printError(diagnostic.formatted) }
            try RunWriter(directory: URL(fileURLWithPath: out)).write(result, graph: graph)
        } catch {
            Terminal.printError("\(out):1:1: error: cannot write outputs: \(error.localizedDescription) [emit.write]")
            throw ExitCode(1)
        }
        Terminal.printError("\(result.records.count) records written to \(out)/documents, "
            + "\(result.quarantined.count) file(s) quarantined, \(result.diagnostics.count) diagnostic(s)")
        if result.exitStatus != 0 { throw ExitCode(result.exitStatus) }
    }
}
