import Foundation
import XCTest
@testable import LiaisonTrace

final class ConvertedReaderTests: XCTestCase {
    // MARK: - Helpers

    private func limits(timeout: Double = 60, maxOutput: Int = 32 << 20) -> IngestLimits {
        var limits = IngestLimits()
        limits.converterTimeoutSeconds = timeout
        limits.maxConverterOutputBytes = maxOutput
        return limits
    }

    /// A table whose PDF converter is `command arguments`.
    private func table(_ command: String, _ arguments: [String], package: String = "lstrace-test-package")
        -> ConverterTable {
        ConverterTable(doc: ConverterTable.standard.doc,
                       pdf: Converter(command: command, arguments: arguments, package: package))
    }

    private func readPDF(with converters: ConverterTable, limits: IngestLimits = IngestLimits(),
                         path: String = "mail.eml!report.pdf") throws -> IngestedDocument {
        try ConvertedReader(format: .pdf).read(ReaderInput(path: path, data: Data("%PDF-1.4\n".utf8),
                                                           limits: limits, converters: converters))
    }

    private func assertIngestError(_ id: String, file: StaticString = #filePath, line: UInt = #line,
                                   _ body: () throws -> Void) -> IngestError? {
        do {
            try body()
            XCTFail("expected \(id)", file: file, line: line)
        } catch let error as IngestError {
            XCTAssertEqual(error.id, id, error.summary, file: file, line: line)
            return error
        } catch {
            XCTFail("unexpected \(error)", file: file, line: line)
        }
        return nil
    }

    /// Children of this process that have exited but were not waited for.
    private func zombieChildren() -> [Int32] {
        let me = getpid()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && fields[0] == "Z" && Int32(fields[1]) == me
        }
    }

    // MARK: - External converters

    func testMissingConverterNamesTheDebianPackage() {
        let error = assertIngestError("ingest.converter.missing") {
            _ = try readPDF(with: table("lstrace-no-such-program", ["{input}"], package: "lstrace-tools"))
        }
        XCTAssertTrue(error?.summary.contains("lstrace-no-such-program") == true, error?.summary ?? "")
        XCTAssertTrue(error?.summary.contains("install the Debian package lstrace-tools") == true, error?.summary ?? "")
    }

    func testSlowConverterIsStoppedAtTheTimeout() {
        let started = Date()
        let error = assertIngestError("ingest.converter.timeout") {
            _ = try readPDF(with: table("sleep", ["30"]), limits: limits(timeout: 0.5))
        }
        XCTAssertTrue(error?.summary.contains("sleep did not finish within 0.5 seconds") == true, error?.summary ?? "")
        // Killed, not waited for: far less than the 30 seconds it would sleep.
        XCTAssertLessThan(Date().timeIntervalSince(started), 20)
        XCTAssertEqual(zombieChildren(), [])
    }

    func testConverterIgnoringSIGTERMIsKilled() {
        let error = assertIngestError("ingest.converter.timeout") {
            _ = try readPDF(with: table("sh", ["-c", "trap '' TERM; exec sleep 30"]),
                            limits: limits(timeout: 0.3))
        }
        XCTAssertNotNil(error)
        XCTAssertEqual(zombieChildren(), [])
    }

    func testOutputCapStopsTheConverter() {
        let error = assertIngestError("ingest.converter.output-too-large") {
            _ = try readPDF(with: table("yes", ["LS"]), limits: limits(maxOutput: 100_000))
        }
        XCTAssertTrue(error?.summary.contains("yes printed more than 100000 bytes") == true, error?.summary ?? "")
        XCTAssertEqual(zombieChildren(), [])
    }

    func testNonZeroExitIsConverterFailedWithTheFirstLineOfStandardError() {
        _ = assertIngestError("ingest.pdf.converter-failed") {
            _ = try readPDF(with: table("false", []))
        }
        let error = assertIngestError("ingest.pdf.converter-failed") {
            let script = "echo; echo 'Syntax Error: broken xref' >&2; echo more >&2; exit 3"
            _ = try readPDF(with: table("sh", ["-c", script]))
        }
        XCTAssertEqual(error?.summary, "sh failed with exit status 3: Syntax Error: broken xref")
    }

    func testBothPipesAreDrainedTogether() throws {
        // 1 MB on standard error before anything on standard output: reading one pipe at a time would deadlock.
        let script = "head -c 1000000 /dev/zero >&2; head -c 70000 /dev/zero | tr '\\000' x"
        let converter = Converter(command: "sh", arguments: ["-c", script], package: "dash")
        let output = try ExternalConverter(converter: converter, format: .pdf, limits: limits(timeout: 30))
            .run(on: ReaderInput(path: "x.pdf", data: Data()))
        XCTAssertEqual(output.stdout.count, 70000)
        XCTAssertEqual(output.stderr.utf8.count, ExternalConverter.maxStderrBytes)
    }

    func testInputWithoutAFileIsCopiedToAPrivateFolderThatIsRemoved() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        var runner = ExternalConverter(converter: Converter(command: "cat", arguments: ["{input}"],
                                                            package: "coreutils"),
                                       format: .pdf, limits: limits())
        runner.temporaryDirectory = folder
        let bytes = Data("attachment bytes\n".utf8)
        let output = try runner.run(on: ReaderInput(path: "mail.eml!report.pdf", data: bytes))
        XCTAssertEqual(output.stdout, bytes)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])

        // Failures clean up too.
        runner.converter = Converter(command: "sh", arguments: ["-c", "exit 2", "{input}"], package: "dash")
        XCTAssertThrowsError(try runner.run(on: ReaderInput(path: "mail.eml!report.pdf", data: bytes)))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [])
    }

    func testFileOnDiskIsUsedDirectlyByAbsolutePath() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("-r.pdf")
        let bytes = Data("%PDF-1.4\n".utf8)
        try bytes.write(to: file)
        let runner = ExternalConverter(converter: Converter(command: "echo", arguments: ["{input}"],
                                                            package: "coreutils"),
                                       format: .pdf, limits: limits())
        let output = try runner.run(on: ReaderInput(path: file.path, data: bytes))
        XCTAssertEqual(String(decoding: output.stdout, as: UTF8.self), file.standardizedFileURL.path + "\n")
        // Other bytes than the file's: a copy is converted instead.
        let copy = try runner.run(on: ReaderInput(path: file.path, data: Data("other bytes".utf8)))
        XCTAssertFalse(String(decoding: copy.stdout, as: UTF8.self).hasPrefix(file.standardizedFileURL.path))
    }

    func testEmptyPDFTextIsNoTextError() {
        let error = assertIngestError("ingest.pdf.no-text") {
            _ = try readPDF(with: table("printf", ["\\n\\f  \\n\\f"]))
        }
        XCTAssertEqual(error?.summary, "PDF has no text layer; it may be a scanned image")
    }

    // MARK: - Text and blocks

    func testPDFPagesRunningHeadersAndParagraphs() throws {
        let page1 = """
                            INTERNATIONAL TELECOMMUNICATION UNION                 SG9-LS4
            Title:        LS on something important that needs a long title to wrap around the
                          second line
            This liaison statement asks the receiving groups to consider the proposal and to send
            comments before the deadline.
            Short line ends a paragraph.
            Next paragraph starts here and goes on for a while so that it is a long line of text.
               •     First bullet
               •     Second bullet that wraps to the next line because it is rather long and wide
                     and continues here.

            """
        let page = { (number: Int, body: String) in
            """
                                               - \(number) -
                                                SG9-LS4
            \(body)
            """
        }
        let raw = page1 + "\u{0C}" + page(2, "The second page goes on with the text of the liaison statement.")
            + "\n\u{0C}" + page(3, "And the last page ends it with the contact details and a signature.") + "\n\u{0C}"
        let document = try readPDF(with: table("printf", ["%s", raw]))
        try MailReaderTests.checkBlocks(document)
        XCTAssertFalse(document.text.contains("\u{0C}"))
        XCTAssertEqual(document.field("pages"), "3")
        let blocks = document.blocks.map { ($0.kind, document.text(of: $0.range)) }
        XCTAssertEqual(blocks.filter { $0.0 == .header }.map(\.1), ["- 2 -", "SG9-LS4", "- 3 -", "SG9-LS4"])
        XCTAssertTrue(blocks.contains {
            $0.0 == .paragraph && $0.1.hasPrefix("Title:") && $0.1.hasSuffix("second line")
        })
        XCTAssertTrue(blocks.contains { $0.0 == .paragraph && $0.1.hasPrefix("This liaison statement")
            && $0.1.hasSuffix("before the deadline.") })
        XCTAssertTrue(blocks.contains { $0.0 == .paragraph && $0.1 == "Short line ends a paragraph." })
        XCTAssertEqual(blocks.filter { $0.0 == .listItem }.map(\.1), [
            "•     First bullet",
            "•     Second bullet that wraps to the next line because it is rather long and wide\n"
                + "         and continues here.",
        ])
    }

    func testPageNumbers() {
        for line in ["2", "- 2 -", "-2-", "– 12 –", "Page 3", "Page 3 of 10", "3/10", "  [4]  "] {
            XCTAssertTrue(ConvertedReader.isPageNumber(line), line)
        }
        for line in ["2020", "Page", "TS 23.501", "- a -", "1 Scope", "12345"] {
            XCTAssertFalse(ConvertedReader.isPageNumber(line), line)
        }
    }

    func testWordTablesBecomeCellsWithVisualRows() throws {
        let raw = "\nTitle:\tReply LS\n\n|Activity |Stage |Title                 |\n"
            + "|Domain   |      |                      |\n"
            + "|5G       |1     |TS 22.261 Service     |\n|         |      |requirements          |\n\n"
            + "•\tA bullet\nLast paragraph.\n"
        let converters = ConverterTable(doc: Converter(command: "printf", arguments: ["%s", raw], package: "coreutils"),
                                        pdf: ConverterTable.standard.pdf)
        let document = try ConvertedReader(format: .doc).read(ReaderInput(path: "x.doc", data: Data([0xD0, 0xCF]),
                                                                          converters: converters))
        try MailReaderTests.checkBlocks(document)
        let cells = document.blocks.filter { $0.kind == .tableCell }
            .map { "\($0.row!).\($0.column!) \(document.text(of: $0.range))" }
        XCTAssertEqual(cells, ["0.0 Activity", "0.1 Stage", "0.2 Title", "1.0 Domain", "2.0 5G", "2.1 1",
                               "2.2 TS 22.261 Service", "3.2 requirements"])
        XCTAssertEqual(document.blocks.first.map { document.text(of: $0.range) }, "Title:\tReply LS")
        XCTAssertEqual(document.blocks.filter { $0.kind == .listItem }.map { document.text(of: $0.range) },
                       ["•\tA bullet"])
        XCTAssertTrue(document.text.hasPrefix("Title:\tReply LS\n\n|Activity |Stage |"))
    }

    // MARK: - Real documents

    private func realFiles(_ corpus: URL, extensions: Set<String>) throws -> [URL] {
        try ["liaisons", "deliverables"].flatMap { folder -> [URL] in
            let url = corpus.appendingPathComponent(folder)
            return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
                .filter { extensions.contains(($0 as NSString).pathExtension) }
                .map { url.appendingPathComponent($0) }
        }
    }

    /// The rendering made with the same converter, when there is one.
    private func rendering(of file: URL, corpus: URL) -> String? {
        let folder = file.deletingLastPathComponent().lastPathComponent
        let url = corpus.appendingPathComponent("renderings").appendingPathComponent(folder)
            .appendingPathComponent(file.deletingPathExtension().lastPathComponent + ".txt")
        return try? String(contentsOf: url, encoding: .utf8)
    }

    private func withoutWhiteSpace(_ text: String) -> String {
        String(text.unicodeScalars.filter { !CharacterSet.whitespacesAndNewlines.contains($0) && $0 != "\u{0C}" }
            .map(Character.init))
    }

    /// The last non-blank line of a text, with runs of blanks reduced to one space.
    private func lastLine(_ text: String) -> String? {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\u{0C}" }).reversed()
            .map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ") }
            .first { !$0.isEmpty }
    }

    func testRealDocumentsIngestWithTheirWholeText() throws {
        let corpus = try TestSupport.requireRealCorpus()
        // Plain antiword (deleted text shown), to compare with the renderings made that way.
        var plain = ConverterTable.standard
        plain.doc.arguments.removeAll { $0 == "-f" }
        let files = try realFiles(corpus, extensions: ["doc", "pdf"])
        XCTAssertGreaterThanOrEqual(files.count, 18)
        for file in files {
            let document = try Ingestor().ingest(path: file.path)
            try MailReaderTests.checkBlocks(document)
            let name = file.lastPathComponent
            XCTAssertEqual(document.source.format.rawValue, file.pathExtension, name)
            XCTAssertFalse(document.diagnostics.contains { $0.severity >= .warning },
                           "\(name): \(document.diagnostics)")
            XCTAssertFalse(document.blocks.isEmpty, name)
            guard let rendering = rendering(of: file, corpus: corpus) else { continue }
            let compared = file.pathExtension == "doc" ? try Ingestor(converters: plain).ingest(path: file.path)
                : document
            XCTAssertEqual(withoutWhiteSpace(compared.text), withoutWhiteSpace(rendering), "\(name): text differs")
            // The last line a reader sees is there, and the blocks go on to the end of the text.
            XCTAssertEqual(lastLine(compared.text), lastLine(rendering), name)
            let end = try XCTUnwrap(document.blocks.last?.range.end, name)
            XCTAssertFalse(document.text.utf8.dropFirst(end).dropLast().contains(0x0A),
                           "\(name): text after the blocks")
        }
    }

    func testRealLiaisonHeaderLabels() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let liaisons = corpus.appendingPathComponent("liaisons")
        func text(_ name: String) throws -> String {
            try Ingestor().ingest(path: liaisons.appendingPathComponent(name).path).text
        }
        let sg2 = try text("itu-t-sg2-ls27-imsi-e212-evolution.pdf")
        for label in ["LIAISON STATEMENT", "For action to:", "For information to:", "Deadline:", "Title:",
                      "LS on Evolution of IMSI format and E.212 Recommendation"] {
            XCTAssertTrue(sg2.contains(label), label)
        }
        let jca = try text("itu-t-jca-imt2020-ls1-roadmap.pdf")
        XCTAssertTrue(jca.contains("LS on invitation to update the information in the IMT2020 roadmap"))
        let ran2 = try text("3gpp-ran2-r2-1816041-reply-ls-evolp.doc")
        for label in ["Title:\tReply LS on Dynamic PLR Allocation in eVoLP", "Response to:\t", "Release:\tRelease 15",
                      "To:\tSA4", "Cc:\tSA2", "2. Actions:"] {
            XCTAssertTrue(ran2.contains(label), label)
        }
        let theft = try text("3gpp-sa-draft-reply-ls-sg11-device-theft.doc")
        XCTAssertTrue(theft.contains("Response to:\tLS (SP-170146)"))
    }

    func testRealPDFRunningHeadersAndFooters() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let sg2 = try Ingestor().ingest(path: corpus.appendingPathComponent(
            "liaisons/itu-t-sg2-ls27-imsi-e212-evolution.pdf").path)
        XCTAssertEqual(sg2.field("pages"), "4")
        XCTAssertEqual(sg2.blocks.filter { $0.kind == .header }.map { sg2.text(of: $0.range) },
                       ["-2-", "SG2-LS27", "-3-", "SG2-LS27", "-4-", "SG2-LS27"])
        // Two pages only: the page number, and the number under it that the first page shows.
        let sg13 = try Ingestor().ingest(path: corpus.appendingPathComponent(
            "liaisons/itu-t-sg13-ls2-fmc-activities.pdf").path)
        XCTAssertEqual(sg13.blocks.filter { $0.kind == .header }.map { sg13.text(of: $0.range) },
                       ["-2-", "SG13 – LS 2"])
        let etsi = try Ingestor().ingest(path: corpus.appendingPathComponent(
            "deliverables/etsi-ts-124116-v15.0.0-tv-services.pdf").path)
        let footers = etsi.blocks.filter { $0.kind == .footer }.map { etsi.text(of: $0.range) }
        XCTAssertGreaterThanOrEqual(footers.count, 9)
        XCTAssertTrue(footers.allSatisfy { $0 == "ETSI" }, "\(footers)")
        let headers = etsi.blocks.filter { $0.kind == .header }.map { etsi.text(of: $0.range) }
        XCTAssertGreaterThanOrEqual(headers.count, 9)
        XCTAssertTrue(headers.allSatisfy { $0.hasPrefix("3GPP TS 24.116 version 15.0.0 Release 15") }, "\(headers)")
    }

    func testRealDocWithTrackedChangesReadsWithChangesAccepted() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let path = corpus.appendingPathComponent("liaisons/3gpp-sa-sp-190531-reply-ls-imt2020-roadmap.doc").path
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let marks = try XCTUnwrap(WordRevisionMarks.scan(data))
        XCTAssertGreaterThan(marks.deletedRuns, 0)
        XCTAssertGreaterThan(marks.insertedRuns, 0)

        let accepted = try Ingestor().ingest(path: path)
        XCTAssertTrue(accepted.text.contains("3GPP TSG-SA Meeting #84\t"), String(accepted.text.prefix(200)))
        XCTAssertTrue(accepted.text.contains("SP-190531\n"))
        XCTAssertFalse(accepted.text.contains("SP-170780190531"))
        XCTAssertTrue(accepted.text.contains(
            "Title:\tDraft Reply LS on updating the IMT2020 roadmap (Reply to SP-190276)"))
        XCTAssertTrue(accepted.text.contains("The following list of specifications is under 3GPP maintenance"))
        XCTAssertEqual(accepted.diagnostics.map(\.id), ["ingest.doc.tracked-changes"])
        XCTAssertEqual(accepted.diagnostics.first?.severity, .note)

        // A pipeline that runs antiword without -f gets the merged text, and is told so.
        var plain = ConverterTable.standard
        plain.doc.arguments.removeAll { $0 == "-f" }
        let merged = try Ingestor(converters: plain).ingest(path: path)
        XCTAssertTrue(merged.text.contains("SP-170780190531"))
        XCTAssertEqual(merged.diagnostics.map(\.id), ["ingest.doc.tracked-changes-merged"])
        XCTAssertEqual(merged.diagnostics.first?.severity, .warning)

        // A document without revision marks gets no note.
        let clean = try Data(contentsOf: corpus.appendingPathComponent("liaisons/3gpp-ct-cp-172153-ls-imsi-e212.doc"))
        XCTAssertEqual(WordRevisionMarks.scan(clean), WordRevisionMarks(deletedRuns: 0, insertedRuns: 0))
        XCTAssertNil(WordRevisionMarks.scan(Data("not a compound file".utf8)))
    }

    func testRevisionScanSurvivesDamagedFiles() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let bytes = [UInt8](try Data(contentsOf: corpus.appendingPathComponent(
            "liaisons/3gpp-sa-sp-190531-reply-ls-imt2020-roadmap.doc")))
        for end in stride(from: 0, to: bytes.count, by: 997) {
            _ = WordRevisionMarks.scan(Data(bytes[..<end]))
        }
        // Deterministic damage: a linear congruential sequence picks the bytes to overwrite.
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        for _ in 0..<200 {
            var damaged = bytes
            for _ in 0..<20 { damaged[next() % damaged.count] = UInt8(truncatingIfNeeded: next()) }
            _ = WordRevisionMarks.scan(Data(damaged))
        }
    }

    func testRealConversionsRunInParallel() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let files = try realFiles(corpus, extensions: ["doc", "pdf"])
        let serial = try files.map { try Ingestor().ingest(path: $0.path).text }
        let jobs = files.count * 2
        let results = Results(count: jobs)
        DispatchQueue.concurrentPerform(iterations: jobs) { index in
            let text = try? Ingestor().ingest(path: files[index % files.count].path).text
            results.set(index, text)
        }
        for index in 0..<jobs {
            let file = index % files.count
            XCTAssertEqual(results.get(index), serial[file], files[file].lastPathComponent)
        }
        XCTAssertEqual(zombieChildren(), [])
    }
}

/// Thread-safe result slots for the parallel test.
private final class Results: @unchecked Sendable {
    private var values: [String?]
    private let lock = NSLock()

    init(count: Int) {
        values = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ value: String?) {
        lock.withLock { values[index] = value }
    }

    func get(_ index: Int) -> String? {
        lock.withLock { values[index] }
    }
}
