/// One kind of diagnostic: its id, its usual severity, what it means, and the exit status a run gets when it
/// reports one as an error. Every kind is declared once, in `DiagnosticCatalog.all`.
public struct DiagnosticKind: Sendable, Hashable {
    /// The id, such as `ingest.binary`. A `<format>` segment stands for any format name (`docx`, `pdf`, `email`...).
    public let id: String
    /// The severity it is reported with (a few kinds are reported with another one, as their explanation says).
    public let severity: Severity
    /// What it means and what to do about it.
    public let explanation: String
    /// The exit status of a run that reports it as an error: 2 for pipeline, rule-file and usage problems (nothing
    /// was processed), 1 otherwise (some documents or outputs failed, the others were processed).
    public let exitStatus: Int32

    /// Declares a kind.
    public init(_ id: String, _ severity: Severity, exitStatus: Int32 = 1, _ explanation: String) {
        self.id = id
        self.severity = severity
        self.explanation = explanation
        self.exitStatus = exitStatus
    }

    /// Whether `id` is this kind (a `<format>` segment matches any one segment).
    public func matches(_ id: String) -> Bool {
        guard self.id.contains("<format>") else { return self.id == id }
        let pattern = self.id.split(separator: ".", omittingEmptySubsequences: false)
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        return pattern.count == parts.count
            && zip(pattern, parts).allSatisfy { $0 == "<format>" ? !$1.isEmpty : $0 == $1 }
    }
}

extension DiagnosticKind {
    // Kinds that code outside the readers and extractors names directly.
    public static let inputMissing = DiagnosticKind(
        "input.missing", .error, "A path given to `lstrace run` does not exist; the other inputs are processed.")
    public static let inputSkipped = DiagnosticKind(
        "input.skipped", .note,
        "A file found in a folder given to `lstrace run` is not a document (a data file such as .tsv, .csv, .json or "
            + ".yaml, a hidden file or folder, an editor leftover) and was skipped; name it on the command line to "
            + "read it.")
    public static let runCache = DiagnosticKind(
        "run.cache", .warning,
        "The run cache in the output folder (.lstrace-cache/) cannot be read or written; documents are processed "
            + "again and the outputs are still written, but the next run may not be incremental.")
    public static let pipelineMissing = DiagnosticKind(
        "pipeline.missing", .error, exitStatus: 2,
        "The pipeline file named by --pipeline or LSTRACE_PIPELINE, or a rule file it names, cannot be read. "
            + "Nothing is processed.")
    public static let pipelineInvalid = DiagnosticKind(
        "pipeline.invalid", .error, exitStatus: 2,
        "A pipeline or rule file is not valid (YAML syntax, a wrong value, a rule that does not compile or whose "
            + "examples fail). The diagnostic names the file, the line and the rule. Nothing is processed.")
    public static let pipelineUnknownKey = DiagnosticKind(
        "pipeline.unknown-key", .error, exitStatus: 2,
        "A pipeline file has a key LiaisonTrace does not know, usually a typo; it is an error so that a misspelt "
            + "limit never silently falls back to its default.")
    public static let pipelineUnknownStage = DiagnosticKind(
        "pipeline.unknown-stage", .error, exitStatus: 2,
        "`stages:` names a stage that does not exist, names one twice, out of order, or without the stage it "
            + "needs. The stages are ingest, normalize, extract, link and emit, in that order.")
    public static let pipelineUnknownEmitter = DiagnosticKind(
        "pipeline.unknown-emitter", .error, exitStatus: 2,
        "`emit:` names an emitter that does not exist, or one that needs a stage the pipeline does not run (the "
            + "graph outputs need `link`).")
    public static let usageInvalid = DiagnosticKind(
        "usage.invalid", .error, exitStatus: 2, "The command line is not valid; see `lstrace help`.")
    public static let emitWrite = DiagnosticKind(
        "emit.write", .error,
        "An output of the run cannot be written (folder not writable, disk full); the diagnostic names the emitter.")
    public static let linkAmbiguousTitle = DiagnosticKind(
        "link.ambiguous-title", .warning,
        "A designation is cited with a title that several documents of the batch carry, so it is not joined to "
            + "any of them.")
    public static let runOutputMissing = DiagnosticKind(
        "graph.missing", .error, exitStatus: 2,
        "`graph`, `check` and `explain` read the outputs of an earlier `lstrace run`; the folder given with --in "
            + "has none.")
    public static let runOutputUnreadable = DiagnosticKind(
        "graph.unreadable", .error, exitStatus: 2, "The graph.json of the --in folder is not JSON Graph Format.")
    public static let graphUnknownNode = DiagnosticKind(
        "graph.unknown-node", .error, exitStatus: 2, "The node given to --focus is neither a node nor an alias.")
    public static let graphSVG = DiagnosticKind(
        "graph.svg", .error, "Graphviz's dot is missing, failed, ran too long or wrote too much.")
    public static let explainUnknown = DiagnosticKind(
        "explain.unknown", .error, "The id given to `lstrace explain` is neither a node, an alias nor an edge.")
    public static let searchMissing = DiagnosticKind(
        "search.missing", .error, exitStatus: 2, "The --in folder has no index.sqlite; run `lstrace run` first.")
    public static let searchQuery = DiagnosticKind(
        "search.query", .error, exitStatus: 2, "The search query is not a valid FTS5 expression.")
    public static let searchNoMatch = DiagnosticKind(
        "search.no-match", .note, "No document matches the query.")

    // Findings of `lstrace check`.
    public static let referenceNotInCorpus = DiagnosticKind(
        "reference.not-in-corpus", .note,
        "A designation is referenced but no document of the batch carries it or an alias of it; a warning when "
            + "the missing document is one a liaison answers.")
    public static let referenceMalformed = DiagnosticKind(
        "reference.malformed", .warning, "A reference is a placeholder (SP-17xxxx), not a designation.")
    public static let referenceAmbiguous = DiagnosticKind(
        "reference.ambiguous", .warning, "A reference could designate several documents of the batch.")
    public static let liaisonDeadlinePassed = DiagnosticKind(
        "liaison.deadline-passed", .warning,
        "A liaison's reply deadline is before the --as-of day and no reply to it is in the batch.")
    public static let actionUnanswered = DiagnosticKind(
        "action.unanswered", .note, "A liaison asks for action and no liaison of the batch answers it.")
    public static let repliesCycle = DiagnosticKind(
        "responds-to.cycle", .error, "Replies form a cycle: a document answers, through others, itself.")
    public static let idDuplicate = DiagnosticKind(
        "id.duplicate", .warning,
        "Several documents of the batch carry the same primary designation (a .doc and its text rendering, a .docx and "
            + "its PDF) and their headers disagree (title, date, deadline, sender, addressees, replies); they are one "
            + "node all the same.")
}

/// Every diagnostic LiaisonTrace reports, in one list (the README's table of diagnostics is checked against it).
public enum DiagnosticCatalog {
    /// All kinds, sorted by id.
    public static let all: [DiagnosticKind] = ([
        .actionUnanswered,
        DiagnosticKind("extract.budget-exceeded", .error,
                       "Extracting a document took longer than limits.extract_seconds_per_mb allows (at least 2 s); "
                           + "the diagnostic names the rule or extractor that was running. The document is "
                           + "quarantined and the batch goes on."),
        DiagnosticKind("extract.classify.ambiguous", .note,
                       "Classification scores were close; the record says which kind won."),
        DiagnosticKind("extract.header.inferred", .note,
                       "A liaison without a header block: sender and addressees come from its opening sentences."),
        DiagnosticKind("extract.header.misspelt-group", .note,
                       "A header names a group in a known misspelling (NGNM for NGMN); the record has the group's "
                           + "canonical name."),
        DiagnosticKind("extract.header.unknown-group", .note,
                       "A header names a group the rules do not know; add it to Pipelines/rules/groups.yaml if it is "
                           + "one."),
        DiagnosticKind("extract.header.unparsed-date", .warning,
                       "A header date (Date, Deadline) is in a form the date reader does not know; the field is null."),
        DiagnosticKind("extract.reference.placeholder", .note,
                       "A designation with placeholder digits (SP-17xxxx) is not taken as a reference."),
        .emitWrite,
        .explainUnknown,
        .runOutputMissing,
        .runOutputUnreadable,
        .graphSVG,
        .graphUnknownNode,
        .idDuplicate,
        DiagnosticKind("ingest.<format>.converter-failed", .error,
                       "antiword or pdftotext exited with an error; its first line of standard error is quoted."),
        DiagnosticKind("ingest.<format>.converter-message", .note,
                       "antiword or pdftotext printed a message but produced text."),
        DiagnosticKind("ingest.<format>.corrupt-zip", .error,
                       "A zip package (DOCX, ODT, zip) is damaged: a member fails its CRC or does not inflate."),
        DiagnosticKind("ingest.<format>.empty", .error, "The file or its main part is empty."),
        DiagnosticKind("ingest.<format>.encrypted", .error, "A zip package member is password-protected."),
        DiagnosticKind("ingest.<format>.entity-expansion", .error,
                       "XML entities expand far beyond the file's size (billion laughs); the document is refused."),
        DiagnosticKind("ingest.<format>.invalid-utf8", .warning,
                       "Text declared as UTF-8 has invalid bytes; they were replaced with U+FFFD."),
        DiagnosticKind("ingest.<format>.malformed", .error,
                       "XML or HTML that libxml2 cannot parse; the diagnostic gives the parser's line and column."),
        DiagnosticKind("ingest.<format>.malformed-part", .warning,
                       "A secondary part of an office document (properties, notes) is damaged and was skipped."),
        DiagnosticKind("ingest.<format>.missing-part", .error,
                       "An office document lacks its main part (word/document.xml, content.xml)."),
        DiagnosticKind("ingest.<format>.no-text", .error, "The document has no text (a scanned PDF, an empty form)."),
        DiagnosticKind("ingest.<format>.not-zip", .error,
                       "The file has a DOCX or ODT name but is not a zip package."),
        DiagnosticKind("ingest.<format>.parser", .error, "libxml2 could not start a parser."),
        DiagnosticKind("ingest.<format>.too-deep", .error,
                       "Elements nest deeper than limits.max_nesting_depth; raise it in the pipeline file if the "
                           + "document is genuine."),
        DiagnosticKind("ingest.<format>.too-large", .error,
                       "A part or the decompressed package is over limits.max_decompressed_bytes."),
        DiagnosticKind("ingest.<format>.tracked-changes", .note,
                       "The document has tracked changes; the text is read with the changes accepted."),
        DiagnosticKind("ingest.<format>.truncated-zip", .error, "A zip package is cut short."),
        DiagnosticKind("ingest.<format>.unsupported-compression", .error,
                       "A zip member uses a compression other than stored or deflated."),
        DiagnosticKind("ingest.<format>.zip-bomb", .error,
                       "A zip member inflates more than limits.max_compression_ratio allows."),
        DiagnosticKind("ingest.binary", .error, "The file is binary data in no format LiaisonTrace reads."),
        DiagnosticKind("ingest.converter.missing", .error,
                       "antiword (.doc) or pdftotext (.pdf) is not installed; the diagnostic names the Debian "
                           + "package."),
        DiagnosticKind("ingest.converter.output-too-large", .error,
                       "A converter printed more than limits.max_converter_output_bytes and was stopped."),
        DiagnosticKind("ingest.converter.temporary-file", .error,
                       "The temporary copy a converter reads cannot be written."),
        DiagnosticKind("ingest.converter.timeout", .error,
                       "A converter ran longer than limits.converter_timeout_seconds and was stopped."),
        DiagnosticKind("ingest.doc.tracked-changes-merged", .warning,
                       "A .doc file's tracked changes could not be told apart: deleted and inserted text may both be "
                           + "in the record."),
        DiagnosticKind("ingest.email.attachment-failed", .warning,
                       "An e-mail attachment could not be ingested; the message itself is."),
        DiagnosticKind("ingest.email.attachment-too-deep", .warning,
                       "An attachment nests deeper than limits.max_attachment_depth and was not ingested."),
        DiagnosticKind("ingest.email.html-body-stripped", .note,
                       "The message has only an HTML body that the HTML reader could not read; tags were removed."),
        DiagnosticKind("ingest.email.malformed-header", .warning,
                       "The header section has no blank line after it; the rest was read as the body."),
        DiagnosticKind("ingest.email.message-failed", .warning,
                       "A message of an mbox could not be ingested; the other messages are."),
        DiagnosticKind("ingest.email.missing-boundary", .warning,
                       "A multipart part has no boundary; its body was read as text."),
        DiagnosticKind("ingest.email.nesting-too-deep", .warning,
                       "Multipart parts nest deeper than limits.max_nesting_depth; the deeper ones were not read."),
        DiagnosticKind("ingest.email.no-headers", .error, "The file is not an e-mail: it has no header fields."),
        DiagnosticKind("ingest.email.unknown-charset", .warning,
                       "A text part declares a charset ICU does not know; it was decoded as windows-1252."),
        DiagnosticKind("ingest.email.unknown-transfer-encoding", .warning,
                       "A part declares a Content-Transfer-Encoding that is not base64, quoted-printable or 7/8bit."),
        DiagnosticKind("ingest.empty", .error, "The file, or the text it holds, is empty."),
        DiagnosticKind("ingest.html.charset-assumed", .warning,
                       "An HTML page declares no charset and is not UTF-8; the charset was guessed."),
        DiagnosticKind("ingest.text.charset-uncertain", .warning,
                       "A text file is not UTF-8; it was decoded as windows-1252 (ICU's guess is given)."),
        DiagnosticKind("ingest.text.truncated-utf16", .error, "A UTF-16 file has an odd number of bytes."),
        DiagnosticKind("ingest.text.undecodable", .error, "A text file cannot be decoded in the charset found."),
        DiagnosticKind("ingest.too-large", .error,
                       "The file is over limits.max_file_bytes; raise it in the pipeline file to read it."),
        DiagnosticKind("ingest.unreadable", .error, "The file cannot be read (permissions, a broken link)."),
        DiagnosticKind("ingest.xml.external-entity", .warning,
                       "An external entity was not loaded (nothing is fetched); its text is missing."),
        DiagnosticKind("ingest.zip.empty", .error, "A zip archive holds no document."),
        DiagnosticKind("ingest.zip.member-failed", .warning,
                       "A member of a zip archive could not be ingested; the others are."),
        DiagnosticKind("ingest.zip.too-deep", .warning,
                       "Archives nest deeper than limits.max_attachment_depth; the deeper members were not read."),
        .inputMissing,
        .inputSkipped,
        .liaisonDeadlinePassed,
        .linkAmbiguousTitle,
        .pipelineInvalid,
        .pipelineMissing,
        .pipelineUnknownEmitter,
        .pipelineUnknownKey,
        .pipelineUnknownStage,
        .referenceAmbiguous,
        .referenceMalformed,
        .referenceNotInCorpus,
        .repliesCycle,
        .runCache,
        .searchMissing,
        .searchNoMatch,
        .searchQuery,
        .usageInvalid,
    ] as [DiagnosticKind]).sorted { $0.id < $1.id }

    private static let exact = Dictionary(uniqueKeysWithValues: all.filter { !$0.id.contains("<") }.map { ($0.id, $0) })
    private static let families = all.filter { $0.id.contains("<") }

    /// The declared kind of `id`, or nil when the id is not declared.
    public static func kind(of id: String) -> DiagnosticKind? {
        exact[id] ?? families.first { $0.matches(id) }
    }
}
