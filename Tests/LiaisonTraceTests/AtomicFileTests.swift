import Foundation
import XCTest
@testable import LiaisonTrace

/// Outputs are replaced whole: the new file takes the name of the old one, and no temporary file stays behind.
final class AtomicFileTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private var entries: [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()) ?? []
    }

    func testANewFileAndAReplacedFileLeaveNoTemporaryFile() throws {
        let path = folder.appendingPathComponent("graph.json").path
        try AtomicFile.write(Array("first".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "first")
        try AtomicFile.write(Array("second, longer".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second, longer")
        XCTAssertEqual(entries, ["graph.json"])
    }

    func testAStreamReplacesTheFileOnlyWhenCommitted() throws {
        let path = folder.appendingPathComponent("search.ndjson").path
        try AtomicFile.write(Array("old\n".utf8), to: path)
        let stream = try AtomicFile.Stream(path: path)
        try stream.write(Array("new\n".utf8))
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old\n", "replaced before commit")
        try stream.commit()
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new\n")
        XCTAssertEqual(entries, ["search.ndjson"])
    }

    /// A folder where the file should go is an error that names it, and the folder stays where it is, untouched.
    func testAFolderInTheWayIsAnErrorAndStays() throws {
        let path = folder.appendingPathComponent("graph.json").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        try Data("kept".utf8).write(to: URL(fileURLWithPath: path).appendingPathComponent("inside.txt"))
        XCTAssertThrowsError(try AtomicFile.write(Array("new".utf8), to: path)) { error in
            XCTAssertTrue("\(error)".contains("graph.json"), "\(error)")
        }
        var isFolder: ObjCBool = false
        XCTAssertTrue(FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue)
        XCTAssertEqual(try String(contentsOfFile: path + "/inside.txt", encoding: .utf8), "kept")
        XCTAssertEqual(entries, ["graph.json"])
    }
}
