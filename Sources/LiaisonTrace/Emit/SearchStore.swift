import Foundation
import GRDB

/// The embedded store of a run (`index.sqlite`): documents, graph nodes and edges, and an FTS5 full-text index
/// over titles, designations, references and text.
public struct SearchStore: Sendable {
    /// The database file.
    public var path: String

    /// A store at `path`.
    public init(path: String) {
        self.path = path
    }

    /// One search hit.
    public struct Hit: Sendable, Equatable {
        public var id: String
        public var path: String
        public var title: String?
        public var kind: String
        /// A short excerpt with the matches in [brackets].
        public var snippet: String
    }

    /// Writes the store anew from `documents` and `graph`.
    public func write(documents: [SearchDocument], graph: TraceGraph) throws {
        let builder = try Builder(path: path)
        for document in documents { try builder.add(document, json: JSONOutput.bytes(document, pretty: false)) }
        try builder.finish(graph: graph)
    }

    /// Builds a store under a temporary name: documents as they come, then the graph; the finished file is renamed
    /// to `path`, so that no half-written store is ever left there. One transaction, prepared statements.
    final class Builder {
        let path: String
        private let temporary: String
        private var queue: DatabaseQueue?
        private var insertDocument: Statement?
        private var insertText: Statement?

        init(path: String) throws {
            self.path = path
            temporary = AtomicFile.temporaryPath(for: path)
            try? FileManager.default.removeItem(atPath: temporary)
            var configuration = Configuration()
            // One transaction spans every document added, from `init` to `finish`.
            configuration.allowsUnsafeTransactions = true
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
            }
            let queue = try DatabaseQueue(path: temporary, configuration: configuration)
            self.queue = queue
            (insertDocument, insertText) = try queue.inDatabase { db in
                try db.execute(sql: """
                    BEGIN;
                    CREATE TABLE documents (path TEXT PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, sdo TEXT,
                                            title TEXT, date TEXT, deadline TEXT, record TEXT NOT NULL);
                    CREATE TABLE nodes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL, metadata TEXT NOT NULL);
                    CREATE TABLE edges (id TEXT PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL,
                                        relation TEXT NOT NULL, metadata TEXT NOT NULL);
                    CREATE INDEX edges_source ON edges(source);
                    CREATE INDEX edges_target ON edges(target);
                    CREATE VIRTUAL TABLE documents_fts USING fts5(path UNINDEXED, ids, title, refs, body,
                                                                  tokenize = 'unicode61 remove_diacritics 2');
                    """)
                return (try db.makeStatement(sql: """
                            INSERT INTO documents (path, id, kind, sdo, title, date, deadline, record)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            """),
                        try db.makeStatement(
                            sql: "INSERT INTO documents_fts (path, ids, title, refs, body) VALUES (?, ?, ?, ?, ?)"))
            }
        }

        deinit {
            if queue != nil {
                insertDocument = nil
                insertText = nil
                try? queue?.close()
                try? FileManager.default.removeItem(atPath: temporary)
            }
        }

        /// Adds a document and its JSON (the search document, compact).
        func add(_ document: SearchDocument, json: [UInt8]) throws {
            try queue!.inDatabase { _ in
                try insertDocument!.execute(arguments: [document.path, document.id, document.kind, document.sdo,
                                                       document.title, document.date, document.deadline,
                                                       String(decoding: json, as: UTF8.self)])
                try insertText!.execute(arguments: [document.path, document.ids.joined(separator: " "),
                                                   document.title ?? "", document.references.joined(separator: " "),
                                                   document.text])
            }
        }

        /// Adds the graph's nodes and edges, commits, and renames the file into place.
        func finish(graph: TraceGraph) throws {
            guard let queue else { return }
            var graph = graph
            if !graph.storage.finished { graph.finish() }
            let storage = graph.storage
            try queue.inDatabase { db in
                let insertNode = try db.makeStatement(
                    sql: "INSERT INTO nodes (id, kind, label, metadata) VALUES (?, ?, ?, ?)")
                for node in storage.nodesByString.map(Int.init) {
                    var metadata = JSONWriter(pretty: false, capacity: 256)
                    JSONGraphEmitter.writeMetadata(storage, storage.nodeAttributes[node], kind: storage.nodeKind[node],
                                                   places: storage.nodePlaces[Int(storage.nodePlaceStarts[node])
                                                       ..< Int(storage.nodePlaceStarts[node + 1])],
                                                   to: &metadata)
                    try insertNode.execute(arguments: [storage.pool[storage.nodeID[node]], storage.nodeKind[node].rawValue,
                                                       storage.pool[storage.nodeLabel[node]],
                                                       String(decoding: metadata.bytes, as: UTF8.self)])
                }
                let insertEdge = try db.makeStatement(
                    sql: "INSERT INTO edges (id, source, target, relation, metadata) VALUES (?, ?, ?, ?, ?)")
                for edge in 0..<storage.edgeSource.count {
                    var attributes = JSONWriter(pretty: false, capacity: 128)
                    attributes.beginObject()
                    for attribute in storage.attributeSlice(storage.edgeAttributes[edge]) {
                        storage.pool.withUTF8(attribute.key) { attributes.key(utf8: $0) }
                        JSONGraphEmitter.writeValue(storage, attribute, to: &attributes)
                    }
                    attributes.endObject()
                    try insertEdge.execute(arguments: [storage.edgeID(edge), storage.pool[storage.edgeSource[edge]],
                                                       storage.pool[storage.edgeTarget[edge]],
                                                       storage.edgeRelation[edge].rawValue,
                                                       String(decoding: attributes.bytes, as: UTF8.self)])
                }
            try db.execute(sql: "COMMIT")
            }
            insertDocument = nil
            insertText = nil
            try queue.close()
            self.queue = nil
            try AtomicFile.replace(path, withFileAt: temporary)
        }
    }

    /// Documents matching `query`, best first. Plain words are searched as quoted terms (so `SG11-LS159` and
    /// `TS 23.501` work as typed); a query using FTS5 syntax (AND, OR, NOT, NEAR, quotes, `*`) is passed through.
    public func search(_ query: String, limit: Int = 20) throws -> [Hit] {
        let queue = try DatabaseQueue(path: path, configuration: {
            var configuration = Configuration()
            configuration.readonly = true
            return configuration
        }())
        let expression = Self.ftsQuery(query)
        return try queue.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT d.id, d.path, d.title, d.kind,
                       snippet(documents_fts, 4, '[', ']', ' … ', 12) AS snippet
                FROM documents_fts JOIN documents d ON d.path = documents_fts.path
                WHERE documents_fts MATCH ?
                ORDER BY bm25(documents_fts, 0.0, 8.0, 4.0, 2.0, 1.0), d.path
                LIMIT ?
                """, arguments: [expression, limit])
            return rows.map { row in
                Hit(id: row["id"], path: row["path"], title: row["title"], kind: row["kind"], snippet: row["snippet"])
            }
        }
    }

    /// SQLite's verdict on the file (`PRAGMA integrity_check`): `ok`, or what is damaged.
    public func integrityCheck() throws -> String {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check").joined(separator: "; ") }
    }

    /// The FTS5 expression for a user query.
    static func ftsQuery(_ query: String) -> String {
        let operators = ["AND", "OR", "NOT", "NEAR"]
        let words = query.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if query.contains("\"") || query.contains("*") || words.contains(where: operators.contains) { return query }
        return words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "") + "\"" }.joined(separator: " ")
    }
}

/// `index.sqlite`: the embedded store of documents, nodes and edges with an FTS5 index (`lstrace search`). Documents
/// go in as they come; nodes and edges when the batch is linked.
public struct SearchStoreEmitter: Emitter {
    public static let id = "store"
    public static let summary = "index.sqlite, documents, nodes, edges and an FTS5 full-text index"
    public static let needs = StageName.link

    /// Creates the emitter.
    public init() {}

    public func open(in directory: URL, context: EmitContext) throws -> any EmitterOutput {
        Output(try SearchStore.Builder(path: directory.appendingPathComponent("index.sqlite").path))
    }

    final class Output: EmitterOutput {
        let builder: SearchStore.Builder

        init(_ builder: SearchStore.Builder) {
            self.builder = builder
        }

        func add(_ document: EmitDocument) throws {
            let search = SearchDocument(record: document.record, text: document.text)
            try builder.add(search, json: JSONOutput.bytes(search, pretty: false,
                                                           capacity: document.text.utf8.count + 1024))
        }

        func finish(_ output: RunOutput) throws {
            try builder.finish(graph: output.requireGraph(for: SearchStoreEmitter.id))
        }
    }
}
