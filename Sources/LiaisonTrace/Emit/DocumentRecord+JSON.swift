/// The extraction record and its parts write their JSON directly (see `JSONWriter`), with the keys their `Encodable`
/// conformances produce, in sorted order: fields written with `encodeIfPresent` (or synthesized from optionals) are
/// left out when nil, fields written with `encode` are `null`. `JSONWriterTests` compares both on real records.
extension DocumentRecord: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("actions", actions)
        writer.field(ifPresent: "attached_to", attachedTo)
        writer.field("attachments", attachments)
        writer.field("diagnostics", diagnostics)
        writer.field("document", document)
        writer.field("fields", fields)
        writer.field("groups", groups)
        writer.field("header_fields", headerFields)
        writer.field("meetings", meetings)
        writer.field("references", references)
        writer.field("relations", relations)
        writer.field("requirements", requirements)
        writer.field("schema", schema)
        writer.field("scopes", scopes)
        writer.field("source", source)
        writer.endObject()
    }
}

extension SourceInfo: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        if let copies { writer.field("copies", copies) }
        writer.field("format", format.rawValue)
        writer.field("path", path)
        writer.field("sha256", sha256)
        writer.endObject()
    }
}

extension DocumentHeader: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        if let aliases, !aliases.isEmpty {
            writer.key("aliases")
            writer.array(aliases) { $0.strings($1) }
        }
        writer.field("date", date)
        writer.field("deadline", deadline)
        writer.field("from", from)
        writer.field("ids", ids)
        writer.field("kind", kind.rawValue)
        writer.field("responds_to", respondsTo)
        writer.field("sdo", sdo)
        writer.field("title", title)
        writer.field("to", to)
        writer.endObject()
    }
}

extension Addressee: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("group", group)
        writer.field(ifPresent: "label", label)
        writer.field("purpose", purpose.rawValue)
        writer.endObject()
    }
}

extension SourceRange: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginArray()
        writer.element()
        writer.int(start)
        writer.element()
        writer.int(end)
        writer.endArray()
    }
}

extension Reference: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("column", column)
        writer.field("id", id)
        writer.field("kind", kind.rawValue)
        writer.field("line", line)
        if let qualifiers {
            writer.key("qualifiers")
            writer.object(qualifiers)
        }
        writer.field("range", range)
        writer.field("rule", rule)
        writer.field(ifPresent: "sdo", sdo)
        writer.field("text", text)
        writer.endObject()
    }
}

extension ActionItem: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("column", column)
        writer.field("deadline", deadline)
        writer.field("line", line)
        writer.field("range", range)
        writer.field("rule", rule)
        writer.field("text", text)
        writer.field("to", to)
        writer.endObject()
    }
}

extension Requirement: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("column", column)
        writer.field(ifPresent: "id", id)
        writer.field("keyword", keyword)
        writer.field(ifPresent: "label", label)
        writer.field("line", line)
        writer.field("modality", modality.rawValue)
        writer.field("range", range)
        writer.field("rule", rule)
        writer.field("text", text)
        writer.endObject()
    }
}

extension Scope: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field(ifPresent: "aspect", aspect)
        writer.field("column", column)
        writer.field("line", line)
        writer.field("polarity", polarity.rawValue)
        writer.field("range", range)
        writer.field("rule", rule)
        writer.field("subject", subject)
        writer.field("text", text)
        writer.endObject()
    }
}

extension Relation: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("column", column)
        writer.field("line", line)
        writer.field("meeting_date", meetingDate)
        writer.field("object", object)
        writer.field("range", range)
        writer.field("rule", rule)
        writer.field("subject", subject)
        writer.field("text", text)
        writer.field("type", kind.rawValue)
        writer.endObject()
    }
}

extension Field: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("name", name)
        writer.field("value", value)
        writer.endObject()
    }
}

extension Attachment: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("ingested", ingested)
        writer.field(ifPresent: "mediaType", mediaType)
        writer.field("name", name)
        writer.field("size", size)
        writer.endObject()
    }
}

extension GroupReference: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("body", body)
        writer.field("column", column)
        writer.field("id", id)
        writer.field("line", line)
        writer.field("range", range)
        writer.field("rule", rule)
        writer.field("text", text)
        writer.endObject()
    }
}

extension MeetingReference: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("column", column)
        writer.field("group", group)
        writer.field("id", id)
        writer.field("line", line)
        writer.field("number", number)
        writer.field("range", range)
        writer.field("rule", rule)
        writer.field("tdoc", tdoc)
        writer.field("text", text)
        writer.endObject()
    }
}

extension HeaderFieldReference: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("column", column)
        writer.field("field", field)
        writer.field("label", label)
        writer.field("line", line)
        writer.field("purpose", purpose?.rawValue)
        writer.field("range", range)
        writer.field("rule", rule)
        writer.field("value", value)
        writer.endObject()
    }
}

extension Diagnostic: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        if let column { writer.field("column", column) }
        writer.field(ifPresent: "explanation", explanation)
        writer.field("id", id)
        if let line { writer.field("line", line) }
        if let notes { writer.field("notes", notes) }
        writer.field(ifPresent: "path", path)
        if let range { writer.field("range", range) }
        writer.field("severity", severity.rawValue)
        writer.field(ifPresent: "subject", subject)
        writer.field("summary", summary)
        writer.endObject()
    }
}

extension DiagnosticsReport: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("diagnostics", diagnostics)
        writer.field("quarantined", quarantined)
        writer.endObject()
    }
}
