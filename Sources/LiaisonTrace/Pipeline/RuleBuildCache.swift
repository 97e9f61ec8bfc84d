import Crypto
import Foundation

/// What building the rules made, kept for the user between commands: that the rules' examples passed, and the
/// patterns' analyses (`PatternAnalyses`), under the fingerprint of the build, the pipeline file and the rule files
/// (`RunCache.fingerprint`: with the same three they are the same). A run into a folder keeps the same in that
/// folder's run cache; this cache serves `lstrace extract` and a first run into a new folder, which would otherwise
/// analyze every pattern and run every example again (about 150 ms of CPU for each command, most of `lstrace extract`
/// on one document).
///
/// The folder is `$LSTRACE_CACHE_DIR`, else `$XDG_CACHE_HOME/lstrace`, else `$HOME/.cache/lstrace`; an empty
/// `LSTRACE_CACHE_DIR` turns the cache off. One file per fingerprint (`rules-<fingerprint>.bin`), written through a
/// temporary file (`AtomicFile`); the newest `keptFiles` stay. A file that cannot be read, is damaged or was made under
/// another fingerprint is ignored, and one that cannot be written is not kept: the command goes on either way.
public struct RuleBuildCache: Sendable {
    /// The environment variable that names the folder (empty: no cache).
    public static let environmentVariable = "LSTRACE_CACHE_DIR"
    /// How many files (fingerprints: builds and rule sets) stay in the folder.
    static let keptFiles = 4
    private static let magic = Array("lstrace-rules/1\n".utf8)

    /// The folder of the cache files.
    public let folder: URL
    /// Whether what is kept is read (`lstrace run --full` only writes: it trusts nothing kept).
    public var reads = true

    public init(folder: URL, reads: Bool = true) {
        self.folder = folder
        self.reads = reads
    }

    /// The user's cache folder as the environment names it (see the type's comment); nil when it is turned off or
    /// no folder can be named.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment,
                                reads: Bool = true) -> RuleBuildCache? {
        let base: URL
        if let named = environment[environmentVariable] {
            guard !named.isEmpty else { return nil }
            base = URL(fileURLWithPath: named)
        } else if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = URL(fileURLWithPath: xdg).appendingPathComponent("lstrace")
        } else if let home = environment["HOME"], !home.isEmpty {
            base = URL(fileURLWithPath: home).appendingPathComponent(".cache/lstrace")
        } else {
            return nil
        }
        return RuleBuildCache(folder: base, reads: reads)
    }

    private func path(for fingerprint: String) -> String {
        folder.appendingPathComponent("rules-\(fingerprint).bin").path
    }

    /// What was kept under `fingerprint`: whether the examples passed, and the analyses (nothing when the cache is not
    /// read, or holds nothing whole under that fingerprint).
    func kept(fingerprint: String) -> (examplesPassed: Bool, analyses: [UInt8]?) {
        guard reads, let data = FileManager.default.contents(atPath: path(for: fingerprint)) else { return (false, nil) }
        let header = Self.header(fingerprint)
        let bytes = [UInt8](data)
        let digestSize = 32
        guard bytes.count >= header.count + 1 + digestSize, bytes.starts(with: header) else { return (false, nil) }
        // A file cut short or damaged is not used: its last bytes are the SHA-256 of the others.
        let body = bytes[..<(bytes.count - digestSize)]
        guard Array(SHA256.hash(data: body)) == Array(bytes[body.endIndex...]) else { return (false, nil) }
        // One byte says whether the examples passed (only such files are written today), the analyses follow.
        return (bytes[header.count] == 1, Array(body[(header.count + 1)...]))
    }

    /// Keeps, under `fingerprint`, that the examples passed and the analyses `analyses` (`PatternAnalyses.bytes()`),
    /// then removes the oldest files beyond `keptFiles`. Failures are ignored: the cache only saves time.
    func keep(fingerprint: String, analyses: [UInt8]) {
        let body = Self.header(fingerprint) + [1] + analyses
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try AtomicFile.write(body + Array(SHA256.hash(data: body)), to: path(for: fingerprint))
        } catch {
            return
        }
        removeOldFiles()
    }

    private static func header(_ fingerprint: String) -> [UInt8] {
        magic + Array(fingerprint.utf8) + [0]
    }

    /// Removes the oldest files beyond `keptFiles`, and temporary files a killed command left (a minute old: another
    /// command may be writing one).
    private func removeOldFiles() {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: folder.path) else { return }
        func modified(_ name: String) -> (path: String, date: Date) {
            let path = folder.appendingPathComponent(name).path
            return (path, (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast)
        }
        let files = names.filter { $0.hasPrefix("rules-") && $0.hasSuffix(".bin") }.map(modified)
        // Newest first; ties by name, so that two commands agree on what goes.
        for file in files.sorted(by: { ($0.date, $1.path) > ($1.date, $0.path) }).dropFirst(Self.keptFiles) {
            try? manager.removeItem(atPath: file.path)
        }
        let leftovers = names.filter { $0.hasPrefix(".rules-") && $0.hasSuffix(AtomicFile.suffix) }.map(modified)
        for file in leftovers where file.date < Date(timeIntervalSinceNow: -60) {
            try? manager.removeItem(atPath: file.path)
        }
    }
}
