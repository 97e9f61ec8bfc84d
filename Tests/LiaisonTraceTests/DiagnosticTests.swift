import Foundation
import XCTest
@testable import LiaisonTrace

/// One diagnostic type, every id declared once (and listed in the README), one engine deciding printing, counts
/// and the exit status.
final class DiagnosticTests: XCTestCase {
    /// Diagnostic ids written in the sources: `Diagnostic(id: "…"`, `IngestError("…"`, `.diagnostic("…"`, with
    /// interpolated segments read as `<format>`.
    static func idsInSources() throws -> [String: String] {
        let sources = TestSupport.packageRoot.appendingPathComponent("Sources")
        let walker = try XCTUnwrap(FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil))
        let pattern = try NSRegularExpression(
            pattern: #"(?:IngestError\(|diagnostic\(|Diagnostic\(id:|\bid:)\s*"((?:ingest|extract|input|link|emit|pipeline)\.[^"]+)""#)
        var ids: [String: String] = [:]
        for case let url as URL in walker where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let id = (text as NSString).substring(with: match.range(at: 1))
                    .replacingOccurrences(of: #"\\\([^)]*\)"#, with: "<format>", options: .regularExpression)
                ids[id] = url.lastPathComponent
            }
        }
        return ids
    }

    func testEveryIdInTheSourcesIsDeclared() throws {
        let ids = try Self.idsInSources()
        XCTAssertGreaterThan(ids.count, 50)
        for (id, file) in ids.sorted(by: { $0.key < $1.key }) {
            XCTAssertNotNil(DiagnosticCatalog.kind(of: id), "\(file): diagnostic id \(id) is not in DiagnosticCatalog")
        }
        let declared = DiagnosticCatalog.all.map(\.id)
        XCTAssertEqual(Set(declared).count, declared.count, "an id is declared twice")
        for kind in DiagnosticCatalog.all {
            XCTAssertFalse(kind.explanation.isEmpty, kind.id)
            XCTAssertTrue(kind.explanation.hasSuffix("."), "\(kind.id): an explanation is sentences")
        }
        XCTAssertEqual(DiagnosticCatalog.kind(of: "ingest.docx.truncated-zip")?.id, "ingest.<format>.truncated-zip")
        XCTAssertNil(DiagnosticCatalog.kind(of: "ingest.docx.no-such-thing"))
    }

    func testTheReadmeListsEveryDiagnostic() throws {
        let readme = try String(contentsOf: TestSupport.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let rows = readme.split(separator: "\n").filter { $0.hasPrefix("| `") }
        for kind in DiagnosticCatalog.all {
            XCTAssertTrue(rows.contains { $0.hasPrefix("| `\(kind.id)` | \(kind.severity.rawValue) |") },
                          "README.md has no row '| `\(kind.id)` | \(kind.severity.rawValue) | …' for a declared id")
        }
    }

    /// Every diagnostic the real corpus, the Corpus and a folder of broken files give is declared, with the
    /// declared severity (the kinds whose explanation says otherwise excepted).
    func testDiagnosticsOfRealRunsAreDeclaredWithTheirSeverity() async throws {
        let (broken, _, _) = try BatchTests.makeBrokenFolder()
        defer { try? FileManager.default.removeItem(at: broken) }
        var inputs = [PipelineInput.path(TestSupport.packageRoot.appendingPathComponent("Corpus").path),
                      .path(broken.path), .path("/nonexistent/lstrace-input")]
        if let real = TestSupport.realCorpus { inputs.append(.path(real.path)) }
        let result = try await TestSupport.pipeline().run(inputs)
        XCTAssertGreaterThanOrEqual(result.diagnostics.count, 7, "six broken files and one missing path at least")
        for diagnostic in Set(result.diagnostics.map { "\($0.id) \($0.severity.rawValue)" }).sorted() {
            let parts = diagnostic.split(separator: " ").map(String.init)
            let kind = DiagnosticCatalog.kind(of: parts[0])
            XCTAssertNotNil(kind, "\(parts[0]) is not declared")
            XCTAssertEqual(kind?.severity.rawValue, parts[1], "\(parts[0]) is reported as \(parts[1])")
        }
    }

    func testEngineCountsPrintsAndDecidesTheExitStatus() throws {
        let note = Diagnostic(.actionUnanswered, "action of X has no answering liaison in the batch",
                              at: DiagnosticLocation(path: "a.txt", line: 3, column: 7))
        let warning = Diagnostic(.linkAmbiguousTitle, "T is cited with a title that 2 documents carry",
                                 at: DiagnosticLocation(path: "b.txt", line: 1, column: 2))
        let quarantined = IngestError("ingest.binary", "file is binary").diagnostic(path: "c.bin")
        let pipeline = PipelineError(.pipelineUnknownKey, path: "p.yaml", line: 2, summary: "unknown key 'x'",
                                     stage: .extract).diagnostic

        var printed: [String] = []
        var engine = DiagnosticEngine { printed.append($0) }
        engine.report(contentsOf: [note, warning])
        XCTAssertEqual(engine.exitStatus, 0)
        XCTAssertEqual(printed, ["b.txt:1:2: warning: T is cited with a title that 2 documents carry [link.ambiguous-title]"])
        engine.report(quarantined)
        XCTAssertEqual(engine.exitStatus, 1)
        engine.report(pipeline)
        XCTAssertEqual(engine.exitStatus, 2)
        XCTAssertEqual(engine.countSummary, "2 error(s), 1 warning(s), 1 note(s)")
        XCTAssertEqual(printed.last, "p.yaml:2:1: error: unknown key 'x' [pipeline.unknown-key]\n"
            + "    note: while setting up the extract stage")

        var strict = DiagnosticEngine(strict: true, printedSeverity: nil) { _ in XCTFail("nothing is printed") }
        strict.report(note)
        XCTAssertEqual(strict.exitStatus, 0)
        strict.report(warning)
        XCTAssertEqual(strict.exitStatus, 1, "--strict: warnings fail")

        var lines: [String] = []
        var json = DiagnosticEngine(format: .json, printedSeverity: .note) { lines.append($0) }
        json.report(note)
        let decoded = try JSONDecoder().decode(Diagnostic.self, from: Data(lines[0].utf8))
        XCTAssertEqual(decoded, note)
        XCTAssertFalse(lines[0].contains("\n"))
    }
}
