/// The closed vocabularies of the extraction record (`lstrace.document/1`), one enum per field. Their raw values
/// are the strings the JSON carries, and `Schemas/lstrace.document-1.schema.json` lists the same values (a test keeps
/// the two in step). `DocumentKind` is in `DocumentRecord.swift`.
///
/// The record's fields (`Addressee.purpose`, `Requirement.modality`, `Scope.polarity`, `Relation.kind` (JSON
/// `type`), `Reference.kind`) hold these enums; rule files name them by their raw values, checked when the rules
/// load.
extension Addressee {
    /// Why a liaison is addressed to a group (a copy recipient is informed: `information`, with the label the
    /// document used in `label`).
    public enum Purpose: String, Codable, Sendable, CaseIterable {
        case action, comment, information
    }
}

extension Requirement {
    /// The force of a requirement.
    public enum Modality: String, Codable, Sendable, CaseIterable {
        case mandatory, recommended, optional, prohibited
        case notRecommended = "not-recommended"
    }
}

extension Scope {
    /// Whether a scope statement includes or excludes its matter.
    public enum Polarity: String, Codable, Sendable, CaseIterable {
        case includes, excludes
    }
}

extension Relation {
    /// What a sentence states between two documents, or between a document and a meeting.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case buildsOn = "builds-on"
        case approvedAt = "approved-at"
        case obsoletes, updates, revises

        /// The graph edge it becomes.
        public var traceRelation: TraceRelation {
            switch self {
            case .buildsOn: return .buildsOn
            case .approvedAt: return .approvedAt
            case .obsoletes: return .obsoletes
            case .updates: return .updates
            case .revises: return .revises
            }
        }
    }
}

extension Reference {
    /// What a referenced designation names.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case changeRequest = "change-request"
        case contribution, deliverable, draft, liaison, recommendation, resolution, rfc
        case rfcSeries = "rfc-series"
        case specification, standard, td, tdoc
        case workItem = "work-item"
    }
}
