import ArgumentParser
import Foundation
import LiaisonTrace

struct DumpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump", abstract: "Print a file's ingested text with its block kinds (for debugging readers).")

    @Argument(help: "File to dump.")
    var file: String

    @OptionGroup var pipelineOptions: PipelineOptions

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    @Flag(name: .long, help: "Print the normalized text instead of the blocks.")
    var normalized = false

    func run() async throws {
        var engine = diagnosticOptions.engine()
        let pipeline = try pipelineOptions.load(reportingTo: &engine)
        var diagnostics: [Diagnostic] = []
        do {
            let document = try pipeline.ingest.run(.path(file), diagnostics: &diagnostics)
            engine.report(contentsOf: document.diagnostics)
            if normalized {
                print(pipeline.normalize.run(document, diagnostics: &diagnostics).normalized.text, terminator: "")
            } else {
                print(DocumentDump.text(of: document), terminator: "")
            }
        } catch {
            engine.report(error.diagnostic(path: file))
        }
        try engine.finish()
    }
}

struct DumpPipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump-pipeline",
        abstract: "Print the pipeline as loaded, and from where: stages, emitters, limits, converters, rules.")

    @OptionGroup var pipelineOptions: PipelineOptions

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    func run() async throws {
        var engine = diagnosticOptions.engine()
        let pipeline = try pipelineOptions.load(reportingTo: &engine)
        let (source, reason) = pipelineOptions.choice
        let configuration = pipeline.configuration
        switch source {
        case .builtIn:
            print("pipeline: \(source.path) (built into lstrace from Pipelines/default.yaml; --pipeline or "
                + "\(PipelineSource.environmentVariable) chooses another)")
        case .file(let path):
            print("pipeline: \(path) (from \(reason))")
        }
        print("version: \(configuration.version)")
        print("stages: \(configuration.stages.map(\.rawValue).joined(separator: " -> "))")
        print("emit: \(configuration.emit.joined(separator: ", "))")
        print("limits: \(String(decoding: try JSONOutput.data(configuration.limits, pretty: false), as: UTF8.self))")
        print("converters: \(String(decoding: try JSONOutput.data(configuration.converters, pretty: false), as: UTF8.self))")
        print("rules:")
        for rule in configuration.rules { print("  \(rule) -> \(source.resolve(rule))") }
        try engine.finish()
    }
}
