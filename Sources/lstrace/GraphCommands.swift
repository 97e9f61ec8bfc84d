import ArgumentParser
import Foundation
import LiaisonTrace

/// Options of commands that read a previous run's outputs.
struct RunOutputOptions: ParsableArguments {
    @Option(name: .customLong("in"), help: "Output folder of a previous `lstrace run`.")
    var input: String = "out"

    @OptionGroup var diagnosticOptions: DiagnosticOptions

    func loadGraph(reportingTo engine: inout DiagnosticEngine) throws -> TraceGraph {
        let path = (input as NSString).appendingPathComponent("graph.json")
        let location = DiagnosticLocation(path: path, line: 1, column: 1)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw engine.fail(Diagnostic(.runOutputMissing, "no graph here; run `lstrace run --out \(input)` first",
                                         at: location))
        }
        do {
            return try JSONGraphEmitter.read(data)
        } catch {
            throw engine.fail(Diagnostic(.runOutputUnreadable, "graph file is not readable JSON Graph Format",
                                         at: location))
        }
    }

    func loadDiagnostics() -> [Diagnostic] {
        let path = (input as NSString).appendingPathComponent("diagnostics.json")
        guard let data = FileManager.default.contents(atPath: path),
              let report = try? JSONDecoder().decode(DiagnosticsReport.self, from: data) else { return [] }
        return report.diagnostics
    }
}

struct GraphCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph", abstract: "The graph of a previous run, whole or around one node.")

    enum Format: String, ExpressibleByArgument { case json, dot, svg }

    @OptionGroup var runOutput: RunOutputOptions

    @Option(name: .long, help: "json (JSON Graph Format), dot (GraphViz) or svg (needs Graphviz's dot).")
    var format: Format = .dot

    @Option(name: .long, help: "Node (or alias) to centre on.")
    var focus: String?

    @Option(name: .long, help: "Edges to follow from the focus.")
    var depth: Int = 2

    @Flag(name: .long, help: "Draw requirement, action and scope nodes instead of counts.")
    var details = false

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() async throws {
        var engine = runOutput.diagnosticOptions.engine()
        var graph = try runOutput.loadGraph(reportingTo: &engine)
        var title = "LiaisonTrace: whole batch"
        var focusID: String?
        if let focus {
            guard let id = graph.resolve(focus) else {
                throw engine.fail(Diagnostic(.graphUnknownNode, "no node '\(focus)' in the graph",
                                             at: DiagnosticLocation(path: "<graph>")))
            }
            focusID = id
            graph = graph.neighbourhood(of: id, depth: depth)
            title = "LiaisonTrace: \(id), depth \(depth)"
        }
        let data: Data
        switch format {
        case .json:
            data = try JSONGraphEmitter.data(graph)
        case .dot:
            data = Data(DOTEmitter(details: details, focus: focusID).dot(graph, title: title).utf8)
        case .svg:
            let dot = DOTEmitter(details: details, focus: focusID).dot(graph, title: title)
            do {
                data = try GraphvizRenderer.svg(fromDOT: dot)
            } catch {
                throw engine.fail(Diagnostic(.graphSVG, error.localizedDescription,
                                             at: DiagnosticLocation(path: "<graph>")))
            }
        }
        if let output {
            try data.write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(data)
        }
    }
}

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Traceability findings: overdue liaisons, missing incoming liaisons, unanswered actions, cycles, "
            + "dangling references, duplicates.")

    enum Format: String, ExpressibleByArgument { case text, json }

    @OptionGroup var runOutput: RunOutputOptions

    @Option(name: .customLong("as-of"), help: "Judge deadlines against this day (YYYY-MM-DD; default today).")
    var asOf: String?

    @Option(name: .long, help: "text or json (every finding, most urgent first).")
    var format: Format = .text

    @Flag(name: .long, help: "Also list each document or specification cited but absent from the batch.")
    var all = false

    func run() async throws {
        var engine = runOutput.diagnosticOptions.engine()
        let graph = try runOutput.loadGraph(reportingTo: &engine)
        let day = asOf ?? TraceChecker.today()
        let findings = TraceChecker(asOf: day).check(graph, runDiagnostics: runOutput.loadDiagnostics())
        let (attention, other, folded) = TraceChecker.arranged(findings)
        // The findings are the command's output: on standard output, every severity (or one JSON array).
        var output = runOutput.diagnosticOptions.engine(printing: nil) { print($0) }
        switch format {
        case .json:
            output.report(contentsOf: attention + other + folded)
            print(String(decoding: try JSONOutput.data(attention + other + folded), as: UTF8.self), terminator: "")
        case .text:
            for line in Self.summary(attention: attention, other: other, folded: folded, all: all, asOf: day) {
                print(line)
            }
            var printing = runOutput.diagnosticOptions.engine(printing: .note) { print($0) }
            for (title, section) in [("Needs a person:", attention), ("Other findings:", other),
                                     ("Cited but not in the batch:", all ? folded : [])] where !section.isEmpty {
                print("")
                print(title)
                printing.report(contentsOf: section)
            }
            output.report(contentsOf: attention + other + folded)
            print("")
            print("\(findings.count) finding(s): \(output.countSummary)"
                + (all || folded.isEmpty ? "" : "; \(folded.count) note(s) about documents cited but not in the batch "
                    + "folded (--all lists them)"))
        }
        try output.finish()
    }

    /// The counts by kind, the most urgent first.
    static func summary(attention: [Diagnostic], other: [Diagnostic], folded: [Diagnostic], all: Bool,
                        asOf: String) -> [String] {
        let total = attention.count + other.count + folded.count
        var lines = ["lstrace check: \(total) finding(s), deadlines as of \(asOf)"]
        func counts(_ findings: [Diagnostic], _ meaning: (Diagnostic) -> String) -> [String] {
            var order: [String] = []
            var count: [String: Int] = [:]
            var meanings: [String: String] = [:]
            for finding in findings {
                let key = "\(finding.id)/\(finding.severity.rawValue)"
                if count[key] == nil { order.append(key) }
                count[key, default: 0] += 1
                meanings[key] = meaning(finding)
            }
            return order.map { key in
                let id = String(key.split(separator: "/")[0])
                return String(format: "  %5d  ", count[key]!) + id.padding(toLength: 26, withPad: " ", startingAt: 0)
                    + meanings[key]!
            }
        }
        if !attention.isEmpty {
            lines.append("needs a person:")
            lines += counts(attention) { finding in
                switch finding.id {
                case DiagnosticKind.liaisonDeadlinePassed.id: return "liaisons past their reply deadline, no reply"
                case DiagnosticKind.referenceNotInCorpus.id: return "liaisons answered in the batch but missing from it"
                case DiagnosticKind.repliesCycle.id: return "replies that form a cycle"
                default: return "actions no liaison of the batch answers"
                }
            }
        } else {
            lines.append("nothing needs a person: no liaison overdue or missing, no unanswered action, no cycle")
        }
        if !other.isEmpty {
            lines.append("other:")
            lines += counts(other) { finding in
                switch finding.id {
                case DiagnosticKind.referenceMalformed.id: return "placeholders where a designation should be"
                case DiagnosticKind.referenceAmbiguous.id: return "designations cited with a title several documents carry"
                case DiagnosticKind.idDuplicate.id: return "one designation, documents whose headers disagree"
                default: return finding.severity.rawValue + "s"
                }
            }
        }
        if !folded.isEmpty {
            lines.append("cited but not in the batch" + (all ? ":" : " (--all lists them):"))
            lines += counts(folded) { _ in "documents and specifications referenced, absent from the batch" }
        }
        return lines
    }
}

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Where a node or edge came from: document, line, matched text, rule.")

    @Argument(help: "A node id or alias, or an edge: 'SOURCE -> TARGET' or 'SOURCE -relation-> TARGET'.")
    var id: String

    @OptionGroup var runOutput: RunOutputOptions

    func run() async throws {
        var engine = runOutput.diagnosticOptions.engine()
        let graph = try runOutput.loadGraph(reportingTo: &engine)
        guard let lines = Explainer.explain(id, in: graph) else {
            throw engine.fail(Diagnostic(.explainUnknown, "no node or edge '\(id)' in the graph",
                                         at: DiagnosticLocation(path: "<graph>")))
        }
        for line in lines { print(line) }
    }
}

struct SearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search", abstract: "Full-text search over the embedded index of a previous run.")

    @Argument(help: "Words, designations (SG11-LS159, TS 23.501) or an FTS5 expression.")
    var query: [String]

    @OptionGroup var runOutput: RunOutputOptions

    @Option(name: .long, help: "Most hits shown.")
    var limit: Int = 20

    func run() async throws {
        var engine = runOutput.diagnosticOptions.engine(printing: .note)
        let path = (runOutput.input as NSString).appendingPathComponent("index.sqlite")
        let location = DiagnosticLocation(path: path, line: 1, column: 1)
        guard FileManager.default.fileExists(atPath: path) else {
            throw engine.fail(Diagnostic(.searchMissing, "no index here; run `lstrace run --out \(runOutput.input)` first",
                                         at: location))
        }
        let hits: [SearchStore.Hit]
        do {
            hits = try SearchStore(path: path).search(query.joined(separator: " "), limit: limit)
        } catch {
            throw engine.fail(Diagnostic(.searchQuery, "search failed: \(error)", at: location))
        }
        for hit in hits {
            print("\(hit.id)  [\(hit.kind)] \(hit.title ?? "")")
            print("    \(hit.path)")
            print("    \(hit.snippet.replacingOccurrences(of: "\n", with: " "))")
        }
        if hits.isEmpty {
            engine.report(Diagnostic(.searchNoMatch, "no match for \(query.joined(separator: " "))", at: location))
        }
        try engine.finish()
    }
}
