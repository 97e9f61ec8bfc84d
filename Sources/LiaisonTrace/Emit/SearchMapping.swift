/// `search-mapping.json`: the index template for the search feed, as OpenSearch and Elasticsearch take it
/// (`PUT _index_template/lstrace`): designations, groups, references and other identifiers as `keyword` (exact
/// match, aggregations), `date` and `deadline` as dates (`YYYY-MM-DD` or `YYYY-MM`), title and body as `text`
/// (the title also as a keyword for sorting). Fields the feed does not declare are not indexed (`dynamic: false`).
enum SearchMapping {
    /// The file written beside `search.ndjson`.
    static let fileName = "search-mapping.json"

    /// The field types of the feed's documents, by field (the keys `SearchDocument` writes).
    static let fields: [(name: String, type: String)] = [
        ("date", "date"), ("deadline", "date"), ("format", "keyword"), ("from", "keyword"), ("id", "keyword"),
        ("ids", "keyword"), ("kind", "keyword"), ("path", "keyword"), ("references", "keyword"),
        ("responds_to", "keyword"), ("sdo", "keyword"), ("text", "text"), ("title", "text"), ("to", "keyword"),
    ]

    /// The template for indexes named `index` (and `index-*`).
    static func template(index: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("_meta")
        writer.beginObject()
        writer.field("description", "LiaisonTrace search feed (search.ndjson); PUT _index_template/\(index)")
        writer.field("schema", "lstrace.search-mapping/1")
        writer.endObject()
        writer.field("index_patterns", [index, index + "-*"])
        writer.field("priority", 100)
        writer.key("template")
        writer.beginObject()
        writer.key("mappings")
        writer.beginObject()
        writer.field("dynamic", false)
        writer.key("properties")
        writer.beginObject()
        for (name, type) in fields {
            writer.key(name)
            writer.beginObject()
            switch (name, type) {
            case ("title", _):
                writer.key("fields")
                writer.beginObject()
                writer.key("keyword")
                writer.beginObject()
                writer.field("ignore_above", 512)
                writer.field("type", "keyword")
                writer.endObject()
                writer.endObject()
                writer.field("type", type)
            case (_, "date"):
                writer.field("format", "strict_date||strict_year_month||strict_year")
                writer.field("type", type)
            default:
                writer.field("type", type)
            }
            writer.endObject()
        }
        writer.endObject()
        writer.endObject()
        writer.key("settings")
        writer.beginObject()
        writer.field("number_of_shards", 1)
        writer.endObject()
        writer.endObject()
        writer.endObject()
        var bytes = writer.bytes
        bytes.append(0x0A)
        return bytes
    }
}
