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
        id = Self.id(of: record)
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

    /// The text of a search document's compact JSON; empty when the bytes are not one.
    static func text(ofJSON json: [UInt8]) -> String {
        (try? JSONDecoder().decode(SearchDocument.self, from: Data(json)))?.text ?? ""
    }

    /// The document's id in search indexes: its primary designation, or its content hash when it has none; never
    /// a path, so that the same document gets the same id on every machine and in every folder.
    public static func id(of record: DocumentRecord) -> String {
        record.document.ids.first ?? record.source.sha256
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

/// The Elasticsearch/OpenSearch bulk feed (`search.ndjson`: an action line, then the document line) and the index
/// template that goes with it (`search-mapping.json`). A document known under one `_id` is indexed once (the first
/// in path order). With `--feed delta` the feed holds only what changed since the previous run into the same folder:
/// index actions for new and changed documents, delete actions for the `_id`s no longer in the batch.
public struct SearchFeed: Emitter {
    public static let id = "search-feed"
    public static let summary = "search.ndjson, an Elasticsearch/OpenSearch bulk feed, and search-mapping.json, its index template"
    public static let needs = StageName.normalize

    /// The index the feed's actions name.
    public var index: String

    /// Creates the emitter for index `index`.
    public init(index: String = "lstrace") {
        self.index = index
    }

    public func open(in directory: URL, context: EmitContext) throws -> any EmitterOutput {
        try Output(feed: self, directory: directory, context: context)
    }

    final class Output: EmitterOutput {
        let feed: SearchFeed
        let directory: URL
        let context: EmitContext
        private let stream: AtomicFile.Stream
        private var documents: [String: String] = [:]

        init(feed: SearchFeed, directory: URL, context: EmitContext) throws {
            self.feed = feed
            self.directory = directory
            self.context = context
            stream = try AtomicFile.Stream(path: directory.appendingPathComponent("search.ndjson").path)
        }

        func add(_ document: EmitDocument) throws {
            let id = SearchDocument.id(of: document.record)
            guard documents[id] == nil else { return }
            let hash = document.search.hash
            documents[id] = hash
            if context.feed == .full || context.previous?.feed[id] != hash {
                try stream.write(feed.actionLine("index", id: id))
                try stream.write(document.search.json)
                try stream.write(CollectionOfOne(0x0A))
            }
        }

        func finish(_ output: RunOutput) throws {
            if context.feed == .delta, let previous = context.previous {
                for id in previous.feed.keys.sorted() where documents[id] == nil {
                    try stream.write(feed.actionLine("delete", id: id))
                }
            }
            try stream.commit()
            try AtomicFile.write(SearchMapping.template(index: feed.index),
                                 to: directory.appendingPathComponent(SearchMapping.fileName).path)
            context.feedDocuments = documents
        }
    }

    /// The feed text for `documents`: an index action and the document for each.
    public func ndjson(_ documents: [SearchDocument]) throws -> String {
        documents.map { String(decoding: actionLine("index", id: $0.id), as: UTF8.self)
            + String(decoding: JSONOutput.bytes($0, pretty: false), as: UTF8.self) + "\n" }.joined()
    }

    /// An action line (`{"index":{"_id":...,"_index":...}}` and a newline).
    func actionLine(_ action: String, id: String) -> [UInt8] {
        var writer = JSONWriter(pretty: false, capacity: 96)
        writer.beginObject()
        writer.key(action)
        writer.beginObject()
        writer.field("_id", id)
        writer.field("_index", index)
        writer.endObject()
        writer.endObject()
        return writer.bytes + [0x0A]
    }
}
