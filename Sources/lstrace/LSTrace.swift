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

    /// Runs the command; a command line that does not parse is a `usage.invalid` error with exit status 2.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let lines = fullMessage(for: error).split(separator: "\n", omittingEmptySubsequences: false)
            let summary = String(lines.first ?? "").replacingOccurrences(of: "Error: ", with: "")
            var engine = DiagnosticEngine()
            engine.report(Diagnostic(.usageInvalid, summary, at: DiagnosticLocation(path: "<command-line>")))
            DiagnosticEngine.standardError(lines.dropFirst().joined(separator: "\n"))
            Foundation.exit(engine.exitStatus)
        }
    }
}

/// How a command prints its diagnostics and what fails it.
struct DiagnosticOptions: ParsableArguments {
    @Option(name: .customLong("diagnostics-format"),
            help: "text (path:line:column: severity: summary [id]) or json (one JSON object per line).")
    var format: DiagnosticEngine.Format = .text

    @Flag(name: .long, help: "Warnings fail the command too (exit status 1).")
    var strict = false

    /// An engine printing to standard error everything from `printedSeverity` up (nothing when nil).
    func engine(printing printedSeverity: Severity? = .warning,
                write: @escaping (String) -> Void = DiagnosticEngine.standardError) -> DiagnosticEngine {
        DiagnosticEngine(format: format, strict: strict, printedSeverity: printedSeverity, write: write)
    }
}

extension DiagnosticEngine.Format: ExpressibleByArgument {}

extension DiagnosticEngine {
    /// Ends the command with the engine's exit status when it is not 0.
    func finish() throws {
        if exitStatus != 0 { throw ExitCode(exitStatus) }
    }

    /// Reports `diagnostic` and ends the command with the resulting exit status.
    mutating func fail(_ diagnostic: Diagnostic) -> ExitCode {
        report(diagnostic)
        return ExitCode(exitStatus == 0 ? 1 : exitStatus)
    }
}

/// Options shared by commands that run the pipeline.
struct PipelineOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Pipeline file (default: $\(PipelineSource.environmentVariable) when set, else the pipeline built into "
            + "lstrace from Pipelines/default.yaml).", valueName: "file"))
    var pipeline: String?

    /// The pipeline file chosen, and why.
    var choice: (source: PipelineSource, reason: String) { PipelineSource.choose(option: pipeline) }

    /// Loads and builds the pipeline (for a run into `outputDirectory`: with what a run into that folder kept, else
    /// with what the user's cache of built rules kept, see `Pipeline.load(_:runningInto:ruleCache:)`); a pipeline or
    /// rule file that is missing or invalid is reported and ends the command with exit status 2.
    func load(reportingTo engine: inout DiagnosticEngine, runningInto outputDirectory: URL? = nil,
              ruleCache: RuleBuildCache? = .standard()) throws -> Pipeline {
        do {
            return try Pipeline.load(choice.source, runningInto: outputDirectory, ruleCache: ruleCache)
        } catch {
            throw engine.fail(error.diagnostic)
        }
    }
}

enum Terminal {
    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static var isInteractive: Bool { isatty(STDERR_FILENO) == 1 }
}
