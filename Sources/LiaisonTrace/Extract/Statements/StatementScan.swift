import Foundation

/// One document as the sentence-level extractors see it: its statements with their section roles, its class, the
/// references an earlier extractor found (located in the normalized text), and how to name the subject of a
/// statement. Built by each sentence-level extractor; what it derives is shared through the context.
struct StatementScan {
    /// A reference of the record, located in the normalized text.
    struct LocatedReference {
        var id: String
        var kind: Reference.Kind
        var range: NSRange
    }

    /// Something in a sentence that names a document.
    enum DocumentMention {
        case reference(LocatedReference)
        case selfMention(StatementVocabulary.SelfMention)

        var range: NSRange {
            switch self {
            case .reference(let reference): return reference.range
            case .selfMention(let mention): return mention.range
            }
        }
    }

    /// Who a statement is about.
    enum Subject: Equatable {
        /// A document by canonical id.
        case document(String)
        /// The document being extracted.
        case this
        /// A pointer back ("this deliverable" in a liaison) with nothing to point to.
        case unresolved
        /// The statement names no subject it can be pinned to ("there are activities considering ...").
        case unnamed
    }

    let context: ExtractionContext
    let outline: DocumentOutline
    let documentClass: DocumentClass
    let roles: [SectionRole?]
    let references: [LocatedReference]
    /// The document's own primary id, when the header extractor found it.
    let selfID: String?
    let vocabulary: StatementVocabulary

    init(context: ExtractionContext, record: DocumentRecord, vocabulary: StatementVocabulary) {
        self.context = context
        self.vocabulary = vocabulary
        outline = context.outline
        selfID = record.document.ids.first
        // The sentence-level extractors see the same record fields, so they share what is derived from them.
        let key = "\(ObjectIdentifier(vocabulary.selfMention))|\(record.references.count)|\(selfID ?? "")|"
            + "\(record.document.kind.rawValue)|\(record.document.sdo ?? "")"
        if let shared = context.statementScanParts, shared.key == key {
            documentClass = shared.documentClass
            roles = shared.roles
            references = shared.references
            return
        }
        documentClass = vocabulary.documentClass(of: context, record: record)
        roles = vocabulary.sectionRoles(outline)
        references = record.references.map { reference in
            let start = context.location(forSource: reference.range.start)
            let end = context.location(forSource: reference.range.end)
            return LocatedReference(id: reference.id, kind: reference.kind,
                                    range: NSRange(location: start, length: max(0, end - start)))
        }.sorted { $0.range.location < $1.range.location }
        context.statementScanParts = Parts(key: key, documentClass: documentClass, roles: roles,
                                           references: references)
    }

    /// What a scan derives from the record and the outline, kept in the context for the next extractor.
    struct Parts {
        var key: String
        var documentClass: DocumentClass
        var roles: [SectionRole?]
        var references: [LocatedReference]
    }

    var statements: [DocumentOutline.Statement] { outline.statements }

    /// The role of the section a statement is in.
    func role(of statement: DocumentOutline.Statement) -> SectionRole? {
        statement.section.flatMap { roles[$0] }
    }

    /// Whether a statement is one the extractors skip: a heading, or in an excluded section.
    func isSkipped(_ statement: DocumentOutline.Statement) -> Bool {
        statement.isHeading || role(of: statement) == .excluded
    }

    /// The subject text for output: a document id, the document's own id (nil when unknown).
    func output(_ subject: Subject) -> String? {
        switch subject {
        case .document(let id): return id
        case .this, .unresolved: return selfID
        case .unnamed: return nil
        }
    }

    // MARK: - References and self-mentions


    /// References wholly inside `range`.
    func references(in range: NSRange) -> [LocatedReference] {
        references.elements(within: range) { $0.range }
    }

    /// References and self-mentions inside `range`, in text order (a self-mention overlapping a reference is
    /// dropped).
    func documentMentions(in range: NSRange) -> [DocumentMention] {
        let found = references(in: range)
        var mentions = found.map(DocumentMention.reference)
        for mention in vocabulary.selfMentions(in: context, range: range)
        where !found.contains(where: { NSIntersectionRange($0.range, mention.range).length > 0 }) {
            mentions.append(.selfMention(mention))
        }
        return mentions.sorted { $0.range.location < $1.range.location }
    }

    /// The subject a mention stands for. In a liaison, "this deliverable" (not a liaison noun) points back to the
    /// document referenced last in the three statements before `statementIndex`, or in the statement itself before
    /// the mention.
    func subject(of mention: DocumentMention, statementIndex: Int) -> Subject {
        switch mention {
        case .reference(let reference):
            return .document(reference.id)
        case .selfMention(let selfMention):
            if documentClass != .liaison || selfMention.isLiaisonNoun { return .this }
            let from = statements[max(0, statementIndex - 3)].range.location
            let candidates = references(in: NSRange(location: from, length: selfMention.range.location - from))
            if let last = candidates.last { return .document(last.id) }
            return .unresolved
        }
    }

    // MARK: - Statement extents

    /// When statement `index` ends with a colon and list items follow in the same section, the index of the last
    /// of them (at most 30 statements); otherwise `index`. A sentence that goes on on the line of a list item
    /// ("- can one network use several MNCs? (For example, ...)") belongs to that item.
    func listEnd(after index: Int) -> Int {
        let statement = statements[index]
        guard statement.text.hasSuffix(":") else { return index }
        var last = index
        while last + 1 < statements.count, last - index < 30, statements[last + 1].section == statement.section {
            let next = statements[last + 1]
            let sameLine = last > index && !lineBreak(from: NSMaxRange(statements[last].range), to: next.range.location)
            guard next.isListItem || sameLine else { break }
            last += 1
        }
        return last
    }

    func lineBreak(from start: Int, to end: Int) -> Bool {
        guard end > start else { return false }
        let ns = context.scan
        return (start..<end).contains { ns.character(at: $0) == 0x0A }
    }

    /// The range from the start of statement `first` to the end of statement `last`.
    func range(from first: Int, to last: Int) -> NSRange {
        let start = statements[first].range.location
        return NSRange(location: start, length: NSMaxRange(statements[last].range) - start)
    }

    /// Text of `range`, white space collapsed.
    func text(_ range: NSRange) -> String {
        DocumentOutline.collapsed(context, range)
    }
}
