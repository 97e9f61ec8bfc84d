import XCTest
@testable import LiaisonTrace

final class GraphTests: XCTestCase {
    /// A liaison SG2-LS27, registered by 3GPP as SP-170763 (and CP-172071 at CT), answered by CP-172153, which
    /// also references TS 23.003 and ETSI TS 123 003; a missing R2-133034; a deadline long past.
    static func sampleRecords() -> [DocumentRecord] {
        var ls = DocumentRecord(source: SourceInfo(path: "in/sg2-ls27.pdf", format: .pdf, sha256: "a"))
        ls.document.ids = ["SG2-LS27", "SP-170763"]
        ls.document.kind = .liaison
        ls.document.sdo = "ITU-T"
        ls.document.title = "LS on Evolution of IMSI format"
        ls.document.from = ["ITU-T SG2"]
        ls.document.to = [Addressee(group: "3GPP", purpose: .action), Addressee(group: "ITU-T SG13", purpose: .information)]
        ls.document.deadline = "2017-11-24"
        ls.actions = [ActionItem(to: ["3GPP"], text: "asks 3GPP to comment", deadline: "2017-11-24",
                                 at: Provenance(line: 30, column: 1, range: SourceRange(900, 920), rule: "action.asks"))]
        var reply = DocumentRecord(source: SourceInfo(path: "in/cp-172153.doc", format: .doc, sha256: "b"))
        reply.document.ids = ["CP-172153", "SP-170769"]
        reply.document.kind = .liaison
        reply.document.respondsTo = ["CP-172071"]
        reply.references = [
            Reference(id: "CP-172071", kind: .tdoc, text: "CP-172071",
                      at: Provenance(line: 8, column: 20, range: SourceRange(100, 109), rule: "reference.3gpp.tdoc")),
            Reference(id: "SP-170763", kind: .tdoc, text: "SP-170763",
                      at: Provenance(line: 8, column: 31, range: SourceRange(111, 120), rule: "reference.3gpp.tdoc")),
            Reference(id: "3GPP TS 23.003", kind: .specification, text: "TS 23.003",
                      at: Provenance(line: 20, column: 5, range: SourceRange(400, 409), rule: "reference.3gpp.spec")),
            Reference(id: "ETSI TS 123 003", kind: .specification, text: "ETSI TS 123 003",
                      at: Provenance(line: 21, column: 5, range: SourceRange(420, 435), rule: "reference.etsi.3gpp-transposition"),
                      qualifiers: ["alias": "3GPP TS 23.003"]),
            Reference(id: "R2-133034", kind: .tdoc, text: "R2-133034",
                      at: Provenance(line: 22, column: 5, range: SourceRange(440, 449), rule: "reference.3gpp.tdoc")),
        ]
        reply.document.from = ["3GPP TSG CT"]
        // The CT reply names the liaison by CT's number; the SA registration says they are one document.
        var registration = DocumentRecord(source: SourceInfo(path: "in/ct-registration.txt", format: .text, sha256: "c"))
        registration.document.ids = ["CP-172071", "SP-170763"]
        registration.document.kind = .other
        return [ls, reply, registration]
    }

    func testAliasesBecomeOneNodeAndTheReplyChainConnects() throws {
        let graph = Linker().link(Self.sampleRecords())
        XCTAssertEqual(graph.resolve("CP-172071"), "SG2-LS27")
        XCTAssertEqual(graph.resolve("SP-170763"), "SG2-LS27")
        XCTAssertTrue(graph.edges.contains { $0.source == "CP-172153" && $0.relation == .respondsTo && $0.target == "SG2-LS27" })
        XCTAssertTrue(graph.edges.contains { $0.source == "SP-170763" && $0.relation == .aliasOf && $0.target == "SG2-LS27" })
        // ETSI transposition and 3GPP number are one specification node, named by the 3GPP number.
        XCTAssertEqual(graph.resolve("ETSI TS 123 003"), "3GPP TS 23.003")
        XCTAssertEqual(graph.nodes["3GPP TS 23.003"]?.inCorpus, false)
        XCTAssertEqual(graph.nodes["R2-133034"]?.inCorpus, false)
        XCTAssertEqual(graph.nodes["SG2-LS27"]?.inCorpus, true)
        let missing = graph.edges.first { $0.source == "CP-172153" && $0.target == "R2-133034" }
        XCTAssertEqual(missing?.attributes["status"]?.string, "not-in-corpus")
        let found = graph.edges.first { $0.source == "CP-172153" && $0.relation == .references && $0.target == "SG2-LS27" }
        XCTAssertEqual(found?.attributes["status"]?.string, "resolved")
        XCTAssertEqual(found?.attributes["reason"]?.string, "in the batch as in/ct-registration.txt, in/sg2-ls27.pdf")
        let addressed = graph.edges.filter { $0.source == "SG2-LS27" && $0.relation == .addressedTo }
        XCTAssertEqual(addressed.map { $0.attributes["purpose"]?.string }, ["action", "information"])
        // Every edge carries provenance except alias-of edges, which come from the alias table.
        for edge in graph.edges where edge.relation != .aliasOf {
            XCTAssertFalse(edge.provenance.isEmpty, edge.id)
        }
    }

    func testJSONGraphFormatValidatesAgainstTheSchemaAndRoundTrips() throws {
        let graph = Linker().link(Self.sampleRecords())
        let data = try JSONGraphEmitter.data(graph)
        let schemaURL = TestSupport.packageRoot.appendingPathComponent("Tests/Schemas/json-graph-format-v2.schema.json")
        let schema = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: schemaURL))
        let document = try JSONDecoder().decode(JSONValue.self, from: data)
        XCTAssertEqual(JSONSchemaValidator(root: schema).validate(document), [])
        let reread = try JSONGraphEmitter.read(data)
        XCTAssertEqual(try JSONGraphEmitter.data(reread), data)
        // The validator can fail: a node with a property JGF does not allow.
        var broken = document.object!
        var graphObject = broken["graph"]!.object!
        var nodes = graphObject["nodes"]!.object!
        nodes["X"] = .object(["label": "x", "kind": "document"])
        graphObject["nodes"] = .object(nodes)
        broken["graph"] = .object(graphObject)
        XCTAssertFalse(JSONSchemaValidator(root: schema).validate(.object(broken)).isEmpty)
    }

    func testOutputIsByteIdenticalAcrossRuns() throws {
        let first = try JSONGraphEmitter.data(Linker().link(Self.sampleRecords()))
        let second = try JSONGraphEmitter.data(Linker().link(Self.sampleRecords()))
        XCTAssertEqual(first, second)
        XCTAssertEqual(DOTEmitter().dot(Linker().link(Self.sampleRecords())),
                       DOTEmitter().dot(Linker().link(Self.sampleRecords())))
    }

    func testCheckFindsMissingDocumentsOverdueLiaisonsAndCycles() throws {
        var records = Self.sampleRecords()
        let findings = TraceChecker(asOf: "2026-11-26").check(Linker().link(records))
        XCTAssertTrue(findings.contains { $0.id == "reference.not-in-corpus" && $0.subject == "R2-133034" })
        // SG2-LS27 has a reply in the batch: no overdue finding for it.
        XCTAssertFalse(findings.contains { $0.id == "liaison.deadline-passed" && $0.subject == "SG2-LS27" })
        XCTAssertFalse(findings.contains { $0.severity == .error })
        // Without the reply, the deadline has passed with no answer, and its action is unanswered.
        let alone = TraceChecker(asOf: "2026-11-26").check(Linker().link([records[0]]))
        XCTAssertTrue(alone.contains { $0.id == "liaison.deadline-passed" && $0.subject == "SG2-LS27" })
        XCTAssertTrue(alone.contains { $0.id == "action.unanswered" && $0.subject == "SG2-LS27" })
        // Before the deadline nothing is overdue.
        XCTAssertFalse(TraceChecker(asOf: "2017-10-01").check(Linker().link([records[0]]))
            .contains { $0.id == "liaison.deadline-passed" })
        // A reply cycle is an error.
        records[0].document.respondsTo = ["CP-172153"]
        let cyclic = TraceChecker(asOf: "2026-11-26").check(Linker().link(records))
        XCTAssertTrue(cyclic.contains { $0.id == "responds-to.cycle" && $0.severity == .error })
    }

    func testSameDesignationIsOneNodeWithAWarningOnlyWhenHeadersDisagree() {
        var records = Self.sampleRecords()
        var rendering = records[1]
        rendering.source.path = "renderings/cp-172153.txt"
        var diagnostics: [Diagnostic] = []
        var graph = Linker().link(records + [rendering], diagnostics: &diagnostics)
        XCTAssertEqual(graph.nodes["CP-172153"]?.attributes["sources"], .strings(["in/cp-172153.doc",
                                                                                   "renderings/cp-172153.txt"]))
        XCTAssertEqual(diagnostics.map(\.id), [], "a document and its rendering that agree are one node, silently")
        XCTAssertFalse(TraceChecker(asOf: "2026-11-26").check(graph, runDiagnostics: diagnostics)
            .contains { $0.id == "id.duplicate" })
        // A field one of them lacks is no disagreement; a different title is.
        rendering.document.from = []
        records[1].document.title = "LS on IMSI"
        rendering.document.title = "LS on  imsi"
        graph = Linker().link(records + [rendering], diagnostics: &diagnostics)
        XCTAssertEqual(diagnostics.map(\.id), [])
        rendering.document.title = "LS on the E.212 numbering plan"
        graph = Linker().link(records + [rendering], diagnostics: &diagnostics)
        XCTAssertEqual(diagnostics.map(\.id), ["id.duplicate"])
        XCTAssertEqual(diagnostics.first?.path, "renderings/cp-172153.txt")
        XCTAssertTrue(diagnostics.first?.summary.contains("title 'ls on the e.212 numbering plan' here, 'ls on imsi' "
                                                          + "there") ?? false, diagnostics.first?.summary ?? "")
        let findings = TraceChecker(asOf: "2026-11-26").check(graph, runDiagnostics: diagnostics)
        XCTAssertTrue(findings.contains { $0.id == "id.duplicate" && $0.subject == "CP-172153" })
    }

    func testExplainNamesEveryPlace() throws {
        let graph = Linker().link(Self.sampleRecords())
        let lines = try XCTUnwrap(Explainer.explain("CP-172153 -references-> 3GPP TS 23.003", in: graph))
        XCTAssertTrue(lines.contains { $0.contains("in/cp-172153.doc:20:5 by rule reference.3gpp.spec: \"TS 23.003\"") })
        XCTAssertTrue(lines.contains { $0.contains("in/cp-172153.doc:21:5 by rule reference.etsi.3gpp-transposition") })
        let node = try XCTUnwrap(Explainer.explain("CP-172071", in: graph))
        XCTAssertTrue(node.contains("  CP-172071 is an alias of SG2-LS27"))
        XCTAssertNil(Explainer.explain("NO-SUCH-ID", in: graph))
    }

    func testFocusedDiagramKeepsTheNeighbourhoodAndCollapsesDetails() {
        let graph = Linker().link(Self.sampleRecords())
        let near = graph.neighbourhood(of: "SG2-LS27", depth: 1)
        XCTAssertNotNil(near.nodes["CP-172153"])
        XCTAssertNil(near.nodes["R2-133034"])
        let dot = DOTEmitter(focus: "SG2-LS27").dot(near)
        XCTAssertTrue(dot.contains("subgraph \"cluster_legend\""))
        XCTAssertTrue(dot.contains("[1 action]"))
        XCTAssertTrue(dot.contains("deadline 2017-11-24"))
        XCTAssertFalse(dot.contains("SG2-LS27/action/1\" ["))
        XCTAssertTrue(DOTEmitter(details: true).dot(near).contains("\"SG2-LS27/action/1\" ["))
    }
}

extension GraphTests {
    func testWholeBatchDiagramFoldsGroupsAndDocumentsOnlyCited() {
        let graph = Linker().link(Self.sampleRecords())
        let whole = DOTEmitter().dot(graph)
        // Groups become a "from → to" line on their document.
        XCTAssertFalse(whole.contains("\"ITU-T SG13\" ["))
        XCTAssertTrue(whole.contains("ITU-T SG2 → 3GPP, ITU-T SG13"))
        // R2-133034 and TS 23.003 are only cited: folded into a count; SG2-LS27 is answered: drawn.
        XCTAssertFalse(whole.contains("\"R2-133034\" ["))
        XCTAssertTrue(whole.contains("2 cited outside the batch"))
        XCTAssertTrue(whole.contains("\"SG2-LS27\" ["))
        // Asked for details, or around a focus, everything is drawn.
        XCTAssertTrue(DOTEmitter(details: true).dot(graph).contains("\"R2-133034\" ["))
        XCTAssertTrue(DOTEmitter(focus: "CP-172153").dot(graph).contains("\"ITU-T SG13\" ["))
    }

    /// Labels cut texts to a number of characters (grapheme clusters), line feeds as spaces; texts in ASCII take a
    /// shorter way that must cut them the same.
    func testShortTextsAreCutByCharacters() {
        func reference(_ text: String, limit: Int) -> String {
            let flat = text.replacingOccurrences(of: "\n", with: " ")
            guard flat.count > limit else { return flat }
            return String(flat.prefix(limit - 1)) + "…"
        }
        let texts = ["", "short", String(repeating: "a", count: 59), String(repeating: "b", count: 60),
                     String(repeating: "c", count: 61), "line one\nline two " + String(repeating: "x", count: 70),
                     "CRLF\r\nis one character " + String(repeating: "y", count: 60),
                     "é" + String(repeating: "z", count: 70), "日本語のテキスト" + String(repeating: "w", count: 60)]
            // Past the cut, only the character after it is read: what comes later is any text.
            + [String(repeating: "d", count: 60) + "e\u{301}" + "日本", String(repeating: "f", count: 59) + "e\u{301}",
               String(repeating: "g", count: 58) + "e\u{301}", String(repeating: "h", count: 61) + "\u{301}tail",
               String(repeating: "i", count: 70) + "\r\n" + "after", String(repeating: "j", count: 121) + "ü\n"]
        for text in texts {
            for limit in [1, 10, 60, 120] {
                XCTAssertEqual(Linker.short(text, limit: limit), reference(text, limit: limit), "\(text) at \(limit)")
            }
        }
    }

    /// The pool knows which strings are ASCII (eight bytes at a time, so a byte past the first eight counts too),
    /// and edges sort by their ends as Swift sorts the strings, ASCII or not.
    func testEdgesSortAsSwiftSortsTheirEnds() {
        var pool = StringPool()
        let names = ["ABCDEFGHé", "ABCDEFGHI", "é", "e", "E\u{301}", "Z", "a", "ｆ", "SG11-LS159", "SG11-LS16", "",
                     String(repeating: "x", count: 40) + "ü", String(repeating: "x", count: 40)]
        for name in names {
            let number = pool.intern(name)
            XCTAssertEqual(pool.isASCII(number), name.utf8.allSatisfy { $0 < 0x80 }, name)
        }
        var graph = TraceGraph()
        for name in names.shuffled() where !name.isEmpty {
            graph.add(TraceEdge(source: name, target: "target", relation: .references))
        }
        graph.finish()
        XCTAssertEqual(graph.edges.map(\.source), names.filter { !$0.isEmpty }.sorted())
    }

    /// Edge hashes tell relations apart by a number written out in a switch: each relation's is its position.
    func testEachRelationHasItsOwnOrder() {
        XCTAssertEqual(TraceRelation.allCases.map(\.order), Array(0..<UInt8(TraceRelation.allCases.count)))
        // And edges sort by the relation's name through `nameOrder`.
        let byName = TraceRelation.allCases.sorted { $0.rawValue < $1.rawValue }
        XCTAssertEqual(byName.map(\.nameOrder), Array(0..<UInt8(TraceRelation.allCases.count)))
    }
}

final class TitleMatcherTests: XCTestCase {
    func testTitleKeysDropDraftMarksLSPrefixesAndTails() {
        XCTAssertEqual(TitleMatcher.key("[DRAFT] LS on UEPCOP CT considerations"),
                       TitleMatcher.Key(subject: "uepcop ct considerations", isReply: false))
        XCTAssertEqual(TitleMatcher.key("Reply LS on UEPCOP CT considerations"),
                       TitleMatcher.Key(subject: "uepcop ct considerations", isReply: true))
        XCTAssertEqual(TitleMatcher.key("LS on invitation to update the roadmap [to ITU study groups]")?.subject,
                       "invitation to update the roadmap")
        XCTAssertEqual(TitleMatcher.key("Draft Reply LS on updating the IMT2020 roadmap (Reply to SP-190276)"),
                       TitleMatcher.Key(subject: "updating the imt2020 roadmap", isReply: true))
        XCTAssertNil(TitleMatcher.key("LS on KPIs"))
    }

    /// Titles in ASCII are keyed on their bytes: the same keys as the general way, on the titles of the real
    /// corpus and of `Corpus/`, and on built titles full of brackets, prefixes, edge marks and line breaks.
    func testASCIITitleKeysAreTheGeneralKeys() async throws {
        var titles = ["", "ls on", "Reply LS on", "[draft]", "draft ", "(Draft) Reply to LS on x", "LS to SG2 ()",
                      " - LS on: \"quoted subject matter here\" - ", "Title]", "(a) b [c]", "x\r\ny LS on long subject",
                      "LS on  many   spaces\tand\ttabs in the subject", "A.B.C. v1.2.3 release 17 (Rel-17)"]
        var inputs = [PipelineInput.path(TestSupport.packageRoot.appendingPathComponent("Corpus").path)]
        if let real = TestSupport.realCorpus { inputs.append(.path(real.path)) }
        let result = try await TestSupport.pipeline().run(inputs, options: RunOptions(jobs: 2))
        for document in result.documents {
            titles += [document.record.document.title].compactMap { $0 }
            titles += document.record.references.compactMap { $0.qualifiers?["title"] }
        }
        var generator = SystemRandomNumberGenerator()
        let pieces = ["[draft]", "(draft)", "draft", "reply ls on", "Reply LS to", "reply to ls on", "LS on", "ls to",
                      "liaison statement on", " ", "\t", "\r\n", ":", ";", ",", ".", "-", "\"", "'", "[", "]", "(", ")",
                      "IMT-2020", "roadmap", "v1.2", "SG20", "É"]
        for _ in 0..<3000 {
            titles.append((0..<Int.random(in: 1..<9, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined(separator: Bool.random(using: &generator) ? " " : ""))
        }
        var ascii = 0
        for title in titles {
            var copy = title
            guard let fast = copy.withUTF8({ TitleMatcher.asciiKey($0) }) else { continue }
            ascii += 1
            XCTAssertEqual(fast, TitleMatcher.generalKey(title), "\(title.debugDescription)")
        }
        XCTAssertGreaterThan(ascii, 2000)
    }

    func testCitedTitlesJoinNumbersAndInferReplies() {
        var original = DocumentRecord(source: SourceInfo(path: "s2-132855.doc", format: .doc, sha256: "a"))
        original.document.ids = ["S2-132855"]
        original.document.title = "[DRAFT] LS on UEPCOP CT considerations"
        original.document.from = ["3GPP SA2"]
        var later = DocumentRecord(source: SourceInfo(path: "s2-133645.doc", format: .doc, sha256: "b"))
        later.document.ids = ["S2-133645"]
        later.document.respondsTo = ["R2-133034"]
        later.references = [Reference(id: "R2-133034", kind: .tdoc, text: "R2-133034",
                                      at: Provenance(line: 5, column: 18, range: SourceRange(60, 69), rule: "reference.3gpp.tdoc"),
                                      qualifiers: ["title": "Reply LS on UEPCOP CT considerations"])]
        var diagnostics: [Diagnostic] = []
        let graph = Linker().link([original, later], diagnostics: &diagnostics)
        XCTAssertTrue(graph.edges.contains { $0.source == "S2-133645" && $0.relation == .respondsTo && $0.target == "R2-133034" })
        let inferred = graph.edges.first { $0.source == "R2-133034" && $0.relation == .respondsTo }
        XCTAssertEqual(inferred?.target, "S2-132855")
        XCTAssertEqual(inferred?.provenance.first?.rule, "link.title-match")
        XCTAssertEqual(diagnostics, [])
        // Two batch documents with the cited title: ambiguous, nothing joined.
        var twin = original
        twin.source.path = "twin.doc"
        twin.document.ids = ["S2-132999"]
        let ambiguous = Linker().link([original, twin, later], diagnostics: &diagnostics)
        XCTAssertFalse(ambiguous.edges.contains { $0.source == "R2-133034" && $0.relation == .respondsTo })
        XCTAssertEqual(diagnostics.map(\.id), ["link.ambiguous-title"])
        XCTAssertEqual(diagnostics.first?.summary,
                       "R2-133034 is cited with a title that 2 documents carry: S2-132855, S2-132999")
        // A title many documents carry: the warning names the first ten and counts the others.
        var many = [original, later]
        for number in 0..<12 {
            var copy = original
            copy.source.path = "copy-\(number).doc"
            copy.document.ids = ["S2-1330\(10 + number)"]
            many.append(copy)
        }
        diagnostics = []
        _ = Linker().link(many, diagnostics: &diagnostics)
        XCTAssertEqual(diagnostics.first?.summary, "R2-133034 is cited with a title that 13 documents carry: "
                       + (["S2-132855"] + (10..<19).map { "S2-1330\($0)" }).joined(separator: ", ") + " and 3 more")
        // One document in two files (the .doc and its rendering) is one candidate, not an ambiguity.
        var rendering = original
        rendering.source.path = "renderings/s2-132855.txt"
        diagnostics = []
        let one = Linker().link([original, rendering, later], diagnostics: &diagnostics)
        XCTAssertEqual(one.edges.first { $0.source == "R2-133034" && $0.relation == .respondsTo }?.target, "S2-132855")
        XCTAssertEqual(diagnostics.map(\.id), [])
    }

    func testATitleMatchNeverJoinsACitationToTheCitingDocument() {
        // A liaison that repeats the title of the one it answers, in two files (the .doc and its rendering).
        var answered = DocumentRecord(source: SourceInfo(path: "s5.doc", format: .doc, sha256: "a"))
        answered.document.title = "LS on network slice data analytics"
        var reply = DocumentRecord(source: SourceInfo(path: "s2-1812758.doc", format: .doc, sha256: "b"))
        reply.document.ids = ["S2-1812758"]
        reply.document.title = "LS on network slice data analytics"
        reply.document.respondsTo = ["S5-186491"]
        reply.references = [Reference(id: "S5-186491", kind: .tdoc, text: "S5-186491",
                                       at: Provenance(line: 5, column: 14, range: SourceRange(80, 89),
                                                      rule: "reference.3gpp.tdoc"),
                                       qualifiers: ["title": "LS on network slice data analytics"])]
        var rendering = reply
        rendering.source.path = "renderings/s2-1812758.txt"
        var diagnostics: [Diagnostic] = []
        let graph = Linker().link([reply, rendering], diagnostics: &diagnostics)
        XCTAssertNotEqual(graph.resolve("S5-186491"), "S2-1812758", "the cited number is not the citing document")
        XCTAssertEqual(graph.nodes["S5-186491"]?.inCorpus, false)
        let findings = TraceChecker(asOf: "2026-11-26").check(graph, runDiagnostics: diagnostics)
        XCTAssertFalse(findings.contains { $0.id == "responds-to.cycle" }, findings.map(\.formatted).joined())
        // With the answered liaison in the batch (without a designation of its own), the number is its alias.
        let joined = Linker().link([answered, reply, rendering], diagnostics: &diagnostics)
        XCTAssertEqual(joined.resolve("S5-186491"), "s5.doc")
    }
}
