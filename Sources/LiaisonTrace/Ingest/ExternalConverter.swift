import Foundation

/// Runs one external converter (antiword, pdftotext) on a document's bytes and returns what it printed.
///
/// - The program runs through `ProcessRunner` (time limit, output cap, both pipes drained together).
/// - The command is looked up on `PATH` first; a missing program is `ingest.converter.missing`, naming the
///   Debian package to install.
/// - `{input}` in the arguments is replaced by a file holding the bytes: the user's file itself when it is on
///   disk with the same size, otherwise a file in a private temporary folder (mode 0700) that is deleted
///   afterwards, whatever happens.
/// - Past `limits.converterTimeoutSeconds` the converter gets SIGTERM, then SIGKILL one second later
///   (`ingest.converter.timeout`); past `limits.maxConverterOutputBytes` of output, the same
///   (`ingest.converter.output-too-large`). A non-zero exit status or a signal is
///   `ingest.<format>.converter-failed` with the first line the converter wrote to standard error.
/// - The child is always waited for before `run` returns, so no zombie is left behind.
///
/// It holds no mutable state: any number of threads may run converters at once.
struct ExternalConverter: Sendable {
    /// What the converter printed.
    struct Output: Sendable {
        /// Standard output, at most `limits.maxConverterOutputBytes` bytes.
        var stdout: Data
        /// Standard error, at most 64 KiB of it.
        var stderr: String
    }

    /// The program and its arguments.
    var converter: Converter
    /// The format being converted (names the `converter-failed` diagnostic).
    var format: DocumentFormat
    /// Time and output caps.
    var limits: IngestLimits
    /// Where private temporary folders are made (tests point it at a folder they watch).
    var temporaryDirectory: URL = FileManager.default.temporaryDirectory

    /// Most of standard error that is kept.
    static let maxStderrBytes = ProcessRunner.maxErrorBytes

    /// Runs the converter on `input` (its bytes, or its file when that is on disk).
    func run(on input: ReaderInput) throws(IngestError) -> Output {
        let executable = try Self.resolve(converter)
        guard converter.arguments.contains(where: { $0.contains("{input}") }) else {
            return try execute(executable, arguments: converter.arguments)
        }
        if let path = Self.fileOnDisk(for: input) {
            return try execute(executable, arguments: substitute(path))
        }
        let folder = temporaryDirectory.appendingPathComponent("lstrace-convert-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let suffix = input.pathExtension.isEmpty ? "" : "." + input.pathExtension
        let file = folder.appendingPathComponent("input" + suffix)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            try input.data.write(to: file)
        } catch {
            throw IngestError("ingest.converter.temporary-file",
                              "temporary copy for \(converter.command) cannot be written: "
                                  + error.localizedDescription,
                              explanation: "Check that \(temporaryDirectory.path) exists and is writable.")
        }
        return try execute(executable, arguments: substitute(file.path))
    }

    private func substitute(_ path: String) -> [String] {
        converter.arguments.map { $0.replacingOccurrences(of: "{input}", with: path) }
    }

    /// The absolute path of the user's file when it exists and has as many bytes as `input.data` (attachments
    /// and in-memory inputs have none). Absolute, so a file named `-x.doc` cannot pass for an option.
    static func fileOnDisk(for input: ReaderInput) -> String? {
        guard !input.path.isEmpty, !input.path.contains("!") else { return nil }
        let path = URL(fileURLWithPath: input.path).standardizedFileURL.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              (attributes[.size] as? NSNumber)?.intValue == input.data.count else { return nil }
        return path
    }

    /// The executable for `converter.command`: a path as given, or the first match on `PATH`.
    static func resolve(_ converter: Converter) throws(IngestError) -> String {
        if let executable = ProcessRunner.find(converter.command) { return executable }
        throw IngestError("ingest.converter.missing",
                          "converter \(converter.command) is not installed; install the Debian package "
                              + converter.package,
                          explanation: "Run `apt-get install \(converter.package)`, or point converters in the "
                              + "pipeline file at the program.")
    }

    // MARK: - Running

    private func execute(_ executable: String, arguments: [String]) throws(IngestError) -> Output {
        let command = converter.command
        let output: ProcessRunner.Output
        do {
            output = try ProcessRunner.run(executable, arguments: arguments, limits: ProcessRunner.Limits(
                timeoutSeconds: limits.converterTimeoutSeconds, maxOutputBytes: limits.maxConverterOutputBytes))
        } catch {
            throw failure(error)
        }
        let errorText = String(decoding: output.stderr, as: UTF8.self)
        if output.signalled {
            throw IngestError("ingest.\(format.rawValue).converter-failed",
                              "\(command) was killed by signal \(output.status)"
                                  + output.firstErrorLine.map { ": \($0)" }.orEmpty)
        }
        if output.status != 0 {
            throw IngestError("ingest.\(format.rawValue).converter-failed",
                              "\(command) failed with exit status \(output.status)"
                                  + output.firstErrorLine.map { ": \($0)" }.orEmpty,
                              explanation: errorText.isEmpty ? nil : Self.clip(errorText))
        }
        return Output(stdout: output.stdout, stderr: errorText)
    }

    /// The ingestion error of a run that gave no output.
    private func failure(_ failure: ProcessRunner.Failure) -> IngestError {
        let command = converter.command
        switch failure {
        case .cannotStart(let reason):
            return IngestError("ingest.converter.missing", "converter \(command) cannot be started: \(reason)",
                               explanation: "Install the Debian package \(converter.package).")
        case .timeout:
            return IngestError("ingest.converter.timeout",
                               "\(command) did not finish within \(Self.seconds(limits.converterTimeoutSeconds)) "
                                   + "seconds and was stopped",
                               explanation: "Raise limits.converter_timeout_seconds in the pipeline file if the "
                                   + "document is just large.")
        case .outputTooLarge:
            return IngestError("ingest.converter.output-too-large",
                               "\(command) printed more than \(limits.maxConverterOutputBytes) bytes and was stopped",
                               explanation: "Raise limits.max_converter_output_bytes in the pipeline file to read it.")
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// The first non-blank line of `text`, trimmed and at most 200 characters.
    static func firstLine(_ text: String) -> String? {
        ProcessRunner.firstLine(text)
    }

    private static func clip(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count > 2000 ? String(trimmed.prefix(2000)) + "…" : trimmed
    }
}

private extension Optional where Wrapped == String {
    var orEmpty: String { self ?? "" }
}
