import Foundation

/// Where a pipeline comes from, and so where the rule files it names are found.
public enum PipelineSource: Sendable, Hashable {
    /// The copy of the package's `Pipelines/` folder built into the library (and so into the `lstrace` binary):
    /// `default.yaml`, whose rule paths resolve among the built-in files.
    case builtIn
    /// A pipeline file on disk, whose rule paths resolve relative to its folder.
    case file(String)

    /// The environment variable that names a pipeline file when `--pipeline` does not.
    public static let environmentVariable = "LSTRACE_PIPELINE"

    /// The pipeline file a command uses, and why: `option` (the `--pipeline` value) first, then the environment
    /// variable, then the built-in pipeline.
    public static func choose(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        -> (source: PipelineSource, reason: String) {
        if let option, !option.isEmpty { return (.file(option), "--pipeline") }
        if let path = environment[environmentVariable], !path.isEmpty { return (.file(path), environmentVariable) }
        return (.builtIn, "the default")
    }

    /// The pipeline file's path as diagnostics name it (`<built-in>/Pipelines/default.yaml` for the built-in one).
    public var path: String {
        switch self {
        case .builtIn: return Self.builtInPrefix + Self.builtInPipeline
        case .file(let path): return path
        }
    }

    /// The path of the file `name` names, resolved as the pipeline file's rule paths are.
    public func resolve(_ name: String) -> String {
        switch self {
        case .builtIn:
            return Self.builtInPrefix + Self.normalized(name)
        case .file(let path):
            if name.hasPrefix("/") { return name }
            return URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(name).path
        }
    }

    /// The text of the pipeline file.
    func pipelineText() throws(PipelineError) -> String {
        try text(at: path, what: "pipeline file")
    }

    /// The text of the rule file `name` names.
    func ruleText(_ name: String) throws(PipelineError) -> (path: String, text: String) {
        let path = resolve(name)
        return (path, try text(at: path, what: "rule file"))
    }

    private func text(at path: String, what: String) throws(PipelineError) -> String {
        if path.hasPrefix(Self.builtInPrefix) {
            let key = String(path.dropFirst(Self.builtInPrefix.count))
            guard let text = embeddedPipelineFiles[key] else {
                throw PipelineError(.pipelineMissing, path: path, line: nil,
                                    summary: "\(what) \(key) is not among the built-in files of Pipelines/")
            }
            return text
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else {
            throw PipelineError(.pipelineMissing, path: path, line: nil,
                                summary: "\(what) \(path) does not exist\(isFolder.boolValue ? " (it is a folder)" : "")")
        }
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PipelineError(.pipelineMissing, path: path, line: nil,
                                summary: "\(what) \(path) cannot be read: \(error.localizedDescription)")
        }
    }

    /// Built-in files are named `<built-in>/Pipelines/...` in diagnostics.
    static let builtInPrefix = "<built-in>/Pipelines/"
    /// The built-in pipeline file, relative to `Pipelines/`.
    static let builtInPipeline = "default.yaml"

    /// `path` without `.` segments and with `..` applied (relative to `Pipelines/`).
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == "..", !parts.isEmpty { parts.removeLast() } else { parts.append(part) }
        }
        return parts.joined(separator: "/")
    }

    /// The built-in files, by path relative to `Pipelines/`.
    public static var builtInFiles: [String: String] { embeddedPipelineFiles }
}
