/// The part of a record that linking, the search outputs and the delta read, and its binary form in the run cache.
extension DocumentRecord {
    /// The record without what only its own file needs (group mentions, header fields, format fields, attachment
    /// list): what a run keeps of every document until the batch is linked.
    public var linkingPart: DocumentRecord {
        var slim = self
        slim.groups = []
        slim.headerFields = []
        slim.fields = []
        slim.attachments = []
        return slim
    }

    /// The binary form of `linkingPart` (see `BinaryWriter`).
    func linkingBytes() -> [UInt8] {
        var writer = BinaryWriter(capacity: 2048)
        writer.string(source.path)
        writer.string(source.format.rawValue)
        writer.string(source.sha256)
        writer.strings(source.copies ?? [])
        writer.strings(document.ids)
        writer.string(document.kind.rawValue)
        writer.string(document.sdo)
        writer.string(document.title)
        writer.string(document.date)
        writer.strings(document.from)
        writer.array(document.to) { $0.string($1.group); $0.string($1.purpose.rawValue) }
        writer.strings(document.respondsTo)
        writer.string(document.deadline)
        writer.array(document.aliases ?? []) { $0.strings($1) }
        writer.array(references) { writer, reference in
            writer.string(reference.id)
            writer.string(reference.kind.rawValue)
            writer.string(reference.text)
            writer.location(reference)
            writer.bool(reference.qualifiers != nil)
            if let qualifiers = reference.qualifiers {
                writer.array(JSONWriter.sortedKeys(qualifiers)) { $0.string($1); $0.string(qualifiers[$1]!) }
            }
            writer.string(reference.sdo)
        }
        writer.array(actions) { writer, action in
            writer.strings(action.to)
            writer.string(action.text)
            writer.string(action.deadline)
            writer.location(action)
        }
        writer.array(requirements) { writer, requirement in
            writer.string(requirement.id)
            writer.string(requirement.label)
            writer.string(requirement.modality.rawValue)
            writer.string(requirement.keyword)
            writer.string(requirement.text)
            writer.location(requirement)
        }
        writer.array(scopes) { writer, scope in
            writer.string(scope.polarity.rawValue)
            writer.string(scope.subject)
            writer.string(scope.aspect)
            writer.string(scope.text)
            writer.location(scope)
        }
        writer.array(relations) { writer, relation in
            writer.string(relation.kind.rawValue)
            writer.string(relation.subject)
            writer.string(relation.object)
            writer.string(relation.meetingDate)
            writer.string(relation.text)
            writer.location(relation)
        }
        writer.array(meetings) { writer, meeting in
            writer.string(meeting.id)
            writer.string(meeting.group)
            writer.string(meeting.number)
            writer.string(meeting.tdoc)
            writer.string(meeting.text)
            writer.location(meeting)
        }
        writer.string(attachedTo)
        writer.array(diagnostics) { writer, diagnostic in
            writer.string(diagnostic.id)
            writer.string(diagnostic.severity.rawValue)
            writer.string(diagnostic.summary)
            writer.string(diagnostic.explanation)
            writer.string(diagnostic.path)
            writer.int(diagnostic.line)
            writer.int(diagnostic.column)
            writer.bool(diagnostic.range != nil)
            if let range = diagnostic.range {
                writer.int(range.start)
                writer.int(range.end)
            }
            writer.bool(diagnostic.notes != nil)
            if let notes = diagnostic.notes { writer.strings(notes) }
            writer.string(diagnostic.subject)
        }
        return writer.bytes
    }

    /// Reads what `linkingBytes` wrote; with `headerOnly`, only the source, the header and the references (the
    /// rest stays empty).
    init(linkingBytes bytes: [UInt8], headerOnly: Bool = false) throws {
        var reader = BinaryReader(bytes)
        let path = try reader.string()
        guard let format = DocumentFormat(rawValue: try reader.string()) else { throw BinaryReader.Corrupt() }
        self.init(source: SourceInfo(path: path, format: format, sha256: try reader.string()))
        let copies = try reader.strings()
        source.copies = copies.isEmpty ? nil : copies
        document.ids = try reader.strings()
        guard let kind = DocumentKind(rawValue: try reader.string()) else { throw BinaryReader.Corrupt() }
        document.kind = kind
        document.sdo = try reader.optionalString()
        document.title = try reader.optionalString()
        document.date = try reader.optionalString()
        document.from = try reader.strings()
        document.to = try reader.array { Addressee(group: try $0.string(), purpose: try $0.value()) }
        document.respondsTo = try reader.strings()
        document.deadline = try reader.optionalString()
        let aliases = try reader.array { try $0.strings() }
        document.aliases = aliases.isEmpty ? nil : aliases
        references = try reader.array { reader in
            let id = try reader.string()
            let kind: Reference.Kind = try reader.value()
            let text = try reader.string()
            let location = try reader.location()
            var qualifiers: [String: String]?
            if try reader.bool() {
                let pairs = try reader.array { (try $0.string(), try $0.string()) }
                qualifiers = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
            }
            return Reference(id: id, kind: kind, text: text, at: location, qualifiers: qualifiers,
                             sdo: try reader.optionalString())
        }
        if headerOnly { return }
        actions = try reader.array { reader in
            ActionItem(to: try reader.strings(), text: try reader.string(), deadline: try reader.optionalString(),
                       at: try reader.location())
        }
        requirements = try reader.array { reader in
            let id = try reader.optionalString()
            let label = try reader.optionalString()
            var requirement = Requirement(id: id, modality: try reader.value(), keyword: try reader.string(),
                                          text: try reader.string(), at: try reader.location())
            requirement.label = label
            return requirement
        }
        scopes = try reader.array { reader in
            let polarity: Scope.Polarity = try reader.value()
            let subject = try reader.optionalString()
            let aspect = try reader.optionalString()
            var scope = Scope(polarity: polarity, subject: subject, text: try reader.string(), at: try reader.location())
            scope.aspect = aspect
            return scope
        }
        relations = try reader.array { reader in
            Relation(kind: try reader.value(), subject: try reader.optionalString(), object: try reader.string(),
                     meetingDate: try reader.optionalString(), text: try reader.string(), at: try reader.location())
        }
        meetings = try reader.array { reader in
            MeetingReference(id: try reader.string(), group: try reader.string(), number: try reader.string(),
                             tdoc: try reader.optionalString(), text: try reader.string(), at: try reader.location())
        }
        attachedTo = try reader.optionalString()
        diagnostics = try reader.array { reader in
            let id = try reader.string()
            guard let severity = Severity(rawValue: try reader.string()) else { throw BinaryReader.Corrupt() }
            return Diagnostic(id: id, severity: severity, summary: try reader.string(),
                              explanation: try reader.optionalString(), path: try reader.optionalString(),
                              line: try reader.optionalInt(), column: try reader.optionalInt(),
                              range: try reader.bool() ? SourceRange(try reader.int(), try reader.int()) : nil,
                              notes: try reader.bool() ? try reader.strings() : nil,
                              subject: try reader.optionalString())
        }
        guard reader.isAtEnd else { throw BinaryReader.Corrupt() }
    }
}

extension BinaryWriter {
    mutating func location(_ item: some Located) {
        int(item.line)
        int(item.column)
        int(item.range.start)
        int(item.range.end)
        string(item.rule)
    }
}

extension BinaryReader {
    mutating func location() throws -> Provenance {
        Provenance(line: try int(), column: try int(), range: SourceRange(try int(), try int()), rule: try string())
    }
}
