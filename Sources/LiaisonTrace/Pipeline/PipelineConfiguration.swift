import Foundation
import Yams

/// A pipeline file (`Pipelines/default.yaml`): the stages, emitters, limits, converters and rule files of a run.
/// Missing keys take defaults; an unknown key is an error naming the file, the line and the key.
public struct PipelineConfiguration: Sendable {
    /// File format version; 1 is the only one.
    public var version: Int = 1
    /// The stages a run goes through, in order.
    public var stages: [StageName] = StageName.allCases
    /// Ids of the emitters the emit stage runs, in order (see `EmitterRegistry`); by default every emitter whose
    /// stages the pipeline runs.
    public var emit: [String] = EmitterRegistry.all.map { $0.id }
    /// Ingestion caps.
    public var limits = IngestLimits()
    /// External converters.
    public var converters = ConverterTable.standard
    /// Rule files, relative to the pipeline file.
    public var rules: [String] = []
    /// Where the pipeline file came from; nil for a configuration built in code.
    public var source: PipelineSource?
    /// The folder of a pipeline file on disk (rule paths are relative to it).
    public var baseDirectory: URL?

    /// The defaults, with no rule files.
    public init() {}

    /// Loads and checks a pipeline file on disk.
    public static func load(path: String) throws(PipelineError) -> PipelineConfiguration {
        try load(.file(path))
    }

    /// Loads and checks the pipeline file of `source`.
    public static func load(_ source: PipelineSource) throws(PipelineError) -> PipelineConfiguration {
        var configuration = try parse(source.pipelineText(), path: source.path)
        configuration.source = source
        if case .file(let path) = source {
            configuration.baseDirectory = URL(fileURLWithPath: path).deletingLastPathComponent()
        }
        return configuration
    }

    /// The top-level keys of a pipeline file.
    static let keys = ["version", "description", "stages", "emit", "limits", "converters", "rules"]

    /// Parses pipeline YAML.
    public static func parse(_ text: String, path: String) throws(PipelineError) -> PipelineConfiguration {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw PipelineError(path: path, line: error.line, summary: "pipeline file is not valid YAML: \(error.problem)")
        } catch {
            throw PipelineError(path: path, line: nil, summary: "pipeline file is not valid YAML: \(error)")
        }
        guard let mapping = node?.mapping else {
            throw PipelineError(path: path, line: 1, summary: "pipeline file must be a mapping with a 'version' key")
        }
        let file = PipelineFile(path: path)
        try file.rejectUnknownKeys(of: mapping, known: keys, in: "pipeline file")
        var configuration = PipelineConfiguration()
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            let line = key.mark?.line ?? 1
            switch name {
            case "version":
                guard let version = value.int, version == 1 else {
                    throw PipelineError(path: path, line: line,
                                        summary: "unsupported pipeline version '\(value.string ?? "?")'; expected 1")
                }
                configuration.version = version
            case "stages":
                configuration.stages = try file.stages(value, line: line)
            case "emit":
                configuration.emit = try file.strings(value, key: name, line: line)
            case "limits":
                try file.rejectUnknownKeys(of: value.mapping, known: Self.limitKeys, in: "'limits'")
                configuration.limits = try file.decode(IngestLimits.self, value, key: name, line: line)
            case "converters":
                for (format, converter) in value.mapping ?? [:] {
                    try file.rejectUnknownKeys(of: converter.mapping, known: ["command", "arguments", "package"],
                                               in: "converter '\(format.string ?? "?")'")
                }
                configuration.converters = try file.decode(ConverterTable.self, value, key: name, line: line)
            case "rules":
                configuration.rules = try file.strings(value, key: name, line: line)
            default:
                break
            }
        }
        if let node = mapping["emit"] {
            try file.check(emit: configuration.emit, stages: configuration.stages, in: node)
        } else {
            let stages = configuration.stages
            configuration.emit = stages.contains(.emit)
                ? EmitterRegistry.all.filter { stages.contains($0.needs) }.map { $0.id } : []
        }
        return configuration
    }

    /// The keys `limits:` takes: every key of `IngestLimits` (read off its encoding, so a new limit is known as
    /// soon as it is coded).
    static let limitKeys: [String] = {
        guard let data = try? JSONEncoder().encode(IngestLimits()),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [] }
        return object.keys.sorted()
    }()
}

/// Checks on the values of one pipeline file, each error naming the file, the line and the key.
private struct PipelineFile {
    var path: String

    func rejectUnknownKeys(of mapping: Node.Mapping?, known: [String], in place: String) throws(PipelineError) {
        for (key, _) in mapping ?? [:] {
            guard let name = key.string, !known.contains(name) else { continue }
            let suggestion = Suggestion.closest(to: name, among: known).map { "; did you mean '\($0)'?" } ?? ""
            throw PipelineError(.pipelineUnknownKey, path: path, line: key.mark?.line, column: key.mark?.column,
                                summary: "unknown key '\(name)' in \(place)\(suggestion)")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ value: Node, key: String, line: Int) throws(PipelineError) -> T {
        do {
            return try YAMLDecoder().decode(T.self, from: value)
        } catch {
            throw PipelineError(path: path, line: line, summary: "'\(key)' in pipeline file is malformed: \(error)")
        }
    }

    func strings(_ value: Node, key: String, line: Int) throws(PipelineError) -> [String] {
        try decode([String].self, value, key: key, line: line)
    }

    /// The stage list: known names, each once, in run order, each with the stage it needs.
    func stages(_ value: Node, line: Int) throws(PipelineError) -> [StageName] {
        let known = StageName.allCases.map(\.rawValue)
        var stages: [StageName] = []
        for item in value.sequence ?? [] {
            let itemLine = item.mark?.line ?? line
            let name = item.string ?? "?"
            guard let stage = StageName(rawValue: name) else {
                let suggestion = Suggestion.closest(to: name, among: known).map { "did you mean '\($0)'? " } ?? ""
                throw PipelineError(.pipelineUnknownStage, path: path, line: itemLine, column: item.mark?.column,
                                    summary: "unknown stage '\(name)'; \(suggestion)the stages are "
                                        + known.joined(separator: ", "))
            }
            if let last = stages.last, stage <= last {
                throw PipelineError(.pipelineUnknownStage, path: path, line: itemLine, column: item.mark?.column,
                                    summary: "stage '\(name)' \(stage == last ? "is listed twice" : "must come before '\(last.rawValue)'")")
            }
            if let needed = stage.prerequisite, !stages.contains(needed) {
                throw PipelineError(.pipelineUnknownStage, path: path, line: itemLine, column: item.mark?.column,
                                    summary: "stage '\(name)' needs stage '\(needed.rawValue)' before it")
            }
            stages.append(stage)
        }
        guard value.sequence != nil, stages.first == .ingest else {
            throw PipelineError(.pipelineUnknownStage, path: path, line: line,
                                summary: "'stages' must be a list that starts with ingest")
        }
        return stages
    }

    /// Every emitter id is known, and the stages it needs are run.
    func check(emit: [String], stages: [StageName], in node: Node) throws(PipelineError) {
        let items = node.sequence ?? []
        for (index, id) in emit.enumerated() {
            let mark = index < items.count ? items[index].mark : node.mark
            guard let emitter = EmitterRegistry.emitter(id: id) else {
                let known = EmitterRegistry.all.map { $0.id }
                let suggestion = Suggestion.closest(to: id, among: known).map { "did you mean '\($0)'? " } ?? ""
                throw PipelineError(.pipelineUnknownEmitter, path: path, line: mark?.line, column: mark?.column,
                                    summary: "unknown emitter '\(id)'; \(suggestion)the emitters are "
                                        + known.joined(separator: ", "))
            }
            guard stages.contains(.emit), stages.contains(emitter.needs) else {
                let missing = stages.contains(.emit) ? emitter.needs : .emit
                throw PipelineError(.pipelineUnknownEmitter, path: path, line: mark?.line, column: mark?.column,
                                    summary: "emitter '\(id)' needs stage '\(missing.rawValue)', which 'stages' "
                                        + "does not list")
            }
        }
    }
}

/// "Did you mean …?" for a misspelt name.
enum Suggestion {
    /// The name of `candidates` closest to `name`, when it is within two edits.
    static func closest(to name: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= 2 else { return nil }
        return best.0
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
