import Foundation
import GRDB

/// The `nodes` and `edges` rows of the store for a finished graph: all inserted into a new store; in a store being
/// updated, compared with the rows there (read once, in one pass, without holding them) and written only where they
/// differ, so that a day's run rewrites the few rows a day's documents touch.
struct GraphRows {
    let storage: GraphStorage

    init(_ storage: GraphStorage) {
        self.storage = storage
    }

    func write(to db: Database, updating: Bool) throws {
        let nodes = storage.nodesByString.lazy.map(Int.init)
        let edges = 0 ..< storage.edgeSource.count
        if updating {
            let (staleNodes, changedNodes) = try differences(db, table: "nodes", rows: storage.nodeID.count) { id in
                storage.node(id).map(Int.init)
            } same: { node, row in
                try row[1] == storage.nodeKind[node].rawValue && row[2] == storage.pool[storage.nodeLabel[node]]
                    && Self.equal(row, 3, nodeMetadata(node))
            }
            let edgeNumbers = edgesByID()
            let (staleEdges, changedEdges) = try differences(db, table: "edges", rows: edges.count) { id in
                edgeNumbers[id.hashValue].flatMap { storage.edgeID($0) == id ? $0 : nil }
            } same: { edge, row in
                try row[1] == storage.pool[storage.edgeSource[edge]] && row[2] == storage.pool[storage.edgeTarget[edge]]
                    && row[3] == storage.edgeRelation[edge].rawValue && Self.equal(row, 4, edgeMetadata(edge))
            }
            for id in staleNodes { try db.execute(sql: "DELETE FROM nodes WHERE id = ?", arguments: [id]) }
            for id in staleEdges { try db.execute(sql: "DELETE FROM edges WHERE id = ?", arguments: [id]) }
            try insertNodes(changedNodes, db, replacing: true)
            try insertEdges(changedEdges, db, replacing: true)
        } else {
            try insertNodes(nodes, db, replacing: false)
            try insertEdges(edges, db, replacing: false)
        }
    }

    /// The rows of `table` whose id is no longer a node or edge (stale), and the node or edge numbers whose row is
    /// missing or differs (to write), in the graph's order.
    private func differences(_ db: Database, table: String, rows count: Int, number: (String) -> Int?,
                             same: (Int, Row) throws -> Bool) throws -> (stale: [String], changed: [Int]) {
        var seen = [Bool](repeating: false, count: count)
        var stale: [String] = []
        var changed: [Int] = []
        let columns = table == "nodes" ? "id, kind, label, metadata" : "id, source, target, relation, metadata"
        let rows = try Row.fetchCursor(db, sql: "SELECT \(columns) FROM \(table)")
        while let row = try rows.next() {
            let id: String = row[0]
            guard let number = number(id), !seen[number] else {
                stale.append(id)
                continue
            }
            seen[number] = true
            if try !same(number, row) { changed.append(number) }
        }
        for number in 0 ..< count where !seen[number] { changed.append(number) }
        return (stale, changed)
    }

    private func insertNodes(_ nodes: some Sequence<Int>, _ db: Database, replacing: Bool) throws {
        let insert = try db.makeStatement(sql: """
            INSERT \(replacing ? "OR REPLACE " : "")INTO nodes (id, kind, label, metadata) VALUES (?, ?, ?, ?)
            """)
        for node in nodes {
            try insert.execute(arguments: [storage.pool[storage.nodeID[node]], storage.nodeKind[node].rawValue,
                                           storage.pool[storage.nodeLabel[node]],
                                           String(decoding: nodeMetadata(node), as: UTF8.self)])
        }
    }

    private func insertEdges(_ edges: some Sequence<Int>, _ db: Database, replacing: Bool) throws {
        let insert = try db.makeStatement(sql: """
            INSERT \(replacing ? "OR REPLACE " : "")INTO edges (id, source, target, relation, metadata) VALUES (?, ?, ?, ?, ?)
            """)
        for edge in edges {
            try insert.execute(arguments: [storage.edgeID(edge), storage.pool[storage.edgeSource[edge]],
                                           storage.pool[storage.edgeTarget[edge]], storage.edgeRelation[edge].rawValue,
                                           String(decoding: edgeMetadata(edge), as: UTF8.self)])
        }
    }

    /// A node's `metadata` column: its attributes, kind and provenance, as in `graph.json`, compact.
    func nodeMetadata(_ node: Int) -> [UInt8] {
        var metadata = JSONWriter(pretty: false, capacity: 256)
        JSONGraphEmitter.writeMetadata(storage, storage.nodeAttributes[node], kind: storage.nodeKind[node],
                                       places: storage.nodePlaces[Int(storage.nodePlaceStarts[node])
                                           ..< Int(storage.nodePlaceStarts[node + 1])],
                                       to: &metadata)
        return metadata.bytes
    }

    /// An edge's `metadata` column: its attributes, compact.
    func edgeMetadata(_ edge: Int) -> [UInt8] {
        var attributes = JSONWriter(pretty: false, capacity: 128)
        attributes.beginObject()
        for attribute in storage.attributeSlice(storage.edgeAttributes[edge]) {
            storage.pool.withUTF8(attribute.key) { attributes.key(utf8: $0) }
            JSONGraphEmitter.writeValue(storage, attribute, to: &attributes)
        }
        attributes.endObject()
        return attributes.bytes
    }

    /// Edge numbers by the hash of their id (not the ids themselves: millions of strings at a large batch). A clash
    /// leaves one of the two out: the other is then written again, which is correct, only slower.
    private func edgesByID() -> [Int: Int] {
        var numbers: [Int: Int] = [:]
        numbers.reserveCapacity(storage.edgeSource.count)
        for edge in 0 ..< storage.edgeSource.count { numbers[storage.edgeID(edge).hashValue] = edge }
        return numbers
    }

    /// Whether column `index` of `row` holds exactly `bytes`.
    static func equal(_ row: Row, _ index: Int, _ bytes: [UInt8]) throws -> Bool {
        try row.withUnsafeData(atIndex: index) { data in
            guard let data, data.count == bytes.count else { return false }
            return data.withUnsafeBytes { stored in
                bytes.withUnsafeBytes { memcmp(stored.baseAddress!, $0.baseAddress!, bytes.count) == 0 }
            }
        }
    }
}
