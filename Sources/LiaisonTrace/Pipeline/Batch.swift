import Foundation

/// A batch job over many files: documents are processed in parallel and merged in path order.
public struct Batch: Sendable {
    /// The per-document stages.
    public var processor: DocumentProcessor
    /// How many documents are processed at once.
    public var jobs: Int

    /// Creates a batch.
    public init(processor: DocumentProcessor, jobs: Int = ProcessInfo.processInfo.activeProcessorCount) {
        self.processor = processor
        self.jobs = max(1, jobs)
    }

    /// What a batch produced.
    public struct Result: Sendable {
        /// Records of every processed document (and attachment), in path order.
        public var records: [DocumentRecord]
        /// The normalized text of each record, in the same order (for the search indexes).
        public var texts: [String] = []
        /// Files that could not be read, with the reason.
        public var quarantined: [Diagnostic]
        /// Every diagnostic of the run: input problems, quarantined files, per-document diagnostics.
        public var diagnostics: [Diagnostic]

        /// 0 when every document was processed, 1 when some failed.
        public var exitStatus: Int32 { quarantined.isEmpty && !diagnostics.contains { $0.id == "input.missing" } ? 0 : 1 }
    }

    /// Processes `files`; `progress` is called after each document with (done, total, path).
    public func run(files: [String], progress: (@Sendable (Int, Int, String) -> Void)? = nil) async -> Result {
        var outcomes = [DocumentProcessor.Outcome?](repeating: nil, count: files.count)
        let processor = self.processor
        await withTaskGroup(of: (Int, DocumentProcessor.Outcome).self) { group in
            var next = 0
            var done = 0
            func addTask() {
                let index = next
                let path = files[index]
                group.addTask { (index, processor.process(path: path)) }
                next += 1
            }
            while next < min(jobs, files.count) { addTask() }
            for await (index, outcome) in group {
                outcomes[index] = outcome
                done += 1
                progress?(done, files.count, files[index])
                if next < files.count { addTask() }
            }
        }
        var records: [DocumentRecord] = []
        var texts: [String] = []
        var quarantined: [Diagnostic] = []
        var diagnostics: [Diagnostic] = []
        for outcome in outcomes {
            switch outcome {
            case .processed(let processed):
                records += processed.map(\.record)
                texts += processed.map(\.text)
                diagnostics += processed.flatMap(\.record.diagnostics)
            case .failed(let diagnostic):
                quarantined.append(diagnostic)
                diagnostics.append(diagnostic)
            case nil:
                break
            }
        }
        return Result(records: records, texts: texts, quarantined: quarantined, diagnostics: diagnostics)
    }
}
