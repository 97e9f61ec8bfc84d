import Foundation
import GRDB

/// What the previous run's `nodes` and `edges` rows held, without the rows: for each row, the hash of its id and
/// the hash of its columns (`StableHash`), as pairs sorted by the first. With them an update compares the graph
/// with the store without reading the store (reading and comparing every row was most of a day's update).
struct GraphRowDigests: Sendable, Equatable {
    /// id hash, content hash, id hash, content hash, ... by id hash.
    var nodes: [UInt64]
    var edges: [UInt64]
}

/// The `nodes` and `edges` rows of the store for a finished graph: all inserted into a new store; in a store being
/// updated, written only where they differ from the rows there (told by the previous run's `GraphRowDigests`, or,
/// without them, by reading the rows once, in one pass, without holding them), so that a day's run rewrites the
/// few rows a day's documents touch.
struct GraphRows {
    let storage: GraphStorage

    init(_ storage: GraphStorage) {
        self.storage = storage
    }

    /// Writes the rows (`updating`: a store that has the previous run's rows, whose digests `previous` holds when
    /// known); returns the digests of the rows written, for the next run (nil when two ids share a hash, which the
    /// next run then meets by reading the rows).
    func write(to db: Database, updating: Bool, previous: GraphRowDigests?) throws -> GraphRowDigests? {
        let digested = storage.nodeID.count + storage.edgeSource.count <= Self.maxDigestedRows
        var nodes = digested ? digests(count: storage.nodeID.count, key: nodeKey) { $1.node($0) } : []
        var edges = digested ? digests(count: storage.edgeSource.count, key: edgeKey) { $1.edge($0) } : []
        if updating, digested, let previous {
            let (changedNodes, staleNodes) = Self.changes(nodes, previous.nodes)
            let (changedEdges, staleEdges) = Self.changes(edges, previous.edges)
            try deleteRows(db, table: "nodes", keys: staleNodes)
            try deleteRows(db, table: "edges", keys: staleEdges)
            try insertNodes(changedNodes, db, replacing: true)
            try insertEdges(changedEdges, db, replacing: true)
        } else if updating {
            let (staleNodes, changedNodes) = try differences(db, table: "nodes", rows: storage.nodeID.count) { id in
                storage.node(id).map(Int.init)
            } same: { node, row in
                try row[1] == storage.nodeKind[node].rawValue && row[2] == storage.pool[storage.nodeLabel[node]]
                    && Self.equal(row, 3, nodeMetadata(node))
            }
            let edgeNumbers = edgesByID()
            let (staleEdges, changedEdges) = try differences(db, table: "edges", rows: storage.edgeSource.count) { id in
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
            try insertNodes(storage.nodesByString.lazy.map(Int.init), db, replacing: false)
            try insertEdges(0 ..< storage.edgeSource.count, db, replacing: false)
        }
        guard digested, Self.sortByKey(&nodes), Self.sortByKey(&edges) else { return nil }
        return GraphRowDigests(nodes: nodes, edges: edges)
    }

    /// The most rows whose digests are kept: 16 bytes a row, held beside the graph while the store is written and
    /// until the run's state is saved. A graph of a million rows (about 25,000 documents) has 16 MB of digests; at
    /// a hundred thousand documents (5 million rows) they took the peak of a run over 1 GB, so a graph that large
    /// is compared with the store by reading its rows.
    static let maxDigestedRows = 1_000_000

    /// The id hash and the content hash of rows `0..<count`, two words a row, in row order. (Two words, not a
    /// struct with the row number: at a hundred thousand documents the graph has millions of rows.)
    private func digests(count: Int, key: (Int, inout [UInt8]) -> UInt64,
                         content: (Int, inout GraphDigests) -> UInt64) -> [UInt64] {
        var scratch: [UInt8] = []
        scratch.reserveCapacity(1024)
        var contents = GraphDigests(storage)
        var result = [UInt64](repeating: 0, count: count * 2)
        for number in 0..<count {
            result[2 * number] = key(number, &scratch)
            result[2 * number + 1] = content(number, &contents)
        }
        return result
    }

    /// One row's digests.
    private struct Pair {
        var key: UInt64
        var content: UInt64
    }

    /// Sorts digest pairs by id hash, in place; false when two ids have the same hash.
    private static func sortByKey(_ pairs: inout [UInt64]) -> Bool {
        pairs.withUnsafeMutableBufferPointer { words in
            words.withMemoryRebound(to: Pair.self) { buffer in
                var rows = buffer
                rows.sort { $0.key < $1.key }
                return !rows.indices.dropFirst().contains { rows[$0].key == rows[$0 - 1].key }
            }
        }
    }

    /// The numbers of the rows (`current`: pairs in row order) that are new or differ from `previous` (pairs sorted
    /// by id hash), in row order, and the id hashes of the previous rows that are gone. The content hash covers
    /// the id, so that two rows whose ids share a hash are still told apart.
    private static func changes(_ current: [UInt64], _ previous: [UInt64]) -> (changed: [Int], stale: Set<UInt64>) {
        let previousRows = previous.count / 2
        var found = [Bool](repeating: false, count: previousRows)
        var changed: [Int] = []
        for number in 0 ..< current.count / 2 {
            let key = current[2 * number]
            var low = 0
            var high = previousRows
            while low < high {
                let middle = (low + high) / 2
                if previous[2 * middle] < key { low = middle + 1 } else { high = middle }
            }
            if low < previousRows, previous[2 * low] == key {
                found[low] = true
                if previous[2 * low + 1] != current[2 * number + 1] { changed.append(number) }
            } else {
                changed.append(number)
            }
        }
        var stale = Set<UInt64>()
        for row in found.indices where !found[row] { stale.insert(previous[2 * row]) }
        return (changed, stale)
    }

    /// Deletes the rows of `table` whose id hashes to one of `keys` (the ids are read only when there are some).
    private func deleteRows(_ db: Database, table: String, keys: Set<UInt64>) throws {
        guard !keys.isEmpty else { return }
        let ids = try String.fetchAll(db, sql: "SELECT id FROM \(table)").filter { id in
            var id = id
            return keys.contains(id.withUTF8 { StableHash.of($0) })
        }
        for id in ids { try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [id]) }
    }

    private func nodeKey(_ node: Int, _ scratch: inout [UInt8]) -> UInt64 {
        storage.pool.withUTF8(storage.nodeID[node]) { StableHash.of($0) }
    }

    /// The hash of an edge's id (as `GraphStorage.edgeID` writes it), made without making the string.
    private func edgeKey(_ edge: Int, _ scratch: inout [UInt8]) -> UInt64 {
        storage.edgeID(edge, into: &scratch)
        return StableHash.of(scratch)
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
        let insert = try RowInsert(db, sql: """
            INSERT \(replacing ? "OR REPLACE " : "")INTO nodes (id, kind, label, metadata) VALUES (?, ?, ?, ?)
            """)
        for node in nodes {
            storage.pool.withUTF8(storage.nodeID[node]) { insert.bind(1, $0) }
            insert.bind(2, storage.nodeKind[node].rawValue)
            storage.pool.withUTF8(storage.nodeLabel[node]) { insert.bind(3, $0) }
            nodeMetadata(node).withUnsafeBufferPointer { insert.bind(4, $0) }
            try insert.step()
        }
    }

    private func insertEdges(_ edges: some Sequence<Int>, _ db: Database, replacing: Bool) throws {
        let insert = try RowInsert(db, sql: """
            INSERT \(replacing ? "OR REPLACE " : "")INTO edges (id, source, target, relation, metadata) VALUES (?, ?, ?, ?, ?)
            """)
        var scratch: [UInt8] = []
        scratch.reserveCapacity(256)
        for edge in edges {
            storage.edgeID(edge, into: &scratch)
            scratch.withUnsafeBufferPointer { insert.bind(1, $0) }
            storage.pool.withUTF8(storage.edgeSource[edge]) { insert.bind(2, $0) }
            storage.pool.withUTF8(storage.edgeTarget[edge]) { insert.bind(3, $0) }
            insert.bind(4, storage.edgeRelation[edge].rawValue)
            edgeMetadata(edge).withUnsafeBufferPointer { insert.bind(5, $0) }
            try insert.step()
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
