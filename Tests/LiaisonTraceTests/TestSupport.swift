import Foundation
import XCTest
@testable import LiaisonTrace

/// Paths and helpers shared by tests.
enum TestSupport {
    /// The longest run of white space (ASCII white space, the vertical tab, or a byte of a non-ASCII character)
    /// and the longest run of other bytes than ICU's ASCII white space, counted byte by byte: the bounds
    /// `RuleEngine.hasShortRuns` compares with its limits.
    static func longestRuns(_ bytes: [UInt8]) -> (space: Int, word: Int) {
        var best = (space: 0, word: 0)
        var space = 0
        var word = 0
        for byte in bytes {
            let asciiSpace = [0x20, 0x0A, 0x09, 0x0C, 0x0D].contains(byte)
            space = asciiSpace || byte == 0x0B || byte >= 0x80 ? space + 1 : 0
            word = asciiSpace ? 0 : word + 1
            best = (max(best.space, space), max(best.word, word))
        }
        return best
    }

    /// The package root.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `../shared/corpus-real` next to the checkout, when present.
    static var realCorpus: URL? {
        let url = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus-real")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }

    /// The real corpus, or an XCTSkip with a clear message when it is absent.
    static func requireRealCorpus() throws -> URL {
        guard let url = realCorpus else {
            throw XCTSkip("../shared/corpus-real is not present next to the checkout; real-document tests skipped")
        }
        return url
    }

    /// The pipeline of the repository's `Pipelines/default.yaml` (read from disk, the source of truth of the
    /// built-in copy), built once.
    static func pipeline() throws -> Pipeline {
        try defaultPipeline.get()
    }

    private static let defaultPipeline = Result { () throws -> Pipeline in
        try Pipeline.load(.file(packageRoot.appendingPathComponent("Pipelines/default.yaml").path))
    }

    /// A fresh temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lstrace-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Ingests bytes as if they were a file named `name`.
    static func ingest(_ data: Data, name: String) throws -> IngestedDocument {
        try Ingestor().ingest(ReaderInput(path: name, data: data))
    }

    /// Ingests text as if it were a file named `name`.
    static func ingest(_ text: String, name: String) throws -> IngestedDocument {
        try ingest(Data(text.utf8), name: name)
    }

    /// The files that differ between two output folders of `lstrace run` (by relative path), leaving out the run
    /// cache and `delta.json`, which say what changed since the previous run into each folder. Stores are compared
    /// by what they hold (`SearchStore.contentDigest`): one updated in place is not the same bytes as one written
    /// anew.
    static func outputDifferences(_ a: URL, _ b: URL) throws -> [String] {
        func files(_ root: URL) throws -> [String: Data] {
            var found: [String: Data] = [:]
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey])
            else { return found }
            for case let url as URL in walker {
                let relative = String(url.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
                if relative.hasPrefix(".lstrace-cache") || relative == "delta.json" { continue }
                if (try url.resourceValues(forKeys: [.isDirectoryKey])).isDirectory == true { continue }
                found[relative] = try Data(contentsOf: url)
            }
            return found
        }
        let left = try files(a)
        let right = try files(b)
        return try Set(left.keys).union(right.keys).filter { name in
            guard left[name] != right[name] else { return false }
            // A store updated in place holds the same rows as one written anew, on other pages.
            if name.hasSuffix(".sqlite"), left[name] != nil, right[name] != nil {
                return try SearchStore(path: a.appendingPathComponent(name).path).contentDigest()
                    != SearchStore(path: b.appendingPathComponent(name).path).contentDigest()
            }
            return true
        }.sorted()
    }

    /// The multi-byte prefix used to check that ranges shift correctly (2 + 3 + 4 + 1 bytes).
    static let multiBytePrefix = "é日😀\n"
}
