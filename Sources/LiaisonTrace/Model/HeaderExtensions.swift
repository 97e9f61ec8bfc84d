/// One mention of a group (study group, working group, body) in a document: an extension of the record
/// (`groups`), so that every group a document names can be searched and linked, not only its sender and
/// addressees.
public struct GroupReference: Codable, Hashable, Sendable, Located {
    /// Canonical group name, such as `ITU-T SG11` or `3GPP SA2`.
    public var id: String
    /// The standards body the group belongs to (`ITU-T`, `3GPP`, `ETSI`...).
    public var body: String
    /// The surface form in the text.
    public var text: String
    public var line: Int
    public var column: Int
    public var range: SourceRange
    public var rule: String

    /// Creates a group reference.
    public init(id: String, body: String, text: String, at provenance: Provenance) {
        self.id = id
        self.body = body
        self.text = text
        line = provenance.line
        column = provenance.column
        range = provenance.range
        rule = provenance.rule
    }
}

/// A meeting a document names in its header (a 3GPP tdoc header or registration stamp): an extension of the
/// record (`meetings`). The canonical id is `<canonical group>#<meeting number as written, lowercase suffix>`,
/// such as `3GPP TSG SA#75` or `3GPP SA2#129bis`.
public struct MeetingReference: Codable, Hashable, Sendable, Located {
    /// Canonical meeting id.
    public var id: String
    /// Canonical group that met.
    public var group: String
    /// The meeting number (`75`, `129bis`).
    public var number: String
    /// The document number the header gives for this meeting (the tdoc the document is, or was registered as,
    /// there), when it gives one.
    public var tdoc: String?
    /// The surface form in the text.
    public var text: String
    public var line: Int
    public var column: Int
    public var range: SourceRange
    public var rule: String

    /// Creates a meeting reference.
    public init(id: String, group: String, number: String, tdoc: String?, text: String, at provenance: Provenance) {
        self.id = id
        self.group = group
        self.number = number
        self.tdoc = tdoc
        self.text = text
        line = provenance.line
        column = provenance.column
        range = provenance.range
        rule = provenance.rule
    }

    enum CodingKeys: String, CodingKey { case id, group, number, tdoc, text, line, column, range, rule }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(group, forKey: .group)
        try container.encode(number, forKey: .number)
        try container.encode(tdoc, forKey: .tdoc)
        try container.encode(text, forKey: .text)
        try encodeLocation(to: encoder)
    }
}

/// One header label and its value as the header extractor read them: an extension of the record
/// (`header_fields`) that gives every `document` value its provenance.
public struct HeaderFieldReference: Codable, Hashable, Sendable, Located {
    /// The field's role: `title`, `from`, `to`, `responds_to`, `deadline`, `date`, `approval`, `ids`, `purpose`.
    public var field: String
    /// For `to`: the purpose the label gives.
    public var purpose: Addressee.Purpose?
    /// The label as written, without its colon.
    public var label: String
    /// The value, white space collapsed (empty when the label has none).
    public var value: String
    public var line: Int
    public var column: Int
    public var range: SourceRange
    /// `header.<form>.<field>`.
    public var rule: String

    /// Creates a header field reference.
    public init(field: String, purpose: Addressee.Purpose?, label: String, value: String, at provenance: Provenance) {
        self.field = field
        self.purpose = purpose
        self.label = label
        self.value = value
        line = provenance.line
        column = provenance.column
        range = provenance.range
        rule = provenance.rule
    }

    enum CodingKeys: String, CodingKey { case field, purpose, label, value, line, column, range, rule }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(field, forKey: .field)
        try container.encode(purpose, forKey: .purpose)
        try container.encode(label, forKey: .label)
        try container.encode(value, forKey: .value)
        try encodeLocation(to: encoder)
    }
}
