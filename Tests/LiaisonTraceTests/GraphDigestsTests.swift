import XCTest
@testable import LiaisonTrace

/// The store's row digests (`GraphDigests`) tell rows apart by what they hold, whatever the order the graph was
/// built in.
final class GraphDigestsTests: XCTestCase {
    private func digests(_ records: [DocumentRecord]) -> (nodes: [String: UInt64], edges: [String: UInt64]) {
        var graph = Linker().link(records)
        graph.finish()
        let storage = graph.storage
        var digests = GraphDigests(storage)
        var nodes: [String: UInt64] = [:]
        for node in storage.nodeID.indices { nodes[storage.pool[storage.nodeID[node]]] = digests.node(node) }
        var edges: [String: UInt64] = [:]
        for edge in storage.edgeSource.indices { edges[storage.edgeID(edge)] = digests.edge(edge) }
        return (nodes, edges)
    }

    func testTheSameGraphGivesTheSameDigests() {
        let records = GraphTests.sampleRecords()
        let first = digests(records)
        XCTAssertEqual(first.nodes.count, Set(first.nodes.values).count, "no two nodes alike")
        XCTAssertEqual(first.edges.count, Set(first.edges.values).count, "no two edges alike")
        XCTAssertEqual(digests(records).nodes, first.nodes)
        XCTAssertEqual(digests(records).edges, first.edges)
    }

    /// Exactly the rows whose columns change get another digest.
    func testWhatChangesARowChangesItsDigestAndNothingElse() throws {
        let records = GraphTests.sampleRecords()
        let before = digests(records)
        func changed(_ after: [String: UInt64], _ before: [String: UInt64]) -> Set<String> {
            Set(after.keys.filter { after[$0] != before[$0] })
        }
        // The action moves down a line: its node's place changes, nothing else.
        var moved = records
        moved[0].actions[0].line += 1
        XCTAssertEqual(changed(digests(moved).nodes, before.nodes), ["SG2-LS27/action/1"])
        XCTAssertEqual(changed(digests(moved).edges, before.edges), [])
        // A citation moves: the cited node's place changes; the edge's row holds no places.
        var cited = records
        let reference = try XCTUnwrap(cited[1].references.firstIndex { $0.id == "R2-133034" })
        cited[1].references[reference].column += 4
        XCTAssertEqual(changed(digests(cited).nodes, before.nodes), ["R2-133034"])
        XCTAssertEqual(changed(digests(cited).edges, before.edges), [])
        // The cited document arrives: the edge to it becomes resolved (its attributes change).
        var arrived = DocumentRecord(source: SourceInfo(path: "in/r2-133034.txt", format: .text, sha256: "d"))
        arrived.document.ids = ["R2-133034"]
        let after = digests(records + [arrived])
        XCTAssertEqual(changed(after.edges, before.edges), ["CP-172153 -references-> R2-133034"])
        XCTAssertTrue(changed(after.nodes, before.nodes).contains("R2-133034"))
        XCTAssertFalse(changed(after.nodes, before.nodes).contains("SG2-LS27"))
    }
}
