import Foundation

/// Writes the graph for GraphViz: one cluster per standards body, node shapes and colours by kind, edge styles
/// by relation, and a legend. Requirement, action and scope nodes are collapsed into a count on their document
/// unless `details` is set, so that whole-corpus diagrams stay legible.
public struct DOTEmitter: Emitter {
    public static let id = "graph-dot"
    public static let summary = "graph.dot, the graph for Graphviz"
    public static let needs = StageName.link

    /// Draw requirement, action and scope nodes one by one.
    public var details: Bool
    /// Node to highlight (the focus of `lstrace graph --focus`).
    public var focus: String?

    /// Creates an emitter.
    public init(details: Bool = false, focus: String? = nil) {
        self.details = details
        self.focus = focus
    }

    public func open(in directory: URL, context: EmitContext) throws -> any EmitterOutput {
        FinishOnlyOutput { output in
            let stream = try AtomicFile.Stream(path: directory.appendingPathComponent("graph.dot").path)
            try write(output.requireGraph(for: Self.id)) { line in try stream.write(line.utf8) }
            try stream.commit()
        }
    }

    static let detailKinds: Set<NodeKind> = [.requirement, .action, .scope]

    /// The DOT text.
    public func dot(_ graph: TraceGraph, title: String = "LiaisonTrace") -> String {
        var text = ""
        write(graph, title: title) { text += $0 }
        return text
    }

    /// Writes the DOT text a line at a time (each with its line feed), so that a whole-batch diagram is never held
    /// as one string.
    func write(_ graph: TraceGraph, title: String = "LiaisonTrace", to output: (String) throws -> Void) rethrows {
        var graph = graph
        if !graph.storage.finished { graph.finish() }
        // Read from the graph's storage by number: a node is made (without provenance) only when it is drawn.
        let storage = graph.storage
        let edgeCount = storage.edgeSource.count
        func kind(_ number: Int32) -> NodeKind? { storage.node(pooled: number).map { storage.nodeKind[Int($0)] } }
        let inCorpusKey = storage.pool.find("in_corpus")
        var collapsed: [Int32: [NodeKind: Int]] = [:]
        var hidden = Set<Int32>()
        if !details {
            for edge in 0..<edgeCount where storage.edgeRelation[edge] == .states {
                if let target = kind(storage.edgeTarget[edge]), Self.detailKinds.contains(target) {
                    collapsed[storage.edgeSource[edge], default: [:]][target, default: 0] += 1
                    hidden.insert(storage.edgeTarget[edge])
                }
            }
        }
        // In whole-batch diagrams, documents outside the batch that are only cited become a count on the citing
        // document; those that are answered, revised, built on or aliased stay (they carry the chains).
        var external: [Int32: Int] = [:]
        if !details, focus == nil {
            for node in 0..<storage.nodeID.count where storage.nodeKind[node] == .document {
                let inCorpus = inCorpusKey.flatMap { storage.attribute($0, in: storage.nodeAttributes[node]) }
                    .map { $0.tag != .false } ?? true
                guard !inCorpus else { continue }
                let id = storage.nodeID[node]
                let incoming = storage.edges(to: id).filter {
                    !hidden.contains(storage.edgeSource[Int($0)]) && storage.edgeRelation[Int($0)] != .aliasOf
                }
                let onlyCited = incoming.allSatisfy { storage.edgeRelation[Int($0)] == .references }
                    && storage.edges(from: id).allSatisfy { storage.edgeRelation[Int($0)] == .aliasOf }
                guard onlyCited else { continue }
                hidden.insert(id)
                for edge in incoming { external[storage.edgeSource[Int(edge)], default: 0] += 1 }
            }
        }
        // In whole-batch diagrams groups are not drawn either: senders and addressees go into the document's label.
        var parties: [Int32: (from: [String], to: [String])] = [:]
        if !details, focus == nil {
            for edge in 0..<edgeCount where storage.edgeRelation[edge] == .sentBy || storage.edgeRelation[edge] == .addressedTo {
                let (source, target) = (storage.edgeSource[edge], storage.edgeTarget[edge])
                guard kind(target) == .group, kind(source) == .document else { continue }
                hidden.insert(target)
                if storage.edgeRelation[edge] == .sentBy {
                    parties[source, default: ([], [])].from.append(storage.pool[target])
                } else {
                    parties[source, default: ([], [])].to.append(storage.pool[target])
                }
            }
            for edge in 0..<edgeCount where kind(storage.edgeTarget[edge]) == .group { hidden.insert(storage.edgeTarget[edge]) }
        }
        // Alias nodes are not drawn: their names go under the node they stand for.
        var aliasNames: [Int32: [String]] = [:]
        for edge in 0..<edgeCount where storage.edgeRelation[edge] == .aliasOf {
            aliasNames[storage.edgeTarget[edge], default: []].append(storage.pool[storage.edgeSource[edge]])
            hidden.insert(storage.edgeSource[edge])
        }
        for line in ["digraph \"\(escape(title))\" {",
                     "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, nodesep=0.3, ranksep=0.6, "
                         + "concentrate=true, "
                         + "label=\"\(escape(title))\", labelloc=t];",
                     "  node [fontname=\"Helvetica\", fontsize=10];",
                     "  edge [fontname=\"Helvetica\", fontsize=8];"] {
            try output(line + "\n")
        }
        // Node numbers by body; each node is made (without provenance) when its line is written.
        let nodes = graph.nodesWithoutProvenance
        var byBody: [String: [Int]] = [:]
        for number in 0..<storage.nodeID.count where !hidden.contains(storage.nodeID[number]) {
            byBody[body(of: storage, number), default: []].append(number)
        }
        for (index, bodyName) in byBody.keys.sorted().enumerated() {
            let members = byBody.removeValue(forKey: bodyName)!
                .map { (id: storage.pool[storage.nodeID[$0]], number: $0) }.sorted { $0.id < $1.id }
            try output("  subgraph \"cluster_\(index)\" {\n")
            try output("    label=\"\(escape(bodyName))\"; style=rounded; color=\"#9e9e9e\"; fontcolor=\"#616161\";\n")
            for member in members {
                let number = storage.nodeID[member.number]
                try output("    " + nodeLine(nodes.node(member.number), counts: collapsed[number],
                                                aliases: aliasNames[number] ?? [], external: external[number] ?? 0,
                                                parties: parties[number]) + "\n")
            }
            try output("  }\n")
        }
        for edge in 0..<edgeCount
        where !hidden.contains(storage.edgeSource[edge]) && !hidden.contains(storage.edgeTarget[edge]) {
            let purpose = storage.edgePurpose[edge]
            try output("  " + edgeLine(TraceEdge(source: storage.pool[storage.edgeSource[edge]],
                                                 target: storage.pool[storage.edgeTarget[edge]],
                                                 relation: storage.edgeRelation[edge],
                                                 attributes: purpose < 0 ? [:] : ["purpose": .string(storage.pool[purpose])]))
                       + "\n")
        }
        for line in legend() { try output(line + "\n") }
        try output("}\n")
    }

    /// The cluster node `number` is drawn in: its group's or meeting's body, or its document's standards body.
    private func body(of storage: GraphStorage, _ number: Int) -> String {
        func attribute(_ key: String) -> String? {
            guard let key = storage.pool.find(key), let value = storage.attribute(key, in: storage.nodeAttributes[number]),
                  value.tag == .string else { return nil }
            return storage.pool[value.payload]
        }
        switch storage.nodeKind[number] {
        case .group: return attribute("body") ?? "other"
        case .meeting: return attribute("body") ?? "meetings"
        default: return attribute("sdo") ?? "unknown body"
        }
    }

    private func nodeLine(_ node: TraceNode, counts: [NodeKind: Int]?, aliases: [String], external: Int,
                          parties: (from: [String], to: [String])?) -> String {
        var label = node.label
        if node.kind == .document, let deadline = node.attributes["deadline"]?.string {
            label += "\ndeadline " + deadline
        }
        if let parties {
            let to = parties.to.count > 3 ? parties.to.prefix(3).joined(separator: ", ") + " +\(parties.to.count - 3)"
                : parties.to.joined(separator: ", ")
            label += "\n" + (parties.from.isEmpty ? "" : parties.from.joined(separator: ", ") + " ") + "→ " + to
        }
        if !aliases.isEmpty { label += "\n(also " + aliases.sorted().joined(separator: ", ") + ")" }
        var parts = [NodeKind.requirement, .action, .scope].compactMap { kind -> String? in
            guard let count = counts?[kind] else { return nil }
            return "\(count) \(kind.rawValue)\(count == 1 ? "" : "s")"
        }
        if external > 0 { parts.append("\(external) cited outside the batch") }
        if !parts.isEmpty { label += "\n[" + parts.joined(separator: ", ") + "]" }
        var attributes: [String] = ["label=\"\(escape(label))\""]
        switch node.kind {
        case .document:
            let docKind = node.attributes["doc_kind"]?.string ?? "other"
            switch docKind {
            case "liaison": attributes += ["shape=note", "fillcolor=\"#fff3c4\""]
            case "deliverable", "specification", "recommendation", "rfc", "standard", "draft", "rfc-series":
                attributes += ["shape=folder", "fillcolor=\"#d7ecff\""]
            case "change-request", "work-item": attributes += ["shape=component", "fillcolor=\"#e8f5e9\""]
            case "email": attributes += ["shape=tab", "fillcolor=\"#f3e5f5\""]
            case "tdoc", "td", "contribution": attributes += ["shape=note", "fillcolor=\"#fffde7\""]
            default: attributes += ["shape=box", "fillcolor=\"#eeeeee\""]
            }
            attributes.append(node.inCorpus ? "style=\"filled\"" : "style=\"filled,dashed\"")
            if !node.inCorpus { attributes.append("fontcolor=\"#616161\"") }
        case .group: attributes += ["shape=ellipse", "style=filled", "fillcolor=\"#e0f2f1\""]
        case .meeting: attributes += ["shape=hexagon", "style=filled", "fillcolor=\"#ede7f6\""]
        case .requirement: attributes += ["shape=box", "style=\"rounded,filled\"", "fillcolor=\"#ffebee\"", "fontsize=8"]
        case .action: attributes += ["shape=cds", "style=filled", "fillcolor=\"#ffe0b2\"", "fontsize=8"]
        case .scope: attributes += ["shape=box", "style=\"rounded,filled\"", "fillcolor=\"#e1f5fe\"", "fontsize=8"]
        case .alias: attributes += ["shape=plaintext", "fontcolor=\"#757575\"", "fontsize=8"]
        }
        if node.id == focus { attributes += ["penwidth=3", "color=\"#d32f2f\""] }
        return "\"\(escape(node.id))\" [\(attributes.joined(separator: ", "))];"
    }

    static let edgeStyles: [TraceRelation: String] = [
        .respondsTo: "color=\"#d32f2f\", penwidth=2",
        .references: "color=\"#9e9e9e\", style=dashed",
        .sentBy: "color=\"#1565c0\"",
        .addressedTo: "color=\"#2e7d32\"",
        .buildsOn: "color=\"#ef6c00\", penwidth=1.5",
        .approvedAt: "color=\"#6a1b9a\"",
        .presentedAt: "color=\"#b39ddb\", style=dashed",
        .obsoletes: "color=\"#000000\", style=bold",
        .updates: "color=\"#000000\"",
        .revises: "color=\"#000000\", style=dotted",
        .attachedTo: "color=\"#795548\", arrowhead=diamond",
        .states: "color=\"#bdbdbd\", arrowhead=none",
        .scopeOf: "color=\"#0277bd\", style=dotted",
        .aliasOf: "color=\"#bdbdbd\", style=dotted, arrowhead=none",
    ]

    private func edgeLine(_ edge: TraceEdge) -> String {
        var attributes = [Self.edgeStyles[edge.relation] ?? "color=\"#000000\""]
        var label = edge.relation.rawValue
        if let purpose = edge.attributes["purpose"]?.string { label = "to (\(purpose))" }
        if edge.relation == .sentBy { label = "from" }
        if ![TraceRelation.references, .states, .aliasOf].contains(edge.relation) {
            attributes.append("label=\"\(escape(label))\"")
        }
        return "\"\(escape(edge.source))\" -> \"\(escape(edge.target))\" [\(attributes.joined(separator: ", "))];"
    }

    private func legend() -> [String] {
        var lines = ["  subgraph \"cluster_legend\" {",
                     "    label=\"Legend\"; style=rounded; color=\"#bdbdbd\"; fontcolor=\"#616161\";",
                     "    node [fontsize=8, width=0.2, height=0.2];",
                     "    \"legend liaison\" [label=\"liaison\", shape=note, style=filled, fillcolor=\"#fff3c4\"];",
                     "    \"legend deliverable\" [label=\"deliverable / spec\", shape=folder, style=filled, fillcolor=\"#d7ecff\"];",
                     "    \"legend missing\" [label=\"not in corpus\", shape=box, style=\"filled,dashed\", fillcolor=\"#eeeeee\"];",
                     "    \"legend group\" [label=\"group\", shape=ellipse, style=filled, fillcolor=\"#e0f2f1\"];",
                     "    \"legend meeting\" [label=\"meeting\", shape=hexagon, style=filled, fillcolor=\"#ede7f6\"];"]
        var previous = "legend liaison"
        for relation in [TraceRelation.respondsTo, .references, .buildsOn, .approvedAt] {
            let node = "legend \(relation.rawValue)"
            lines.append("    \"\(node)\" [label=\"\", shape=point];")
            lines.append("    \"\(previous)\" -> \"\(node)\" [\(Self.edgeStyles[relation]!), label=\"\(relation.rawValue)\"];")
            previous = node
        }
        lines.append("  }")
        return lines
    }

    /// `text` with backslashes, quotes and line ends escaped (one pass over the bytes; most labels need nothing).
    private func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x5C || $0 == 0x22 || $0 == 0x0A }) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(utf8.count + 8)
        for byte in utf8 {
            switch byte {
            case 0x5C: escaped += [0x5C, 0x5C]
            case 0x22: escaped += [0x5C, 0x22]
            case 0x0A: escaped += [0x5C, 0x6E]
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }
}
