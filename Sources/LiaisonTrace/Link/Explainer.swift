/// `lstrace explain`: every place a node or an edge came from.
public enum Explainer {
    /// Lines explaining `query`: a node id (or alias), or an edge written `SOURCE -> TARGET` or
    /// `SOURCE -relation-> TARGET`. Nil when nothing matches.
    public static func explain(_ query: String, in graph: TraceGraph) -> [String]? {
        if let arrow = query.range(of: "->") {
            var left = query[..<arrow.lowerBound].trimmingCharacters(in: .whitespaces)
            let right = query[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
            var relation: String?
            if let dash = left.range(of: " -", options: .backwards) {
                relation = String(left[dash.upperBound...])
                left = String(left[..<dash.lowerBound])
            }
            guard let source = graph.resolve(left), let target = graph.resolve(right) else { return nil }
            let edges = graph.edges.filter {
                $0.source == source && $0.target == target && (relation == nil || $0.relation.rawValue == relation)
            }
            guard !edges.isEmpty else { return nil }
            return edges.flatMap { edge in ["edge \(edge.id)"] + attributes(edge.attributes) + places(edge.provenance) }
        }
        guard let id = graph.resolve(query), let node = graph.nodes[id] else { return nil }
        var lines = ["node \(node.id) (\(node.kind.rawValue))"]
        if id != query { lines.append("  \(query) is an alias of \(id)") }
        lines += attributes(node.attributes)
        lines += places(node.provenance)
        for edge in graph.outgoing(id) + graph.incoming(id) {
            lines.append("edge \(edge.id)")
            lines += places(edge.provenance)
        }
        return lines
    }

    private static func attributes(_ values: [String: JSONValue]) -> [String] {
        values.keys.sorted().compactMap { key in
            switch values[key]! {
            case .null: return nil
            case .string(let text): return "  \(key): \(text.replacingOccurrences(of: "\n", with: " "))"
            case .bool(let flag): return "  \(key): \(flag)"
            case .number: return "  \(key): \(values[key]!.int.map(String.init) ?? "?")"
            case .array(let items): return "  \(key): " + items.compactMap(\.string).joined(separator: ", ")
            case .object: return nil
            }
        }
    }

    private static func places(_ provenance: [GraphProvenance]) -> [String] {
        provenance.map { place in
            var line = "  from \(place.document):\(place.line ?? 1):\(place.column ?? 1) by rule \(place.rule)"
            if let text = place.text { line += ": \"\(text)\"" }
            return line
        }
    }
}
