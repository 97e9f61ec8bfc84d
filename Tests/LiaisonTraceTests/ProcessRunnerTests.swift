import Foundation
import XCTest
@testable import LiaisonTrace

/// The one runner of external programs (antiword, pdftotext, Graphviz): standard input fed while the output is
/// read, a time limit and an output cap for each.
final class ProcessRunnerTests: XCTestCase {
    private let roomy = ProcessRunner.Limits(timeoutSeconds: 30, maxOutputBytes: 1 << 24)

    func testInputIsFedWhileOutputIsRead() throws {
        // 2 MB through cat: more than a pipe holds either way, so writing all before reading would deadlock.
        let input = Data((0..<(2 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) })
        let output = try ProcessRunner.run(XCTUnwrap(ProcessRunner.find("cat")), arguments: [], input: input,
                                           limits: roomy)
        XCTAssertEqual(output.stdout, input)
        XCTAssertEqual(output.status, 0)
    }

    func testAProgramThatStopsReadingEarlyDoesNotKillUs() throws {
        let input = Data(repeating: 0x41, count: 4 << 20)
        let output = try ProcessRunner.run(XCTUnwrap(ProcessRunner.find("head")), arguments: ["-c", "3"],
                                           input: input, limits: roomy)
        XCTAssertEqual(output.stdout, Data("AAA".utf8))
    }

    func testTimeoutAndOutputCapStopTheProgram() throws {
        let sh = try XCTUnwrap(ProcessRunner.find("sh"))
        XCTAssertThrowsError(try ProcessRunner.run(sh, arguments: ["-c", "exec sleep 20"], input: Data("x".utf8),
                                                   limits: .init(timeoutSeconds: 0.3, maxOutputBytes: 10))) {
            XCTAssertEqual($0 as? ProcessRunner.Failure, .timeout)
        }
        XCTAssertThrowsError(try ProcessRunner.run(sh, arguments: ["-c", "exec head -c 100000 /dev/zero"],
                                                   limits: .init(timeoutSeconds: 30, maxOutputBytes: 1000))) {
            XCTAssertEqual($0 as? ProcessRunner.Failure, .outputTooLarge)
        }
        XCTAssertNil(ProcessRunner.find("lstrace-no-such-program"))
    }

    func testGraphvizRendersSVGWithinItsLimits() throws {
        guard ProcessRunner.find("dot") != nil else { throw XCTSkip("Graphviz is not installed") }
        let svg = String(decoding: try GraphvizRenderer.svg(fromDOT: "digraph { a -> b }"), as: UTF8.self)
        XCTAssertTrue(svg.contains("<svg"), svg)
        XCTAssertThrowsError(try GraphvizRenderer.svg(fromDOT: "digraph { a -> b }", maxOutputBytes: 10)) {
            XCTAssertEqual(($0 as? GraphvizRenderer.Failure)?.message, "dot wrote more than 10 bytes and was stopped")
        }
        XCTAssertThrowsError(try GraphvizRenderer.svg(fromDOT: "digraph { a -> }")) {
            XCTAssertTrue(($0 as? GraphvizRenderer.Failure)?.message.hasPrefix("dot failed: ") ?? false, "\($0)")
        }
    }
}
