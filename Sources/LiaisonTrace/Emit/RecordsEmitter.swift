import Foundation

/// `documents/<name>.json`: one extraction record per document (`lstrace.document/1`). Records made by this run
/// are written as they come, under temporary names, and renamed when the batch is complete (their names depend
/// on every path of the batch); records of documents that did not change stay as they are; records of documents
/// no longer in the batch are removed.
public struct RecordsEmitter: Emitter {
    public static let id = "records"
    public static let summary = "documents/<name>.json, one extraction record per document"
    public static let needs = StageName.normalize

    /// Creates the emitter.
    public init() {}

    public func open(in directory: URL, context: EmitContext) throws -> any EmitterOutput {
        try Output(folder: directory.appendingPathComponent("documents"), context: context)
    }

    final class Output: EmitterOutput {
        let folder: URL
        let context: EmitContext
        /// Each document's path and record hash, and the file this run wrote its record to: its planned name
        /// (`direct`), or a temporary name (`staged`) when it has no planned name or has copies.
        private var entries: [(path: String, hash: String, direct: String?, staged: String?)] = []
        /// Names written under during this run.
        private var touched = Set<String>()

        init(folder: URL, context: EmitContext) throws {
            self.folder = folder
            self.context = context
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            AtomicFile.removeLeftovers(in: folder.path)
        }

        private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        func add(_ document: EmitDocument) throws {
            let source = document.record.source
            guard let bytes = document.recordJSON else {
                entries.append((source.path, document.recordHash, nil, nil))
                return
            }
            if source.copies == nil, let name = context.plannedNames[source.path].map({ $0 + ".json" }) {
                try AtomicFile.write(bytes, to: path(name))
                touched.insert(name)
                entries.append((source.path, document.recordHash, name, nil))
            } else {
                let staged = path(".\(entries.count)\(AtomicFile.suffix)")
                try AtomicFile.writeFile(bytes, to: staged)
                entries.append((source.path, document.recordHash, nil, staged))
            }
        }

        func finish(_ output: RunOutput) throws {
            let names = RecordsEmitter.recordNames(entries.map(\.path)).map { $0 + ".json" }
            // Records written under a planned name that is not their final one move aside first.
            for index in entries.indices {
                guard let direct = entries[index].direct, direct != names[index] else { continue }
                let staged = path(".\(index)\(AtomicFile.suffix)")
                try AtomicFile.replace(staged, withFileAt: path(direct))
                entries[index].direct = nil
                entries[index].staged = staged
            }
            for (index, entry) in entries.enumerated() {
                guard let staged = entry.staged else { continue }
                try AtomicFile.replace(path(names[index]), withFileAt: staged)
                touched.insert(names[index])
            }
            // Records of documents that did not change stay, unless this run wrote over their file. The folder is
            // listed once, for this and for removing what is stale (a check of each file was 2,000 calls to the file
            // system on every run of 2,000 documents).
            let present = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
            let previous = context.previous?.records ?? [:]
            for (index, entry) in entries.enumerated() where entry.direct == nil && entry.staged == nil {
                let name = names[index]
                if previous[name] == entry.hash, !touched.contains(name), present.contains(name) { continue }
                guard let data = context.recordJSON(entry.path) else {
                    throw CocoaError(.fileReadNoSuchFile, userInfo: [
                        NSLocalizedDescriptionKey: "the record of \(entry.path) is neither in place nor in the cache",
                    ])
                }
                try AtomicFile.write(data, to: path(name))
            }
            try RecordsEmitter.removeStale(in: folder.path, among: present, keeping: Set(names))
            context.recordFiles = Dictionary(zip(names, entries.map(\.hash)), uniquingKeysWith: { first, _ in first })
        }
    }

    /// Removes, of the files `present` in `folder`, the records of documents that are no longer in the batch, and
    /// temporary files of a killed run.
    static func removeStale(in folder: String, among present: Set<String>, keeping names: Set<String>) throws {
        for entry in present {
            if AtomicFile.isLeftover(entry) {
                try? FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(entry))
            } else if entry.hasSuffix(".json") && !names.contains(entry) {
                try FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(entry))
            }
        }
    }

    /// File names for records: the input's base name without extension, made unique (deterministically) by
    /// keeping the extension and then the parent folders when two inputs would collide.
    static func recordNames(_ paths: [String]) -> [String] {
        func candidate(_ path: String, level: Int) -> String {
            // Most names need the last part only: found from the end (splitting 2,000 paths whole, twice a run,
            // took 13 ms of a run that adds one document).
            if level < 2 {
                guard let last = lastPart(of: path) else { return "document" }
                if level == 1 { return last }
                let base = (last as NSString).deletingPathExtension
                return base.isEmpty ? last : base
            }
            let sanitized = path.replacingOccurrences(of: "!", with: "/")
            let parts = sanitized.split(separator: "/").map(String.init)
            guard let last = parts.last else { return "document" }
            switch level {
            case 0:
                let base = (last as NSString).deletingPathExtension
                return base.isEmpty ? last : base
            case 1:
                return last
            default:
                return parts.suffix(level).joined(separator: "__")
            }
        }
        var levels = [Int](repeating: 0, count: paths.count)
        for _ in 0..<8 {
            let names = paths.indices.map { candidate(paths[$0], level: levels[$0]) }
            var counts: [String: Int] = [:]
            for name in names { counts[name, default: 0] += 1 }
            var changed = false
            for index in paths.indices where counts[names[index]]! > 1 {
                levels[index] += 1
                changed = true
            }
            if !changed { return names }
        }
        return paths.indices.map { "\(candidate(paths[$0], level: levels[$0]))-\($0)" }
    }

    /// The last non-empty part of `path` between "/" and "!" (an attachment's path names its container with "!").
    static func lastPart(of path: String) -> String? {
        let utf8 = path.utf8
        func separates(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "/") || byte == UInt8(ascii: "!") }
        var end = utf8.endIndex
        while end > utf8.startIndex, separates(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        guard end > utf8.startIndex else { return nil }
        var start = end
        while start > utf8.startIndex, !separates(utf8[utf8.index(before: start)]) { start = utf8.index(before: start) }
        return String(path[start..<end])
    }
}

/// `diagnostics.json`: the files that could not be processed and every diagnostic of the run.
public struct DiagnosticsEmitter: Emitter {
    public static let id = "diagnostics"
    public static let summary = "diagnostics.json, every diagnostic of the run"
    public static let needs = StageName.ingest

    /// Creates the emitter.
    public init() {}

    public func open(in directory: URL, context: EmitContext) throws -> any EmitterOutput {
        FinishOnlyOutput { output in
            // Written to its file in pieces of about a megabyte, as `DiagnosticsReport.writeJSON` writes it whole (a
            // run of a hundred thousand documents has 200 MB of diagnostics: held at once, they were its peak).
            let stream = try AtomicFile.Stream(path: directory.appendingPathComponent("diagnostics.json").path)
            var writer = JSONWriter(capacity: 1 << 20)
            writer.beginObject()
            writer.key("diagnostics")
            writer.beginArray()
            for diagnostic in output.diagnostics {
                writer.element()
                diagnostic.writeJSON(to: &writer)
                if writer.bytes.count >= 1 << 20 { try stream.write(writer.takeBytes()) }
            }
            writer.endArray()
            writer.field("quarantined", output.quarantined.compactMap(\.path))
            writer.endObject()
            var tail = writer.takeBytes()
            tail.append(0x0A)
            try stream.write(tail)
            try stream.commit()
        }
    }
}

/// The content of `diagnostics.json`.
public struct DiagnosticsReport: Codable, Sendable {
    /// Files that could not be processed.
    public var quarantined: [String]
    /// Every diagnostic of the run.
    public var diagnostics: [Diagnostic]
}
