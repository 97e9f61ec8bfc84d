import Foundation

/// What a run keeps of each document for the delta: its files, content hash, primary designation, kind and title.
struct DocumentSummary: Sendable {
    var path: String
    var copies: [String]
    var sha256: String
    var id: String?
    var kind: DocumentKind
    var title: String?

    init(_ record: DocumentRecord) {
        path = record.source.path
        copies = record.source.copies ?? []
        sha256 = record.source.sha256
        id = record.document.ids.first
        kind = record.document.kind
        title = record.document.title
    }
}

/// What a run into an output folder leaves for the next one to compare against (kept in the run cache): its
/// documents, the state of its graph that the delta reports changes of, and the outputs it wrote.
public struct RunState: Sendable, Equatable {
    /// A document of the run: its content hash and its primary designation (or none).
    public struct Document: Sendable, Equatable {
        public var sha256: String
        public var id: String?
    }

    /// The day the run judged deadlines against.
    public var asOf: String
    /// Documents by path.
    public var documents: [String: Document] = [:]
    /// Document nodes in the batch.
    public var inCorpus: Set<String> = []
    /// `responds-to` edges, as `source -> target`.
    public var replies: Set<String> = []
    /// Document nodes referenced or answered but not in the batch.
    public var missing: Set<String> = []
    /// Liaisons past their deadline with no reply.
    public var overdue: Set<String> = []
    /// The search feed's documents by `_id`, with the hash of their JSON.
    public var feed: [String: String] = [:]
    /// The record files by name, with the hash of their bytes.
    public var records: [String: String] = [:]
    /// The store the run left, for the next run to update in place.
    public var store: SearchStore.StoreState?

    /// The state of a run.
    public init(asOf: String) {
        self.asOf = asOf
    }

    /// The state of the graph and documents of a finished run.
    init(asOf: String, documents records: [DocumentSummary], graph: TraceGraph?) {
        self.asOf = asOf
        for record in records {
            for path in [record.path] + record.copies {
                documents[path] = Document(sha256: record.sha256, id: record.id)
            }
        }
        guard let graph else { return }
        let storage = graph.storage
        for node in storage.nodeID.indices where storage.nodeKind[node] == .document && !graph.isMissingDocument(node) {
            inCorpus.insert(storage.pool[storage.nodeID[node]])
        }
        for edge in storage.edgeSource.indices {
            let relation = storage.edgeRelation[edge]
            guard relation == .respondsTo || relation == .references else { continue }
            let (source, target) = (storage.pool[storage.edgeSource[edge]], storage.pool[storage.edgeTarget[edge]])
            if relation == .respondsTo { replies.insert("\(source) -> \(target)") }
            if let node = storage.node(pooled: storage.edgeTarget[edge]), graph.isMissingDocument(Int(node)) {
                missing.insert(target)
            }
        }
        overdue = Set(TraceChecker.overdue(in: graph, asOf: asOf))
    }

    /// The state's binary form, for the cache. Sets and tables are written in the order they hold their elements
    /// (not sorted: they are read back into sets and tables; sorting the tens of thousands of names of 2,000
    /// documents took 7 of the 68 ms of the step that saves the state).
    func bytes() -> [UInt8] {
        var writer = BinaryWriter(capacity: 1 << 16)
        writer.string(asOf)
        writer.array(Array(documents)) { writer, entry in
            writer.string(entry.key)
            writer.string(entry.value.sha256)
            writer.string(entry.value.id)
        }
        for set in [inCorpus, replies, missing, overdue] { writer.strings(Array(set)) }
        for map in [feed, records] {
            writer.array(Array(map)) { $0.string($1.key); $0.string($1.value) }
        }
        writer.bool(store != nil)
        if let store {
            writer.bool(store.stamp != nil)
            if let stamp = store.stamp {
                for value in [stamp.size, stamp.modified, stamp.changes] { writer.int(Int(value)) }
            }
            writer.array(Array(store.rows)) { $0.string($1.key); $0.string($1.value) }
            writer.bool(store.graph != nil)
            if let graph = store.graph {
                writer.words(graph.nodes)
                writer.words(graph.edges)
            }
        }
        return writer.bytes
    }

    init(bytes: [UInt8]) throws {
        var reader = BinaryReader(bytes)
        asOf = try reader.string()
        for (path, document) in try reader.array({ (try $0.string(), Document(sha256: try $0.string(),
                                                                               id: try $0.optionalString())) }) {
            documents[path] = document
        }
        inCorpus = Set(try reader.strings())
        replies = Set(try reader.strings())
        missing = Set(try reader.strings())
        overdue = Set(try reader.strings())
        for (key, value) in try reader.array({ (try $0.string(), try $0.string()) }) { feed[key] = value }
        for (key, value) in try reader.array({ (try $0.string(), try $0.string()) }) { records[key] = value }
        if try reader.bool() {
            var stamp: SearchStore.StoreState.Stamp?
            if try reader.bool() {
                stamp = .init(size: Int64(try reader.int()), modified: Int64(try reader.int()),
                              changes: Int64(try reader.int()))
            }
            var rows: [String: String] = [:]
            for (key, value) in try reader.array({ (try $0.string(), try $0.string()) }) { rows[key] = value }
            var graph: GraphRowDigests?
            if try reader.bool() { graph = GraphRowDigests(nodes: try reader.words(), edges: try reader.words()) }
            store = SearchStore.StoreState(stamp: stamp, rows: rows, graph: graph)
        }
        guard reader.isAtEnd else { throw BinaryReader.Corrupt() }
    }
}

/// What changed since the previous run into the same output folder ("what came in today"): documents added,
/// changed and removed; new liaisons with their senders, addressees and deadlines; replies that arrived;
/// references that became resolved; liaisons that became overdue. Written as `delta.json`.
public struct RunDelta: Sendable {
    /// A file added, changed or removed.
    public struct Document: Sendable {
        public var path: String
        public var id: String?
        public var kind: String?
        public var title: String?
        /// For a file added with bytes the batch already had: the path the document is read under (or, for the
        /// document's own path, its first copy).
        public var copyOf: String?
    }

    /// A liaison that is new in the batch.
    public struct Liaison: Sendable {
        public var id: String
        public var title: String?
        public var from: [String]
        public var to: [Addressee]
        public var deadline: String?
        public var sources: [String]
    }

    /// A document that answers others, with what it answers (new answers only).
    public struct Reply: Sendable {
        public var id: String
        public var answers: [String]
    }

    /// A designation that was cited but missing and is now in the batch, with who cites it.
    public struct Resolved: Sendable {
        public var id: String
        public var citedBy: [String]
    }

    /// A liaison whose deadline passed with no reply since the previous run.
    public struct Overdue: Sendable {
        public var id: String
        public var title: String?
        public var deadline: String
        public var to: [Addressee]
    }

    /// The day deadlines were judged against in this run and in the previous one (nil on the first run).
    public var asOf: String
    public var previousAsOf: String?
    public var added: [Document] = []
    public var changed: [Document] = []
    public var removed: [Document] = []
    public var newLiaisons: [Liaison] = []
    public var replies: [Reply] = []
    public var resolved: [Resolved] = []
    public var overdue: [Overdue] = []

    /// The changes from `previous` (nil: everything is new) to the run of `documents` and `graph`.
    init(previous: RunState?, current: RunState, documents records: [DocumentSummary], graph: TraceGraph?) {
        asOf = current.asOf
        previousAsOf = previous?.asOf
        let knownBytes = Set(previous?.documents.values.map(\.sha256) ?? [])
        for record in records {
            let paths = [record.path] + record.copies
            for path in paths {
                var document = Document(path: path, id: record.id, kind: record.kind.rawValue, title: record.title)
                switch previous?.documents[path] {
                case nil:
                    if paths.count > 1, knownBytes.contains(record.sha256) {
                        document.copyOf = paths.first { $0 != path && previous?.documents[$0] != nil }
                            ?? paths.first { $0 != path }
                    }
                    added.append(document)
                case let known? where known.sha256 != record.sha256:
                    changed.append(document)
                default:
                    break
                }
            }
        }
        added.sort { $0.path < $1.path }
        for (path, known) in previous?.documents ?? [:] where current.documents[path] == nil {
            removed.append(Document(path: path, id: known.id, kind: nil, title: nil))
        }
        removed.sort { $0.path < $1.path }
        guard let graph else { return }
        let storage = graph.storage
        func outgoing(_ id: String) -> [TraceEdge] { graph.edgesWithoutProvenance(from: id) }
        func addressees(_ id: String) -> [Addressee] {
            outgoing(id).filter { $0.relation == .addressedTo }.compactMap { edge in
                // Every addressed-to edge carries the purpose of its addressee.
                edge.attributes["purpose"]?.string.flatMap(Addressee.Purpose.init(rawValue:))
                    .map { Addressee(group: edge.target, purpose: $0) }
            }
        }
        func attribute(_ key: String, of id: String) -> JSONValue? {
            storage.node(id).flatMap { graph.attribute(key, ofNode: Int($0)) }
        }
        for id in current.inCorpus.subtracting(previous?.inCorpus ?? []).sorted() {
            guard attribute("doc_kind", of: id)?.string == DocumentKind.liaison.rawValue else { continue }
            newLiaisons.append(Liaison(
                id: id, title: attribute("title", of: id)?.string,
                from: outgoing(id).filter { $0.relation == .sentBy }.map(\.target), to: addressees(id),
                deadline: attribute("deadline", of: id)?.string,
                sources: attribute("sources", of: id)?.array?.compactMap(\.string) ?? []))
        }
        var answers: [String: [String]] = [:]
        for reply in current.replies.subtracting(previous?.replies ?? []) {
            let parts = reply.components(separatedBy: " -> ")
            guard parts.count == 2, current.inCorpus.contains(parts[0]) else { continue }
            answers[parts[0], default: []].append(parts[1])
        }
        replies = answers.keys.sorted().map { Reply(id: $0, answers: answers[$0]!.sorted()) }
        if let previous {
            var citing: [String: Set<String>] = [:]
            for edge in storage.edgeSource.indices
            where storage.edgeRelation[edge] == .references || storage.edgeRelation[edge] == .respondsTo {
                let target = storage.pool[storage.edgeTarget[edge]]
                guard previous.missing.contains(target), current.inCorpus.contains(target) else { continue }
                citing[target, default: []].insert(storage.pool[storage.edgeSource[edge]])
            }
            resolved = citing.keys.sorted().map { Resolved(id: $0, citedBy: citing[$0]!.sorted()) }
        }
        for id in current.overdue.subtracting(previous?.overdue ?? []).sorted() {
            overdue.append(Overdue(id: id, title: attribute("title", of: id)?.string,
                                   deadline: attribute("deadline", of: id)?.string ?? "", to: addressees(id)))
        }
    }

    /// Whether nothing changed.
    public var isEmpty: Bool {
        added.isEmpty && changed.isEmpty && removed.isEmpty && newLiaisons.isEmpty && replies.isEmpty
            && resolved.isEmpty && overdue.isEmpty
    }

    /// A few lines for the terminal: the counts, then the new liaisons, replies and newly overdue liaisons (at most
    /// `limit` of each).
    public func summary(limit: Int = 5) -> [String] {
        var lines = ["since " + (previousAsOf.map { "the run of \($0)" } ?? "nothing (first run)") + ": "
            + "\(added.count) added, \(changed.count) changed, \(removed.count) removed; "
            + "\(newLiaisons.count) new liaison(s), \(replies.count) reply(ies), \(resolved.count) reference(s) "
            + "resolved, \(overdue.count) newly overdue (as of \(asOf))"]
        func more(_ count: Int) { if count > limit { lines.append("  ... and \(count - limit) more (delta.json)") } }
        for liaison in newLiaisons.prefix(limit) {
            let to = liaison.to.map { "\($0.group) (\($0.purpose))" }.joined(separator: ", ")
            lines.append("  new liaison \(liaison.id): \(liaison.title ?? "(no title)")"
                + (liaison.from.isEmpty ? "" : "; from \(liaison.from.joined(separator: ", "))")
                + (to.isEmpty ? "" : "; to \(to)") + (liaison.deadline.map { "; deadline \($0)" } ?? ""))
        }
        more(newLiaisons.count)
        for reply in replies.prefix(limit) {
            lines.append("  reply \(reply.id) answers \(reply.answers.joined(separator: ", "))")
        }
        more(replies.count)
        for item in overdue.prefix(limit) {
            lines.append("  overdue \(item.id) (deadline \(item.deadline)): \(item.title ?? "(no title)")")
        }
        more(overdue.count)
        return lines
    }

    /// The content of `delta.json` (schema `lstrace.delta/1`, keys sorted).
    public var json: [UInt8] {
        var writer = JSONWriter(capacity: 1 << 14)
        writeJSON(to: &writer) { _ in }
        return writer.bytes + [0x0A]
    }

    /// Writes the content of `delta.json` (without its final line feed); `flush` is called after each listed item,
    /// so that a writer can hand its bytes on as they come (a first run of a large batch adds every document).
    func writeJSON(to writer: inout JSONWriter, flush: (inout JSONWriter) throws -> Void) rethrows {
        writer.beginObject()
        writer.field("as_of", asOf)
        writer.key("counts")
        writer.beginObject()
        writer.field("added", added.count)
        writer.field("changed", changed.count)
        writer.field("new_liaisons", newLiaisons.count)
        writer.field("overdue", overdue.count)
        writer.field("removed", removed.count)
        writer.field("replies", replies.count)
        writer.field("resolved", resolved.count)
        writer.endObject()
        writer.key("documents")
        writer.beginObject()
        for (name, documents) in [("added", added), ("changed", changed), ("removed", removed)] {
            writer.key(name)
            try writer.array(documents, flush: flush) { writer, document in
                writer.beginObject()
                if let copyOf = document.copyOf { writer.field("copy_of", copyOf) }
                writer.field("id", document.id)
                if let kind = document.kind { writer.field("kind", kind) }
                writer.field("path", document.path)
                if document.kind != nil { writer.field("title", document.title) }
                writer.endObject()
            }
        }
        writer.endObject()
        writer.key("new_liaisons")
        try writer.array(newLiaisons, flush: flush) { writer, liaison in
            writer.beginObject()
            writer.field("deadline", liaison.deadline)
            writer.field("from", liaison.from)
            writer.field("id", liaison.id)
            writer.field("sources", liaison.sources)
            writer.field("title", liaison.title)
            writer.field("to", liaison.to)
            writer.endObject()
        }
        writer.key("overdue")
        try writer.array(overdue, flush: flush) { writer, item in
            writer.beginObject()
            writer.field("deadline", item.deadline)
            writer.field("id", item.id)
            writer.field("title", item.title)
            writer.field("to", item.to)
            writer.endObject()
        }
        writer.field("previous_as_of", previousAsOf)
        writer.key("replies")
        try writer.array(replies, flush: flush) { writer, reply in
            writer.beginObject()
            writer.field("answers", reply.answers)
            writer.field("id", reply.id)
            writer.endObject()
        }
        writer.key("resolved")
        try writer.array(resolved, flush: flush) { writer, item in
            writer.beginObject()
            writer.field("cited_by", item.citedBy)
            writer.field("id", item.id)
            writer.endObject()
        }
        writer.field("schema", "lstrace.delta/1")
        writer.endObject()
    }
}
