import Foundation

/// `delta.json`: what changed since the previous run into the same output folder (see `RunDelta`).
public struct DeltaEmitter: Emitter {
    public static let id = "delta"
    public static let summary = "delta.json, what changed since the previous run into the same folder"
    public static let needs = StageName.normalize

    /// Creates the emitter.
    public init() {}

    public func open(in directory: URL, context: EmitContext) throws -> any EmitterOutput {
        FinishOnlyOutput { output in
            guard let delta = output.delta else { return }
            try AtomicFile.write(delta.json, to: directory.appendingPathComponent("delta.json").path)
        }
    }
}
