import ArgumentParser
import Foundation
import LiaisonTrace

@main
struct LSTrace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lstrace",
        abstract: "Reads liaison statements and deliverables and builds a traceability graph.",
        subcommands: [RunCommand.self, ExtractCommand.self, GraphCommand.self, SearchCommand.self, CheckCommand.self,
                      ExplainCommand.self,
                      DumpCommand.self, DumpPipelineCommand.self]
    )
}

/// Options shared by commands that run the pipeline.
struct PipelineOptions: ParsableArguments {
    @Option(name: .long, help: "Pipeline file.")
    var pipeline: String = "Pipelines/default.yaml"

    /// Loads the pipeline file; exits with status 2 when it is unusable. A missing default file falls back to
    /// the built-in defaults.
    func load() throws -> PipelineConfiguration {
        if pipeline == "Pipelines/default.yaml", !FileManager.default.fileExists(atPath: pipeline) {
            return PipelineConfiguration()
        }
        do {
            let configuration = try PipelineConfiguration.load(path: pipeline)
            for warning in configuration.warnings { Terminal.printError(warning.formatted) }
            return configuration
        } catch {
            Terminal.printError(error.diagnostic.formatted)
            throw ExitCode(2)
        }
    }

    func processor() throws -> DocumentProcessor {
        let configuration = try load()
        do {
            let extraction = try Extraction(rules: RuleLibrary.load(configuration))
            return DocumentProcessor(ingestor: Ingestor(limits: configuration.limits,
                                                        converters: configuration.converters),
                                     extraction: extraction)
        } catch {
            Terminal.printError(error.diagnostic.formatted)
            throw ExitCode(2)
        }
    }
}

enum Terminal {
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static var isInteractive: Bool { isatty(STDERR_FILENO) == 1 }
}
