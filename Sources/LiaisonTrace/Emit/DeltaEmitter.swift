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
            // Written as it is made: the first run of a large batch lists every document as added.
            let stream = try AtomicFile.Stream(path: directory.appendingPathComponent("delta.json").path)
            var writer = JSONWriter(capacity: 1 << 16)
            try delta.writeJSON(to: &writer) { writer in
                if writer.bytes.count >= 1 << 16 { try stream.write(writer.takeBytes()) }
            }
            writer.raw(CollectionOfOne(0x0A))
            try stream.write(writer.takeBytes())
            try stream.commit()
        }
    }
}
