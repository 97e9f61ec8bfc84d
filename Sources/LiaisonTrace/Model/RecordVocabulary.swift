/// The closed vocabularies of the extraction record (`lstrace.document/1`), one enum per field. Their raw values
/// are the strings the JSON carries, and `Schemas/lstrace.document-1.schema.json` lists the same values (a test keeps
/// the two in step). `DocumentKind` is in `DocumentRecord.swift`.
///
/// The record's own fields (`Addressee.purpose`, `Requirement.modality`, `Scope.polarity`, `Relation.type`,
/// `Reference.kind`) still hold the raw strings, because the extractors that fill them compare and assign
/// strings; the typed views below read them.
extension Addressee {
    /// Why a liaison is addressed to a group (a copy recipient is informed: `information`, with the label the
    /// document used in `label`).
    public enum Purpose: String, Codable, Sendable, CaseIterable {
        case action, comment, information
    }

    /// `purpose` as a `Purpose`.
    public var typedPurpose: Purpose? { Purpose(rawValue: purpose) }
}

extension Requirement {
    /// The force of a requirement.
    public enum Modality: String, Codable, Sendable, CaseIterable {
        case mandatory, recommended, optional, prohibited
        case notRecommended = "not-recommended"
    }

    /// `modality` as a `Modality`.
    public var typedModality: Modality? { Modality(rawValue: modality) }
}

extension Scope {
    /// Whether a scope statement includes or excludes its matter.
    public enum Polarity: String, Codable, Sendable, CaseIterable {
        case includes, excludes
    }

    /// `polarity` as a `Polarity`.
    public var typedPolarity: Polarity? { Polarity(rawValue: polarity) }
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

    /// `type` as a `Kind`.
    public var kind: Kind? { Kind(rawValue: type) }
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

    /// `kind` as a `Kind`.
    public var typedKind: Kind? { Kind(rawValue: kind) }
}
