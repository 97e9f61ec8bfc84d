/// How serious a diagnostic is.
public enum Severity: String, Codable, Sendable, Comparable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A message about one place in one input: printed as `path:line:column: severity: summary [id]`.
public struct Diagnostic: Codable, Hashable, Sendable {
    /// Stable identifier of the kind of problem, such as `ingest.docx.truncated-zip`.
    public var id: String
    /// How serious it is.
    public var severity: Severity
    /// A headline: no final period, names the element.
    public var summary: String
    /// Longer explanation or hint, when there is one.
    public var explanation: String?
    /// The input file, as given on the command line or found in a folder.
    public var path: String?
    /// 1-based line in the ingested text (or in a rule file for rule errors).
    public var line: Int?
    /// 1-based column.
    public var column: Int?
    /// Byte range in the ingested text, when the diagnostic points at text.
    public var range: SourceRange?

    /// Creates a diagnostic.
    public init(id: String, severity: Severity, summary: String, explanation: String? = nil, path: String? = nil,
                line: Int? = nil, column: Int? = nil, range: SourceRange? = nil) {
        self.id = id
        self.severity = severity
        self.summary = summary
        self.explanation = explanation
        self.path = path
        self.line = line
        self.column = column
        self.range = range
    }

    /// The diagnostic as one line: `path:line:column: severity: summary [id]`.
    public var formatted: String {
        let place = "\(path ?? "<input>"):\(line ?? 1):\(column ?? 1)"
        var text = "\(place): \(severity.rawValue): \(summary) [\(id)]"
        if let explanation { text += "\n    \(explanation)" }
        return text
    }

    /// A copy that names `path` (readers report without knowing how the user named the file).
    public func at(path: String) -> Diagnostic {
        var copy = self
        if copy.path == nil { copy.path = path }
        return copy
    }
}
