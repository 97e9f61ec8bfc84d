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
public struct TraceGraph: Sendable {
    /// Nodes by id.
    public private(set) var nodes: [String: TraceNode] = [:]
    /// Edges, sorted by source, relation, target (after `finish`).
    public private(set) var edges: [TraceEdge] = []
    private var edgeIndex: [EdgeKey: Int] = [:]
    /// Edge positions by source and by target (after `finish`).
    private var bySource: [String: [Int]] = [:]
    private var byTarget: [String: [Int]] = [:]
    private var indexed = false

    /// What makes an edge the same edge: its id's parts.
    private struct EdgeKey: Hashable {
        var source: String
        var relation: TraceRelation
        var target: String
        var purpose: String?

        init(_ edge: TraceEdge) {
            source = edge.source
            relation = edge.relation
            target = edge.target
            purpose = edge.attributes["purpose"]?.string
        }
    }

    /// An empty graph.
    public init() {}

    /// Adds a node, or merges attributes (existing values win unless `overwrite`) and provenance into it.
    public mutating func add(_ node: TraceNode, overwrite: Bool = false) {
        indexed = false
        if var existing = nodes.removeValue(forKey: node.id) {
            for (key, value) in node.attributes {
                let current = existing.attributes[key]
                if current == nil || current == .null || (overwrite && value != .null) {
                    existing.attributes[key] = value
                }
            }
            if overwrite || existing.kind == .alias { existing.kind = node.kind; existing.label = node.label }
            existing.provenance += node.provenance
            nodes[node.id] = existing
        } else {
            nodes[node.id] = node
        }
    }

    /// Adds an edge, or merges its provenance into the same edge (same id).
    public mutating func add(_ edge: TraceEdge) {
        indexed = false
        let key = EdgeKey(edge)
        if let index = edgeIndex[key] {
            edges[index].provenance += edge.provenance
            for (key, value) in edge.attributes where edges[index].attributes[key] == nil {
                edges[index].attributes[key] = value
            }
        } else {
            edgeIndex[key] = edges.count
            edges.append(edge)
        }
    }

    /// Sets one attribute of an existing node.
    public mutating func set(_ key: String, _ value: JSONValue, of id: String) {
        nodes[id]?.attributes[key] = value
    }

    /// Changes edge attributes in place (ids must stay the same).
    public mutating func updateEdges(_ change: (inout TraceEdge) -> Void) {
        for index in edges.indices {
            change(&edges[index])
        }
    }

    /// Sorts edges into their stable order, sorts provenance (each place once), and indexes edges by source and
    /// target. Call once when done adding.
    public mutating func finish() {
        for id in Array(nodes.keys) {
            nodes[id]!.provenance = Self.normalized(nodes[id]!.provenance)
        }
        for index in edges.indices {
            edges[index].provenance = Self.normalized(edges[index].provenance)
        }
        // Order by source, relation, target, then id: each distinct node id is ranked once, so that the sort compares
        // integers.
        var names = Set<String>()
        for edge in edges {
            names.insert(edge.source)
            names.insert(edge.target)
        }
        var rank: [String: Int] = [:]
        rank.reserveCapacity(names.count)
        for (position, name) in names.sorted().enumerated() { rank[name] = position }
        let keys = edges.map { (rank[$0.source]!, $0.relation, rank[$0.target]!, $0.attributes["purpose"]?.string) }
        let order = edges.indices.sorted { lhs, rhs in
            let (a, b) = (keys[lhs], keys[rhs])
            if a.0 != b.0 { return a.0 < b.0 }
            if a.1 != b.1 { return a.1 < b.1 }
            if a.2 != b.2 { return a.2 < b.2 }
            return edges[lhs].id < edges[rhs].id
        }
        edges = order.map { edges[$0] }
        edgeIndex = [:]
        edgeIndex.reserveCapacity(edges.count)
        bySource = [:]
        byTarget = [:]
        for (index, edge) in edges.enumerated() {
            edgeIndex[EdgeKey(edge)] = index
            bySource[edge.source, default: []].append(index)
            byTarget[edge.target, default: []].append(index)
        }
        indexed = true
    }

    /// Provenance sorted, each place once. (Places that `<` does not tell apart, such as a missing line and line 0,
    /// are ordered by which fields they lack, so that equal places end up next to each other.)
    private static func normalized(_ provenance: [GraphProvenance]) -> [GraphProvenance] {
        guard provenance.count > 1 else { return provenance }
        var sorted = provenance.sorted { lhs, rhs in
            if lhs < rhs { return true }
            if rhs < lhs { return false }
            func absent(_ place: GraphProvenance) -> Int {
                (place.line == nil ? 4 : 0) + (place.column == nil ? 2 : 0) + (place.text == nil ? 1 : 0)
            }
            return absent(lhs) < absent(rhs)
        }
        var kept = 1
        for index in 1..<sorted.count where sorted[index] != sorted[kept - 1] {
            sorted[kept] = sorted[index]
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        return sorted
    }

    /// Edges leaving `id`.
    public func outgoing(_ id: String) -> [TraceEdge] {
        guard indexed else { return edges.filter { $0.source == id } }
        return (bySource[id] ?? []).map { edges[$0] }
    }

    /// Edges arriving at `id`.
    public func incoming(_ id: String) -> [TraceEdge] {
        guard indexed else { return edges.filter { $0.target == id } }
        return (byTarget[id] ?? []).map { edges[$0] }
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
}
