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

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    @Option(name: .long, help: "json (JSON Lines) or text (a human summary).")
    var format: Format = .json

    func run() async throws {
        var engine = diagnosticOptions.engine()
        let pipeline = try pipelineOptions.load(reportingTo: &engine).stopping(after: .extract)
        for file in files {
            switch pipeline.process(.path(file)) {
            case .processed(let documents):
                for record in documents.map(\.record) {
                    switch format {
                    case .json: print(try JSONOutput.line(record))
                    case .text: print(RecordSummary.text(of: record))
                    }
                    engine.report(contentsOf: record.diagnostics)
                }
            case .failed(let diagnostic):
                engine.report(diagnostic)
            }
        }
        try engine.finish()
    }
}
