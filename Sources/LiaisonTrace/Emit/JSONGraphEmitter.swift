import Foundation

/// Writes and reads the graph as JSON Graph Format v2: `{"graph": {"directed": true, "nodes": {ID: {label,
/// metadata}}, "edges": [{source, target, relation, metadata}]}}`. Node kind, attributes and provenance live in
/// `metadata`, as JGF allows nothing else on nodes.
public struct JSONGraphEmitter: Emitter {
    public static let id = "graph-json"
    public static let summary = "graph.json, the traceability graph in JSON Graph Format v2"
    public static let needs = StageName.link

    /// Creates the emitter.
    public init() {}

    public func write(_ output: RunOutput, to directory: URL) throws {
        try Self.data(output.requireGraph(for: Self.id)).write(to: directory.appendingPathComponent("graph.json"))
    }

    /// The JGF document of `graph`.
    public static func document(_ graph: TraceGraph, label: String = "LiaisonTrace traceability graph") -> JSONValue {
        var nodes: [String: JSONValue] = [:]
        for (id, node) in graph.nodes {
            var metadata = node.attributes
            metadata["kind"] = .string(node.kind.rawValue)
            metadata["provenance"] = .array(node.provenance.map(\.json))
            nodes[id] = .object(["label": .string(node.label), "metadata": .object(metadata)])
        }
        let edges: [JSONValue] = graph.edges.map { edge in
            var metadata = edge.attributes
            metadata["provenance"] = .array(edge.provenance.map(\.json))
            return .object(["id": .string(edge.id), "source": .string(edge.source), "target": .string(edge.target),
                            "relation": .string(edge.relation.rawValue), "directed": true, "metadata": .object(metadata)])
        }
        let counts: [String: JSONValue] = [
            "nodes": .number(Double(graph.nodes.count)), "edges": .number(Double(graph.edges.count)),
        ]
        return .object(["graph": .object([
            "id": "lstrace", "type": "lstrace.trace/1", "label": .string(label), "directed": true,
            "metadata": .object(["schema": "lstrace.graph/1", "counts": .object(counts)]),
            "nodes": .object(nodes), "edges": .array(edges),
        ])])
    }

    /// The file content (sorted keys, deterministic).
    public static func data(_ graph: TraceGraph) throws -> Data {
        try JSONOutput.data(document(graph))
    }

    /// Reads a graph written by `data(_:)`.
    public static func read(_ data: Data) throws -> TraceGraph {
        let value = try JSONDecoder().decode(JSONValue.self, from: data)
        guard let graphValue = value["graph"], let nodes = graphValue["nodes"]?.object else {
            throw CocoaError(.coderReadCorrupt)
        }
        var graph = TraceGraph()
        for (id, nodeValue) in nodes {
            var attributes = nodeValue["metadata"]?.object ?? [:]
            let kind = attributes.removeValue(forKey: "kind")?.string.flatMap(NodeKind.init(rawValue:)) ?? .document
            let provenance = attributes.removeValue(forKey: "provenance")?.array?.compactMap(GraphProvenance.init(json:))
                ?? []
            graph.add(TraceNode(id: id, label: nodeValue["label"]?.string ?? id, kind: kind, attributes: attributes,
                                provenance: provenance))
        }
        for edgeValue in graphValue["edges"]?.array ?? [] {
            guard let source = edgeValue["source"]?.string, let target = edgeValue["target"]?.string else { continue }
            guard let relation = edgeValue["relation"]?.string.flatMap(TraceRelation.init(rawValue:)) else {
                throw CocoaError(.coderReadCorrupt)
            }
            var attributes = edgeValue["metadata"]?.object ?? [:]
            let provenance = attributes.removeValue(forKey: "provenance")?.array?.compactMap(GraphProvenance.init(json:))
                ?? []
            graph.add(TraceEdge(source: source, target: target, relation: relation,
                                attributes: attributes, provenance: provenance))
        }
        graph.finish()
        return graph
    }
}
