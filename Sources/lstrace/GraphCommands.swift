import ArgumentParser
import Foundation
import LiaisonTrace

/// Options of commands that read a previous run's outputs.
struct RunOutputOptions: ParsableArguments {
    @Option(name: .customLong("in"), help: "Output folder of a previous `lstrace run`.")
    var input: String = "out"

    func loadGraph() throws -> TraceGraph {
        let path = (input as NSString).appendingPathComponent("graph.json")
        guard let data = FileManager.default.contents(atPath: path) else {
            Terminal.printError("\(path):1:1: error: no graph here; run `lstrace run --out \(input)` first [graph.missing]")
            throw ExitCode(2)
        }
        do {
            return try JSONGraphEmitter.read(data)
        } catch {
            Terminal.printError("\(path):1:1: error: graph file is not readable JSON Graph Format [graph.unreadable]")
            throw ExitCode(2)
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
        var graph = try runOutput.loadGraph()
        var title = "LiaisonTrace: whole batch"
        var focusID: String?
        if let focus {
            guard let id = graph.resolve(focus) else {
                Terminal.printError("<graph>:1:1: error: no node '\(focus)' in the graph [graph.unknown-node]")
                throw ExitCode(2)
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
                Terminal.printError("<graph>:1:1: error: \(error.localizedDescription) [graph.svg]")
                throw ExitCode(1)
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
        abstract: "Traceability findings: dangling references, overdue liaisons, unanswered actions, cycles, duplicates.")

    enum Format: String, ExpressibleByArgument { case text, json }

    @OptionGroup var runOutput: RunOutputOptions

    @Option(name: .customLong("as-of"), help: "Judge deadlines against this day (YYYY-MM-DD; default today).")
    var asOf: String?

    @Option(name: .long, help: "text or json.")
    var format: Format = .text

    func run() async throws {
        let graph = try runOutput.loadGraph()
        let findings = TraceChecker(asOf: asOf ?? TraceChecker.today()).check(graph,
                                                                                runDiagnostics: runOutput.loadDiagnostics())
        switch format {
        case .json: print(String(decoding: try JSONOutput.data(findings), as: UTF8.self), terminator: "")
        case .text:
            for finding in findings { print(finding.formatted) }
            let counts = Dictionary(grouping: findings, by: \.severity).mapValues(\.count)
            print("\(findings.count) finding(s): \(counts[.error] ?? 0) error(s), \(counts[.warning] ?? 0) warning(s), "
                + "\(counts[.note] ?? 0) note(s)")
        }
        if findings.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}

struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain", abstract: "Where a node or edge came from: document, line, matched text, rule.")

    @Argument(help: "A node id or alias, or an edge: 'SOURCE -> TARGET' or 'SOURCE -relation-> TARGET'.")
    var id: String

    @OptionGroup var runOutput: RunOutputOptions

    func run() async throws {
        let graph = try runOutput.loadGraph()
        guard let lines = Explainer.explain(id, in: graph) else {
            Terminal.printError("<graph>:1:1: error: no node or edge '\(id)' in the graph [explain.unknown]")
            throw ExitCode(1)
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
        let path = (runOutput.input as NSString).appendingPathComponent("index.sqlite")
        guard FileManager.default.fileExists(atPath: path) else {
            Terminal.printError("\(path):1:1: error: no index here; run `lstrace run --out \(runOutput.input)` first [search.missing]")
            throw ExitCode(2)
        }
        let hits: [SearchStore.Hit]
        do {
            hits = try SearchStore(path: path).search(query.joined(separator: " "), limit: limit)
        } catch {
            Terminal.printError("\(path):1:1: error: search failed: \(error) [search.query]")
            throw ExitCode(2)
        }
        for hit in hits {
            print("\(hit.id)  [\(hit.kind)] \(hit.title ?? "")")
            print("    \(hit.path)")
            print("    \(hit.snippet.replacingOccurrences(of: "\n", with: " "))")
        }
        if hits.isEmpty { Terminal.printError("no match for \(query.joined(separator: " "))") }
    }
}
