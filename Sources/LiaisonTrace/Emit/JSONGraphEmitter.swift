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

    public func open(in directory: URL, context: EmitContext) throws -> any EmitterOutput {
        FinishOnlyOutput { output in
            let stream = try AtomicFile.Stream(path: directory.appendingPathComponent("graph.json").path)
            try Self.write(output.requireGraph(for: Self.id)) { try stream.write($0) }
            try stream.commit()
        }
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

    /// The file content (sorted keys, deterministic): the bytes JSONEncoder gives for `document(graph)`, written
    /// directly.
    public static func data(_ graph: TraceGraph, label: String = "LiaisonTrace traceability graph") throws -> Data {
        Data(bytes(graph, label: label))
    }

    /// The file content as bytes.
    static func bytes(_ graph: TraceGraph, label: String = "LiaisonTrace traceability graph") -> [UInt8] {
        var bytes: [UInt8] = []
        write(graph, label: label) { bytes += $0 }
        return bytes
    }

    /// Writes the file content in pieces of about a megabyte, handing each to `output`.
    static func write(_ graph: TraceGraph, label: String = "LiaisonTrace traceability graph",
                      to output: ([UInt8]) throws -> Void) rethrows {
        var writer = JSONWriter(capacity: 1 << 20)
        func flush(_ force: Bool = false) throws {
            if force || writer.bytes.count >= 1 << 20 { try output(writer.takeBytes()) }
        }
        writer.beginObject()
        writer.key("graph")
        writer.beginObject()
        writer.field("directed", true)
        writer.key("edges")
        writer.beginArray()
        for edge in graph.edges {
            writer.element()
            writer.beginObject()
            writer.field("directed", true)
            writer.field("id", edge.id)
            writer.key("metadata")
            writeMetadata(edge.attributes, kind: nil, provenance: edge.provenance, to: &writer)
            writer.field("relation", edge.relation.rawValue)
            writer.field("source", edge.source)
            writer.field("target", edge.target)
            writer.endObject()
            try flush()
        }
        writer.endArray()
        writer.field("id", "lstrace")
        writer.field("label", label)
        writer.key("metadata")
        writer.beginObject()
        writer.key("counts")
        writer.beginObject()
        writer.field("edges", graph.edges.count)
        writer.field("nodes", graph.nodes.count)
        writer.endObject()
        writer.field("schema", "lstrace.graph/1")
        writer.endObject()
        writer.key("nodes")
        writer.beginObject()
        for id in JSONWriter.sortedKeys(graph.nodes) {
            let node = graph.nodes[id]!
            writer.key(id)
            writer.beginObject()
            writer.field("label", node.label)
            writer.key("metadata")
            writeMetadata(node.attributes, kind: node.kind, provenance: node.provenance, to: &writer)
            writer.endObject()
            try flush()
        }
        writer.endObject()
        writer.field("type", "lstrace.trace/1")
        writer.endObject()
        writer.endObject()
        writer.raw(CollectionOfOne(0x0A))
        try flush(true)
    }

    /// A node's or edge's `metadata`: its attributes, its kind (nodes) and its provenance, keys sorted.
    static func writeMetadata(_ attributes: [String: JSONValue], kind: NodeKind?, provenance: [GraphProvenance],
                              to writer: inout JSONWriter) {
        var keys = attributes.keys.filter { $0 != "provenance" && (kind == nil || $0 != "kind") }
        keys.append("provenance")
        if kind != nil { keys.append("kind") }
        keys.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        writer.beginObject()
        for key in keys {
            switch key {
            case "provenance":
                writer.field(key, provenance)
            case "kind" where kind != nil:
                writer.field(key, kind!.rawValue)
            default:
                writer.field(key, attributes[key]!)
            }
        }
        writer.endObject()
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
