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
        writer.value(source.format)
        writer.string(source.sha256)
        writer.strings(source.copies ?? [])
        writer.strings(document.ids)
        writer.value(document.kind)
        writer.string(document.sdo)
        writer.string(document.title)
        writer.string(document.date)
        writer.strings(document.from)
        writer.array(document.to) { $0.string($1.group); $0.value($1.purpose) }
        writer.strings(document.respondsTo)
        writer.string(document.deadline)
        writer.array(document.aliases ?? []) { $0.strings($1) }
        writer.array(references) { writer, reference in
            writer.string(reference.id)
            writer.value(reference.kind)
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
            writer.value(requirement.modality)
            writer.string(requirement.keyword)
            writer.string(requirement.text)
            writer.location(requirement)
        }
        writer.array(scopes) { writer, scope in
            writer.value(scope.polarity)
            writer.string(scope.subject)
            writer.string(scope.aspect)
            writer.string(scope.text)
            writer.location(scope)
        }
        writer.array(relations) { writer, relation in
            writer.value(relation.kind)
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
            writer.value(diagnostic.severity)
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

    /// Reads what `linkingBytes` wrote; with `headerOnly`, only the source, the header and the references without
    /// their text and rule (the rest stays empty).
    init(linkingBytes bytes: [UInt8], headerOnly: Bool = false) throws {
        var reader = BinaryReader(bytes)
        let path = try reader.string()
        self.init(source: SourceInfo(path: path, format: try reader.value(), sha256: try reader.string()))
        let copies = try reader.strings()
        source.copies = copies.isEmpty ? nil : copies
        document.ids = try reader.strings()
        document.kind = try reader.value()
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
            // The passes that read headers do not read a reference's text or rule: not made into strings.
            var text = ""
            if headerOnly { try reader.skipString() } else { text = try reader.string() }
            let location = try reader.location(withRule: !headerOnly)
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
            return Diagnostic(id: id, severity: try reader.value(), summary: try reader.string(),
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
    mutating func location(withRule: Bool = true) throws -> Provenance {
        let (line, column, range) = (try int(), try int(), SourceRange(try int(), try int()))
        guard withRule else {
            try skipString()
            return Provenance(line: line, column: column, range: range, rule: "")
        }
        return Provenance(line: line, column: column, range: range, rule: try string())
    }
}
