import Foundation

/// What a document is.
public enum DocumentKind: String, Codable, Sendable, CaseIterable {
    case liaison, deliverable, changeRequest = "change-request", workItem = "work-item", email, other
}

/// A group a liaison is addressed to, and why.
public struct Addressee: Codable, Hashable, Sendable {
    /// Canonical group name, such as `3GPP TSG SA` or `ITU-T SG13`.
    public var group: String
    /// `action`, `comment` or `information` (a copy recipient is informed).
    public var purpose: Purpose
    /// The label the document used when it says more than the purpose ("Cc", "Copy"): an extension field,
    /// written only when set.
    public var label: String?

    /// Creates an addressee.
    public init(group: String, purpose: Purpose, label: String? = nil) {
        self.group = group
        self.purpose = purpose
        self.label = label
    }

    enum CodingKeys: String, CodingKey { case group, purpose, label }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(group, forKey: .group)
        try container.encode(purpose, forKey: .purpose)
        try container.encodeIfPresent(label, forKey: .label)
    }
}

/// The `document` part of a record: what the document says about itself.
public struct DocumentHeader: Codable, Hashable, Sendable {
    /// Own designations, primary first.
    public var ids: [String] = []
    /// What the document is.
    public var kind: DocumentKind = .other
    /// Standards body, such as `ITU-T`, `3GPP`, `IETF`, `ETSI`.
    public var sdo: String?
    /// Title.
    public var title: String?
    /// Date, `YYYY-MM-DD` or `YYYY-MM`.
    public var date: String?
    /// Sending groups.
    public var from: [String] = []
    /// Addressees with purposes.
    public var to: [Addressee] = []
    /// Documents this one answers.
    public var respondsTo: [String] = []
    /// Reply deadline, `YYYY-MM-DD` or `YYYY-MM`.
    public var deadline: String?
    /// Sets of designations the header shows to name one document each ("R2-1801767/S4-180219" in a
    /// "Response to" value); extension field, written only when not empty.
    public var aliases: [[String]]?

    /// An empty header.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case ids, kind, sdo, title, date, from, to, respondsTo = "responds_to", deadline, aliases
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ids, forKey: .ids)
        try container.encode(kind, forKey: .kind)
        try container.encode(sdo, forKey: .sdo)
        try container.encode(title, forKey: .title)
        try container.encode(date, forKey: .date)
        try container.encode(from, forKey: .from)
        try container.encode(to, forKey: .to)
        try container.encode(respondsTo, forKey: .respondsTo)
        try container.encode(deadline, forKey: .deadline)
        if let aliases, !aliases.isEmpty { try container.encode(aliases, forKey: .aliases) }
    }
}

/// Where an extracted item is: line and column of its start in the ingested text, its byte range, and the rule.
public struct Provenance: Codable, Hashable, Sendable {
    public var line: Int
    public var column: Int
    public var range: SourceRange
    public var rule: String

    /// Creates provenance.
    public init(line: Int, column: Int, range: SourceRange, rule: String) {
        self.line = line
        self.column = column
        self.range = range
        self.rule = rule
    }
}

/// An extracted item with a place in the ingested text: line, column, byte range, and the rule that found it.
public protocol Located {
    var line: Int { get }
    var column: Int { get }
    var range: SourceRange { get }
    var rule: String { get }
}

private enum LocationKeys: String, CodingKey { case line, column, range, rule }

extension Located {
    /// Where it is, as one value.
    public var provenance: Provenance { Provenance(line: line, column: column, range: range, rule: rule) }

    /// Writes `line`, `column`, `range` and `rule` into the item's JSON object (for the items whose encoders
    /// are written by hand to emit nulls).
    func encodeLocation(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: LocationKeys.self)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
        try container.encode(range, forKey: .range)
        try container.encode(rule, forKey: .rule)
    }
}

/// One mention of another document, specification or group document.
public struct Reference: Codable, Hashable, Sendable, Located {
    /// Canonical designation, such as `3GPP TS 23.501` or `SG11-LS159`.
    public var id: String
    /// `liaison`, `tdoc`, `specification`, `recommendation`, `rfc`, `draft`, `deliverable`, `contribution`,
    /// `work-item`, `resolution`, `standard`...
    public var kind: Kind
    /// The surface form in the text.
    public var text: String
    public var line: Int
    public var column: Int
    public var range: SourceRange
    public var rule: String
    /// Extra qualifiers: version, release, clause.
    public var qualifiers: [String: String]?
    /// The standards body the designation belongs to, when the rule knows.
    public var sdo: String?

    /// Creates a reference.
    public init(id: String, kind: Kind, text: String, at provenance: Provenance, qualifiers: [String: String]? = nil,
                sdo: String? = nil) {
        self.id = id
        self.kind = kind
        self.sdo = sdo
        self.text = text
        line = provenance.line
        column = provenance.column
        range = provenance.range
        rule = provenance.rule
        self.qualifiers = qualifiers
    }
}

/// Something a liaison asks of its addressees.
public struct ActionItem: Codable, Hashable, Sendable, Located {
    public var to: [String]
    public var text: String
    public var deadline: String?
    public var line: Int
    public var column: Int
    public var range: SourceRange
    public var rule: String

    /// Creates an action.
    public init(to: [String], text: String, deadline: String?, at provenance: Provenance) {
        self.to = to
        self.text = text
        self.deadline = deadline
        line = provenance.line
        column = provenance.column
        range = provenance.range
        rule = provenance.rule
    }

    enum CodingKeys: String, CodingKey { case to, text, deadline, line, column, range, rule }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(to, forKey: .to)
        try container.encode(text, forKey: .text)
        try container.encode(deadline, forKey: .deadline)
        try encodeLocation(to: encoder)
    }
}

/// A requirement sentence.
public struct Requirement: Codable, Hashable, Sendable, Located {
    /// The document's own number for it (`REQ-MV-001`, `R-3`), when it has one.
    public var id: String?
    /// The document's own name for it when it has a name instead of a number (the bold lead-in of ITU-T Y.3507's
    /// "*Multiple CPUs*: It is recommended that...").
    public var label: String?
    /// `mandatory`, `recommended`, `optional` or `prohibited`.
    public var modality: Modality
    /// The keyword that decided the modality.
    public var keyword: String
    public var text: String
    public var line: Int
    public var column: Int
    public var range: SourceRange
    public var rule: String

    /// Creates a requirement.
    public init(id: String?, modality: Modality, keyword: String, text: String, at provenance: Provenance) {
        self.id = id
        self.modality = modality
        self.keyword = keyword
        self.text = text
        line = provenance.line
        column = provenance.column
        range = provenance.range
        rule = provenance.rule
    }
}

/// A scope statement.
public struct Scope: Codable, Hashable, Sendable, Located {
    /// `includes` or `excludes`.
    public var polarity: Polarity
    /// The document the scope is of, when the sentence names it.
    public var subject: String?
    /// One aspect the statement includes or excludes, when it lists several ("network aspects of
    /// interoperability" and "IoT-related interoperability" make two items of one sentence); nil when the item is
    /// the whole sentence.
    public var aspect: String?
    public var text: String
    public var line: Int
    public var column: Int
    public var range: SourceRange
    public var rule: String

    /// Creates a scope.
    public init(polarity: Polarity, subject: String?, text: String, at provenance: Provenance) {
        self.polarity = polarity
        self.subject = subject
        self.text = text
        line = provenance.line
        column = provenance.column
        range = provenance.range
        rule = provenance.rule
    }

    enum CodingKeys: String, CodingKey { case polarity, subject, aspect, text, line, column, range, rule }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(polarity, forKey: .polarity)
        try container.encode(subject, forKey: .subject)
        try container.encodeIfPresent(aspect, forKey: .aspect)
        try container.encode(text, forKey: .text)
        try encodeLocation(to: encoder)
    }
}

/// A typed link a sentence states between documents, or between a document and a meeting.
public struct Relation: Codable, Hashable, Sendable, Located {
    /// `builds-on`, `approved-at`, `obsoletes`, `updates` or `revises`.
    public var kind: Kind
    /// Canonical id of the document the relation is about; nil for the document itself when its id is unknown.
    public var subject: String?
    /// Canonical id of the other document, or a meeting id (`ITU-T FG-MV#3`, `3GPP TSG SA#75`).
    public var object: String
    /// The meeting's date when the sentence states it, `YYYY-MM` or `YYYY-MM-DD`.
    public var meetingDate: String?
    public var text: String
    public var line: Int
    public var column: Int
    public var range: SourceRange
    public var rule: String

    /// Creates a relation.
    public init(kind: Kind, subject: String?, object: String, meetingDate: String? = nil, text: String,
                at provenance: Provenance) {
        self.kind = kind
        self.subject = subject
        self.object = object
        self.meetingDate = meetingDate
        self.text = text
        line = provenance.line
        column = provenance.column
        range = provenance.range
        rule = provenance.rule
    }

    enum CodingKeys: String, CodingKey {
        case kind = "type", subject, object, meetingDate = "meeting_date", text, line, column, range, rule
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(subject, forKey: .subject)
        try container.encode(object, forKey: .object)
        try container.encode(meetingDate, forKey: .meetingDate)
        try container.encode(text, forKey: .text)
        try encodeLocation(to: encoder)
    }
}

/// The extraction record of one document (`schema: "lstrace.document/1"`).
public struct DocumentRecord: Codable, Sendable {
    /// Schema name and version.
    public var schema = "lstrace.document/1"
    public var source: SourceInfo
    public var document: DocumentHeader
    public var references: [Reference] = []
    public var actions: [ActionItem] = []
    public var requirements: [Requirement] = []
    public var scopes: [Scope] = []
    /// Every group mention (extension field).
    public var groups: [GroupReference] = []
    /// Meetings named in the header (extension field).
    public var meetings: [MeetingReference] = []
    /// Header labels and values with their provenance (extension field).
    public var headerFields: [HeaderFieldReference] = []
    /// Relations between documents (builds-on, obsoletes, updates, revises) and approvals at meetings.
    public var relations: [Relation] = []
    /// Fields the format itself carries (e-mail headers, document properties).
    public var fields: [Field] = []
    /// Attached files; ingested ones have records of their own (path `parent!name`).
    public var attachments: [Attachment] = []
    /// Path of the document this one is attached to, for attachments.
    public var attachedTo: String?
    public var diagnostics: [Diagnostic] = []

    /// Creates a record with empty extraction results.
    public init(source: SourceInfo, document: DocumentHeader = DocumentHeader()) {
        self.source = source
        self.document = document
    }

    enum CodingKeys: String, CodingKey {
        case schema, source, document, references, actions, requirements, scopes, relations, fields, attachments
        case groups, meetings, headerFields = "header_fields"
        case attachedTo = "attached_to"
        case diagnostics
    }
}
