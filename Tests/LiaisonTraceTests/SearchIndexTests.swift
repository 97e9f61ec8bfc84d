import GRDB
import XCTest
@testable import LiaisonTrace

final class SearchIndexTests: XCTestCase {
    func documents() -> [SearchDocument] {
        let records = GraphTests.sampleRecords()
        let texts = ["ITU-T SG2 asks about the evolution of the IMSI format and Recommendation E.212.",
                     "3GPP CT replies on IMSI; TS 23.003 specifies the IMSI.",
                     "Registration of CP-172071."]
        return zip(records, texts).map { SearchDocument(record: $0, text: $1) }
    }

    func testFeedIsActionLineThenDocumentLine() throws {
        let lines = try SearchFeed().ndjson(documents()).split(separator: "\n")
        XCTAssertEqual(lines.count, 6)
        let action = try JSONDecoder().decode(JSONValue.self, from: Data(lines[0].utf8))
        XCTAssertEqual(action["index"]?["_id"]?.string, "SG2-LS27", "the primary designation, never a path")
        let document = try JSONDecoder().decode(JSONValue.self, from: Data(lines[1].utf8))
        XCTAssertEqual(document["id"]?.string, "SG2-LS27")
        XCTAssertEqual(document["title"]?.string, "LS on Evolution of IMSI format")
    }

    func testStoreFindsDesignationsAndWords() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = SearchStore(path: folder.appendingPathComponent("index.sqlite").path)
        try store.write(documents: documents(), graph: Linker().link(GraphTests.sampleRecords()))
        XCTAssertEqual(try store.search("TS 23.003").map(\.id), ["CP-172153"])
        XCTAssertEqual(try store.search("CP-172071").map(\.id).first, "CP-172071")
        XCTAssertEqual(Set(try store.search("IMSI").map(\.id)), ["SG2-LS27", "CP-172153"])
        // The title weighs more than the body.
        XCTAssertEqual(try store.search("evolution").map(\.id).first, "SG2-LS27")
        XCTAssertTrue(try store.search("IMSI").first?.snippet.contains("[IMSI]") ?? false)
        XCTAssertEqual(try store.search("nothing-like-this").count, 0)
        XCTAssertEqual(SearchStore.ftsQuery("SG11-LS159 reply"), "\"SG11-LS159\" \"reply\"")
        XCTAssertEqual(SearchStore.ftsQuery("IMSI OR E.212"), "IMSI OR E.212")
    }

    /// The content digest that the incremental tests compare stores by: equal for the same rows written apart, and
    /// different as soon as one document's text differs.
    func testContentDigestTellsStoresApartByWhatTheyHold() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let graph = Linker().link(GraphTests.sampleRecords())
        func store(_ name: String, _ documents: [SearchDocument]) throws -> SearchStore {
            let store = SearchStore(path: folder.appendingPathComponent(name).path)
            try store.write(documents: documents, graph: graph)
            return store
        }
        let first = try store("a.sqlite", documents())
        let again = try store("b.sqlite", documents())
        var edited = documents()
        edited[1].text += " TS 23.122 as well."
        let other = try store("c.sqlite", edited)
        XCTAssertEqual(try first.contentDigest(), try again.contentDigest())
        XCTAssertNotEqual(try first.contentDigest(), try other.contentDigest())
    }

    /// A store updated in place holds the rows of a store written anew: through the previous run's row digests (rows
    /// not read), and without them (rows read and compared); nodes and edges added, changed and removed.
    func testStoreUpdatedInPlaceHoldsTheRowsOfAStoreWrittenAnew() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let records = GraphTests.sampleRecords()
        let before = Linker().link(records)
        // The next day: the liaison's title is corrected, the reply is gone, the registration cites one more
        // specification and a new liaison arrives (nodes and edges added, changed and removed).
        var changed = records
        changed[0].document.title = "LS on the evolution of the IMSI format"
        changed.remove(at: 1)
        changed[1].references.append(Reference(id: "3GPP TS 29.503", kind: .specification, text: "TS 29.503",
                                               at: Provenance(line: 3, column: 1, range: SourceRange(0, 9),
                                                              rule: "reference.3gpp.spec")))
        var arrived = DocumentRecord(source: SourceInfo(path: "new.txt", format: .text, sha256: "0"))
        arrived.document.ids = ["SG20-LS40"]
        arrived.document.title = "LS on IMSI format evolution"
        arrived.document.from = ["ITU-T SG20"]
        arrived.document.respondsTo = ["SG2-LS27"]
        changed.append(arrived)
        let after = Linker().link(changed)
        XCTAssertNotEqual(Set(before.nodes.keys), Set(after.nodes.keys))

        let fresh = SearchStore(path: folder.appendingPathComponent("fresh.sqlite").path)
        try write(after, to: fresh.path, previous: nil)
        for withDigests in [true, false] {
            let path = folder.appendingPathComponent("updated-\(withDigests).sqlite").path
            var state = try write(before, to: path, previous: nil)
            XCTAssertNotNil(state.graph, "a store written anew leaves its row digests")
            if !withDigests { state.graph = nil }
            let updated = try write(after, to: path, previous: state)
            XCTAssertEqual(try SearchStore(path: path).contentDigest(), try fresh.contentDigest(),
                           withDigests ? "through the row digests" : "by reading the rows")
            // The digests left by the update are those of a store written anew.
            XCTAssertEqual(updated.graph, try write(after, to: path + ".again", previous: nil).graph)
        }
    }

    /// The `nodes` and `edges` rows hold the graph's texts exactly (they are bound from the graph's UTF-8 bytes,
    /// not through strings): an empty label, text outside ASCII, an edge id with its purpose, the attributes in the
    /// metadata column.
    func testGraphRowsHoldTheGraphsTexts() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var graph = Linker().link(GraphTests.sampleRecords())
        graph.add(TraceNode(id: "ITU-T SG99", label: "", kind: .group, attributes: ["note": .string("Genève — réunion")]))
        graph.add(TraceNode(id: "Réunion #1", label: "Réunion à Genève 📡", kind: .meeting))
        graph.add(TraceEdge(source: "ITU-T SG99", target: "Réunion #1", relation: .addressedTo,
                            attributes: ["purpose": .string("action"), "note": .string("")]))
        let path = folder.appendingPathComponent("index.sqlite").path
        try SearchStore(path: path).write(documents: documents(), graph: graph)
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        let (nodes, edges) = try queue.read { db in
            (try Row.fetchAll(db, sql: "SELECT id, kind, label, metadata FROM nodes"),
             try Row.fetchAll(db, sql: "SELECT id, source, target, relation, metadata FROM edges"))
        }
        func metadata(_ row: Row, _ column: Int) throws -> JSONValue {
            try JSONDecoder().decode(JSONValue.self, from: Data((row[column] as String).utf8))
        }
        let nodeRows = Dictionary(uniqueKeysWithValues: nodes.map { ($0[0] as String, $0) })
        XCTAssertEqual(nodeRows.count, Array(graph.nodes).count)
        for (_, node) in graph.nodes {
            let row = try XCTUnwrap(nodeRows[node.id], node.id)
            XCTAssertEqual(row[1] as String, node.kind.rawValue)
            XCTAssertEqual(row[2] as String?, node.label, node.id)
            let stored = try metadata(row, 3)
            for (key, value) in node.attributes { XCTAssertEqual(stored[key], value, "\(node.id) \(key)") }
        }
        let edgeRows = Dictionary(uniqueKeysWithValues: edges.map { ($0[0] as String, $0) })
        XCTAssertEqual(edgeRows.count, graph.edges.count)
        for edge in graph.edges {
            let row = try XCTUnwrap(edgeRows[edge.id], edge.id)
            XCTAssertEqual([row[1], row[2], row[3]] as [String], [edge.source, edge.target, edge.relation.rawValue])
            let stored = try metadata(row, 4)
            for (key, value) in edge.attributes { XCTAssertEqual(stored[key], value, "\(edge.id) \(key)") }
        }
        XCTAssertNotNil(edgeRows["ITU-T SG99 -addressed-to-> Réunion #1 (action)"])
        XCTAssertEqual(nodeRows["Réunion #1"]?[2] as String?, "Réunion à Genève 📡")
    }

    /// The rows are written a batch at a time (`SearchStore.Builder.batchBytes` of text): a store of texts that
    /// fill several batches, written anew and updated in place (a text changed, a document gone, one added, across
    /// the batches), holds every document, finds a word of each, and equals a store written anew.
    func testStoreWrittenInBatchesHoldsEveryDocument() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let graph = Linker().link(GraphTests.sampleRecords())
        let filler = String(repeating: "liaison statement on numbering ", count: SearchStore.Builder.batchBytes / 93)
        func documents(_ numbers: [Int], changed: Int? = nil) -> [SearchDocument] {
            numbers.map { number in
                var record = DocumentRecord(source: SourceInfo(path: "in/doc-\(number).txt", format: .text,
                                                               sha256: String(number)))
                record.document.ids = ["SG2-LS\(100 + number)"]
                let word = number == changed ? "changedword\(number)" : "uniqueword\(number)"
                return SearchDocument(record: record, text: filler + word + " " + filler)
            }
        }
        func build(_ documents: [SearchDocument], at path: String, previous: SearchStore.StoreState?) throws
            -> SearchStore.StoreState {
            let builder = try SearchStore.Builder(path: path, previous: previous)
            for document in documents {
                let json = JSONOutput.bytes(document, pretty: false)
                try builder.add(path: document.path, hash: ContentHash.sha256(json), json: json) { document }
            }
            return try builder.finish(graph: graph)
        }
        let first = documents(Array(0..<8))
        XCTAssertGreaterThan(first.reduce(0) { $0 + $1.text.utf8.count }, 3 * SearchStore.Builder.batchBytes,
                             "the texts fill more than three batches")
        let path = folder.appendingPathComponent("index.sqlite").path
        let state = try build(first, at: path, previous: nil)
        for number in 0..<8 {
            XCTAssertEqual(try SearchStore(path: path).search("uniqueword\(number)").map(\.id), ["SG2-LS\(100 + number)"])
        }
        let next = documents([0, 1, 2, 4, 5, 6, 7, 8], changed: 5)
        _ = try build(next, at: path, previous: state)
        let fresh = folder.appendingPathComponent("fresh.sqlite").path
        _ = try build(next, at: fresh, previous: nil)
        XCTAssertEqual(try SearchStore(path: path).contentDigest(), try SearchStore(path: fresh).contentDigest())
        XCTAssertEqual(try SearchStore(path: path).search("changedword5").map(\.id), ["SG2-LS105"])
        XCTAssertEqual(try SearchStore(path: path).search("uniqueword5").count, 0)
        XCTAssertEqual(try SearchStore(path: path).search("uniqueword3").count, 0)
        XCTAssertEqual(try SearchStore(path: path).search("uniqueword8").map(\.id), ["SG2-LS108"])
    }

    @discardableResult
    private func write(_ graph: TraceGraph, to path: String, previous: SearchStore.StoreState?) throws
        -> SearchStore.StoreState {
        let builder = try SearchStore.Builder(path: path, previous: previous)
        return try builder.finish(graph: graph)
    }
}
