import ArgumentParser
import Foundation
import LiaisonTrace

struct DumpCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump", abstract: "Print a file's ingested text with its block kinds (for debugging readers).")

    @Argument(help: "File to dump.")
    var file: String

    @OptionGroup var pipelineOptions: PipelineOptions

    @Flag(name: .long, help: "Print the normalized text instead of the blocks.")
    var normalized = false

    func run() async throws {
        let processor = try pipelineOptions.processor()
        do {
            let document = try processor.ingestor.ingest(path: file)
            for diagnostic in document.diagnostics { Terminal.printError(diagnostic.formatted) }
            if normalized {
                print(AnalyzedDocument(document).normalized.text, terminator: "")
            } else {
                print(DocumentDump.text(of: document), terminator: "")
            }
        } catch {
            Terminal.printError(error.diagnostic(path: file).formatted)
            throw ExitCode(1)
        }
    }
}

struct DumpPipelineCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dump-pipeline", abstract: "Print the pipeline as loaded: stages, limits, converters, rules.")

    @OptionGroup var pipelineOptions: PipelineOptions

    func run() async throws {
        let configuration = try pipelineOptions.load()
        print("version: \(configuration.version)")
        print("stages: \(configuration.stages.joined(separator: " -> "))")
        print("limits: \(String(decoding: try JSONOutput.data(configuration.limits, pretty: false), as: UTF8.self))")
        print("converters: \(String(decoding: try JSONOutput.data(configuration.converters, pretty: false), as: UTF8.self))")
        print("rules: \(configuration.rules.joined(separator: ", "))")
    }
}
