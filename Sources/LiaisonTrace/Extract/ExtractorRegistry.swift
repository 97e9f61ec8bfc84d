/// Every extractor, in the order they run. Later extractors may read what earlier ones added to the record
/// (headers use the references found in header values; scopes name their subject from the references).
public enum ExtractorRegistry {
    /// The extractor types in run order.
    public static let all: [any Extractor.Type] = [
        ReferenceExtractor.self,
        CitationAnchorExtractor.self,
        GroupMentionExtractor.self,
        DocumentClassifier.self,
        HeaderFieldExtractor.self,
        ActionExtractor.self,
        RequirementExtractor.self,
        ScopeExtractor.self,
        RelationExtractor.self,
    ]
}
