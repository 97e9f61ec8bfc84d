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

/// The Elasticsearch/OpenSearch bulk feed (`search.ndjson`): an action line, then the document line.
public enum SearchFeed {
    /// The feed text for `documents` into index `index`.
    public static func ndjson(_ documents: [SearchDocument], index: String = "lstrace") throws -> String {
        var out = ""
        for document in documents {
            let action: [String: [String: String]] = ["index": ["_index": index, "_id": document.path]]
            out += try JSONOutput.line(action) + "\n"
            out += try JSONOutput.line(document) + "\n"
        }
        return out
    }
}
