import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one external converter (antiword, pdftotext) on a document's bytes and returns what it printed.
///
/// - The command is looked up on `PATH` first; a missing program is `ingest.converter.missing`, naming the
///   Debian package to install.
/// - `{input}` in the arguments is replaced by a file holding the bytes: the user's file itself when it is on
///   disk with the same size, otherwise a file in a private temporary folder (mode 0700) that is deleted
///   afterwards, whatever happens.
/// - Standard output and standard error are read together with `poll(2)` in the calling thread, so a converter
///   that fills one pipe while we wait on the other cannot deadlock, and the time limit covers the reading too.
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
    static let maxStderrBytes = 64 << 10
    /// Seconds between SIGTERM and SIGKILL.
    static let killGraceSeconds = 1.0

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
        let command = converter.command
        let fileManager = FileManager.default
        if command.contains("/") {
            if fileManager.isExecutableFile(atPath: command) { return command }
        } else if !command.isEmpty {
            let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
            for folder in path.split(separator: ":", omittingEmptySubsequences: true) {
                let candidate = folder.hasSuffix("/") ? "\(folder)\(command)" : "\(folder)/\(command)"
                var isFolder: ObjCBool = false
                if fileManager.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue,
                   fileManager.isExecutableFile(atPath: candidate) {
                    return candidate
                }
            }
        }
        throw IngestError("ingest.converter.missing",
                          "converter \(command) is not installed; install the Debian package \(converter.package)",
                          explanation: "Run `apt-get install \(converter.package)`, or point converters in the "
                              + "pipeline file at the program.")
    }

    // MARK: - Running

    private enum Stop { case none, timeout, outputTooLarge }

    private func execute(_ executable: String, arguments: [String]) throws(IngestError) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchGroup()
        exited.enter()
        process.terminationHandler = { _ in exited.leave() }
        do {
            try process.run()
        } catch {
            exited.leave()
            throw IngestError("ingest.converter.missing",
                              "converter \(converter.command) cannot be started: \(error.localizedDescription)",
                              explanation: "Install the Debian package \(converter.package).")
        }
        // Our copies of the write ends must be closed, or the reads below never see end of file.
        try? stdoutPipe.fileHandleForWriting.close()
        try? stderrPipe.fileHandleForWriting.close()
        defer {
            try? stdoutPipe.fileHandleForReading.close()
            try? stderrPipe.fileHandleForReading.close()
        }

        let deadline = DispatchTime.now() + min(max(limits.converterTimeoutSeconds, 0), 1e6)
        var stdout = Data()
        var stderr = Data()
        var stop = Stop.none
        let stdoutFD = stdoutPipe.fileHandleForReading.fileDescriptor
        var open = [stdoutFD, stderrPipe.fileHandleForReading.fileDescriptor]
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while !open.isEmpty {
            let remaining = Self.milliseconds(until: deadline)
            if remaining <= 0 {
                stop = .timeout
                break
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 1000)))
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            var closed: [Int32] = []
            for entry in fds where entry.revents != 0 {
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                if count <= 0 {
                    closed.append(entry.fd)
                    continue
                }
                if entry.fd == stdoutFD {
                    stdout.append(contentsOf: buffer[0..<count])
                } else if stderr.count < Self.maxStderrBytes {
                    stderr.append(contentsOf: buffer[0..<min(count, Self.maxStderrBytes - stderr.count)])
                }
            }
            open.removeAll { closed.contains($0) }
            if stdout.count > limits.maxConverterOutputBytes {
                stop = .outputTooLarge
                break
            }
        }
        if stop != .none { terminate(process, exited: exited) }
        if exited.wait(timeout: deadline) == .timedOut {
            // The output was closed but the program has not exited (or a grandchild holds the pipes open).
            if stop == .none { stop = .timeout }
            terminate(process, exited: exited)
        }

        let command = converter.command
        switch stop {
        case .timeout:
            throw IngestError("ingest.converter.timeout",
                              "\(command) did not finish within \(Self.seconds(limits.converterTimeoutSeconds)) "
                                  + "seconds and was stopped",
                              explanation: "Raise limits.converter_timeout_seconds in the pipeline file if the "
                                  + "document is just large.")
        case .outputTooLarge:
            throw IngestError("ingest.converter.output-too-large",
                              "\(command) printed more than \(limits.maxConverterOutputBytes) bytes and was stopped",
                              explanation: "Raise limits.max_converter_output_bytes in the pipeline file to read it.")
        case .none:
            break
        }
        let errorText = String(decoding: stderr, as: UTF8.self)
        if process.terminationReason == .uncaughtSignal {
            throw IngestError("ingest.\(format.rawValue).converter-failed",
                              "\(command) was killed by signal \(process.terminationStatus)"
                                  + Self.firstLine(errorText).map { ": \($0)" }.orEmpty)
        }
        if process.terminationStatus != 0 {
            throw IngestError("ingest.\(format.rawValue).converter-failed",
                              "\(command) failed with exit status \(process.terminationStatus)"
                                  + Self.firstLine(errorText).map { ": \($0)" }.orEmpty,
                              explanation: errorText.isEmpty ? nil : Self.clip(errorText))
        }
        return Output(stdout: stdout, stderr: errorText)
    }

    /// SIGTERM, then SIGKILL after the grace period; returns once the child has been reaped.
    private func terminate(_ process: Process, exited: DispatchGroup) {
        guard process.isRunning else {
            exited.wait()
            return
        }
        process.terminate()
        if exited.wait(timeout: .now() + Self.killGraceSeconds) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
    }

    private static func milliseconds(until deadline: DispatchTime) -> Int {
        let now = DispatchTime.now().uptimeNanoseconds
        let end = deadline.uptimeNanoseconds
        return end > now ? Int((end - now + 999_999) / 1_000_000) : 0
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// The first non-blank line of `text`, trimmed and at most 200 characters.
    static func firstLine(_ text: String) -> String? {
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { return String(trimmed.prefix(200)) }
        }
        return nil
    }

    private static func clip(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.count > 2000 ? String(trimmed.prefix(2000)) + "…" : trimmed
    }
}

private extension Optional where Wrapped == String {
    var orEmpty: String { self ?? "" }
}
