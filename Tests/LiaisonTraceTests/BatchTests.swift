import XCTest
@testable import LiaisonTrace

/// A folder of deliberately broken files next to good ones: one clear error per broken file, every good record
/// written, exit status 1, no crash.
final class BatchTests: XCTestCase {
    /// Writes the broken and good files; returns (folder, broken file names, good file names).
    static func makeBrokenFolder() throws -> (URL, [String], [String]) {
        let folder = try TestSupport.temporaryDirectory()
        func write(_ name: String, _ data: Data) throws {
            try data.write(to: folder.appendingPathComponent(name))
        }
        try write("good-liaison.txt", Data("Title: LS on IMSI\nResponse to: SP-170146\nSee TS 23.003.\n".utf8))
        try write("good-notes.md", Data("# Notes\n\nRFC 9110 applies.\n".utf8))
        try write("empty.txt", Data())
        try write("junk.bin", Data((0..<1024).map { UInt8(truncatingIfNeeded: $0 &* 7919) }))
        // A DOCX cut short: the zip signature, then garbage.
        try write("truncated.docx", Data([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00] + Array(repeating: 0x41, count: 40)))
        try write("malformed.xml", Data("<?xml version=\"1.0\"?>\n<rfc><front><title>x</front></rfc>\n".utf8))
        try write("oversized.txt", Data(repeating: 0x41, count: 4096))
        try write("junk.pdf", Data("%PDF-1.4\nthis is not a PDF body\n".utf8))
        return (folder, ["empty.txt", "junk.bin", "truncated.docx", "malformed.xml", "oversized.txt", "junk.pdf"],
                ["good-liaison.txt", "good-notes.md"])
    }

    func testBrokenFilesAreQuarantinedAndGoodOnesWritten() async throws {
        let (folder, broken, good) = try Self.makeBrokenFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = PipelineConfiguration()
        configuration.limits.maxFileBytes = 2048
        let out = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try await Pipeline(configuration: configuration)
            .run([.path(folder.path)], options: RunOptions(jobs: 3, outputDirectory: out))
        XCTAssertEqual(result.documents.count + result.quarantined.count, broken.count + good.count)
        var engine = DiagnosticEngine(printedSeverity: nil)
        engine.report(contentsOf: result.diagnostics)
        XCTAssertEqual(engine.exitStatus, 1)
        XCTAssertEqual(Set(result.quarantined.compactMap { $0.path.map { ($0 as NSString).lastPathComponent } }),
                       Set(broken))
        for diagnostic in result.quarantined {
            XCTAssertEqual(diagnostic.severity, .error)
            XCTAssertFalse(diagnostic.summary.isEmpty)
            XCTAssertTrue(diagnostic.formatted.hasPrefix("\(diagnostic.path!):"), diagnostic.formatted)
            XCTAssertTrue(diagnostic.formatted.contains("[ingest."), diagnostic.formatted)
        }
        XCTAssertEqual(result.records.map { ($0.source.path as NSString).lastPathComponent }.sorted(), good)
        let byName = Dictionary(uniqueKeysWithValues: result.quarantined.map {
            (($0.path! as NSString).lastPathComponent, $0.id)
        })
        XCTAssertEqual(byName["empty.txt"], "ingest.empty")
        XCTAssertEqual(byName["junk.bin"], "ingest.binary")
        XCTAssertEqual(byName["oversized.txt"], "ingest.too-large")

        let written = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("documents").path)
        XCTAssertEqual(written.sorted(), ["good-liaison.json", "good-notes.json"])
        let report = try JSONDecoder().decode(DiagnosticsReport.self,
                                              from: Data(contentsOf: out.appendingPathComponent("diagnostics.json")))
        XCTAssertEqual(report.quarantined.count, broken.count)
    }

    func testMissingInputIsADiagnostic() {
        let (files, diagnostics) = InputWalker.files(in: ["/nonexistent/lstrace"])
        XCTAssertEqual(files, [])
        XCTAssertEqual(diagnostics.map(\.id), ["input.missing"])
    }

    func testIgnoreFileAndHiddenEntriesAreSkipped() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("expected"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: folder.appendingPathComponent("expected/a.json"))
        try Data("x".utf8).write(to: folder.appendingPathComponent(".hidden.txt"))
        try Data("x".utf8).write(to: folder.appendingPathComponent("doc.txt"))
        try Data("x".utf8).write(to: folder.appendingPathComponent("notes.json"))
        try Data("expected/\n*.json\n".utf8).write(to: folder.appendingPathComponent(".lstraceignore"))
        let (files, _) = InputWalker.files(in: [folder.path])
        XCTAssertEqual(files.map { ($0 as NSString).lastPathComponent }, ["doc.txt"])
    }

    func testRecordNamesAreUniqueAndStable() {
        XCTAssertEqual(RecordsEmitter.recordNames(["a/x.doc", "b/y.pdf"]), ["x", "y"])
        XCTAssertEqual(RecordsEmitter.recordNames(["a/x.doc", "a/x.pdf"]), ["x.doc", "x.pdf"])
        XCTAssertEqual(RecordsEmitter.recordNames(["a/x.doc", "b/x.doc"]), ["a__x.doc", "b__x.doc"])
        XCTAssertEqual(RecordsEmitter.recordNames(["m.eml", "m.eml!att.docx"]), ["m", "att"])
        XCTAssertEqual(RecordsEmitter.recordNames(["in/", "!!", "dir/.hidden", "a.b.c", "ü/ñé.txt"]),
                       ["in", "document", ".hidden", "a.b", "ñé"])
        // The last part, found from the end, is the last of the path's parts split at "/" and "!".
        for path in ["a/b/", "x.docx!y.pdf", "!!", "", "/", "a!b!", "/abs/path/file.txt", "ü/ñé.txt", "a//b"] {
            let parts = path.replacingOccurrences(of: "!", with: "/").split(separator: "/").map(String.init)
            XCTAssertEqual(RecordsEmitter.lastPart(of: path), parts.last, path)
        }
    }

    /// Outputs are the same bytes whatever `--jobs`: with one job the writer encodes each document, with more the
    /// per-document stages do, and documents are made ahead of the writer in either case. Run on the shipped corpus
    /// and, when present, the real one (with its broken files), the store compared byte for byte too.
    func testOutputsAreTheSameBytesWhateverTheJobs() async throws {
        var inputs = [PipelineInput.path(TestSupport.packageRoot.appendingPathComponent("Corpus").path)]
        if let real = TestSupport.realCorpus { inputs.append(.path(real.path)) }
        var folders: [URL] = []
        defer { for folder in folders { try? FileManager.default.removeItem(at: folder) } }
        for jobs in [1, 3] {
            let out = try TestSupport.temporaryDirectory()
            folders.append(out)
            // As `lstrace run` does: the documents are not kept in memory.
            _ = try await TestSupport.pipeline().run(inputs, options: RunOptions(jobs: jobs, outputDirectory: out,
                                                                                asOf: "2026-12-06",
                                                                                retainsDocuments: false))
            let records = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("documents").path)
            XCTAssertGreaterThan(records.count, 10, "jobs \(jobs)")
        }
        XCTAssertEqual(try TestSupport.outputDifferences(folders[0], folders[1]), [])
        let stores = try folders.map { try Data(contentsOf: $0.appendingPathComponent("index.sqlite")) }
        XCTAssertEqual(stores[0], stores[1], "the store's bytes")
    }
}
