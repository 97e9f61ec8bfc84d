import Crypto
import Foundation
import GRDB

/// What a run keeps in its output folder (`.lstrace-cache/cache.sqlite`, SQLite in WAL mode) so that the next run
/// into the same folder redoes only what changed:
///
/// - `files`: each input's size, modification time and inode with its SHA-256, so that an unchanged file is not
///   read again to be hashed;
/// - `entries` and `units`: what the per-document stages made of each input file (its document and attachments:
///   the record file's bytes, the part of the record linking needs, the search document with the normalized text,
///   and the hashes of both files), keyed by path, content
///   hash and pipeline fingerprint (the build, the pipeline file and the rule files), or why the file failed;
///   written in one transaction per file, as soon as it is done. The small columns come first and the record file's
///   bytes (read least) last: SQLite reaches a column by following the overflow pages of every large value before
///   it, so a run reading only hashes and links would otherwise read the whole cache;
/// - `meta`: the rules' kept analyses and examples, and the mark of a run replacing its outputs;
/// - beside the database, `state.bin`: the summary of the last finished run (`RunState`), which the next run's delta
///   is computed against. A file written like the run's outputs (a temporary name, then renamed) rather than a row:
///   a row of megabytes rewritten on every run made the checkpoint that closes the database wait for them to reach
///   the disk (0.04-0.07 s, most of an incremental run's last step).
///
/// A cache that cannot be opened or read is set aside and rebuilt: it only ever saves work.
final class RunCache: @unchecked Sendable {
    /// The folder, inside the output folder.
    static let folderName = ".lstrace-cache"
    /// Bumped whenever the tables or blobs change shape.
    static let schemaVersion = 5

    let queue: DatabaseQueue
    let path: String
    /// The file of the last finished run's summary.
    let statePath: String

    /// The cache's folder in `outputDirectory`.
    static func folder(in outputDirectory: URL) -> URL {
        outputDirectory.appendingPathComponent(folderName)
    }

    /// Opens (or creates) the cache of `outputDirectory`.
    init(outputDirectory: URL) throws {
        let folder = Self.folder(in: outputDirectory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        path = folder.appendingPathComponent("cache.sqlite").path
        statePath = folder.appendingPathComponent("state.bin").path
        AtomicFile.removeLeftovers(in: folder.path)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // One run at a time uses a folder's cache: exclusive locking takes the file lock once, not per statement,
            // and lets WAL work without shared memory.
            try db.execute(sql: "PRAGMA locking_mode = EXCLUSIVE; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL")
        }
        do {
            queue = try Self.open(path, configuration: configuration)
        } catch {
            // A damaged cache is only lost work: start a new one.
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            queue = try Self.open(path, configuration: configuration)
        }
    }

    private static func open(_ path: String, configuration: Configuration) throws -> DatabaseQueue {
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            if version != schemaVersion {
                for table in ["meta", "files", "entries", "units"] { try db.execute(sql: "DROP TABLE IF EXISTS \(table)") }
                try db.execute(sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
                    CREATE TABLE files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL,
                                        inode INTEGER NOT NULL, sha256 TEXT NOT NULL, checked INTEGER NOT NULL);
                    CREATE TABLE entries (path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, fingerprint TEXT NOT NULL,
                                          failure BLOB);
                    CREATE TABLE units (unit_path TEXT PRIMARY KEY, path TEXT NOT NULL, ordinal INTEGER NOT NULL,
                                        record_hash TEXT NOT NULL, search_hash TEXT NOT NULL, link BLOB NOT NULL,
                                        search BLOB NOT NULL, record BLOB NOT NULL);
                    CREATE INDEX units_path ON units(path, ordinal);
                    PRAGMA user_version = \(schemaVersion);
                    """)
            }
        }
        return queue
    }

    /// Forgets every document (`lstrace run --full`); the last run's summary stays, for the delta.
    func clearDocuments() throws {
        try queue.write { db in
            try db.execute(sql: "DELETE FROM entries; DELETE FROM units; DELETE FROM files")
        }
    }

    // MARK: Files and their hashes

    /// What the file system says of a file, to tell whether it changed.
    struct FileStamp: Equatable {
        var size: Int64
        var modified: Int64
        var inode: Int64

        /// The stamp of `path`, or nil when it cannot be read.
        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            size = Int64(info.st_size)
            modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
            inode = Int64(info.st_ino)
        }

        init(size: Int64, modified: Int64, inode: Int64) {
            self.size = size
            self.modified = modified
            self.inode = inode
        }
    }

    /// The known hashes of files whose stamp has not changed. A file modified less than two seconds before its hash
    /// was recorded is hashed again (its content may have changed within the clock's resolution).
    func knownHashes(_ stamps: [String: FileStamp]) throws -> [String: String] {
        try queue.read { db in
            var hashes: [String: String] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT path, size, mtime, inode, sha256, checked FROM files")
            while let row = try rows.next() {
                let path: String = row["path"]
                guard let stamp = stamps[path],
                      stamp == FileStamp(size: row["size"], modified: row["mtime"], inode: row["inode"]),
                      stamp.modified + 2_000_000_000 < (row["checked"] as Int64) else { continue }
                hashes[path] = row["sha256"]
            }
            return hashes
        }
    }

    /// Records the hashes of files just hashed.
    func recordHashes(_ hashes: [(path: String, stamp: FileStamp, sha256: String)]) throws {
        guard !hashes.isEmpty else { return }
        let now = Int64(Date().timeIntervalSince1970 * 1e9)
        try queue.write { db in
            let statement = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO files (path, size, mtime, inode, sha256, checked) VALUES (?, ?, ?, ?, ?, ?)
                """)
            for (path, stamp, sha256) in hashes {
                try statement.execute(arguments: [path, stamp.size, stamp.modified, stamp.inode, sha256, now])
            }
        }
    }

    // MARK: Documents

    /// One document of an input file as the cache keeps it.
    struct Unit {
        /// The part of the record linking needs, and its binary form.
        var record: DocumentRecord
        var linkingBytes: [UInt8]
        /// SHA-256 of the record file's bytes.
        var recordHash: String
        /// SHA-256 of the search document's compact JSON (read with `searchJSON(unitPath:)`).
        var searchHash: String
        /// The search document's compact JSON, when it was asked for with the entry.
        var searchJSON: [UInt8]?
    }

    /// What the cache holds for a file: its documents (parent first), or why it failed.
    enum Entry {
        case units([Unit])
        case failed(Diagnostic)
    }

    // The per-document reads below run outside a transaction (`inDatabase`): each is one or two statements, and the
    // cache is the run's alone (exclusive locking); a transaction per document cost more than the reads.

    /// The paths of the documents the entry of `path` holds (empty for a file that failed), when it was made from
    /// the same bytes by the same pipeline; nil when the cache has no such entry. Reads no document.
    func unitPaths(path: String, sha256: String, fingerprint: String) throws -> [String]? {
        try queue.inDatabase { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                      SELECT sha256, fingerprint, failure IS NULL AS ok FROM entries WHERE path = ?
                      """), arguments: [path]),
                  row["sha256"] == sha256, row["fingerprint"] == fingerprint else { return nil }
            guard row["ok"] as Bool else { return [] }
            let paths = try String.fetchAll(db.cachedStatement(sql: """
                SELECT unit_path FROM units WHERE path = ? ORDER BY ordinal
                """), arguments: [path])
            return paths.isEmpty ? nil : paths
        }
    }

    /// Every entry made by the pipeline with `fingerprint`, by path: the content hash it was made from and the paths
    /// of its documents (empty for a file that failed; nil when none is kept). One read for a whole batch, where a
    /// read per file cost more than the SQLite work (`unitPaths` reads one).
    func entries(fingerprint: String) throws -> [String: (sha256: String, units: [String]?)] {
        try queue.inDatabase { db in
            var entries: [String: (sha256: String, units: [String]?)] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT e.path, e.sha256, e.failure IS NULL AS ok, u.unit_path FROM entries e
                LEFT JOIN units u ON u.path = e.path WHERE e.fingerprint = ? ORDER BY e.path, u.ordinal
                """, arguments: [fingerprint])
            while let row = try rows.next() {
                let path: String = row[0]
                if entries[path] == nil { entries[path] = (row[1], (row[2] as Bool) ? nil : []) }
                if let unit = row[3] as String?, row[2] as Bool { entries[path]!.units = (entries[path]!.units ?? []) + [unit] }
            }
            return entries
        }
    }

    /// The entry of `path` when it was made from the same bytes by the same pipeline; `withSearch`: with each
    /// document's search JSON, read in the same query (what a full search feed writes of every document).
    func entry(path: String, sha256: String, fingerprint: String, withSearch: Bool = false) throws -> Entry? {
        try queue.inDatabase { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: """
                      SELECT sha256, fingerprint, failure FROM entries WHERE path = ?
                      """), arguments: [path]),
                  row["sha256"] == sha256, row["fingerprint"] == fingerprint else { return nil }
            if let failure = row["failure"] as Data? {
                return .failed(try JSONDecoder().decode(Diagnostic.self, from: failure))
            }
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT link, record_hash, search_hash\(withSearch ? ", search" : "") FROM units WHERE path = ?
                ORDER BY ordinal
                """), arguments: [path])
            var units: [Unit] = []
            // Blobs copied once, from SQLite's buffer (not into a `Data` first): the search JSON of a whole batch is
            // tens of megabytes.
            func bytes(_ column: String, of unit: Row) throws -> [UInt8] {
                try unit.withUnsafeData(named: column) { data in data.map { [UInt8]($0) } ?? [] }
            }
            while let unit = try rows.next() {
                let link = try bytes("link", of: unit)
                units.append(Unit(record: try DocumentRecord(linkingBytes: link), linkingBytes: link,
                                  recordHash: unit["record_hash"], searchHash: unit["search_hash"],
                                  searchJSON: withSearch ? try bytes("search", of: unit) : nil))
            }
            return units.isEmpty ? nil : .units(units)
        }
    }

    /// The entry of a file with the same bytes made by the same pipeline under another path (a file renamed, or a copy
    /// that now comes first), with its paths changed to `path` and stored under it; nil when there is none.
    func movedEntry(to path: String, sha256: String, fingerprint: String) throws -> Entry? {
        let old = try queue.read { db in
            try String.fetchOne(db, sql: """
                SELECT path FROM entries WHERE sha256 = ? AND fingerprint = ? AND path <> ? ORDER BY path LIMIT 1
                """, arguments: [sha256, fingerprint, path])
        }
        guard let old else { return nil }
        let (failure, units) = try queue.read { db -> (Data?, [(Data, String)]) in
            let failure = try Data.fetchOne(db, sql: "SELECT failure FROM entries WHERE path = ?", arguments: [old])
            let rows = try Row.fetchAll(db, sql: "SELECT record, search FROM units WHERE path = ? ORDER BY ordinal",
                                        arguments: [old])
            return (failure, rows.map { ($0["record"], SearchDocument.text(ofJSON: [UInt8]($0["search"] as Data))) })
        }
        let outcome: PreparedOutcome
        if let failure {
            var diagnostic = try JSONDecoder().decode(Diagnostic.self, from: failure)
            diagnostic.path = diagnostic.path.map { Self.moved($0, from: old, to: path) }
            outcome = .failed(diagnostic)
        } else {
            guard !units.isEmpty else { return nil }
            outcome = .processed(try units.map { json, text in
                var record = try JSONDecoder().decode(DocumentRecord.self, from: json)
                record.source.path = Self.moved(record.source.path, from: old, to: path)
                record.attachedTo = record.attachedTo.map { Self.moved($0, from: old, to: path) }
                for index in record.diagnostics.indices {
                    record.diagnostics[index].path = record.diagnostics[index].path.map { Self.moved($0, from: old, to: path) }
                }
                return PreparedUnit(ProcessedDocument(record: record, text: text))
            })
        }
        try store(path: path, sha256: sha256, fingerprint: fingerprint, outcome: outcome)
        return try entry(path: path, sha256: sha256, fingerprint: fingerprint)
    }

    /// `value` with the path `old` (or an attachment path below it, `old!name`) changed to `new`.
    static func moved(_ value: String, from old: String, to new: String) -> String {
        if value == old { return new }
        if value.hasPrefix(old + "!") { return new + value.dropFirst(old.count) }
        return value
    }

    /// Stores what the per-document stages made of `path`, in one transaction.
    func store(path: String, sha256: String, fingerprint: String, outcome: PreparedOutcome) throws {
        try queue.write { db in
            try db.cachedStatement(sql: "DELETE FROM units WHERE path = ?").execute(arguments: [path])
            switch outcome {
            case .failed(let diagnostic):
                try db.execute(sql: "INSERT OR REPLACE INTO entries (path, sha256, fingerprint, failure) VALUES (?, ?, ?, ?)",
                               arguments: [path, sha256, fingerprint, Data(JSONOutput.bytes(diagnostic, pretty: false))])
            case .processed(let units):
                try db.execute(sql: "INSERT OR REPLACE INTO entries (path, sha256, fingerprint, failure) VALUES (?, ?, ?, NULL)",
                               arguments: [path, sha256, fingerprint])
                // Bound through SQLite's C API: the blobs, tens of kilobytes a document, are copied once.
                let row = RowInsert(try db.cachedStatement(sql: """
                    INSERT OR REPLACE INTO units (unit_path, path, ordinal, record, record_hash, link, search, search_hash)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """))
                for (ordinal, unit) in units.enumerated() {
                    row.bind(1, unit.record.source.path)
                    row.bind(2, path)
                    row.bind(3, Int64(ordinal))
                    row.bind(4, blob: unit.recordJSON)
                    row.bind(5, unit.recordHash)
                    row.bind(6, blob: unit.linkingBytes)
                    row.bind(7, blob: unit.searchJSON)
                    row.bind(8, unit.searchHash)
                    try row.step()
                }
            }
        }
    }

    /// The record file's bytes of the document at `unitPath`.
    func recordJSON(unitPath: String) throws -> Data? {
        try queue.inDatabase { db in
            try Data.fetchOne(db, sql: "SELECT record FROM units WHERE unit_path = ?", arguments: [unitPath])
        }
    }

    /// The search document's compact JSON of the document at `unitPath`.
    func searchJSON(unitPath: String) throws -> [UInt8]? {
        try queue.inDatabase { db in
            try Data.fetchOne(db.cachedStatement(sql: "SELECT search FROM units WHERE unit_path = ?"),
                              arguments: [unitPath]).map { [UInt8]($0) }
        }
    }

    /// Forgets the files that are no longer inputs.
    func forget(pathsOtherThan paths: Set<String>) throws {
        try queue.write { db in
            let stale = try String.fetchAll(db, sql: "SELECT path FROM entries").filter { !paths.contains($0) }
            for path in stale {
                try db.execute(sql: "DELETE FROM entries WHERE path = ?", arguments: [path])
                try db.execute(sql: "DELETE FROM units WHERE path = ?", arguments: [path])
                try db.execute(sql: "DELETE FROM files WHERE path = ?", arguments: [path])
            }
        }
    }

    // MARK: The last run

    /// The summary of the last finished run, if any (without its record files and store while a later run is
    /// replacing them: see `markOutputsReplaced`). A file that is not whole (its trailing hash does not match) or
    /// was written under another schema counts as none: the run then rewrites every output.
    func state() throws -> RunState? {
        guard let data = FileManager.default.contents(atPath: statePath),
              var state = try? Self.decodeState([UInt8](data)) else { return nil }
        if try queue.read({ db in try Bool.fetchOne(db, sql: "SELECT 1 FROM meta WHERE key = 'replacing'") }) == true {
            state.records = [:]
            state.store = nil
        }
        return state
    }

    /// What begins the state file: its kind and the cache's schema.
    private static var stateMagic: [UInt8] { Array("lstrace-state/\(schemaVersion)\n".utf8) }

    /// The state file's bytes: the magic, the state, and a hash of both.
    static func encodeState(_ state: RunState) -> [UInt8] {
        var bytes = stateMagic + state.bytes()
        withUnsafeBytes(of: StableHash.of(bytes).littleEndian) { bytes += $0 }
        return bytes
    }

    /// The state in a state file's bytes (`BinaryReader.Corrupt` when they are not whole or of another schema).
    static func decodeState(_ bytes: [UInt8]) throws -> RunState {
        let magic = stateMagic
        guard bytes.count >= magic.count + 8, bytes.starts(with: magic) else { throw BinaryReader.Corrupt() }
        let end = bytes.count - 8
        let (hash, stored) = bytes.withUnsafeBufferPointer { buffer in
            (StableHash.of(UnsafeBufferPointer(rebasing: buffer[..<end])),
             UInt64(littleEndian: UnsafeRawPointer(buffer.baseAddress! + end).loadUnaligned(as: UInt64.self)))
        }
        guard hash == stored else { throw BinaryReader.Corrupt() }
        return try RunState(bytes: Array(bytes[magic.count..<end]))
    }

    /// Records that the outputs the last finished run left are being replaced: until `saveState` records the run
    /// that replaces them, `state()` trusts none of the record files and not the store (a run stopped part-way may
    /// have replaced some). A mark rather than the state written again without them: the state of a large batch
    /// takes megabytes.
    func markOutputsReplaced() throws {
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('replacing', x'01')")
        }
    }

    /// Replaces the summary of the last finished run (and then clears the mark of `markOutputsReplaced`: a run
    /// stopped between the two leaves the mark, and the next one trusts none of the outputs).
    func saveState(_ state: RunState?) throws {
        if let state {
            try AtomicFile.write(Self.encodeState(state), to: statePath)
        } else if unlink(statePath) != 0, errno != ENOENT {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: statePath])
        }
        try queue.write { db in
            try db.execute(sql: "DELETE FROM meta WHERE key = 'replacing'")
        }
    }

    /// Records that the rules' examples passed under `fingerprint` (see `kept(in:fingerprint:)`).
    func recordExamplesPassed(_ fingerprint: String) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('examples', ?)",
                           arguments: [Data(fingerprint.utf8)])
        }
    }

    /// Keeps the patterns' analyses made under `fingerprint` (see `PatternAnalyses`).
    func keepAnalyses(_ bytes: [UInt8], fingerprint: String) throws {
        try queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO meta (key, value) VALUES ('analyses', ?)",
                           arguments: [Data(fingerprint.utf8 + [0] + bytes)])
        }
    }

    /// What a run into `outputDirectory` kept of the rules built under `fingerprint`: whether their examples passed,
    /// and the patterns' analyses (see `PatternAnalyses`). Nothing when there is no cache, it cannot be read, or it
    /// was made under another fingerprint.
    static func kept(in outputDirectory: URL, fingerprint: String) -> (examplesPassed: Bool, analyses: [UInt8]?) {
        let path = folder(in: outputDirectory).appendingPathComponent("cache.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else { return (false, nil) }
        var configuration = Configuration()
        configuration.readonly = true
        guard let queue = try? DatabaseQueue(path: path, configuration: configuration) else { return (false, nil) }
        defer { try? queue.close() }
        let rows = try? queue.read { db -> [String: Data] in
            guard try Int.fetchOne(db, sql: "PRAGMA user_version") == schemaVersion else { return [:] }
            return try Dictionary(Row.fetchAll(db, sql: """
                SELECT key, value FROM meta WHERE key IN ('examples', 'analyses')
                """).map { ($0["key"], $0["value"]) }, uniquingKeysWith: { first, _ in first })
        }
        let marker = Array(fingerprint.utf8)
        let examplesPassed = rows?["examples"].map { [UInt8]($0) == marker } ?? false
        var analyses: [UInt8]?
        if let kept = rows?["analyses"].map([UInt8].init), kept.starts(with: marker + [0]) {
            analyses = Array(kept.dropFirst(marker.count + 1))
        }
        return (examplesPassed, analyses)
    }

    /// Closes the database (checkpointing the WAL).
    func close() {
        try? queue.close()
    }

    // MARK: Fingerprint

    /// What decides the per-document results besides the input's bytes: the build of LiaisonTrace (its
    /// executable's size and modification time), the pipeline file, its limits and converters, and every rule
    /// file's text.
    static func fingerprint(of configuration: PipelineConfiguration) -> String {
        // As `Pipeline.load` reads them (rule files that cannot be read leave the pipeline unbuilt: none counts).
        let texts = configuration.stages.contains(.extract) ? (try? Pipeline.ruleTexts(of: configuration)) ?? [] : []
        return fingerprint(of: configuration, ruleTexts: texts)
    }

    /// The fingerprint of `configuration` whose rule files hold `ruleTexts` (path and text, as
    /// `Pipeline.ruleTexts(of:)` reads them).
    static func fingerprint(of configuration: PipelineConfiguration, ruleTexts: [(path: String, text: String)]) -> String {
        var hasher = SHA256()
        func add(_ text: String) {
            hasher.update(data: Data(text.utf8))
            hasher.update(data: Data([0]))
        }
        add("lstrace-cache/\(schemaVersion)")
        let executable = Bundle.main.executablePath ?? CommandLine.arguments.first ?? ""
        if let stamp = FileStamp(path: executable) { add("\(executable) \(stamp.size) \(stamp.modified)") }
        add(configuration.stages.map(\.rawValue).joined(separator: ","))
        add((try? String(decoding: JSONOutput.encoderData(configuration.limits, pretty: false), as: UTF8.self)) ?? "")
        add((try? String(decoding: JSONOutput.encoderData(configuration.converters, pretty: false), as: UTF8.self)) ?? "")
        for (path, text) in ruleTexts {
            add(path)
            add(text)
        }
        return ContentHash.hex(hasher.finalize())
    }
}
