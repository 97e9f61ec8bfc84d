import Foundation
import Yams

/// A pipeline file (`Pipelines/default.yaml`): the stages, limits, converters and rule files of a run.
public struct PipelineConfiguration: Sendable {
    /// File format version; 1 is the only one.
    public var version: Int = 1
    /// Stage names in order, for documentation and `dump-pipeline`.
    public var stages: [String] = ["ingest", "normalize", "extract", "link", "emit"]
    /// Ingestion caps.
    public var limits = IngestLimits()
    /// External converters.
    public var converters = ConverterTable.standard
    /// Rule files, relative to the pipeline file.
    public var rules: [String] = []
    /// Where the pipeline file is (rule paths are relative to its folder).
    public var baseDirectory: URL?
    /// Warnings about the file itself (unknown keys).
    public var warnings: [Diagnostic] = []

    /// The built-in defaults (no rule files).
    public init() {}

    /// Loads and checks a pipeline file.
    public static func load(path: String) throws(PipelineError) -> PipelineConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PipelineError(path: path, line: nil, summary: "pipeline file cannot be read: \(error.localizedDescription)")
        }
        var configuration = try parse(text, path: path)
        configuration.baseDirectory = URL(fileURLWithPath: path).deletingLastPathComponent()
        return configuration
    }

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
        var configuration = PipelineConfiguration()
        let known: Set<String> = ["version", "stages", "limits", "converters", "rules", "description"]
        for (key, value) in mapping {
            guard let name = key.string else { continue }
            let line = key.mark.map { $0.line } ?? 1
            if !known.contains(name) {
                configuration.warnings.append(Diagnostic(
                    id: "pipeline.unknown-key", severity: .warning,
                    summary: "unknown key '\(name)' in pipeline file is ignored", path: path, line: line,
                    column: key.mark.map { $0.column } ?? 1))
                continue
            }
            do {
                switch name {
                case "version":
                    guard let version = value.int, version == 1 else {
                        throw PipelineError(path: path, line: line, summary: "unsupported pipeline version '\(value.string ?? "?")'; expected 1")
                    }
                    configuration.version = version
                case "stages":
                    configuration.stages = try YAMLDecoder().decode([String].self, from: value)
                case "limits":
                    configuration.limits = try YAMLDecoder().decode(IngestLimits.self, from: value)
                case "converters":
                    configuration.converters = try YAMLDecoder().decode(ConverterTable.self, from: value)
                case "rules":
                    configuration.rules = try YAMLDecoder().decode([String].self, from: value)
                default:
                    break
                }
            } catch let error as PipelineError {
                throw error
            } catch {
                throw PipelineError(path: path, line: line, summary: "'\(name)' in pipeline file is malformed: \(error)")
            }
        }
        return configuration
    }
}

/// A pipeline or rule file that cannot be used: the run stops with exit status 2.
public struct PipelineError: Error, LocalizedError, Sendable {
    public var path: String
    public var line: Int?
    public var summary: String

    /// Creates the error.
    public init(path: String, line: Int?, summary: String) {
        self.path = path
        self.line = line
        self.summary = summary
    }

    public var errorDescription: String? { diagnostic.formatted }

    /// As a diagnostic.
    public var diagnostic: Diagnostic {
        Diagnostic(id: "pipeline.invalid", severity: .error, summary: summary, path: path, line: line ?? 1, column: 1)
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    var problem: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _):
            return problem
        default:
            return "\(self)"
        }
    }
}
