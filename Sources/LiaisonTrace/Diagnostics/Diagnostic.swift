/// How serious a diagnostic is.
public enum Severity: String, Codable, Sendable, Comparable, CaseIterable {
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

/// Where a diagnostic points: a file (input, pipeline or rule file, output folder), a 1-based line and column in
/// it, and the byte range when it points at text.
public struct DiagnosticLocation: Hashable, Sendable {
    /// The file, as given on the command line or found in a folder.
    public var path: String?
    /// 1-based line.
    public var line: Int?
    /// 1-based column.
    public var column: Int?
    /// Byte range in the ingested text.
    public var range: SourceRange?

    /// Creates a location.
    public init(path: String?, line: Int? = nil, column: Int? = nil, range: SourceRange? = nil) {
        self.path = path
        self.line = line
        self.column = column
        self.range = range
    }
}

/// A message about one place in one input: printed as `path:line:column: severity: summary [id]`.
///
/// Every id is declared once, with its severity and explanation, in `DiagnosticCatalog`.
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
    /// Further remarks, each printed on a line of its own (such as the stage that was being set up).
    public var notes: [String]?
    /// The graph node or document the diagnostic is about, when it is about one (`check` findings).
    public var subject: String?

    /// Creates a diagnostic.
    public init(id: String, severity: Severity, summary: String, explanation: String? = nil, path: String? = nil,
                line: Int? = nil, column: Int? = nil, range: SourceRange? = nil, notes: [String]? = nil,
                subject: String? = nil) {
        self.id = id
        self.severity = severity
        self.summary = summary
        self.explanation = explanation
        self.path = path
        self.line = line
        self.column = column
        self.range = range
        self.notes = notes
        self.subject = subject
    }

    /// Creates a diagnostic of a declared kind, with the kind's severity unless `severity` says otherwise.
    public init(_ kind: DiagnosticKind, _ summary: String, at location: DiagnosticLocation,
                severity: Severity? = nil, explanation: String? = nil, notes: [String]? = nil,
                subject: String? = nil) {
        self.init(id: kind.id, severity: severity ?? kind.severity, summary: summary, explanation: explanation,
                  path: location.path, line: location.line, column: location.column, range: location.range,
                  notes: notes, subject: subject)
    }

    /// Where it points.
    public var location: DiagnosticLocation {
        DiagnosticLocation(path: path, line: line, column: column, range: range)
    }

    /// The diagnostic as one line, `path:line:column: severity: summary [id]`, followed by its explanation and
    /// notes, each indented on a line of its own.
    public var formatted: String {
        let place = "\(path ?? "<input>"):\(line ?? 1):\(column ?? 1)"
        var text = "\(place): \(severity.rawValue): \(summary) [\(id)]"
        if let explanation { text += "\n    \(explanation)" }
        for note in notes ?? [] { text += "\n    note: \(note)" }
        return text
    }

    /// A copy that names `path` (readers report without knowing how the user named the file).
    public func at(path: String) -> Diagnostic {
        var copy = self
        if copy.path == nil { copy.path = path }
        return copy
    }
}

/// An error that stops one piece of work and carries the diagnostic that says why (a document that cannot be
/// ingested, a pipeline or rule file that cannot be used, an output that cannot be written).
public protocol DiagnosticError: Error, Sendable {
    /// The diagnostic, naming `path` when the error does not know its file itself.
    func diagnostic(path: String) -> Diagnostic
}
