import Foundation
import XCTest
@testable import LiaisonTrace

/// Daily batches: a run into a folder that holds a previous run's outputs redoes only what changed, says what
/// came in, and ends with the same outputs as a clean run; files that arrive twice are one document; the search
/// feed is what OpenSearch's bulk API takes.
final class IncrementalRunTests: XCTestCase {
    /// An ITU-T liaison statement, with its header as the sector writes it.
    static func ituLiaison(_ number: Int, title: String, to: String, deadline: String) -> String {
        """
        INTERNATIONAL TELECOMMUNICATION UNION
        TELECOMMUNICATION STANDARDIZATION SECTOR\tSG20-LS\(number)
        STUDY PERIOD 2021-2024
        Original: English
        Question(s):\t12/20
        Geneva, 1 July 2021
        Source:\tITU-T Study Group 20
        Title:\t\(title)
        LIAISON STATEMENT
        For action to:\t\(to)
        Deadline:\t\(deadline)
        Contact:\tAlex Demo, E-mail: alex.demo@example.net
        Abstract:\tThis liaison statement informs about the progress of SG20 on \(title.lowercased()).
        The work builds upon TS 23.501 and RFC 9110.

        """
    }

    /// A 3GPP reply liaison statement.
    static func threeGPPReply(_ tdoc: String, title: String, answering: String) -> String {
        """
        3GPP TSG-CT WG4 Meeting #153\tTdoc \(tdoc)
        Geneva, 5 March 2021
        Title:\t\(title)
        Response to:\tLS (\(answering)) on the same subject
        Release:\tRelease 17
        Source:\t3GPP TSG-CT WG4
        To:\tSA2
        Contact Person:
        Name:\tOmar Exemplo

        1. Overall Description:
        3GPP TSG-CT WG4 thanks ITU-T SG20 for their LS \(answering). See TS 29.531.

        """
    }

    /// SG20-LS31, "LS on IMSI format evolution" (deadline 30 June 2017), and the 3GPP CT4 reply to it.
    static let imsiLiaison = ituLiaison(31, title: "LS on IMSI format evolution", to: "3GPP TSG CT",
                                        deadline: "30 June 2017")
    static let imsiReply = threeGPPReply("C4-2107705", title: "Reply LS on IMSI format evolution",
                                         answering: "SG20-LS31")

    private func write(_ text: String, _ name: String, in folder: URL) throws {
        let url = folder.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func testIncrementalRunRedoesOnlyWhatChangedAndEqualsACleanRun() async throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        try write(Self.imsiLiaison, "sg20-ls31.txt", in: input)
        try write(Self.ituLiaison(32, title: "LS on numbering resources", to: "3GPP TSG CT", deadline: "30 November 2017"),
                  "sg20-ls32.txt", in: input)
        try write(Self.ituLiaison(33, title: "LS on caching", to: "IETF", deadline: "31 December 2030"),
                  "sg20-ls33.txt", in: input)
        try write("Notes of the day. Nothing to trace but RFC 9110.\n", "notes.md", in: input)
        try write("a\tb\n", "manifest.tsv", in: input)
        let pipeline = try TestSupport.pipeline()
        let out = root.appendingPathComponent("out")
        let first = try await pipeline.run([.path(input.path)], options: RunOptions(jobs: 2, outputDirectory: out,
                                                                                   asOf: "2017-07-01",
                                                                                   retainsDocuments: false))
        XCTAssertEqual(first.reusedFiles, 0)
        XCTAssertNil(first.delta?.previousAsOf)
        XCTAssertEqual(first.delta?.added.count, 4)
        XCTAssertEqual(first.delta?.overdue.map(\.id), ["SG20-LS31"])
        XCTAssertEqual(first.delta?.newLiaisons.map(\.id), ["SG20-LS31", "SG20-LS32", "SG20-LS33"])
        XCTAssertTrue(first.diagnostics.contains { $0.id == "input.skipped" && $0.path?.hasSuffix("manifest.tsv") == true })

        // The next day: a reply arrives, a note changes, a liaison is withdrawn, a liaison arrives a second time
        // (same bytes, another folder).
        try write(Self.imsiReply, "c4-2107705.txt", in: input)
        try write("Notes of the day. Now RFC 9111 as well.\n", "notes.md", in: input)
        try FileManager.default.removeItem(at: input.appendingPathComponent("sg20-ls33.txt"))
        try FileManager.default.createDirectory(at: input.appendingPathComponent("copies"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: input.appendingPathComponent("sg20-ls32.txt"),
                                         to: input.appendingPathComponent("copies/sg20-ls32.txt"))
        let options = RunOptions(jobs: 2, outputDirectory: out, asOf: "2017-12-01", retainsDocuments: false)
        let storePath = out.appendingPathComponent("index.sqlite").path
        let storeBefore = try XCTUnwrap(RunCache.FileStamp(path: storePath))
        let second = try await pipeline.run([.path(input.path)], options: options)
        // The store was brought up to date in place (same file), and searches find what came and not what went.
        XCTAssertEqual(RunCache.FileStamp(path: storePath)?.inode, storeBefore.inode)
        XCTAssertFalse(FileManager.default.fileExists(atPath: storePath + "-journal"))
        let store = SearchStore(path: storePath)
        XCTAssertEqual(try store.search("C4-2107705").map(\.id), ["C4-2107705"])
        XCTAssertEqual(try store.search("RFC 9111").map(\.path), [input.appendingPathComponent("notes.md").path])
        XCTAssertEqual(try store.search("caching").map(\.id), [], "the withdrawn SG20-LS33 is gone")
        let delta = try XCTUnwrap(second.delta)
        XCTAssertEqual(second.reusedFiles, 2, "the two liaisons that did not change come from the cache")
        XCTAssertEqual(delta.previousAsOf, "2017-07-01")
        // The copy sorts first, so the document is read under its path now: from the cache all the same.
        XCTAssertEqual(delta.added.map(\.path), [input.appendingPathComponent("c4-2107705.txt").path,
                                                 input.appendingPathComponent("copies/sg20-ls32.txt").path])
        XCTAssertEqual(delta.added.map(\.copyOf), [nil, input.appendingPathComponent("sg20-ls32.txt").path])
        XCTAssertEqual(delta.changed.map(\.path), [input.appendingPathComponent("notes.md").path])
        XCTAssertEqual(delta.removed.map(\.id), ["SG20-LS33"])
        XCTAssertEqual(delta.replies.map(\.id), ["C4-2107705"])
        XCTAssertEqual(delta.replies.first?.answers, ["SG20-LS31"])
        XCTAssertEqual(delta.newLiaisons.map(\.id), ["C4-2107705"])
        // SG20-LS31 is answered now; SG20-LS32 passed its deadline between the two days.
        XCTAssertEqual(delta.overdue.map(\.id), ["SG20-LS32"])
        XCTAssertEqual(delta.overdue.first?.deadline, "2017-11-30")
        let written = try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: out.appendingPathComponent("delta.json")))
        XCTAssertEqual(written["documents"]?["added"]?.array?.first?["id"]?.string, "C4-2107705")
        XCTAssertEqual(written["overdue"]?.array?.first?["id"]?.string, "SG20-LS32")

        // The copy is the same document: one record, which names the copy.
        let records = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("documents").path)
        XCTAssertEqual(records.sorted(), ["c4-2107705.json", "notes.json", "sg20-ls31.json", "sg20-ls32.json"])
        let record = try JSONDecoder().decode(DocumentRecord.self, from: Data(
            contentsOf: out.appendingPathComponent("documents/sg20-ls32.json")))
        XCTAssertEqual(record.source.path, input.appendingPathComponent("copies/sg20-ls32.txt").path)
        XCTAssertEqual(record.source.copies, [input.appendingPathComponent("sg20-ls32.txt").path])

        // The same outputs as a clean run on the same inputs (the delta and the cache aside).
        let clean = root.appendingPathComponent("clean")
        _ = try await pipeline.run([.path(input.path)], options: RunOptions(jobs: 1, outputDirectory: clean,
                                                                            asOf: "2017-12-01"))
        XCTAssertEqual(try TestSupport.outputDifferences(out, clean), [])

        // Nothing changed: nothing is processed, and the delta is empty.
        let third = try await pipeline.run([.path(input.path)], options: options)
        XCTAssertEqual(third.reusedFiles, 4)
        XCTAssertTrue(third.delta?.isEmpty ?? false, "\(third.delta?.summary() ?? [])")
        XCTAssertEqual(try TestSupport.outputDifferences(out, clean), [])
        // A record file deleted by hand is written again from the cache, and a killed run's temporary file goes.
        let documents = out.appendingPathComponent("documents")
        try FileManager.default.removeItem(at: documents.appendingPathComponent("sg20-ls31.json"))
        try Data("half".utf8).write(to: documents.appendingPathComponent(".sg20-ls31.json" + AtomicFile.suffix))
        _ = try await pipeline.run([.path(input.path)], options: options)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: documents.path).sorted(),
                       ["c4-2107705.json", "notes.json", "sg20-ls31.json", "sg20-ls32.json"])
        XCTAssertEqual(try TestSupport.outputDifferences(out, clean), [])
        // --full processes everything again and writes the same.
        var full = options
        full.full = true
        let again = try await pipeline.run([.path(input.path)], options: full)
        XCTAssertEqual(again.reusedFiles, 0)
        XCTAssertEqual(try TestSupport.outputDifferences(out, clean), [])
    }

    /// The last run's summary is a file beside the cache (`state.bin`), written like the outputs; one that is not
    /// whole (cut short, or a changed byte: its trailing hash no longer matches) counts as none. The next run then
    /// says every document was added, rewrites every output, and still ends with a clean run's outputs.
    func testADamagedStateFileCountsAsNoPreviousRun() async throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        try write(Self.imsiLiaison, "sg20-ls31.txt", in: input)
        try write(Self.imsiReply, "c4-2107705.txt", in: input)
        let pipeline = try TestSupport.pipeline()
        let out = root.appendingPathComponent("out")
        let options = RunOptions(jobs: 2, outputDirectory: out, asOf: "2017-07-01", retainsDocuments: false)
        _ = try await pipeline.run([.path(input.path)], options: options)
        let stateURL = RunCache.folder(in: out).appendingPathComponent("state.bin")
        let bytes = try [UInt8](Data(contentsOf: stateURL))
        let state = try RunCache.decodeState(bytes)
        XCTAssertEqual(state.asOf, "2017-07-01")
        XCTAssertEqual(state.documents.count, 2)
        XCTAssertEqual(try RunCache.decodeState(RunCache.encodeState(state)), state)

        var changed = bytes
        changed[changed.count / 2] ^= 0x01
        for damaged in [changed, Array(bytes.dropLast(3)), []] {
            XCTAssertThrowsError(try RunCache.decodeState(damaged), "\(damaged.count) bytes")
        }
        try Data(changed).write(to: stateURL)
        let second = try await pipeline.run([.path(input.path)], options: options)
        XCTAssertEqual(second.reusedFiles, 2, "the documents still come from the cache")
        XCTAssertNil(second.delta?.previousAsOf)
        XCTAssertEqual(second.delta?.added.count, 2)
        XCTAssertEqual(try RunCache.decodeState(Array(Data(contentsOf: stateURL))).documents.count, 2,
                       "the run wrote a whole state again")

        let clean = root.appendingPathComponent("clean")
        _ = try await pipeline.run([.path(input.path)], options: RunOptions(jobs: 1, outputDirectory: clean,
                                                                            asOf: "2017-07-01"))
        XCTAssertEqual(try TestSupport.outputDifferences(out, clean), [])
    }

    /// The run cache keeps what linking reads of each record in a binary form (closed vocabularies as positions):
    /// read back, it is the record's linking part; read for the passes that resolve names, the source, the header
    /// and the references without their text and rule. Checked on every document of `Corpus/`.
    func testLinkingBytesReadBackAsTheLinkingPart() throws {
        let pipeline = try TestSupport.pipeline()
        let corpus = TestSupport.packageRoot.appendingPathComponent("Corpus")
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()
            .filter { !$0.hasPrefix(".") && $0 != "expected" }
        var read = 0
        for name in files {
            guard case .processed(let documents) = pipeline.process(.path(corpus.appendingPathComponent(name).path))
            else { continue }
            for document in documents {
                var part = document.record.linkingPart
                let bytes = part.linkingBytes()
                // An addressee's label is for the record file only.
                part.document.to = part.document.to.map { Addressee(group: $0.group, purpose: $0.purpose) }
                func json(_ record: DocumentRecord) -> String { String(decoding: JSONOutput.bytes(record), as: UTF8.self) }
                XCTAssertEqual(json(try DocumentRecord(linkingBytes: bytes)), json(part), name)
                var header = DocumentRecord(source: part.source, document: part.document)
                header.references = part.references.map { reference in
                    var reference = reference
                    reference.text = ""
                    reference.rule = ""
                    return reference
                }
                XCTAssertEqual(json(try DocumentRecord(linkingBytes: bytes, headerOnly: true)), json(header), name)
                XCTAssertThrowsError(try DocumentRecord(linkingBytes: Array(bytes.dropLast())), name)
                read += 1
            }
        }
        XCTAssertGreaterThan(read, 5)
    }

    func testAnAttachmentThatTakesAnExistingRecordNameRenamesBothRecords() async throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        try write("Report: see RFC 9110.\n", "report.txt", in: input)
        let pipeline = try TestSupport.pipeline()
        let out = root.appendingPathComponent("out")
        _ = try await pipeline.run([.path(input.path)], options: RunOptions(outputDirectory: out))
        try write("""
            From: a@example.org
            Subject: report
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b"

            --b
            Content-Type: text/plain

            See the attached report.
            --b
            Content-Type: text/plain
            Content-Disposition: attachment; filename="report.txt"

            Another report, on RFC 9111.
            --b--

            """, "mail.eml", in: input)
        _ = try await pipeline.run([.path(input.path)], options: RunOptions(outputDirectory: out))
        let clean = root.appendingPathComponent("clean")
        _ = try await pipeline.run([.path(input.path)], options: RunOptions(outputDirectory: clean))
        XCTAssertEqual(try TestSupport.outputDifferences(out, clean), [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("documents").path)
            .sorted(), ["in__report.txt.json", "mail.eml__report.txt.json", "mail.json"])
    }

    /// A library caller that keeps the documents gets the same records and texts from the cache as from the
    /// stages (the cache keeps the text inside the search document, and the record file's bytes).
    func testDocumentsFromTheCacheCarryTheirTexts() async throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        try write(Self.ituLiaison(31, title: "LS on \"quoted\" IMSI formats — é", to: "3GPP TSG CT",
                                  deadline: "30 June 2017"), "sg20-ls31.txt", in: input)
        try write("Notes\twith a tab, a backslash \\ and RFC 9110.\n", "notes.md", in: input)
        let pipeline = try TestSupport.pipeline()
        let options = RunOptions(jobs: 1, outputDirectory: root.appendingPathComponent("out"), asOf: "2017-07-01")
        let first = try await pipeline.run([.path(input.path)], options: options)
        let second = try await pipeline.run([.path(input.path)], options: options)
        XCTAssertEqual(second.reusedFiles, 2)
        XCTAssertEqual(second.documents.map(\.text), first.documents.map(\.text))
        XCTAssertEqual(second.documents.map { JSONOutput.bytes($0.record) }, first.documents.map { JSONOutput.bytes($0.record) })
        XCTAssertTrue(second.documents.first?.text.contains("\\") ?? false)
    }

    /// Files with the same bytes as a file that cannot be read (empty files, say) are each quarantined and named,
    /// in the first run and when they come from the cache.
    func testCopiesOfAQuarantinedFileAreEachQuarantined() async throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        try write("Report: see RFC 9110.\n", "report.txt", in: input)
        for name in ["a.txt", "b.txt", "c.txt"] { try write("", name, in: input) }
        let pipeline = try TestSupport.pipeline()
        let out = root.appendingPathComponent("out")
        for _ in 0..<2 {
            let result = try await pipeline.run([.path(input.path)], options: RunOptions(outputDirectory: out))
            XCTAssertEqual(result.quarantined.compactMap(\.path).map { URL(fileURLWithPath: $0).lastPathComponent }
                .sorted(), ["a.txt", "b.txt", "c.txt"])
            XCTAssertEqual(Set(result.quarantined.map(\.id)), ["ingest.empty"])
        }
    }

    /// Checks `body` against the OpenSearch bulk format: newline-terminated lines, each action line an object with
    /// one key (`index`, `create`, `update` or `delete`) whose value names `_index` and `_id`, followed (except for
    /// `delete`) by the document line, an object.
    static func bulkFormatProblems(_ body: Data) -> [String] {
        var problems: [String] = []
        guard body.isEmpty || body.last == 0x0A else { return ["the body does not end with a newline"] }
        let lines = body.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
        var index = lines.startIndex
        while index < lines.endIndex {
            let number = index - lines.startIndex + 1
            guard let action = try? JSONDecoder().decode(JSONValue.self, from: Data(lines[index])), let object = action.object,
                  object.count == 1, let (verb, metadata) = object.first else {
                problems.append("line \(number): not an action object")
                index += 1
                continue
            }
            if !["index", "create", "update", "delete"].contains(verb) { problems.append("line \(number): action \(verb)") }
            if metadata["_index"]?.string?.isEmpty ?? true { problems.append("line \(number): no _index") }
            if metadata["_id"]?.string?.isEmpty ?? true { problems.append("line \(number): no _id") }
            index += 1
            if verb != "delete" {
                guard index < lines.endIndex,
                      (try? JSONDecoder().decode(JSONValue.self, from: Data(lines[index])))?.object != nil else {
                    problems.append("line \(number + 1): no document after the \(verb) action")
                    continue
                }
                index += 1
            }
        }
        return problems
    }

    func testSearchFeedIsABulkBodyWithStableIdsAndAMapping() async throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        try write(Self.imsiLiaison, "sg20-ls31.txt", in: input)
        try write("Notes without a designation of their own; they cite RFC 9110.\n", "notes.md", in: input)
        try write("More notes, on RFC 9111.\n", "more.md", in: input)
        let pipeline = try TestSupport.pipeline()
        let out = root.appendingPathComponent("out")
        _ = try await pipeline.run([.path(input.path)], options: RunOptions(outputDirectory: out))
        let feed = try Data(contentsOf: out.appendingPathComponent("search.ndjson"))
        XCTAssertEqual(Self.bulkFormatProblems(feed), [])
        let lines = feed.split(separator: 0x0A).map { try? JSONDecoder().decode(JSONValue.self, from: Data($0)) }
        let ids = lines.compactMap { $0?["index"]?["_id"]?.string }
        XCTAssertEqual(ids.count, 3)
        XCTAssertTrue(ids.contains("SG20-LS31"))
        // Without a designation, the id is the content hash: the same on every machine, in every folder.
        let notesHash = ContentHash.sha256(try Data(contentsOf: input.appendingPathComponent("notes.md")))
        XCTAssertTrue(ids.contains(notesHash))
        XCTAssertFalse(ids.contains { $0.contains("/") }, "no _id is a path: \(ids)")
        let elsewhere = root.appendingPathComponent("elsewhere")
        try FileManager.default.copyItem(at: input, to: elsewhere)
        _ = try await pipeline.run([.path(elsewhere.path)], options: RunOptions(outputDirectory: root.appendingPathComponent("o2")))
        let moved = try Data(contentsOf: root.appendingPathComponent("o2/search.ndjson")).split(separator: 0x0A)
            .compactMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0))["index"]?["_id"]?.string }
        XCTAssertEqual(Set(moved), Set(ids))

        // The index template types every field the feed writes.
        let mapping = try JSONDecoder().decode(JSONValue.self,
                                               from: Data(contentsOf: out.appendingPathComponent("search-mapping.json")))
        let properties = try XCTUnwrap(mapping["template"]?["mappings"]?["properties"]?.object)
        for field in ["id", "ids", "from", "to", "references", "responds_to", "kind", "sdo", "path", "format"] {
            XCTAssertEqual(properties[field]?["type"]?.string, "keyword", field)
        }
        for field in ["date", "deadline"] { XCTAssertEqual(properties[field]?["type"]?.string, "date", field) }
        for field in ["title", "text"] { XCTAssertEqual(properties[field]?["type"]?.string, "text", field) }
        for case let document? in lines where document["index"] == nil {
            for key in document.object?.keys ?? [:].keys { XCTAssertNotNil(properties[key], "field \(key) not mapped") }
        }
        XCTAssertEqual(mapping["index_patterns"], .strings(["lstrace", "lstrace-*"]))

        // --feed delta: index actions for what is new or changed, delete actions for what left.
        try write("More notes, now on RFC 9112.\n", "more.md", in: input)
        try FileManager.default.removeItem(at: input.appendingPathComponent("notes.md"))
        try write(Self.ituLiaison(32, title: "LS on numbering", to: "3GPP TSG CT", deadline: "30 June 2017"),
                  "sg20-ls32.txt", in: input)
        _ = try await pipeline.run([.path(input.path)], options: RunOptions(outputDirectory: out, feed: .delta))
        let deltaFeed = try Data(contentsOf: out.appendingPathComponent("search.ndjson"))
        XCTAssertEqual(Self.bulkFormatProblems(deltaFeed), [])
        let actions = deltaFeed.split(separator: 0x0A).compactMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0)) }
            .compactMap { line -> String? in
                guard let (verb, metadata) = line.object?.first, ["index", "delete"].contains(verb) else { return nil }
                return "\(verb) \(metadata["_id"]?.string ?? "")"
            }
        let moreHash = ContentHash.sha256(try Data(contentsOf: input.appendingPathComponent("more.md")))
        XCTAssertEqual(Set(actions), ["index SG20-LS32", "index \(moreHash)", "delete \(notesHash)",
                                      "delete \(ContentHash.sha256(Data("More notes, on RFC 9111.\n".utf8)))"])
    }

    func testWalkerSkipsWhatIsNotADocumentWithOneNoteEach() throws {
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        for name in ["a.txt", "b.docx", "MANIFEST.tsv", "export.csv", "meta.json", "list.yaml", ".hidden.txt",
                     "draft.txt~", "#draft.txt#", "draft.txt.swp", "old.txt.bak", "renderings/a.txt", "renderings/b.txt",
                     ".git/config", "drafts/x.txt"] {
            try write("x", name, in: root)
        }
        let (files, notes) = InputWalker.files(in: [root.path])
        XCTAssertEqual(files.map { String($0.dropFirst(root.path.count + 1)) },
                       ["a.txt", "b.docx", "drafts/x.txt", "renderings/a.txt", "renderings/b.txt"])
        XCTAssertEqual(notes.map(\.id), Array(repeating: "input.skipped", count: 10))
        XCTAssertTrue(notes.allSatisfy { $0.severity == .note && $0.line == 1 && $0.path != nil })
        XCTAssertTrue(notes.contains { $0.path!.hasSuffix("/.git") && $0.summary == "hidden folder skipped with everything in it" })
        XCTAssertTrue(notes.contains { $0.path!.hasSuffix("MANIFEST.tsv") && $0.summary.contains("data file (.tsv)") })
        // Named on the command line, a data file is read.
        XCTAssertEqual(InputWalker.files(in: [root.appendingPathComponent("MANIFEST.tsv").path]).files.count, 1)
        // --include and --exclude.
        let excluded = InputWalker.files(in: [root.path], options: .init(exclude: ["renderings", "*.docx"])).files
        XCTAssertEqual(excluded.map { String($0.dropFirst(root.path.count + 1)) }, ["a.txt", "drafts/x.txt"])
        let included = InputWalker.files(in: [root.path], options: .init(include: ["**/a.txt", "drafts/*"])).files
        XCTAssertEqual(included.map { String($0.dropFirst(root.path.count + 1)) }, ["a.txt", "drafts/x.txt",
                                                                                     "renderings/a.txt"])
        XCTAssertTrue(Glob.matches("*.t?t", name: "a.txt", path: "x/a.txt"))
        XCTAssertFalse(Glob.matches("x/*.txt", name: "a.txt", path: "x/y/a.txt"))
        XCTAssertTrue(Glob.matches("x/**/a.txt", name: "a.txt", path: "x/y/z/a.txt"))
        XCTAssertTrue(Glob.matches("[ab].txt", name: "b.txt", path: "b.txt"))
        XCTAssertFalse(Glob.matches("[!ab].txt", name: "b.txt", path: "b.txt"))
    }
}

/// `kill -9` at any moment of a run, then the same command again: the outputs are those of an uninterrupted run,
/// and no output is ever found half-written under its final name. Runs the `lstrace` executable of the build.
final class KillTests: XCTestCase {
    static var executable: URL? {
        let url = TestSupport.packageRoot.appendingPathComponent(".build/debug/lstrace")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    private func run(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Every output under its final name is whole: JSON that parses, a feed whose lines parse, a store SQLite
    /// finds intact.
    private func assertOutputsAreWhole(_ out: URL, file: StaticString = #filePath, line: UInt = #line) throws {
        guard let walker = FileManager.default.enumerator(at: out, includingPropertiesForKeys: nil) else { return }
        for case let url as URL in walker {
            let name = url.lastPathComponent
            if name.hasPrefix(".") { walker.skipDescendants(); continue }
            switch url.pathExtension {
            case "json":
                XCTAssertNoThrow(try JSONDecoder().decode(JSONValue.self, from: Data(contentsOf: url)), name,
                                 file: file, line: line)
            case "ndjson":
                let data = try Data(contentsOf: url)
                XCTAssertTrue(data.isEmpty || data.last == 0x0A, name, file: file, line: line)
                XCTAssertEqual(IncrementalRunTests.bulkFormatProblems(data), [], file: file, line: line)
            case "sqlite":
                XCTAssertEqual(try SearchStore(path: url.path).integrityCheck(), "ok", name, file: file, line: line)
            case "dot":
                XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).hasSuffix("}\n"), name, file: file, line: line)
            default:
                break
            }
        }
    }

    func testKilledRunsEndWithTheOutputsOfAnUninterruptedRun() throws {
        guard Self.executable != nil else {
            throw XCTSkip(".build/debug/lstrace is not built (swift build --build-tests builds it); kill -9 test skipped")
        }
        let root = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let input = root.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: input, withIntermediateDirectories: true)
        let body = String(repeating: "The UE shall support the procedure of TS 23.501 and RFC 9110; the network "
                              + "should answer within the deadline given by the liaison.\n", count: 60)
        for number in 1...120 {
            let text = number % 3 == 0
                ? IncrementalRunTests.threeGPPReply(String(format: "C4-21%05d", number),
                                                    title: "Reply LS on topic \(number - 1)", answering: "SG20-LS\(number - 1)")
                : IncrementalRunTests.ituLiaison(number, title: "LS on topic \(number)", to: "3GPP TSG CT",
                                                 deadline: "\(1 + number % 28) March 2018")
            try Data((text + body).utf8).write(to: input.appendingPathComponent(String(format: "doc-%03d.txt", number)))
        }
        let arguments = ["run", input.path, "--jobs", "2", "--as-of", "2018-03-15", "--out"]
        // The uninterrupted run, timed from the moment its first document is stored (the start-up before that
        // writes nothing).
        let reference = root.appendingPathComponent("reference")
        let clean = try run(arguments + [reference.path])
        let cacheFolder = reference.appendingPathComponent(".lstrace-cache")
        while clean.isRunning, !FileManager.default.fileExists(atPath: cacheFolder.path) { Thread.sleep(forTimeInterval: 0.005) }
        let start = Date()
        clean.waitUntilExit()
        XCTAssertEqual(clean.terminationStatus, 0)
        let duration = Date().timeIntervalSince(start)
        // Killed at several moments (while documents are processed, while linking, while writing), each in a folder
        // of its own (a run resumed in the same folder has less left to do, so a later moment would often find it
        // done), then the same command again.
        var killed = 0
        for (index, fraction) in [0.1, 0.4, 0.75, 0.9, 0.98].enumerated() {
            let out = root.appendingPathComponent("out-\(index)")
            let process = try run(arguments + [out.path])
            let cache = out.appendingPathComponent(".lstrace-cache")
            while process.isRunning, !FileManager.default.fileExists(atPath: cache.path) { Thread.sleep(forTimeInterval: 0.005) }
            Thread.sleep(forTimeInterval: duration * fraction)
            if process.isRunning { killed += 1 }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try assertOutputsAreWhole(out)
            let again = try run(arguments + [out.path])
            again.waitUntilExit()
            XCTAssertEqual(again.terminationStatus, 0)
            try assertOutputsAreWhole(out)
            XCTAssertEqual(try TestSupport.outputDifferences(out, reference), [], "killed after \(fraction) of a run")
        }
        XCTAssertGreaterThan(killed, 0, "no run was killed before it finished")
    }
}
