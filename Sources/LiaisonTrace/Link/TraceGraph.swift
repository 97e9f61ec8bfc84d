import Foundation

/// What a graph node stands for.
public enum NodeKind: String, Codable, Sendable, CaseIterable {
    case document, group, meeting, requirement, action, scope, alias
}

/// What an edge of the graph says of its source and target.
public enum TraceRelation: String, Codable, Sendable, CaseIterable, Comparable {
    case references
    case respondsTo = "responds-to"
    case buildsOn = "builds-on"
    case approvedAt = "approved-at"
    case presentedAt = "presented-at"
    case obsoletes
    case updates
    case revises
    case attachedTo = "attached-to"
    case sentBy = "sent-by"
    case addressedTo = "addressed-to"
    case states
    case scopeOf = "scope-of"
    case aliasOf = "alias-of"

    /// Edges sort by the relation's name.
    public static func < (lhs: TraceRelation, rhs: TraceRelation) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a node or edge came from: the document, the place in it, the matched text and the rule.
public struct GraphProvenance: Codable, Hashable, Sendable, Comparable, JSONWritable {
    public var document: String
    public var line: Int?
    public var column: Int?
    public var text: String?
    public var rule: String

    /// Creates provenance.
    public init(document: String, line: Int? = nil, column: Int? = nil, text: String? = nil, rule: String) {
        self.document = document
        self.line = line
        self.column = column
        self.text = text
        self.rule = rule
    }

    public static func < (lhs: GraphProvenance, rhs: GraphProvenance) -> Bool {
        (lhs.document, lhs.line ?? 0, lhs.column ?? 0, lhs.rule, lhs.text ?? "")
            < (rhs.document, rhs.line ?? 0, rhs.column ?? 0, rhs.rule, rhs.text ?? "")
    }

    /// The place of an extracted item of the record at `document`.
    init(_ document: String, _ item: some Located, text: String? = nil) {
        self.init(document: document, line: item.line, column: item.column, text: text, rule: item.rule)
    }

    /// Writes the provenance object (keys sorted).
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        if let column { writer.field("column", column) }
        writer.field("document", document)
        if let line { writer.field("line", line) }
        writer.field("rule", rule)
        if let text { writer.field("text", text) }
        writer.endObject()
    }

    var json: JSONValue {
        var object: [String: JSONValue] = ["document": .string(document), "rule": .string(rule)]
        if let line { object["line"] = .number(Double(line)) }
        if let column { object["column"] = .number(Double(column)) }
        if let text { object["text"] = .string(text) }
        return .object(object)
    }

    init?(json: JSONValue) {
        guard let document = json["document"]?.string, let rule = json["rule"]?.string else { return nil }
        self.init(document: document, line: json["line"]?.int, column: json["column"]?.int, text: json["text"]?.string,
                  rule: rule)
    }
}

/// A node of the traceability graph.
public struct TraceNode: Sendable, Hashable {
    /// Canonical id: a designation (`SG11-LS159`), a group (`ITU-T SG11`), a meeting (`ITU-T FG-MV#3`) or a
    /// derived id (`SG11-LS159/requirement/1`).
    public var id: String
    /// Display label.
    public var label: String
    /// What it is.
    public var kind: NodeKind
    /// Free-form attributes (`in_corpus`, `doc_kind`, `sdo`, `title`, `aliases`, `sources`...).
    public var attributes: [String: JSONValue]
    /// Where it came from.
    public var provenance: [GraphProvenance]

    /// Creates a node.
    public init(id: String, label: String, kind: NodeKind, attributes: [String: JSONValue] = [:],
                provenance: [GraphProvenance] = []) {
        self.id = id
        self.label = label
        self.kind = kind
        self.attributes = attributes
        self.provenance = provenance
    }

    /// Whether the document is in the batch (documents only; other kinds are always true).
    public var inCorpus: Bool { attributes["in_corpus"]?.bool ?? true }
}

/// A directed edge of the traceability graph.
public struct TraceEdge: Sendable, Hashable {
    public var source: String
    public var target: String
    /// What the edge says.
    public var relation: TraceRelation
    /// Free-form attributes (`purpose`, `status`, `reason`, `count`...).
    public var attributes: [String: JSONValue]
    /// Every place it came from.
    public var provenance: [GraphProvenance]

    /// Creates an edge.
    public init(source: String, target: String, relation: TraceRelation, attributes: [String: JSONValue] = [:],
                provenance: [GraphProvenance] = []) {
        self.source = source
        self.target = target
        self.relation = relation
        self.attributes = attributes
        self.provenance = provenance
    }

    /// A stable id: `source -relation-> target`, plus the purpose for addressed-to edges.
    public var id: String {
        var id = "\(source) -\(relation.rawValue)-> \(target)"
        if let purpose = attributes["purpose"]?.string { id += " (\(purpose))" }
        return id
    }
}

/// The traceability graph: nodes by id, edges in a stable order, and indexes of the edges by source and target.
///
/// Adding is cheap: provenance is appended as it comes, and `finish` sorts edges, removes duplicate provenance and
/// sorts it, once, and builds the indexes. Call `finish` when done adding, before reading provenance or edges.
/// The graph keeps its contents compactly (see `GraphStorage`); `nodes` and `edges` make `TraceNode` and
/// `TraceEdge` values as they are read.
public struct TraceGraph: Sendable {
    var storage = GraphStorage()

    /// An empty graph.
    public init() {}

    /// Nodes by id.
    public var nodes: Nodes { Nodes(storage: storage, withProvenance: true) }

    /// Edges, sorted by source, relation, target (after `finish`).
    public var edges: Edges { Edges(storage: storage, withProvenance: true) }

    /// Nodes and edges without their provenance (cheaper to make, for outputs that draw the graph).
    var nodesWithoutProvenance: Nodes { Nodes(storage: storage, withProvenance: false) }
    var edgesWithoutProvenance: Edges { Edges(storage: storage, withProvenance: false) }

    /// Edges leaving and arriving at `id`, without their provenance.
    func edgesWithoutProvenance(from id: String) -> [TraceEdge] {
        guard storage.finished, let number = storage.pool.find(id) else {
            return edgesWithoutProvenance.filter { $0.source == id }
        }
        return storage.edges(from: number).map { edgesWithoutProvenance[Int($0)] }
    }

    func edgesWithoutProvenance(to id: String) -> [TraceEdge] {
        guard storage.finished, let number = storage.pool.find(id) else {
            return edgesWithoutProvenance.filter { $0.target == id }
        }
        return storage.edges(to: number).map { edgesWithoutProvenance[Int($0)] }
    }

    /// Adds a node, or merges attributes (existing values win unless `overwrite`) and provenance into it.
    public mutating func add(_ node: TraceNode, overwrite: Bool = false) {
        let id = storage.intern(node.id)
        let label = storage.intern(node.label)
        let number = add(node: id, kind: node.kind, label: label, attributes: storage.encode(node.attributes),
                         overwrite: overwrite)
        for provenance in node.provenance { storage.pendingNodePlaces.append(number, storage.place(provenance)) }
    }

    /// Adds node `id` (a pool number) with attributes in storage form, or merges them into it as `add(_:overwrite:)`
    /// does; returns the node's number. What the linker adds by, with its strings interned once: making a
    /// `TraceNode` with a dictionary of attributes for each of a batch's nodes was a fifth of linking.
    @discardableResult
    mutating func add(node id: Int32, kind: NodeKind, label: Int32, attributes: [GraphStorage.Attribute],
                      overwrite: Bool = false, place: GraphStorage.Place? = nil) -> Int32 {
        storage.unfinish()
        if Int(id) >= storage.nodeOf.count {
            storage.nodeOf += [Int32](repeating: -1, count: max(Int(id) + 1 - storage.nodeOf.count, storage.nodeOf.count))
        }
        let number: Int32
        if storage.nodeOf[Int(id)] >= 0 {
            number = storage.nodeOf[Int(id)]
            var items = Array(storage.attributeSlice(storage.nodeAttributes[Int(number)]))
            for attribute in attributes {
                let current = items.firstIndex { $0.key == attribute.key }
                if let current, items[current].tag != .null, !(overwrite && attribute.tag != .null) { continue }
                if let current { items[current] = attribute } else { items.append(attribute) }
            }
            storage.nodeAttributes[Int(number)] = storage.store(items)
            if overwrite || storage.nodeKind[Int(number)] == .alias {
                storage.nodeKind[Int(number)] = kind
                storage.nodeLabel[Int(number)] = label
            }
        } else {
            number = Int32(storage.nodeID.count)
            storage.nodeOf[Int(id)] = number
            storage.nodeID.append(id)
            storage.nodeKind.append(kind)
            storage.nodeLabel.append(label)
            storage.nodeAttributes.append(storage.store(attributes))
        }
        if let place { storage.pendingNodePlaces.append(number, place) }
        return number
    }

    /// Adds an edge, or merges its provenance into the same edge (same id).
    public mutating func add(_ edge: TraceEdge) {
        let source = storage.intern(edge.source)
        let target = storage.intern(edge.target)
        let purpose = edge.attributes[GraphStorage.purposeKey]?.string.map { storage.intern($0) } ?? -1
        let number = add(edge: source, to: target, relation: edge.relation, purpose: purpose,
                         attributes: storage.encode(edge.attributes))
        for provenance in edge.provenance { storage.pendingEdgePlaces.append(number, storage.place(provenance)) }
    }

    /// Adds the edge from `source` to `target` (pool numbers) with attributes in storage form (`purpose`, a pool
    /// number or -1, among them when there is one), or merges them and the place into the same edge; returns the
    /// edge's number.
    @discardableResult
    mutating func add(edge source: Int32, to target: Int32, relation: TraceRelation, purpose: Int32 = -1,
                      attributes: [GraphStorage.Attribute] = [], place: GraphStorage.Place? = nil) -> Int32 {
        storage.unfinish()
        if storage.edgeSlots == nil { storage.indexEdges() }
        let key = GraphStorage.EdgeKey(source: source, target: target, purpose: purpose, relation: relation)
        let number: Int32
        if let existing = storage.edge(key) {
            number = existing
            if !attributes.isEmpty {
                var items = Array(storage.attributeSlice(storage.edgeAttributes[Int(number)]))
                for attribute in attributes where !items.contains(where: { $0.key == attribute.key }) {
                    items.append(attribute)
                }
                storage.edgeAttributes[Int(number)] = storage.store(items)
            }
        } else {
            number = Int32(storage.edgeSource.count)
            storage.edgeSource.append(source)
            storage.edgeTarget.append(target)
            storage.edgeRelation.append(relation)
            storage.edgePurpose.append(purpose)
            storage.edgeAttributes.append(storage.store(attributes))
            storage.indexEdge(number, key: key)
        }
        if let place { storage.pendingEdgePlaces.append(number, place) }
        return number
    }

    /// The pool number of `string` (added to the pool when new), for `add(node:…)` and `add(edge:…)`.
    mutating func intern(_ string: String) -> Int32 {
        storage.intern(string)
    }

    /// Attribute `key` (a pool number) with string value `value`, null when there is none.
    mutating func attribute(_ key: Int32, _ value: String?) -> GraphStorage.Attribute {
        guard let value else { return .init(key: key, tag: .null, payload: 0) }
        return .init(key: key, tag: .string, payload: storage.intern(value))
    }

    /// Attribute `key` (a pool number) with value `value`.
    mutating func attribute(_ key: Int32, json value: JSONValue) -> GraphStorage.Attribute {
        let (tag, payload) = storage.encode(value)
        return .init(key: key, tag: tag, payload: payload)
    }

    /// The place `provenance` in storage form.
    mutating func place(_ provenance: GraphProvenance) -> GraphStorage.Place {
        storage.place(provenance)
    }

    /// Sets one attribute of an existing node.
    public mutating func set(_ key: String, _ value: JSONValue, of id: String) {
        guard let number = storage.node(id) else { return }
        let keyNumber = storage.intern(key)
        var items = Array(storage.attributeSlice(storage.nodeAttributes[Int(number)])).filter { $0.key != keyNumber }
        let (tag, payload) = storage.encode(value)
        items.append(GraphStorage.Attribute(key: keyNumber, tag: tag, payload: payload))
        storage.nodeAttributes[Int(number)] = storage.store(items)
    }

    /// Changes edge attributes in place (ids must stay the same).
    public mutating func updateEdges(_ change: (inout TraceEdge) -> Void) {
        for index in storage.edgeSource.indices {
            var edge = Edges(storage: storage, withProvenance: true)[index]
            let before = edge.attributes
            change(&edge)
            if edge.attributes != before {
                storage.edgeAttributes[index] = storage.store(storage.encode(edge.attributes))
            }
        }
    }

    /// Sorts edges into their stable order, sorts provenance (each place once), and indexes edges by source and
    /// target. Call when done adding (again, it does nothing; adding more undoes it).
    public mutating func finish() {
        storage.finish()
    }

    /// Edges leaving `id`.
    public func outgoing(_ id: String) -> [TraceEdge] {
        guard storage.finished else { return edges.filter { $0.source == id } }
        guard let number = storage.pool.find(id) else { return [] }
        let all = edges
        return storage.edges(from: number).map { all[Int($0)] }
    }

    /// Edges arriving at `id`.
    public func incoming(_ id: String) -> [TraceEdge] {
        guard storage.finished else { return edges.filter { $0.target == id } }
        guard let number = storage.pool.find(id) else { return [] }
        let all = edges
        return storage.edges(to: number).map { all[Int($0)] }
    }

    /// The node id that `name` designates: the id itself, or the node it is an alias of.
    public func resolve(_ name: String) -> String? {
        if let node = nodes[name] {
            if node.kind == .alias, let target = outgoing(name).first(where: { $0.relation == .aliasOf })?.target {
                return target
            }
            return name
        }
        let lowered = name.lowercased()
        return nodes.keys.sorted().first { $0.lowercased() == lowered }
    }

    /// The subgraph within `depth` edges of `center` (both directions), alias nodes included.
    public func neighbourhood(of center: String, depth: Int) -> TraceGraph {
        var keep: Set<String> = [center]
        var frontier: Set<String> = [center]
        for _ in 0..<max(0, depth) {
            var next: Set<String> = []
            for edge in edges where frontier.contains(edge.source) || frontier.contains(edge.target) {
                for id in [edge.source, edge.target] where !keep.contains(id) {
                    next.insert(id)
                }
            }
            keep.formUnion(next)
            frontier = next
        }
        var graph = TraceGraph()
        for id in keep.sorted() { if let node = nodes[id] { graph.add(node) } }
        for edge in edges where keep.contains(edge.source) && keep.contains(edge.target) { graph.add(edge) }
        graph.finish()
        return graph
    }

    /// Whether node number `node` (in the order nodes were added) is a document outside the batch.
    func isMissingDocument(_ node: Int) -> Bool {
        guard storage.nodeKind[node] == .document, let key = storage.pool.find("in_corpus"),
              let attribute = storage.attribute(key, in: storage.nodeAttributes[node]) else { return false }
        return attribute.tag == .false
    }

    /// Attribute `key` of node number `node`.
    func attribute(_ key: String, ofNode node: Int) -> JSONValue? {
        guard let number = storage.pool.find(key),
              let attribute = storage.attribute(number, in: storage.nodeAttributes[node]) else { return nil }
        return storage.decode(attribute)
    }

    /// The kind of the node whose id is pool string `number`.
    func kind(ofPooled number: Int32) -> NodeKind? {
        storage.node(pooled: number).map { storage.nodeKind[Int($0)] }
    }

    /// Every `references` and `responds-to` edge says how its target resolved: `resolved` (a document of the
    /// batch, named by its first `reasonSources` files; the node's `sources` lists them all), `not-in-corpus`; with
    /// the reason.
    mutating func markResolution(reasonSources: Int) {
        let status = storage.intern("status")
        let reasonKey = storage.intern("reason")
        let inCorpusKey = storage.intern("in_corpus")
        let sourcesKey = storage.intern("sources")
        let resolved = storage.intern("resolved")
        let notInCorpus = storage.intern("not-in-corpus")
        let missingReason = storage.intern("no document of the batch carries this designation or an alias of it")
        var reasons: [Int32: Int32] = [:]
        for edge in storage.edgeSource.indices
        where storage.edgeRelation[edge] == .references || storage.edgeRelation[edge] == .respondsTo {
            guard let node = storage.node(pooled: storage.edgeTarget[edge]) else { continue }
            let attributes = storage.nodeAttributes[Int(node)]
            let inCorpus = storage.attribute(inCorpusKey, in: attributes).map { $0.tag != .false } ?? true
            var items = Array(storage.attributeSlice(storage.edgeAttributes[edge]))
                .filter { $0.key != status && $0.key != reasonKey }
            if inCorpus {
                let reason: Int32
                if let known = reasons[node] {
                    reason = known
                } else {
                    let sources = storage.attribute(sourcesKey, in: attributes).map { storage.decode($0) }?
                        .array?.compactMap(\.string) ?? []
                    var text = "in the batch as " + sources.prefix(reasonSources).joined(separator: ", ")
                    if sources.count > reasonSources { text += " and \(sources.count - reasonSources) more" }
                    reason = storage.intern(text)
                    reasons[node] = reason
                }
                items.append(.init(key: status, tag: .string, payload: resolved))
                items.append(.init(key: reasonKey, tag: .string, payload: reason))
            } else {
                items.append(.init(key: status, tag: .string, payload: notInCorpus))
                items.append(.init(key: reasonKey, tag: .string, payload: missingReason))
            }
            storage.edgeAttributes[edge] = storage.store(items)
        }
    }

    /// The nodes of a graph, by id, made as they are read.
    public struct Nodes: Sendable, Sequence {
        let storage: GraphStorage
        let withProvenance: Bool

        /// The node with `id`.
        public subscript(id: String) -> TraceNode? {
            storage.node(id).map { node(Int($0)) }
        }

        /// How many nodes there are.
        public var count: Int { storage.nodeID.count }

        /// The ids, in the order the nodes were added.
        public var keys: [String] { storage.nodeID.map { storage.pool[$0] } }

        /// The nodes, in the order they were added, made one at a time.
        public var values: LazyMapSequence<Range<Int>, TraceNode> {
            (0..<storage.nodeID.count).lazy.map { node($0) }
        }

        func node(_ number: Int) -> TraceNode {
            TraceNode(id: storage.pool[storage.nodeID[number]], label: storage.pool[storage.nodeLabel[number]],
                      kind: storage.nodeKind[number], attributes: storage.dictionary(storage.nodeAttributes[number]),
                      provenance: withProvenance ? storage.places(ofNode: Int32(number)) : [])
        }

        public func makeIterator() -> AnyIterator<(key: String, value: TraceNode)> {
            var index = 0
            return AnyIterator {
                guard index < storage.nodeID.count else { return nil }
                defer { index += 1 }
                return (storage.pool[storage.nodeID[index]], node(index))
            }
        }
    }

    /// The edges of a graph, in their stable order once finished, made as they are read.
    public struct Edges: Sendable, RandomAccessCollection {
        let storage: GraphStorage
        let withProvenance: Bool

        public var startIndex: Int { 0 }
        public var endIndex: Int { storage.edgeSource.count }

        public subscript(index: Int) -> TraceEdge {
            TraceEdge(source: storage.pool[storage.edgeSource[index]], target: storage.pool[storage.edgeTarget[index]],
                      relation: storage.edgeRelation[index],
                      attributes: storage.dictionary(storage.edgeAttributes[index]),
                      provenance: withProvenance ? storage.places(ofEdge: Int32(index)) : [])
        }
    }
}
