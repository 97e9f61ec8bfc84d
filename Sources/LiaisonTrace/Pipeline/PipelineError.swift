import Foundation
import Yams

/// A pipeline or rule file that cannot be used: nothing is processed and the run ends with exit status 2. It names
/// the file, the line and, once the pipeline is being built, the stage that needed the file.
public struct PipelineError: DiagnosticError, LocalizedError {
    /// The pipeline or rule file.
    public var path: String
    /// 1-based line in it, when known.
    public var line: Int?
    /// 1-based column, when known.
    public var column: Int?
    /// A headline naming the key, rule or value.
    public var summary: String
    /// What kind of problem it is (`pipeline.invalid` unless said otherwise).
    public var kind: DiagnosticKind
    /// The stage whose setting up failed, once known.
    public var stage: StageName?

    /// Creates the error.
    public init(path: String, line: Int?, summary: String) {
        self.init(.pipelineInvalid, path: path, line: line, summary: summary)
    }

    /// Creates an error of a given kind.
    public init(_ kind: DiagnosticKind, path: String, line: Int?, column: Int? = nil, summary: String,
                stage: StageName? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.summary = summary
        self.kind = kind
        self.stage = stage
    }

    public var errorDescription: String? { diagnostic.formatted }

    /// As a diagnostic.
    public var diagnostic: Diagnostic {
        Diagnostic(kind, summary, at: DiagnosticLocation(path: path, line: line ?? 1, column: column ?? 1),
                   notes: stage.map { ["while setting up the \($0.rawValue) stage"] })
    }

    public func diagnostic(path: String) -> Diagnostic { diagnostic }

    /// The same error, naming `stage` unless it already names one.
    func during(_ stage: StageName) -> PipelineError {
        var copy = self
        if copy.stage == nil { copy.stage = stage }
        return copy
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
