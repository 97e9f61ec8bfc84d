import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one external program (antiword, pdftotext, Graphviz's dot) with a time limit and an output cap.
///
/// - The program is looked up on `PATH` unless given as a path.
/// - Standard input (when given), standard output and standard error are served together with `poll(2)` in the
///   calling thread, so a program that fills one pipe while we wait on another cannot deadlock, and the time limit
///   covers the reading and writing too.
/// - Past `limits.timeoutSeconds` the program gets SIGTERM, then SIGKILL one second later (`.timeout`); past
///   `limits.maxOutputBytes` of standard output, the same (`.outputTooLarge`). Standard error is kept up to
///   `maxErrorBytes`.
/// - The child is always waited for before `run` returns, so no zombie is left behind.
///
/// It holds no mutable state: any number of threads may run programs at once. (swift-subprocess does the same
/// asynchronously; the readers that call this are synchronous, so it stays a blocking call.)
enum ProcessRunner {
    /// Time and output caps.
    struct Limits: Sendable {
        /// Seconds the program may run.
        var timeoutSeconds: Double
        /// Largest standard output accepted, in bytes.
        var maxOutputBytes: Int
    }

    /// What the program did.
    struct Output: Sendable {
        /// Standard output, at most `maxOutputBytes` bytes.
        var stdout: Data
        /// Standard error, at most `maxErrorBytes` bytes.
        var stderr: Data
        /// Exit status, or the signal number when `signalled`.
        var status: Int32
        /// Whether the program was killed by a signal.
        var signalled: Bool

        /// The first non-blank line of standard error, trimmed and at most 200 characters.
        var firstErrorLine: String? { ProcessRunner.firstLine(String(decoding: stderr, as: UTF8.self)) }
    }

    /// Why the program gave no output.
    enum Failure: Error, Equatable {
        /// It could not be started (the message says why).
        case cannotStart(String)
        /// It ran past the time limit and was stopped.
        case timeout
        /// It printed more than the output cap and was stopped.
        case outputTooLarge
    }

    /// Most of standard error that is kept.
    static let maxErrorBytes = 64 << 10
    /// Seconds between SIGTERM and SIGKILL.
    static let killGraceSeconds = 1.0

    /// The executable for `command`: a path as given, or the first match on `PATH`.
    static func find(_ command: String) -> String? {
        let fileManager = FileManager.default
        if command.contains("/") { return fileManager.isExecutableFile(atPath: command) ? command : nil }
        guard !command.isEmpty else { return nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = folder.hasSuffix("/") ? "\(folder)\(command)" : "\(folder)/\(command)"
            var isFolder: ObjCBool = false
            if fileManager.fileExists(atPath: candidate, isDirectory: &isFolder), !isFolder.boolValue,
               fileManager.isExecutableFile(atPath: candidate) {
                return candidate
            }
        }
        return nil
    }

    /// Runs `executable` with `arguments`, feeding it `input` on standard input (none: /dev/null).
    static func run(_ executable: String, arguments: [String], input: Data? = nil,
                    limits: Limits) throws(Failure) -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdoutPipe = Pipe()
        let stderrPipe = Pipe()
        let stdinPipe = input.map { _ in Pipe() }
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = stdinPipe ?? FileHandle.nullDevice
        if input != nil { ignoreBrokenPipes }
        let exited = DispatchGroup()
        exited.enter()
        process.terminationHandler = { _ in exited.leave() }
        do {
            try process.run()
        } catch {
            exited.leave()
            throw .cannotStart(error.localizedDescription)
        }
        // Our copies of the child's ends must be closed, or the reads below never see end of file.
        try? stdoutPipe.fileHandleForWriting.close()
        try? stderrPipe.fileHandleForWriting.close()
        try? stdinPipe?.fileHandleForReading.close()
        defer {
            try? stdoutPipe.fileHandleForReading.close()
            try? stderrPipe.fileHandleForReading.close()
        }

        let deadline = DispatchTime.now() + min(max(limits.timeoutSeconds, 0), 1e6)
        var stdout = Data()
        var stderr = Data()
        var failure: Failure?
        let stdoutFD = stdoutPipe.fileHandleForReading.fileDescriptor
        var readable = [stdoutFD, stderrPipe.fileHandleForReading.fileDescriptor]
        var writer = stdinPipe.map { StandardInput(fd: $0.fileHandleForWriting.fileDescriptor, data: input ?? Data()) }
        defer { writer?.close() }
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while !readable.isEmpty {
            let remaining = milliseconds(until: deadline)
            if remaining <= 0 {
                failure = .timeout
                break
            }
            var fds = readable.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if let writer, !writer.isDone { fds.append(pollfd(fd: writer.fd, events: Int16(POLLOUT), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining, 1000)))
            if ready < 0 {
                if errno == EINTR { continue }
                break
            }
            var closed: [Int32] = []
            for entry in fds where entry.revents != 0 {
                if entry.fd == writer?.fd {
                    writer?.writeSome()
                    continue
                }
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR || errno == EAGAIN { continue }
                if count <= 0 {
                    closed.append(entry.fd)
                    continue
                }
                if entry.fd == stdoutFD {
                    stdout.append(contentsOf: buffer[0..<count])
                } else if stderr.count < maxErrorBytes {
                    stderr.append(contentsOf: buffer[0..<min(count, maxErrorBytes - stderr.count)])
                }
            }
            readable.removeAll { closed.contains($0) }
            if stdout.count > limits.maxOutputBytes {
                failure = .outputTooLarge
                break
            }
        }
        writer?.close()
        if failure != nil { terminate(process, exited: exited) }
        if exited.wait(timeout: deadline) == .timedOut {
            // The output was closed but the program has not exited (or a grandchild holds the pipes open).
            if failure == nil { failure = .timeout }
            terminate(process, exited: exited)
        }
        if let failure { throw failure }
        return Output(stdout: stdout, stderr: stderr, status: process.terminationStatus,
                      signalled: process.terminationReason == .uncaughtSignal)
    }

    /// The bytes still to write to the child's standard input, written as the pipe takes them.
    private struct StandardInput {
        let fd: Int32
        let data: Data
        var offset = 0
        var isDone = false

        init(fd: Int32, data: Data) {
            self.fd = fd
            self.data = data
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if data.isEmpty { close() }
        }

        mutating func writeSome() {
            let written = data.withUnsafeBytes { bytes in
                write(fd, bytes.baseAddress! + offset, min(bytes.count - offset, 64 << 10))
            }
            if written > 0 { offset += written }
            if offset >= data.count || (written < 0 && errno != EAGAIN && errno != EINTR) { close() }
        }

        /// Closes the pipe (the child sees end of file).
        mutating func close() {
            guard !isDone else { return }
            isDone = true
            closeDescriptor(fd)
        }
    }

    /// A child that exits before reading all its input must not kill us with SIGPIPE: the write fails with EPIPE.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// SIGTERM, then SIGKILL after the grace period; returns once the child has been reaped, or after a few more
    /// seconds when a grandchild still holds its pipes (Foundation reports the exit only once they close, which
    /// happens when we close our ends on return).
    private static func terminate(_ process: Process, exited: DispatchGroup) {
        if process.isRunning {
            process.terminate()
            if exited.wait(timeout: .now() + killGraceSeconds) == .success { return }
            kill(process.processIdentifier, SIGKILL)
        }
        _ = exited.wait(timeout: .now() + 5 * killGraceSeconds)
    }

    private static func milliseconds(until deadline: DispatchTime) -> Int {
        let now = DispatchTime.now().uptimeNanoseconds
        let end = deadline.uptimeNanoseconds
        return end > now ? Int((end - now + 999_999) / 1_000_000) : 0
    }

    /// The first non-blank line of `text`, trimmed and at most 200 characters.
    static func firstLine(_ text: String) -> String? {
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { return String(trimmed.prefix(200)) }
        }
        return nil
    }
}

/// `close(2)`, under a name that methods called `close` do not shadow.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
