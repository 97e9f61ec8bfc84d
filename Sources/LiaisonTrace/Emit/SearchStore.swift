import Crypto
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
        let builder = try Builder(path: path, previous: nil)
        for document in documents {
            let json = JSONOutput.bytes(document, pretty: false)
            try builder.add(path: document.path, hash: ContentHash.sha256(json), json: json) { document }
        }
        _ = try builder.finish(graph: graph)
    }

    /// Builds the store of a run. A new store is written under a temporary name and renamed to `path` when finished,
    /// so that no half-written store is ever left there. When the previous run into the same folder left a store that
    /// has not been touched since (`StoreState`), the store is updated in place instead, in one transaction (SQLite's
    /// rollback journal makes it all or nothing, `kill -9` included): only the documents whose search document
    /// changed are written again, and only the nodes and edges that differ. The two hold the same rows; the files
    /// are not the same bytes (SQLite's pages and the FTS5 segments keep the history of the updates).
    final class Builder {
        let path: String
        /// Nil when the store is updated in place.
        private let temporary: String?
        private let previous: StoreState?
        private var queue: DatabaseQueue?
        private var insertDocument: Statement?
        private var insertText: Statement?
        private var findDocument: Statement?
        /// The search document's hash of every document added, by path.
        private(set) var rows: [String: String] = [:]

        /// A builder for the store at `path`; `previous` is what the previous run into the folder left.
        init(path: String, previous: StoreState?) throws {
            self.path = path
            var configuration = Configuration()
            // One transaction spans every document added, from `init` to `finish`.
            configuration.allowsUnsafeTransactions = true
            if let previous, previous.stamp == StoreState.Stamp(path: path),
               let queue = try? Self.openForUpdate(path, configuration: configuration) {
                temporary = nil
                self.previous = previous
                self.queue = queue
            } else {
                let temporary = AtomicFile.temporaryPath(for: path)
                self.temporary = temporary
                self.previous = nil
                try? FileManager.default.removeItem(atPath: temporary)
                configuration.prepareDatabase { db in
                    try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
                }
                let queue = try DatabaseQueue(path: temporary, configuration: configuration)
                self.queue = queue
                try queue.inDatabase { db in
                    try db.execute(sql: """
                        BEGIN;
                        CREATE TABLE documents (path TEXT PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, sdo TEXT,
                                                title TEXT, date TEXT, deadline TEXT, record TEXT NOT NULL);
                        CREATE TABLE nodes (id TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL, metadata TEXT NOT NULL);
                        CREATE TABLE edges (id TEXT PRIMARY KEY, source TEXT NOT NULL, target TEXT NOT NULL,
                                            relation TEXT NOT NULL, metadata TEXT NOT NULL);
                        CREATE VIRTUAL TABLE documents_fts USING fts5(path UNINDEXED, ids, title, refs, body,
                                                                      tokenize = 'unicode61 remove_diacritics 2');
                        """)
                }
            }
            (insertDocument, insertText, findDocument) = try queue!.inDatabase { db in
                (try db.makeStatement(sql: """
                    INSERT INTO documents (path, id, kind, sdo, title, date, deadline, record)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """),
                 try db.makeStatement(sql: """
                    INSERT INTO documents_fts (rowid, path, ids, title, refs, body) VALUES (?, ?, ?, ?, ?, ?)
                    """),
                 try db.makeStatement(sql: "SELECT rowid FROM documents WHERE path = ?"))
            }
        }

        /// The store at `path`, opened for an update in place, in a transaction begun; nil when it is not a store.
        private static func openForUpdate(_ path: String, configuration: Configuration) throws -> DatabaseQueue {
            var configuration = configuration
            // The rollback journal makes the update all or nothing when the run is killed (the journal and the
            // pages are in the system's cache whatever becomes of the process). Not synced to disk, as no output is:
            // after a lost machine, `--full` writes the store anew. Syncing was a quarter of a day's update.
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF")
            }
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.inDatabase { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_schema WHERE type = 'table'")
                guard Set(["documents", "nodes", "edges", "documents_fts"]).isSubset(of: tables) else {
                    throw DatabaseError(resultCode: .SQLITE_NOTADB, message: "not a LiaisonTrace store")
                }
                try db.execute(sql: "BEGIN IMMEDIATE")
            }
            return queue
        }

        deinit {
            guard let queue else { return }
            insertDocument = nil
            insertText = nil
            findDocument = nil
            // Unfinished: an update is rolled back, a new store removed.
            try? queue.inDatabase { db in if !db.isInsideTransaction { return }; try db.execute(sql: "ROLLBACK") }
            try? queue.close()
            if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
        }

        /// Adds the document at `path` whose search document has `json` (compact) and `hash`; `document` makes the
        /// search document when the row has to be written (not for a document the store being updated has already).
        /// The rows are written a batch at a time (see `batchBytes`).
        func add(path: String, hash: String, json: @autoclosure () -> [UInt8],
                 document: () -> SearchDocument) throws {
            rows[path] = hash
            if previous?.rows[path] == hash { return }
            let document = document()
            pending.append((path, json(), document))
            pendingBytes += document.text.utf8.count
            if pendingBytes >= Self.batchBytes { try writePending() }
        }

        /// How much text the rows waiting to be written may hold. FTS5 indexes a text through a hash table of the
        /// terms not yet written (a megabyte by default), one lookup per word; between two documents a run does much
        /// else, and the table left the processor's caches. Written one document at a time, the rows of 2,000
        /// documents took 1.39 s (1.24 s in FTS5); in batches of 1 MB of text 0.82-0.93 s, of 4 MB 0.76-0.82 s. A
        /// batch holds its texts and search documents, about 10 MB.
        static let batchBytes = 1 << 22

        private var pending: [(path: String, json: [UInt8], document: SearchDocument)] = []
        private var pendingBytes = 0

        private func writePending() throws {
            guard !pending.isEmpty else { return }
            let batch = pending
            pending = []
            pendingBytes = 0
            try queue!.inDatabase { db in
                for (path, json, document) in batch {
                    if previous != nil, let rowid = try Int64.fetchOne(findDocument!, arguments: [path]) {
                        try db.execute(sql: "DELETE FROM documents_fts WHERE rowid = ?", arguments: [rowid])
                        try db.execute(sql: "DELETE FROM documents WHERE rowid = ?", arguments: [rowid])
                    }
                    let row = RowInsert(insertDocument!)
                    row.bind(1, document.path)
                    row.bind(2, document.id)
                    row.bind(3, document.kind)
                    row.bind(4, document.sdo)
                    row.bind(5, document.title)
                    row.bind(6, document.date)
                    row.bind(7, document.deadline)
                    json.withUnsafeBufferPointer { row.bind(8, $0) }
                    try row.step()
                    let text = RowInsert(insertText!)
                    text.bind(1, db.lastInsertedRowID)
                    text.bind(2, document.path)
                    text.bind(3, document.ids.joined(separator: " "))
                    text.bind(4, document.title ?? "")
                    text.bind(5, document.references.joined(separator: " "))
                    text.bind(6, document.text)
                    try text.step()
                }
            }
        }

        /// Adds (or, in an update, brings up to date) the graph's nodes and edges, removes the documents no longer
        /// in the batch, commits, and puts the file in place; returns what the next run needs to update it.
        func finish(graph: TraceGraph) throws -> StoreState {
            guard let queue else { throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "store already finished") }
            try writePending()
            var graph = graph
            if !graph.storage.finished { graph.finish() }
            let storage = graph.storage
            let updating = previous != nil
            let digests = try queue.inDatabase { db in
                if updating { try removeDocuments(notIn: rows, db) }
                let digests = try GraphRows(storage).write(to: db, updating: updating, previous: previous?.graph)
                // A new store's indexes of edges are made once its edges are in: one sort of each column, where
                // indexing each edge as it came cost most of inserting it.
                if !updating { try db.execute(sql: Self.edgeIndexes) }
                try db.execute(sql: "COMMIT")
                return digests
            }
            insertDocument = nil
            insertText = nil
            findDocument = nil
            try queue.close()
            self.queue = nil
            if let temporary {
                // A rollback journal left by a run killed while updating the old store belongs to that store: laid
                // over the new one it would damage it.
                try? FileManager.default.removeItem(atPath: path + "-journal")
                try AtomicFile.replace(path, withFileAt: temporary)
            }
            return StoreState(stamp: StoreState.Stamp(path: path), rows: rows, graph: digests)
        }

        /// The indexes of the edges by source and by target.
        static let edgeIndexes = """
            CREATE INDEX edges_source ON edges(source);
            CREATE INDEX edges_target ON edges(target);
            """

        private func removeDocuments(notIn kept: [String: String], _ db: Database) throws {
            let stale = try Row.fetchAll(db, sql: "SELECT rowid, path FROM documents").filter { kept[$0["path"]] == nil }
            for row in stale {
                let rowid: Int64 = row["rowid"]
                try db.execute(sql: "DELETE FROM documents_fts WHERE rowid = ?", arguments: [rowid])
                try db.execute(sql: "DELETE FROM documents WHERE rowid = ?", arguments: [rowid])
            }
        }
    }

    /// What a run leaves for the next one to update the store in place: the file as it left it, the search
    /// document's hash of each row of `documents`, by path, and the digests of the graph's rows.
    public struct StoreState: Sendable, Equatable {
        /// What tells that the file is the one the run left: its size, modification time and SQLite's file change
        /// counter (header bytes 24-27, bumped by every commit). Not its inode: an output folder copied with its
        /// times (`cp -a`, `rsync -a`) holds the same store.
        public struct Stamp: Sendable, Equatable {
            var size: Int64
            var modified: Int64
            var changes: Int64

            init(size: Int64, modified: Int64, changes: Int64) {
                self.size = size
                self.modified = modified
                self.changes = changes
            }

            /// The stamp of the file at `path`; nil when there is none or it is not an SQLite file.
            init?(path: String) {
                guard let file = RunCache.FileStamp(path: path), let handle = FileHandle(forReadingAtPath: path)
                else { return nil }
                defer { try? handle.close() }
                guard let header = try? handle.read(upToCount: 100), header.count == 100,
                      header.starts(with: Array("SQLite format 3\u{0}".utf8)) else { return nil }
                size = file.size
                modified = file.modified
                changes = header[24 ..< 28].reduce(0) { $0 << 8 | Int64($1) }
            }
        }

        var stamp: Stamp?
        var rows: [String: String]
        /// What the `nodes` and `edges` rows hold (nil: unknown, the rows are read to compare).
        var graph: GraphRowDigests?
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

    /// A digest of what the store holds: every row of `documents`, `nodes` and `edges` and every document's
    /// indexed text, in key order, after FTS5 has checked its index against that text. Two stores with the same
    /// digest answer every query alike, whatever their pages look like (a store updated in place is not the same
    /// bytes as one written anew).
    public func contentDigest() throws -> String {
        // FTS5's integrity check is a command written as an INSERT: the connection must be writable (it writes
        // nothing).
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.inDatabase { db in
            try db.execute(sql: "INSERT INTO documents_fts(documents_fts, rank) VALUES ('integrity-check', 1)")
            var hasher = SHA256()
            for query in ["SELECT path, id, kind, sdo, title, date, deadline, record FROM documents ORDER BY path",
                          "SELECT id, kind, label, metadata FROM nodes ORDER BY id",
                          "SELECT id, source, target, relation, metadata FROM edges ORDER BY id",
                          """
                          SELECT d.path, f.ids, f.title, f.refs, f.body FROM documents d
                          LEFT JOIN documents_fts f ON f.rowid = d.rowid ORDER BY d.path
                          """,
                          "SELECT count(*) FROM documents_fts"] {
                let rows = try Row.fetchCursor(db, sql: query)
                while let row = try rows.next() {
                    for index in 0 ..< row.count {
                        let value: String? = row[index]
                        hasher.update(data: Data((value.map { "s" + $0 } ?? "n").utf8))
                        hasher.update(data: Data([0]))
                    }
                }
            }
            return ContentHash.hex(hasher.finalize())
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

/// `index.sqlite`: the embedded store of documents, nodes and edges with an FTS5 index (`lstrace search`). Documents
/// go in as they come; nodes and edges when the batch is linked.
public struct SearchStoreEmitter: Emitter {
    public static let id = "store"
    public static let summary = "index.sqlite, documents, nodes, edges and an FTS5 full-text index"
    public static let needs = StageName.link

    /// Creates the emitter.
    public init() {}

    public func open(in directory: URL, context: EmitContext) throws -> any EmitterOutput {
        Output(try SearchStore.Builder(path: directory.appendingPathComponent("index.sqlite").path,
                                       previous: context.full ? nil : context.previous?.store), context: context)
    }

    final class Output: EmitterOutput {
        let builder: SearchStore.Builder
        let context: EmitContext

        init(_ builder: SearchStore.Builder, context: EmitContext) {
            self.builder = builder
            self.context = context
        }

        func add(_ document: EmitDocument) throws {
            try builder.add(path: document.record.source.path, hash: document.search.hash, json: document.search.json) {
                SearchDocument(record: document.record, text: document.text)
            }
        }

        func finish(_ output: RunOutput) throws {
            context.store = try builder.finish(graph: output.requireGraph(for: SearchStoreEmitter.id))
        }
    }
}
