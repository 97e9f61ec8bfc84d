import ArgumentParser
import Foundation
import LiaisonTrace

struct ExtractCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extract", abstract: "Print one extraction record per file, one JSON object per line.")

    enum Format: String, ExpressibleByArgument { case json, text }

    @Argument(help: "Files to extract.")
    var files: [String]

    @OptionGroup var pipelineOptions: PipelineOptions

    @Option(name: .long, help: "json (JSON Lines) or text (a human summary).")
    var format: Format = .json

    func run() async throws {
        let processor = try pipelineOptions.processor()
        var failed = false
        for file in files {
            switch processor.process(path: file) {
            case .processed(let processed):
                for record in processed.map(\.record) {
                    switch format {
                    case .json: print(try JSONOutput.line(record))
                    case .text: print(RecordSummary.text(of: record))
                    }
                }
            case .failed(let diagnostic):
                Terminal.printError(diagnostic.formatted)
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}
