import Foundation

/// One traceability finding of `lstrace check`.
public struct Finding: Codable, Hashable, Sendable {
    /// `reference.not-in-corpus`, `reference.malformed`, `reference.ambiguous`, `liaison.deadline-passed`,
    /// `action.unanswered`, `responds-to.cycle`, `id.duplicate`.
    public var id: String
    public var severity: Severity
    /// The node (or first node) concerned.
    public var subject: String
    public var summary: String
    /// Where it shows: the first provenance.
    public var path: String?
    public var line: Int?
    public var column: Int?

    /// As a diagnostic line.
    public var formatted: String {
        Diagnostic(id: id, severity: severity, summary: summary, path: path, line: line, column: column).formatted
    }
}

/// Finds what is broken in the web of references: dangling references by cause, liaisons past their deadline
/// with no reply in the batch, actions nobody answered, cycles of replies, and ids claimed by several documents.
public struct TraceChecker: Sendable {
    /// The day deadlines are judged against, `YYYY-MM-DD`.
    public var asOf: String

    /// Creates a checker.
    public init(asOf: String) {
        self.asOf = asOf
    }

    /// Findings in `graph`, plus malformed-reference diagnostics from the run (placeholders).
    public func check(_ graph: TraceGraph, runDiagnostics: [Diagnostic] = []) -> [Finding] {
        var findings: [Finding] = []
        let replied = Set(graph.edges.filter { $0.relation == "responds-to" }.map(\.target))
        // Dangling references.
        for node in graph.nodes.values.sorted(by: { $0.id < $1.id }) where node.kind == .document && !node.inCorpus {
            let incoming = graph.incoming(node.id).filter { $0.relation == "references" || $0.relation == "responds-to" }
            guard let first = incoming.flatMap(\.provenance).sorted().first else { continue }
            let isReplyTarget = incoming.contains { $0.relation == "responds-to" }
            let citing = Set(incoming.map(\.source)).sorted()
            findings.append(Finding(
                id: "reference.not-in-corpus", severity: isReplyTarget ? .warning : .note, subject: node.id,
                summary: "\(node.id) is not in the batch (\(isReplyTarget ? "answered by" : "referenced by") "
                    + "\(citing.prefix(3).joined(separator: ", "))\(citing.count > 3 ? " and \(citing.count - 3) more" : ""))",
                path: first.document, line: first.line, column: first.column))
        }
        for diagnostic in runDiagnostics where diagnostic.id == "extract.reference.placeholder" {
            findings.append(Finding(id: "reference.malformed", severity: .warning, subject: diagnostic.path ?? "",
                                    summary: diagnostic.summary, path: diagnostic.path, line: diagnostic.line,
                                    column: diagnostic.column))
        }
        for diagnostic in runDiagnostics where diagnostic.id.hasPrefix("link.ambiguous") {
            findings.append(Finding(id: "reference.ambiguous", severity: .warning, subject: diagnostic.path ?? "",
                                    summary: diagnostic.summary, path: diagnostic.path, line: diagnostic.line,
                                    column: diagnostic.column))
        }
        // Deadlines.
        for node in graph.nodes.values.sorted(by: { $0.id < $1.id }) where node.kind == .document && node.inCorpus {
            guard let deadline = node.attributes["deadline"]?.string, deadline < asOf, !replied.contains(node.id) else {
                continue
            }
            let origin = node.provenance.first
            findings.append(Finding(id: "liaison.deadline-passed", severity: .warning, subject: node.id,
                                    summary: "\(node.id) had a reply deadline of \(deadline) and no reply is in the batch",
                                    path: origin?.document, line: origin?.line, column: origin?.column))
        }
        // Actions nobody answered.
        for edge in graph.edges where edge.relation == "states" {
            guard let action = graph.nodes[edge.target], action.kind == .action, !replied.contains(edge.source) else {
                continue
            }
            let origin = action.provenance.first
            let to = action.attributes["to"]?.array?.compactMap(\.string) ?? []
            findings.append(Finding(id: "action.unanswered", severity: .note, subject: edge.source,
                                    summary: "action of \(edge.source)\(to.isEmpty ? "" : " for " + to.joined(separator: ", ")) "
                                        + "has no answering liaison in the batch",
                                    path: origin?.document, line: origin?.line, column: origin?.column))
        }
        // Cycles of replies.
        findings += cycles(graph)
        // Ids claimed by several documents.
        for node in graph.nodes.values.sorted(by: { $0.id < $1.id }) where node.kind == .document {
            let sources = node.attributes["sources"]?.array?.compactMap(\.string) ?? []
            if sources.count > 1 {
                findings.append(Finding(id: "id.duplicate", severity: .warning, subject: node.id,
                                        summary: "\(node.id) is the designation of \(sources.count) documents: "
                                            + sources.joined(separator: ", "),
                                        path: sources.first, line: 1, column: 1))
            }
        }
        return findings
    }

    private func cycles(_ graph: TraceGraph) -> [Finding] {
        var adjacency: [String: [String]] = [:]
        for edge in graph.edges where edge.relation == "responds-to" {
            adjacency[edge.source, default: []].append(edge.target)
        }
        var findings: [Finding] = []
        var state: [String: Int] = [:] // 1 visiting, 2 done
        var stack: [String] = []
        var reported = Set<String>()
        func visit(_ node: String) {
            state[node] = 1
            stack.append(node)
            for next in adjacency[node, default: []].sorted() {
                if state[next] == 1, let start = stack.firstIndex(of: next) {
                    let cycle = Array(stack[start...])
                    let key = cycle.sorted().joined(separator: "|")
                    if reported.insert(key).inserted {
                        let origin = graph.nodes[next]?.provenance.first
                        findings.append(Finding(id: "responds-to.cycle", severity: .error, subject: next,
                                                summary: "replies form a cycle: " + (cycle + [next]).joined(separator: " -> "),
                                                path: origin?.document, line: origin?.line, column: origin?.column))
                    }
                } else if state[next] == nil {
                    visit(next)
                }
            }
            stack.removeLast()
            state[node] = 2
        }
        for node in adjacency.keys.sorted() where state[node] == nil { visit(node) }
        return findings
    }

    /// Today as `YYYY-MM-DD` (UTC).
    public static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
