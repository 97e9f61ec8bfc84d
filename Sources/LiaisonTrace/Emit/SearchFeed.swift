import Foundation

/// One document as the search indexes see it: the record's header fields, what it references, and its text.
public struct SearchDocument: Codable, Sendable {
    public var id: String
    public var ids: [String]
    public var path: String
    public var format: String
    public var kind: String
    public var sdo: String?
    public var title: String?
    public var date: String?
    public var deadline: String?
    public var from: [String]
    public var to: [String]
    public var respondsTo: [String]
    public var references: [String]
    public var text: String

    enum CodingKeys: String, CodingKey {
        case id, ids, path, format, kind, sdo, title, date, deadline, from, to
        case respondsTo = "responds_to"
        case references, text
    }

    /// The search document of a record and its normalized text.
    public init(record: DocumentRecord, text: String) {
        let header = record.document
        id = Linker.primaryID(record)
        ids = header.ids
        path = record.source.path
        format = record.source.format.rawValue
        kind = header.kind.rawValue
        sdo = header.sdo
        title = header.title
        date = header.date
        deadline = header.deadline
        from = header.from
        to = header.to.map(\.group)
        respondsTo = header.respondsTo
        var seen = Set<String>()
        references = record.references.map(\.id).filter { seen.insert($0).inserted }
        self.text = text
    }
}

extension SearchDocument: JSONWritable {
    public func writeJSON(to writer: inout JSONWriter) {
        writer.beginObject()
        writer.field(ifPresent: "date", date)
        writer.field(ifPresent: "deadline", deadline)
        writer.field("format", format)
        writer.field("from", from)
        writer.field("id", id)
        writer.field("ids", ids)
        writer.field("kind", kind)
        writer.field("path", path)
        writer.field("references", references)
        writer.field("responds_to", respondsTo)
        writer.field(ifPresent: "sdo", sdo)
        writer.field("text", text)
        writer.field(ifPresent: "title", title)
        writer.field("to", to)
        writer.endObject()
    }
}

/// The Elasticsearch/OpenSearch bulk feed (`search.ndjson`): an action line, then the document line.
public struct SearchFeed: Emitter {
    public static let id = "search-feed"
    public static let summary = "search.ndjson, an Elasticsearch/OpenSearch bulk feed"
    public static let needs = StageName.normalize

    /// The index the feed's actions name.
    public var index: String

    /// Creates the emitter for index `index`.
    public init(index: String = "lstrace") {
        self.index = index
    }

    /// The document's two lines, encoded in the parallel part of the batch.
    public func prepare(_ document: ProcessedDocument) throws -> Data? {
        Data(try lines(SearchDocument(record: document.record, text: document.text)).utf8)
    }

    public func write(_ output: RunOutput, to directory: URL) throws {
        var data = Data()
        for document in output.documents {
            data += try document.prepared[Self.id]
                ?? Data(lines(SearchDocument(record: document.record, text: document.text)).utf8)
        }
        try AtomicFile.write(data, to: directory.appendingPathComponent("search.ndjson"))
    }

    /// The feed text for `documents`.
    public func ndjson(_ documents: [SearchDocument]) throws -> String {
        try documents.map(lines).joined()
    }

    /// The action line and the document line of one document.
    func lines(_ document: SearchDocument) throws -> String {
        let action: [String: [String: String]] = ["index": ["_index": index, "_id": document.path]]
        return try JSONOutput.line(action) + "\n" + JSONOutput.line(document) + "\n"
    }
}
