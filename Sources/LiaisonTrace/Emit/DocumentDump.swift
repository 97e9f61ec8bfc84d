/// The `lstrace dump` view of an ingested document: one line per block, `kind[details] line: text`.
public enum DocumentDump {
    /// The dump text, attachments' dumps included after their parent's.
    public static func text(of document: IngestedDocument) -> String {
        var out = "# \(document.source.path) (\(document.source.format.rawValue))\n"
        for field in document.fields { out += "@\(field.name): \(field.value)\n" }
        for attachment in document.attachments {
            out += "@attachment: \(attachment.name) (\(attachment.mediaType ?? "?"), \(attachment.size) bytes"
                + (attachment.ingested ? ", ingested)\n" : ")\n")
        }
        let lines = LineIndex(document.text)
        for block in document.blocks {
            var label = block.kind.rawValue
            var details: [String] = []
            if let level = block.level { details.append("level \(level)") }
            if let table = block.table, let row = block.row, let column = block.column {
                details.append("t\(table) r\(row) c\(column)")
            }
            if let name = block.name { details.append(name) }
            if let sourceLine = block.sourceLine { details.append("src \(sourceLine)") }
            if !details.isEmpty { label += "[" + details.joined(separator: ", ") + "]" }
            let line = lines.position(of: block.range.start).line
            let text = document.text(of: block.range).replacingOccurrences(of: "\n", with: "\n    | ")
            out += "\(label) \(line): \(text)\n"
        }
        for child in document.children { out += "\n" + Self.text(of: child) }
        return out
    }
}

/// The `lstrace extract --format text` view of a record.
public enum RecordSummary {
    /// A short human summary.
    public static func text(of record: DocumentRecord) -> String {
        let header = record.document
        var lines = ["\(record.source.path) [\(record.source.format.rawValue)] \(header.kind.rawValue)"]
        if !header.ids.isEmpty { lines.append("  ids: \(header.ids.joined(separator: ", "))") }
        if let title = header.title { lines.append("  title: \(title)") }
        if !header.from.isEmpty { lines.append("  from: \(header.from.joined(separator: ", "))") }
        for addressee in header.to { lines.append("  to (\(addressee.purpose)): \(addressee.group)") }
        if !header.respondsTo.isEmpty { lines.append("  responds to: \(header.respondsTo.joined(separator: ", "))") }
        if let deadline = header.deadline { lines.append("  deadline: \(deadline)") }
        if !record.references.isEmpty {
            var seen = Set<String>()
            let ids = record.references.map(\.id).filter { seen.insert($0).inserted }
            lines.append("  references (\(record.references.count)): \(ids.joined(separator: ", "))")
        }
        for action in record.actions {
            lines.append("  action -> \(action.to.joined(separator: ", "))\(action.deadline.map { " by \($0)" } ?? ""): "
                + action.text)
        }
        for scope in record.scopes {
            lines.append("  scope \(scope.polarity.rawValue) (\(scope.subject ?? "this document")): \(scope.aspect ?? scope.text)")
        }
        for relation in record.relations {
            lines.append("  \(relation.subject ?? "this document") \(relation.kind.rawValue) \(relation.object)"
                + (relation.meetingDate.map { " (\($0))" } ?? ""))
        }
        let modalities = Dictionary(grouping: record.requirements, by: \.modality.rawValue).mapValues(\.count)
        lines.append("  requirements: \(record.requirements.count)"
            + (modalities.isEmpty ? "" : " (" + modalities.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
                .joined(separator: ", ") + ")"))
        for diagnostic in record.diagnostics { lines.append("  " + diagnostic.formatted) }
        return lines.joined(separator: "\n")
    }
}
