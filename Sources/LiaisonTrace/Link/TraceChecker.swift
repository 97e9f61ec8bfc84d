import Foundation

/// Finds what is broken in the web of references: dangling references by cause, liaisons past their deadline
/// with no reply in the batch, actions nobody answered, cycles of replies, and ids claimed by several documents.
/// Each finding is a diagnostic whose `subject` is the node it is about.
public struct TraceChecker: Sendable {
    /// The day deadlines are judged against, `YYYY-MM-DD`.
    public var asOf: String

    /// Creates a checker.
    public init(asOf: String) {
        self.asOf = asOf
    }

    /// Findings in `graph`, plus malformed-reference diagnostics from the run (placeholders).
    public func check(_ graph: TraceGraph, runDiagnostics: [Diagnostic] = []) -> [Diagnostic] {
        var findings: [Diagnostic] = []
        let replied = Set(graph.edges.filter { $0.relation == .respondsTo }.map(\.target))
        // Dangling references.
        for node in graph.nodes.values.sorted(by: { $0.id < $1.id }) where node.kind == .document && !node.inCorpus {
            let incoming = graph.incoming(node.id).filter { $0.relation == .references || $0.relation == .respondsTo }
            guard let first = incoming.flatMap(\.provenance).sorted().first else { continue }
            let isReplyTarget = incoming.contains { $0.relation == .respondsTo }
            let citing = Set(incoming.map(\.source)).sorted()
            findings.append(Diagnostic(
                .referenceNotInCorpus,
                "\(node.id) is not in the batch (\(isReplyTarget ? "answered by" : "referenced by") "
                    + "\(citing.prefix(3).joined(separator: ", "))\(citing.count > 3 ? " and \(citing.count - 3) more" : ""))",
                at: first.location, severity: isReplyTarget ? .warning : .note, subject: node.id))
        }
        for diagnostic in runDiagnostics where diagnostic.id == "extract.reference.placeholder" {
            findings.append(Diagnostic(.referenceMalformed, diagnostic.summary, at: diagnostic.place,
                                       subject: diagnostic.path ?? ""))
        }
        for diagnostic in runDiagnostics where diagnostic.id.hasPrefix("link.ambiguous") {
            findings.append(Diagnostic(.referenceAmbiguous, diagnostic.summary, at: diagnostic.place,
                                       subject: diagnostic.path ?? ""))
        }
        // Deadlines.
        for id in Self.overdue(in: graph, asOf: asOf, replied: replied) {
            let node = graph.nodes[id]!
            let deadline = node.attributes["deadline"]?.string ?? ""
            let origin = node.provenance.first
            findings.append(Diagnostic(.liaisonDeadlinePassed,
                                       "\(node.id) had a reply deadline of \(deadline) and no reply is in the batch",
                                       at: GraphProvenance.location(of: origin), subject: node.id))
        }
        // Actions nobody answered.
        for edge in graph.edges where edge.relation == .states {
            guard let action = graph.nodes[edge.target], action.kind == .action, !replied.contains(edge.source) else {
                continue
            }
            let origin = action.provenance.first
            let to = action.attributes["to"]?.array?.compactMap(\.string) ?? []
            findings.append(Diagnostic(.actionUnanswered,
                                       "action of \(edge.source)\(to.isEmpty ? "" : " for " + to.joined(separator: ", ")) "
                                           + "has no answering liaison in the batch",
                                       at: GraphProvenance.location(of: origin), subject: edge.source))
        }
        // Cycles of replies.
        findings += cycles(graph)
        // Documents that carry the same designation and say different things about themselves (found when linking).
        for diagnostic in runDiagnostics where diagnostic.id == DiagnosticKind.idDuplicate.id {
            findings.append(diagnostic)
        }
        return findings
    }

    /// Findings in the order a person reads them: first what needs someone (liaisons past their deadline, liaisons
    /// answered in the batch but missing from it, reply cycles, actions nobody answered), then the other warnings and
    /// errors, then the notes about documents and specifications cited but absent from the batch (`folded`: there are
    /// usually many, and they need no one).
    public static func arranged(_ findings: [Diagnostic])
        -> (attention: [Diagnostic], other: [Diagnostic], folded: [Diagnostic]) {
        let order = [DiagnosticKind.liaisonDeadlinePassed.id, DiagnosticKind.referenceNotInCorpus.id,
                     DiagnosticKind.repliesCycle.id, DiagnosticKind.actionUnanswered.id]
        var attention: [[Diagnostic]] = Array(repeating: [], count: order.count)
        var other: [Diagnostic] = []
        var folded: [Diagnostic] = []
        for finding in findings {
            if finding.id == DiagnosticKind.referenceNotInCorpus.id, finding.severity == .note {
                folded.append(finding)
            } else if let index = order.firstIndex(of: finding.id) {
                attention[index].append(finding)
            } else {
                other.append(finding)
            }
        }
        return (attention.flatMap { $0 }, other, folded)
    }

    /// The documents of the batch whose reply deadline is before `asOf` and that no document answers, sorted.
    static func overdue(in graph: TraceGraph, asOf: String, replied: Set<String>? = nil) -> [String] {
        let storage = graph.storage
        var answered = Set<Int32>()
        if let replied {
            for id in replied { if let number = storage.pool.find(id) { answered.insert(number) } }
        } else {
            for edge in storage.edgeSource.indices where storage.edgeRelation[edge] == .respondsTo {
                answered.insert(storage.edgeTarget[edge])
            }
        }
        var overdue: [String] = []
        for node in storage.nodeID.indices where storage.nodeKind[node] == .document && !graph.isMissingDocument(node) {
            guard !answered.contains(storage.nodeID[node]), let deadline = graph.attribute("deadline", ofNode: node)?.string,
                  deadline < asOf else { continue }
            overdue.append(storage.pool[storage.nodeID[node]])
        }
        return overdue.sorted()
    }

    private func cycles(_ graph: TraceGraph) -> [Diagnostic] {
        var adjacency: [String: [String]] = [:]
        for edge in graph.edges where edge.relation == .respondsTo {
            adjacency[edge.source, default: []].append(edge.target)
        }
        var findings: [Diagnostic] = []
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
                        findings.append(Diagnostic(.repliesCycle,
                                                   "replies form a cycle: " + (cycle + [next]).joined(separator: " -> "),
                                                   at: GraphProvenance.location(of: origin), subject: next))
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

    /// Whether `text` is a day, `YYYY-MM-DD`.
    public static func isDay(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 3 && parts.map(\.count) == [4, 2, 2] && parts.allSatisfy { $0.allSatisfy(\.isASCII) }
            && parts.allSatisfy { $0.allSatisfy(\.isNumber) }
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

extension GraphProvenance {
    /// Where a finding about this place points.
    var location: DiagnosticLocation { DiagnosticLocation(path: document, line: line, column: column) }

    /// The location of `provenance`, or none.
    static func location(of provenance: GraphProvenance?) -> DiagnosticLocation {
        provenance?.location ?? DiagnosticLocation(path: nil)
    }
}

extension Diagnostic {
    /// Path, line and column, without the range (findings built from run diagnostics point where those did).
    var place: DiagnosticLocation { DiagnosticLocation(path: path, line: line, column: column) }
}
