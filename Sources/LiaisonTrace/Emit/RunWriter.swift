import Foundation

/// Writes the outputs of a run into the output folder: `documents/<name>.json`, `diagnostics.json`, and with the
/// graph `graph.json`, `graph.dot`, `search.ndjson` and `index.sqlite`.
public struct RunWriter: Sendable {
    /// The output folder.
    public var directory: URL

    /// Creates a writer for `directory`.
    public init(directory: URL) {
        self.directory = directory
    }

    /// Writes every output of `result`, and the graph when one is given.
    public func write(_ result: Batch.Result, graph: TraceGraph? = nil) throws {
        let manager = FileManager.default
        let documents = directory.appendingPathComponent("documents")
        if manager.fileExists(atPath: documents.path) { try manager.removeItem(at: documents) }
        try manager.createDirectory(at: documents, withIntermediateDirectories: true)
        let names = Self.recordNames(result.records.map(\.source.path))
        for (record, name) in zip(result.records, names) {
            try JSONOutput.data(record).write(to: documents.appendingPathComponent(name + ".json"))
        }
        let report = DiagnosticsReport(quarantined: result.quarantined.compactMap(\.path),
                                       diagnostics: result.diagnostics)
        try JSONOutput.data(report).write(to: directory.appendingPathComponent("diagnostics.json"))
        if let graph {
            try JSONGraphEmitter.data(graph).write(to: directory.appendingPathComponent("graph.json"))
            try Data(DOTEmitter().dot(graph).utf8).write(to: directory.appendingPathComponent("graph.dot"))
            let documents = zip(result.records, result.texts).map { SearchDocument(record: $0, text: $1) }
            try Data(SearchFeed.ndjson(documents).utf8).write(to: directory.appendingPathComponent("search.ndjson"))
            try SearchStore(path: directory.appendingPathComponent("index.sqlite").path).write(documents: documents,
                                                                                                graph: graph)
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

/// The content of `diagnostics.json`.
public struct DiagnosticsReport: Codable, Sendable {
    /// Files that could not be processed.
    public var quarantined: [String]
    /// Every diagnostic of the run.
    public var diagnostics: [Diagnostic]
}
