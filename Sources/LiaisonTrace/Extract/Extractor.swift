/// What an extractor says about itself (SwiftLint style): its id and a one-line summary.
public struct ExtractorDescription: Sendable {
    /// Stable id, such as `references` or `requirements.modal`.
    public var id: String
    /// What it finds.
    public var summary: String

    /// Creates a description.
    public init(id: String, summary: String) {
        self.id = id
        self.summary = summary
    }
}

/// One extraction step. Extractors are configured from the rule files at start-up (compiling their patterns
/// once) and then run on every document. They add to the record; they never remove what others found.
public protocol Extractor: Sendable {
    /// Id and summary.
    static var description: ExtractorDescription { get }
    /// The `kind`s of rule file the extractor reads.
    static var ruleKinds: [String] { get }
    /// Compiles the extractor's rules; a bad rule is a `PipelineError` naming the file, line and rule.
    init(rules: RuleLibrary) throws(PipelineError)
    /// Every rule the extractor compiled, described the same way for every kind (its examples are its tests).
    var ruleDescriptions: [RuleDescription] { get }
    /// Adds what it finds in `context` to `record`.
    func extract(from context: ExtractionContext, into record: inout DocumentRecord, diagnostics: inout [Diagnostic])
}
