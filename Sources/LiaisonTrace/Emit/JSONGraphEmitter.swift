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

    /// The file content (sorted keys, deterministic): `document(graph)` as JSONEncoder writes it pretty-printed down
    /// to the edge list and the node table, and each edge and each node on a line of its own, as JSONEncoder writes
    /// it compact (`graphLevels`).
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
        var graph = graph
        if !graph.storage.finished { graph.finish() }
        let storage = graph.storage
        var writer = JSONWriter(prettyLevels: graphLevels, capacity: 1 << 20)
        func flush(_ force: Bool = false) throws {
            if force || writer.bytes.count >= 1 << 20 { try output(writer.takeBytes()) }
        }
        writer.beginObject()
        writer.key("graph")
        writer.beginObject()
        writer.field("directed", true)
        writer.key("edges")
        writer.beginArray()
        var id: [UInt8] = []
        for edge in 0..<storage.edgeSource.count {
            writer.element()
            writer.beginObject()
            writer.field("directed", true)
            writer.key("id")
            storage.edgeID(edge, into: &id)
            id.withUnsafeBufferPointer { writer.string(utf8: $0) }
            writer.key("metadata")
            writeMetadata(storage, storage.edgeAttributes[edge], kind: nil,
                          places: storage.edgePlaces[Int(storage.edgePlaceStarts[edge])..<Int(storage.edgePlaceStarts[edge + 1])],
                          to: &writer)
            writer.field("relation", storage.edgeRelation[edge].rawValue)
            writer.key("source")
            storage.pool.withUTF8(storage.edgeSource[edge]) { writer.string(utf8: $0) }
            writer.key("target")
            storage.pool.withUTF8(storage.edgeTarget[edge]) { writer.string(utf8: $0) }
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
        writer.field("edges", storage.edgeSource.count)
        writer.field("nodes", storage.nodeID.count)
        writer.endObject()
        writer.field("schema", "lstrace.graph/1")
        writer.endObject()
        writer.key("nodes")
        writer.beginObject()
        for node in storage.nodesByUTF8.lazy.map(Int.init) {
            storage.pool.withUTF8(storage.nodeID[node]) { writer.key(utf8: $0) }
            writer.beginObject()
            writer.key("label")
            storage.pool.withUTF8(storage.nodeLabel[node]) { writer.string(utf8: $0) }
            writer.key("metadata")
            writeMetadata(storage, storage.nodeAttributes[node], kind: storage.nodeKind[node],
                          places: storage.nodePlaces[Int(storage.nodePlaceStarts[node])..<Int(storage.nodePlaceStarts[node + 1])],
                          to: &writer)
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

    /// The levels of the file laid out over lines: the document, the `graph` object, and the edge list and node
    /// table, whose entries are one line each. Pretty-printed throughout, the file was 1.75 times as large (66 MB for
    /// 2,000 generated documents, 2.5 GB for 100,000), and writing it was most of the last step of an incremental run.
    static let graphLevels = 3

    private static let kindKey = Array("kind".utf8)
    private static let provenanceKey = Array("provenance".utf8)

    /// A node's or edge's `metadata`: its attributes, its kind (nodes) and its provenance, keys sorted.
    static func writeMetadata(_ storage: GraphStorage, _ range: (start: Int32, count: Int32), kind: NodeKind?,
                              places: ArraySlice<GraphStorage.Place>, to writer: inout JSONWriter) {
        writer.beginObject()
        var pendingKind = kind
        var pendingPlaces = true
        func writeFixed(before key: UnsafeBufferPointer<UInt8>?) {
            func precedes(_ fixed: [UInt8]) -> Bool {
                guard let key else { return true }
                return fixed.lexicographicallyPrecedes(key)
            }
            // "kind" < "provenance": write whichever fixed keys come before `key`, in order.
            if let value = pendingKind, precedes(kindKey) {
                writer.field("kind", value.rawValue)
                pendingKind = nil
            }
            if pendingPlaces, precedes(provenanceKey) {
                writer.key("provenance")
                writer.beginArray()
                for place in places {
                    writer.element()
                    writePlace(storage, place, to: &writer)
                }
                writer.endArray()
                pendingPlaces = false
            }
        }
        for attribute in storage.attributeSlice(range) {
            let skip = storage.pool.withUTF8(attribute.key) { key -> Bool in
                if key.elementsEqual(provenanceKey) || (kind != nil && key.elementsEqual(kindKey)) { return true }
                writeFixed(before: key)
                writer.key(utf8: key)
                return false
            }
            if skip { continue }
            writeValue(storage, attribute, to: &writer)
        }
        writeFixed(before: nil)
        writer.endObject()
    }

    static func writeValue(_ storage: GraphStorage, _ attribute: GraphStorage.Attribute, to writer: inout JSONWriter) {
        switch attribute.tag {
        case .null: writer.null()
        case .false: writer.bool(false)
        case .true: writer.bool(true)
        case .string: storage.pool.withUTF8(attribute.payload) { writer.string(utf8: $0) }
        case .number: writer.double(storage.numbers[Int(attribute.payload)])
        case .strings:
            let (start, count) = storage.lists[Int(attribute.payload)]
            writer.beginArray()
            for item in storage.listItems[Int(start)..<Int(start + count)] {
                writer.element()
                storage.pool.withUTF8(item) { writer.string(utf8: $0) }
            }
            writer.endArray()
        case .other: storage.others[Int(attribute.payload)].writeJSON(to: &writer)
        }
    }

    /// A place as GraphProvenance writes it.
    static func writePlace(_ storage: GraphStorage, _ place: GraphStorage.Place, to writer: inout JSONWriter) {
        writer.beginObject()
        if place.column != GraphStorage.Place.none { writer.field("column", Int(place.column)) }
        writer.key("document")
        storage.pool.withUTF8(place.document) { writer.string(utf8: $0) }
        if place.line != GraphStorage.Place.none { writer.field("line", Int(place.line)) }
        writer.key("rule")
        storage.pool.withUTF8(place.rule) { writer.string(utf8: $0) }
        if place.text >= 0 {
            writer.key("text")
            storage.pool.withUTF8(place.text) { writer.string(utf8: $0) }
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
