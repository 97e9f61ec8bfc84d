import Foundation
import Yams

/// One rule file as loaded: its path, its `kind`, and its YAML tree, decoded later by the extractor that owns
/// that kind (so that adding an extractor never touches the loader).
public struct RuleFile: @unchecked Sendable { // Yams.Node is an immutable value tree, not marked Sendable
    /// Path as the pipeline file names it (resolved).
    public var path: String
    /// What the file holds: `references`, `groups`, `headers`, `actions`, `requirements`, `scopes`,
    /// `classification`.
    public var kind: String
    /// The whole YAML document.
    public var node: Node
    /// Every pattern compiled from this file, for the engine's literal scan.
    let compiled = PatternCollector()

    /// Compiles a pattern of this file; a pattern that does not compile is a `PipelineError` naming the file,
    /// the line and the rule. A pattern that is only ever matched at a given position (`Pattern.match(in:at:limit:)`)
    /// is compiled with `searched: false`: the engine's scan does not look for its cues.
    public func pattern(_ source: String, rule: String?, line: Int?, caseInsensitive: Bool = false,
                        what: String = "pattern", searched: Bool = true) throws(PipelineError) -> Pattern {
        do {
            let origin = "\(path):\(line ?? 1)" + (rule.map { " rule '\($0)'" } ?? "")
            return try compiled.pattern(source, caseInsensitive: caseInsensitive, origin: origin, searched: searched)
        } catch {
            throw self.error(line: line, rule: rule, "\(what) does not compile: \(error.localizedDescription)")
        }
    }

    /// A `PipelineError` about the rule at `line`.
    public func error(line: Int?, rule: String?, _ summary: String) -> PipelineError {
        PipelineError(path: path, line: line, summary: (rule.map { "rule '\($0)': " } ?? "") + summary)
    }
}

/// Every rule file a pipeline names, grouped by kind.
public struct RuleLibrary: Sendable {
    /// All files in the order the pipeline lists them.
    public var files: [RuleFile]

    /// An empty library (no rules: extractors that need rules find nothing).
    public init(files: [RuleFile] = []) {
        self.files = files
    }

    /// Every pattern compiled from the library's files so far that is searched for (see `RuleFile.pattern`).
    var patterns: [Pattern] { files.flatMap { $0.compiled.patterns } }

    /// The files of one kind.
    public func files(ofKind kind: String) -> [RuleFile] {
        files.filter { $0.kind == kind }
    }

    /// Loads the rule files of a pipeline.
    public static func load(_ configuration: PipelineConfiguration) throws(PipelineError) -> RuleLibrary {
        var files: [RuleFile] = []
        for name in configuration.rules {
            let path = configuration.baseDirectory.map { $0.appendingPathComponent(name).path } ?? name
            files.append(try load(path: path))
        }
        return RuleLibrary(files: files)
    }

    /// Loads one rule file.
    public static func load(path: String) throws(PipelineError) -> RuleFile {
        try parse(text(path: path), path: path)
    }

    /// The text of the rule file at `path`.
    static func text(path: String) throws(PipelineError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw PipelineError(path: path, line: nil, summary: "rule file cannot be read: \(error.localizedDescription)")
        }
    }

    /// How plain scalars of rule files get their tags: only `true`/`false` (and YAML 1.1's `yes`, `on`...) are told
    /// apart from strings, which is the one tag the rule decoder reads (`Bool` refuses a string-tagged scalar;
    /// integers, numbers, null and strings are read from the text whatever the tag). Yams' default resolver tries seven
    /// regular expressions on every key before calling it a string: a tenth of the time rules took to load.
    static let resolver = Resolver.basic.appending(.bool)

    /// Parses rule-file YAML.
    public static func parse(_ text: String, path: String) throws(PipelineError) -> RuleFile {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text, resolver)
        } catch let error as YamlError {
            throw PipelineError(path: path, line: error.line, summary: "rule file is not valid YAML: \(error.problem)")
        } catch {
            throw PipelineError(path: path, line: nil, summary: "rule file is not valid YAML: \(error)")
        }
        guard let node, let mapping = node.mapping else {
            throw PipelineError(path: path, line: 1, summary: "rule file must be a mapping with 'version' and 'kind'")
        }
        guard mapping["version"]?.int == 1 else {
            throw PipelineError(path: path, line: mapping["version"]?.mark?.line ?? 1,
                                summary: "rule file needs 'version: 1'")
        }
        guard let kind = mapping["kind"]?.string else {
            throw PipelineError(path: path, line: 1, summary: "rule file needs a 'kind'")
        }
        return RuleFile(path: path, kind: kind, node: node)
    }
}

/// Collects the patterns compiled from a rule file (at start-up, by the extractors' initializers).
/// The same pattern asked for twice (extractors that share a rule file each compile it) is compiled once, so the
/// engine scans for its cues once.
final class PatternCollector: @unchecked Sendable { // guarded by `lock`
    private let lock = NSLock()
    /// Patterns by key: the case mode and the source, as UTF-8 bytes (`String` equality is canonical equivalence,
    /// which takes the KELVIN SIGN for "K"; ICU does not).
    private var bySource: [[UInt8]: Pattern] = [:]
    /// The keys of the patterns some rule searches for (not only matches at a given position).
    private var searched = Set<[UInt8]>()

    /// The pattern for `source`, compiled on first use.
    func pattern(_ source: String, caseInsensitive: Bool, origin: String, searched: Bool = true) throws -> Pattern {
        let key = Array(((caseInsensitive ? "i:" : "s:") + source).utf8)
        lock.lock()
        defer { lock.unlock() }
        if searched { self.searched.insert(key) }
        if let known = bySource[key] { return known }
        let pattern = try Pattern(source, caseInsensitive: caseInsensitive, origin: origin)
        bySource[key] = pattern
        return pattern
    }

    /// The patterns compiled so far that some rule searches for, in the order of their keys' bytes (extractors
    /// compile side by side: the order they asked in is not the same from one run to the next).
    var patterns: [Pattern] {
        lock.lock()
        defer { lock.unlock() }
        return searched.sorted { $0.lexicographicallyPrecedes($1) }.map { bySource[$0]! }
    }
}
