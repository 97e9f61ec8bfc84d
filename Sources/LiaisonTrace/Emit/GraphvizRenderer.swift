import Foundation

/// Renders DOT to SVG with Graphviz's `dot` program, through `ProcessRunner` (time limit and output cap).
public enum GraphvizRenderer {
    /// Why rendering failed.
    public struct Failure: Error, LocalizedError {
        public var message: String
        public var errorDescription: String? { message }
    }

    /// Seconds `dot` may run.
    public static let timeoutSeconds = 120.0
    /// Largest SVG accepted, in bytes.
    public static let maxOutputBytes = 256 << 20

    /// The SVG for `dot` text. Throws when `dot` is not installed (naming the Debian package), fails, runs past
    /// `timeoutSeconds` or writes more than `maxOutputBytes`.
    public static func svg(fromDOT dot: String, timeoutSeconds: Double = timeoutSeconds,
                           maxOutputBytes: Int = maxOutputBytes) throws -> Data {
        guard let executable = ProcessRunner.find("dot") else {
            throw Failure(message: "Graphviz 'dot' is not installed; install the Debian package graphviz")
        }
        let output: ProcessRunner.Output
        do {
            output = try ProcessRunner.run(executable, arguments: ["-Tsvg"], input: Data(dot.utf8),
                                           limits: .init(timeoutSeconds: timeoutSeconds,
                                                         maxOutputBytes: maxOutputBytes))
        } catch {
            switch error {
            case .cannotStart(let reason): throw Failure(message: "dot cannot be started: \(reason)")
            case .timeout:
                throw Failure(message: "dot did not finish within \(Int(timeoutSeconds)) seconds and was stopped")
            case .outputTooLarge: throw Failure(message: "dot wrote more than \(maxOutputBytes) bytes and was stopped")
            }
        }
        guard output.status == 0, !output.signalled else {
            throw Failure(message: "dot failed: \(output.firstErrorLine ?? "unknown error")")
        }
        return output.stdout
    }
}
