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

    /// Writes the store anew; `encoded` holds each document's JSON when it was encoded beforehand.
    public func write(documents: [SearchDocument], encoded: [Data?]? = nil, graph: TraceGraph) throws {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
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
            for (index, document) in documents.enumerated() {
                let data = try encoded?[index] ?? JSONOutput.data(document, pretty: false)
                let json = String(decoding: data, as: UTF8.self)
                try db.execute(sql: """
                    INSERT INTO documents (path, id, kind, sdo, title, date, deadline, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [document.path, document.id, document.kind, document.sdo, document.title,
                                     document.date, document.deadline, json])
                try db.execute(sql: "INSERT INTO documents_fts (path, ids, title, refs, body) VALUES (?, ?, ?, ?, ?)",
                               arguments: [document.path, document.ids.joined(separator: " "), document.title ?? "",
                                           document.references.joined(separator: " "), document.text])
            }
            let graphDocument = JSONGraphEmitter.document(graph)
            for (id, node) in (graphDocument["graph"]?["nodes"]?.object ?? [:]).sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO nodes (id, kind, label, metadata) VALUES (?, ?, ?, ?)",
                               arguments: [id, node["metadata"]?["kind"]?.string ?? "", node["label"]?.string ?? id,
                                           String(decoding: try JSONOutput.data(node["metadata"] ?? .null, pretty: false),
                                                  as: UTF8.self)])
            }
            for edge in graph.edges {
                try db.execute(sql: "INSERT INTO edges (id, source, target, relation, metadata) VALUES (?, ?, ?, ?, ?)",
                               arguments: [edge.id, edge.source, edge.target, edge.relation.rawValue,
                                           String(decoding: try JSONOutput.data(edge.attributes, pretty: false),
                                                  as: UTF8.self)])
            }
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

    /// The FTS5 expression for a user query.
    static func ftsQuery(_ query: String) -> String {
        let operators = ["AND", "OR", "NOT", "NEAR"]
        let words = query.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        if query.contains("\"") || query.contains("*") || words.contains(where: operators.contains) { return query }
        return words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "") + "\"" }.joined(separator: " ")
    }
}

/// `index.sqlite`: the embedded store of documents, nodes and edges with an FTS5 index (`lstrace search`).
public struct SearchStoreEmitter: Emitter {
    public static let id = "store"
    public static let summary = "index.sqlite, documents, nodes, edges and an FTS5 full-text index"
    public static let needs = StageName.link

    /// Creates the emitter.
    public init() {}

    /// The document's JSON for the `documents` table, encoded in the parallel part of the batch.
    public func prepare(_ document: ProcessedDocument) throws -> Data? {
        try JSONOutput.data(SearchDocument(record: document.record, text: document.text), pretty: false)
    }

    public func write(_ output: RunOutput, to directory: URL) throws {
        let documents = output.documents.map { SearchDocument(record: $0.record, text: $0.text) }
        try SearchStore(path: directory.appendingPathComponent("index.sqlite").path)
            .write(documents: documents, encoded: output.documents.map { $0.prepared[Self.id] },
                   graph: output.requireGraph(for: Self.id))
    }
}
