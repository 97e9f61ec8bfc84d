import Foundation

/// Collects the diagnostics of a command and decides what follows from them: which are printed and how (text or
/// JSON Lines), how many of each severity there were, and the exit status.
///
/// Exit status: 2 when an error of a kind whose `exitStatus` is 2 was reported (pipeline, rule-file and usage
/// problems), 1 for any other error (and for warnings under `strict`), 0 otherwise.
public struct DiagnosticEngine {
    /// How diagnostics are printed.
    public enum Format: String, Sendable, CaseIterable {
        /// `path:line:column: severity: summary [id]`, then the explanation and notes, indented.
        case text
        /// One JSON object per line (JSON Lines).
        case json
    }

    /// How diagnostics are printed.
    public var format: Format
    /// Warnings fail the command too.
    public var strict: Bool
    /// The least severe diagnostic that is printed; nil prints none (all are collected and counted).
    public var printedSeverity: Severity?
    /// Every diagnostic reported, in order.
    public private(set) var diagnostics: [Diagnostic] = []
    private var counts: [Severity: Int] = [:]
    private var worstExitStatus: Int32 = 0
    private let write: (String) -> Void

    /// Creates an engine that hands each printed diagnostic, formatted, to `write` (standard error by default).
    public init(format: Format = .text, strict: Bool = false, printedSeverity: Severity? = .warning,
                write: @escaping (String) -> Void = DiagnosticEngine.standardError) {
        self.format = format
        self.strict = strict
        self.printedSeverity = printedSeverity
        self.write = write
    }

    /// Records `diagnostic`, and prints it when it is severe enough.
    public mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
        counts[diagnostic.severity, default: 0] += 1
        if diagnostic.severity == .error || (strict && diagnostic.severity == .warning) {
            let status = diagnostic.severity == .error ? DiagnosticCatalog.kind(of: diagnostic.id)?.exitStatus ?? 1 : 1
            worstExitStatus = max(worstExitStatus, status)
        }
        if let printedSeverity, diagnostic.severity >= printedSeverity { write(render(diagnostic)) }
    }

    /// Records every diagnostic of `diagnostics`, in order.
    public mutating func report(contentsOf diagnostics: some Sequence<Diagnostic>) {
        for diagnostic in diagnostics { report(diagnostic) }
    }

    /// Records the diagnostic an error carries (any other error becomes a `kind` diagnostic at `location`).
    public mutating func report(_ error: any Error, kind: DiagnosticKind, at location: DiagnosticLocation) {
        if let error = error as? any DiagnosticError {
            report(error.diagnostic(path: location.path ?? "<input>"))
        } else {
            report(Diagnostic(kind, "\(error.localizedDescription)", at: location))
        }
    }

    /// How many diagnostics of `severity` were reported.
    public func count(_ severity: Severity) -> Int { counts[severity] ?? 0 }

    /// `N error(s), N warning(s), N note(s)`.
    public var countSummary: String {
        "\(count(.error)) error(s), \(count(.warning)) warning(s), \(count(.note)) note(s)"
    }

    /// 0, 1 or 2, as described above.
    public var exitStatus: Int32 { worstExitStatus }

    /// The printed form of `diagnostic` in this engine's format.
    public func render(_ diagnostic: Diagnostic) -> String {
        switch format {
        case .text: return diagnostic.formatted
        case .json: return (try? JSONOutput.line(diagnostic)) ?? diagnostic.formatted
        }
    }

    /// Writes a line to standard error.
    public static func standardError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
