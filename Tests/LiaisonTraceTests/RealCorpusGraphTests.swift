import XCTest
@testable import LiaisonTrace

/// The whole real corpus as one batch: the reply chains across bodies and years must come out connected through
/// their aliases, and the documents they answer that are missing must be reported as not in corpus.
final class RealCorpusGraphTests: XCTestCase {
    static func runRealCorpus(jobs: Int = 2) async throws -> (RunResult, TraceGraph) {
        let corpus = try TestSupport.requireRealCorpus()
        let inputs = [PipelineInput.path(corpus.appendingPathComponent("liaisons").path),
                      .path(corpus.appendingPathComponent("deliverables").path)]
        let result = try await TestSupport.pipeline().run(inputs, options: RunOptions(jobs: jobs))
        return (result, try XCTUnwrap(result.graph))
    }

    func testReplyChainsConnectThroughAliases() async throws {
        let (result, graph) = try await Self.runRealCorpus()
        XCTAssertEqual(result.quarantined.map(\.formatted), [])

        func node(_ id: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
            let resolved = graph.resolve(id)
            XCTAssertNotNil(resolved, "no node for \(id)", file: file, line: line)
            return resolved
        }
        func respondsTo(_ source: String, _ target: String, file: StaticString = #filePath, line: UInt = #line) {
            guard let from = node(source, file: file, line: line), let to = node(target, file: file, line: line) else { return }
            XCTAssertTrue(graph.edges.contains { $0.source == from && $0.relation == .respondsTo && $0.target == to },
                          "\(source) (\(from)) does not respond to \(target) (\(to))", file: file, line: line)
        }
        // SG11 LS 10, registered by 3GPP as SP-170146, answered by the 3GPP draft reply (whose own tdoc number
        // is still a placeholder).
        XCTAssertEqual(graph.resolve("SP-170146"), graph.resolve("SG11-LS10"))
        let draftReply = result.records.first { $0.source.path.hasSuffix("3gpp-sa-draft-reply-ls-sg11-device-theft.doc") }
        let draftNode = draftReply.map { graph.resolve(Linker.primaryID($0)) ?? "" } ?? ""
        XCTAssertTrue(graph.edges.contains { $0.source == draftNode && $0.relation == .respondsTo
            && $0.target == graph.resolve("SG11-LS10") }, "draft reply does not answer SG11-LS10")
        // JCA-IMT2020-LS1 (SP-170768) -> SP-170780 -> SP-190531.
        XCTAssertEqual(graph.resolve("SP-170768"), graph.resolve("JCA-IMT2020-LS1"))
        respondsTo("SP-170780", "JCA-IMT2020-LS1")
        respondsTo("SP-190531", "SP-190276")
        XCTAssertTrue(connected(graph, "SP-190531", "SP-170780"), "SP-190531 is not linked to SP-170780")
        // SG2-LS27 (registered at CT as CP-172071; its SA number SP-170763 appears in no document) -> CP-172153.
        XCTAssertEqual(graph.resolve("CP-172071"), graph.resolve("SG2-LS27"))
        respondsTo("CP-172153", "SG2-LS27")
        // S2-132855 -> R2-133034 (missing) -> S2-133645.
        respondsTo("S2-133645", "R2-133034")
        XCTAssertEqual(graph.nodes[graph.resolve("R2-133034") ?? ""]?.inCorpus, false)
        XCTAssertTrue(connected(graph, "S2-133645", "S2-132855"), "S2-133645 is not linked back to S2-132855")

        let findings = TraceChecker(asOf: "2026-11-26").check(graph, runDiagnostics: result.diagnostics)
        let missing = Set(findings.filter { $0.id == "reference.not-in-corpus" }.map(\.subject))
        XCTAssertTrue(missing.contains(graph.resolve("R2-133034") ?? "R2-133034"))
        XCTAssertTrue(missing.contains(graph.resolve("SP-190276") ?? "SP-190276"))

        let schemaURL = TestSupport.packageRoot.appendingPathComponent("Tests/Schemas/json-graph-format-v2.schema.json")
        let schema = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: schemaURL))
        let document = try JSONDecoder().decode(JSONValue.self, from: JSONGraphEmitter.data(graph))
        XCTAssertEqual(JSONSchemaValidator(root: schema).validate(document), [])
    }

    func testOutputsAreIdenticalWhateverTheJobCount() async throws {
        let (parallel, parallelGraph) = try await Self.runRealCorpus(jobs: 3)
        let (serial, serialGraph) = try await Self.runRealCorpus(jobs: 1)
        XCTAssertEqual(try JSONGraphEmitter.data(parallelGraph), try JSONGraphEmitter.data(serialGraph))
        XCTAssertEqual(try parallel.records.map { try JSONOutput.data($0) }, try serial.records.map { try JSONOutput.data($0) })
        XCTAssertEqual(DOTEmitter().dot(parallelGraph), DOTEmitter().dot(serialGraph))
    }

    /// Whether two designations are joined by a path of document-to-document edges (either direction).
    private func connected(_ graph: TraceGraph, _ a: String, _ b: String) -> Bool {
        guard let start = graph.resolve(a), let goal = graph.resolve(b) else { return false }
        let relations: Set<TraceRelation> = [.respondsTo, .references, .aliasOf, .revises, .buildsOn, .attachedTo,
                                             .obsoletes, .updates]
        var seen: Set<String> = [start]
        var frontier = [start]
        while let current = frontier.popLast() {
            if current == goal { return true }
            for edge in graph.edges where relations.contains(edge.relation) {
                for (from, to) in [(edge.source, edge.target), (edge.target, edge.source)]
                where from == current && !seen.contains(to) {
                    seen.insert(to)
                    frontier.append(to)
                }
            }
        }
        return false
    }
}

/// The real corpus as people keep it: originals under `liaisons/` and `deliverables/`, their text renderings under
/// `renderings/`, and a `MANIFEST.tsv` beside them, all in one run.
final class RealCorpusAsKeptTests: XCTestCase {
    func testRenderingsJoinTheirOriginalsAndTheChainsConnect() async throws {
        let corpus = try TestSupport.requireRealCorpus()
        let result = try await TestSupport.pipeline().run([.path(corpus.path)], options: RunOptions(jobs: 2))
        let graph = try XCTUnwrap(result.graph)
        // MANIFEST.tsv is a table of file names, not a document: skipped, with a note.
        XCTAssertFalse(result.records.contains { $0.source.path.hasSuffix("MANIFEST.tsv") })
        XCTAssertTrue(result.diagnostics.contains { $0.id == "input.skipped" && $0.path?.hasSuffix("MANIFEST.tsv") == true })
        // SP-170780 -> SP-170768 = JCA-IMT2020-LS1 and CP-172153 -> CP-172071 = SG2-LS27, through their aliases.
        for (reply, cited, answered) in [("SP-170780", "SP-170768", "JCA-IMT2020-LS1"),
                                         ("CP-172153", "CP-172071", "SG2-LS27")] {
            XCTAssertEqual(graph.resolve(cited), answered)
            XCTAssertTrue(graph.edges.contains { $0.source == graph.resolve(reply) && $0.relation == .respondsTo
                && $0.target == answered }, "\(reply) does not answer \(answered)")
        }
        // A title carried by one document in two files is not ambiguous.
        for diagnostic in result.diagnostics where diagnostic.id == "link.ambiguous-title" {
            let ids = diagnostic.summary.components(separatedBy: ": ").last?.components(separatedBy: ", ") ?? []
            XCTAssertEqual(Set(ids).count, ids.count, diagnostic.formatted)
        }
        // No false cycle (a liaison repeating the title of the one it answers), and the findings that need a person
        // come first.
        let findings = TraceChecker(asOf: "2026-11-26").check(graph, runDiagnostics: result.diagnostics)
        XCTAssertFalse(findings.contains { $0.id == "responds-to.cycle" }, findings.map(\.formatted).joined(separator: "\n"))
        let (attention, _, folded) = TraceChecker.arranged(findings)
        XCTAssertEqual(attention.first?.id, "liaison.deadline-passed")
        XCTAssertTrue(attention.contains { $0.id == "reference.not-in-corpus" && $0.subject == "R2-133034" })
        XCTAssertTrue(folded.allSatisfy { $0.id == "reference.not-in-corpus" && $0.severity == .note })
        XCTAssertGreaterThan(folded.count, attention.count, "notes about documents cited but absent are folded")
    }
}
