import XCTest
@testable import LiaisonTrace

/// The hand-written JSON of records, search documents, diagnostics and the graph must be byte for byte what
/// Foundation's JSONEncoder gives (the outputs of earlier versions), pretty and compact.
final class JSONWriterTests: XCTestCase {
    private func assertSameAsEncoder<T: JSONWritable>(_ value: T, _ message: @autoclosure () -> String = "",
                                                      file: StaticString = #filePath, line: UInt = #line) throws {
        for pretty in [true, false] {
            let expected = try JSONOutput.encoderData(value, pretty: pretty)
            let actual = Data(JSONOutput.bytes(value, pretty: pretty))
            if expected != actual {
                let prefix = zip(expected, actual).prefix { $0 == $1 }.count
                let context = String(decoding: expected.dropFirst(max(0, prefix - 80)).prefix(160), as: UTF8.self)
                XCTFail("\(message()) pretty=\(pretty): differs at byte \(prefix) of \(expected.count): \(context)",
                        file: file, line: line)
            }
        }
    }

    func testStringsEscapeAsJSONEncoderDoes() throws {
        let everyASCII = String((0..<0x80).map { Character(Unicode.Scalar(UInt8($0))) })
        let samples = [everyASCII, "é日😀\u{2028}\u{2029}\u{7F}", "", "a/b\\c\"d", "e\u{301}", "\u{FEFF}x\u{0}"]
        try assertSameAsEncoder(samples.map(JSONValue.string))
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = (0..<0x30).map { Unicode.Scalar(UInt8($0)) } + ["é", "日", "😀", "\u{301}", "z", "Z"]
        for _ in 0..<200 {
            let text = String(String.UnicodeScalarView((0..<Int.random(in: 0..<12, using: &generator)).map { _ in
                alphabet.randomElement(using: &generator)!
            }))
            try assertSameAsEncoder([JSONValue.string(text)], "string \(text.debugDescription)")
        }
    }

    /// Strings are scanned eight bytes at a time: a character to escape at every offset of long strings, among
    /// plain and multi-byte characters, escapes as the encoder escapes it.
    func testLongStringsEscapeAtEveryOffset() throws {
        var texts: [String] = []
        for special in ["\"", "\\", "\n", "\u{0}", "\u{1F}", "\t"] {
            for length in [7, 8, 9, 15, 16, 17, 40] {
                for offset in 0..<length {
                    var characters = Array(repeating: "a", count: length)
                    characters[offset] = special
                    texts.append(characters.joined())
                }
            }
        }
        var random = SplitMix64(seed: 7)
        let alphabet: [String] = Array(repeating: "x", count: 20) + ["é", "日", "😀", " ", "\u{7F}", "\"", "\\", "\u{8}"]
        for _ in 0..<300 {
            texts.append((0..<Int(random.next() % 70)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
                .joined())
        }
        try assertSameAsEncoder(texts.map(JSONValue.string))
    }

    func testObjectKeysSortAsJSONEncoderSortsThem() throws {
        let keys = ["a10", "a9", "B", "a", "_x", "Z", "a-b", "a/b", "ab", "é", "e", "E", "Ä", "z", "a b", "a\u{1}",
                    "\u{FF01}", "😀", "e\u{301}x", "éa", "\u{E000}", "provenance", "kind", ""]
        var object: [String: JSONValue] = [:]
        for (index, key) in keys.enumerated() { object[key] = .number(Double(index)) }
        try assertSameAsEncoder(JSONValue.object(object))
        try assertSameAsEncoder(JSONValue.object(["empty": .array([]), "nested": .object(["o": .object([:])]),
                                                  "numbers": .array([0, -3, 1_000_000, .number(1.5), .number(1e20),
                                                                     .number(-0.0), .number(0.1)]),
                                                  "flags": .array([true, false, .null])]))
    }

    func testRecordsWithEveryOptionalPartMatchTheEncoder() throws {
        var record = GraphTests.sampleRecords()[1]
        record.document.aliases = [["R2-1801767", "S4-180219"]]
        record.document.to = [Addressee(group: "ITU-T SG2", purpose: .action),
                              Addressee(group: "ETSI TC ITS", purpose: .information, label: "Cc")]
        record.references[0].qualifiers = ["title": "LS on \"x\"", "alias": "ETSI TS 124 116", "from": "3GPP SA2"]
        record.references[0].sdo = nil
        record.requirements = [Requirement(id: "R-1", modality: .mandatory, keyword: "shall", text: "The UE shall.",
                                           at: Provenance(line: 3, column: 4, range: SourceRange(5, 9), rule: "r"))]
        record.requirements[0].label = "Multiple CPUs"
        var scope = Scope(polarity: .excludes, subject: nil, text: "t", at: Provenance(line: 1, column: 1,
                                                                                         range: SourceRange(0, 1),
                                                                                         rule: "s"))
        scope.aspect = "network aspects"
        record.scopes = [scope]
        record.relations = [Relation(kind: .approvedAt, subject: nil, object: "ITU-T FG-MV#3", meetingDate: "2023-05",
                                     text: "approved", at: Provenance(line: 2, column: 2, range: SourceRange(1, 2),
                                                                      rule: "rel"))]
        record.attachments = [Attachment(name: "a.docx", mediaType: nil, size: 3, ingested: false),
                              Attachment(name: "b.pdf", mediaType: "application/pdf", size: 4, ingested: true)]
        record.attachedTo = "parent.eml"
        record.diagnostics = [Diagnostic(id: "x.y", severity: .note, summary: "s"),
                              Diagnostic(id: "x.z", severity: .error, summary: "s", explanation: "e", path: "p",
                                         line: 1, column: 2, range: SourceRange(0, 1), notes: ["n"], subject: "S")]
        try assertSameAsEncoder(record)
        try assertSameAsEncoder(DiagnosticsReport(quarantined: ["q"], diagnostics: record.diagnostics))
        try assertSameAsEncoder(SearchDocument(record: record, text: "text\twith\u{1}controls"))
    }

    func testCorpusRecordsAndGraphMatchTheEncoder() async throws {
        let corpus = TestSupport.packageRoot.appendingPathComponent("Corpus").path
        var inputs = [PipelineInput.path(corpus)]
        if let real = TestSupport.realCorpus { inputs.append(.path(real.path)) }
        let result = try await TestSupport.pipeline().run(inputs, options: RunOptions(jobs: 2))
        XCTAssertGreaterThan(result.documents.count, 4)
        for document in result.documents {
            try assertSameAsEncoder(document.record, document.record.source.path)
            try assertSameAsEncoder(SearchDocument(record: document.record, text: document.text),
                                    document.record.source.path)
        }
        try assertSameAsEncoder(DiagnosticsReport(quarantined: [], diagnostics: result.diagnostics))
        try assertGraphFileAsEncoderWritesIt(XCTUnwrap(result.graph))
    }

    /// The graph file is the JGF document JSONEncoder gives, pretty-printed down to the edge list and node table and
    /// with each edge and node on a line of its own, compact, as JSONEncoder writes it without `.prettyPrinted`.
    private func assertGraphFileAsEncoderWritesIt(_ graph: TraceGraph) throws {
        let file = try JSONGraphEmitter.data(graph)
        let document = JSONGraphEmitter.document(graph)
        XCTAssertEqual(try JSONDecoder().decode(JSONValue.self, from: file), document)
        guard case .object(let top) = document, case .object(let body)? = top["graph"],
              case .array(let edges)? = body["edges"], case .object(let nodes)? = body["nodes"] else {
            return XCTFail("not a JGF document")
        }
        let lines = String(decoding: file, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let edgeStart = try XCTUnwrap(lines.firstIndex(of: "    \"edges\" : [")) + 1
        for (offset, edge) in edges.enumerated() {
            let compact = String(decoding: try JSONOutput.encoderData(edge, pretty: false), as: UTF8.self)
            XCTAssertEqual(lines[edgeStart + offset], "      " + compact + (offset + 1 < edges.count ? "," : ""))
        }
        let nodeStart = try XCTUnwrap(lines.firstIndex(of: "    \"nodes\" : {")) + 1
        for (offset, id) in nodes.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
            .enumerated() {
            let key = String(decoding: try JSONOutput.encoderData(JSONValue.string(id), pretty: false), as: UTF8.self)
            let value = String(decoding: try JSONOutput.encoderData(nodes[id]!, pretty: false), as: UTF8.self)
            XCTAssertEqual(lines[nodeStart + offset], "      \(key) : \(value)" + (offset + 1 < nodes.count ? "," : ""))
        }
        XCTAssertFalse(edges.isEmpty || nodes.isEmpty, "a graph with edges and nodes")
    }
}
