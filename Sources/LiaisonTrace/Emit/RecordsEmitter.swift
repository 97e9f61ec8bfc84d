import Foundation

/// `documents/<name>.json`: one extraction record per document (`lstrace.document/1`). The folder is written
/// anew on every run.
public struct RecordsEmitter: Emitter {
    public static let id = "records"
    public static let summary = "documents/<name>.json, one extraction record per document"
    public static let needs = StageName.normalize

    /// Creates the emitter.
    public init() {}

    /// The record's JSON, encoded in the parallel part of the batch.
    public func prepare(_ document: ProcessedDocument) throws -> Data? {
        try JSONOutput.data(document.record)
    }

    public func write(_ output: RunOutput, to directory: URL) throws {
        let documents = directory.appendingPathComponent("documents")
        try FileManager.default.createDirectory(at: documents, withIntermediateDirectories: true)
        let names = Self.recordNames(output.documents.map(\.record.source.path))
        for (document, name) in zip(output.documents, names) {
            let data = try document.prepared[Self.id] ?? JSONOutput.data(document.record)
            try AtomicFile.write(data, to: documents.appendingPathComponent(name + ".json"))
        }
        try Self.removeStale(in: documents.path, keeping: Set(names.map { $0 + ".json" }))
    }

    /// Removes the records of documents that are no longer in the batch, and temporary files of a killed run.
    static func removeStale(in folder: String, keeping names: Set<String>) throws {
        AtomicFile.removeLeftovers(in: folder)
        for entry in try FileManager.default.contentsOfDirectory(atPath: folder)
        where entry.hasSuffix(".json") && !names.contains(entry) {
            try FileManager.default.removeItem(atPath: (folder as NSString).appendingPathComponent(entry))
        }
    }

    /// File names for records: the input's base name without extension, made unique (deterministically) by
    /// keeping the extension and then the parent folders when two inputs would collide.
    static func recordNames(_ paths: [String]) -> [String] {
        func candidate(_ path: String, level: Int) -> String {
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
}

/// `diagnostics.json`: the files that could not be processed and every diagnostic of the run.
public struct DiagnosticsEmitter: Emitter {
    public static let id = "diagnostics"
    public static let summary = "diagnostics.json, every diagnostic of the run"
    public static let needs = StageName.ingest

    /// Creates the emitter.
    public init() {}

    public func write(_ output: RunOutput, to directory: URL) throws {
        let report = DiagnosticsReport(quarantined: output.quarantined.compactMap(\.path),
                                       diagnostics: output.diagnostics)
        try AtomicFile.write(JSONOutput.bytes(report), to: directory.appendingPathComponent("diagnostics.json").path)
    }
}

/// The content of `diagnostics.json`.
public struct DiagnosticsReport: Codable, Sendable {
    /// Files that could not be processed.
    public var quarantined: [String]
    /// Every diagnostic of the run.
    public var diagnostics: [Diagnostic]
}
