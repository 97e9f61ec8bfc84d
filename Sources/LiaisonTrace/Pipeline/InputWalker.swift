import Foundation

/// Finds the input files of a run: files named directly, and the documents below named folders (recursively, in
/// sorted order).
///
/// In folders, what is not a document is skipped with one note each (`input.skipped`): data files (`.tsv`, `.csv`,
/// `.json`, `.jsonl`, `.ndjson`, `.yaml`, `.yml`: manifests, exports, outputs of other tools), hidden files and
/// folders, and editor leftovers (`name~`, `#name#`, `.swp`, `.swo`, `.bak`, `.orig`, `.rej`). Files named on the
/// command line are always read. What a folder's `.lstraceignore` lists, what `--exclude` matches, and what
/// `--include` (when given) does not match are skipped silently, as asked; so is the run's own output folder.
public enum InputWalker {
    /// Which files of the folders given are read.
    public struct Options: Sendable, Equatable {
        /// Globs a file must match (any of them) to be read; empty reads every document.
        public var include: [String]
        /// Globs of files (or folders) not to read.
        public var exclude: [String]
        /// Folders never walked (the output folder of the run, which holds records and the cache).
        public var skipFolders: [String]

        /// Options. A glob without `/` matches a file's name; with `/`, its path below the folder given on the
        /// command line. `*` and `?` stay within a path component, `**` crosses them, `[abc]` is a class.
        public init(include: [String] = [], exclude: [String] = [], skipFolders: [String] = []) {
            self.include = include
            self.exclude = exclude
            self.skipFolders = skipFolders
        }
    }

    /// File extensions of data, not documents.
    static let dataExtensions: Set<String> = ["tsv", "csv", "json", "jsonl", "ndjson", "yaml", "yml"]
    /// File extensions editors and merge tools leave behind.
    static let leftoverExtensions: Set<String> = ["swp", "swo", "bak", "orig", "rej"]

    /// The files, sorted, each once. Paths that do not exist come back as diagnostics, with one note per file or
    /// folder skipped for not being a document.
    public static func files(in paths: [String], options: Options = Options())
        -> (files: [String], diagnostics: [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        let manager = FileManager.default
        let skipped = Set(options.skipFolders.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(Diagnostic(.inputMissing, "no such file or folder",
                                              at: DiagnosticLocation(path: path, line: 1, column: 1)))
                continue
            }
            if isDirectory.boolValue {
                var walk = Walk(root: path, options: options, skippedFolders: skipped)
                walk.folder(path, relative: "", ignored: [])
                files += walk.files
                diagnostics += walk.notes
            } else {
                files.append(path)
            }
        }
        var seen = Set<String>()
        return (files.filter { seen.insert($0).inserted }, diagnostics)
    }

    /// Why a file found in a folder is not read, or nil when it is a document.
    static func reasonToSkip(_ name: String, isDirectory: Bool) -> String? {
        if name.hasPrefix(".") { return isDirectory ? "hidden folder" : "hidden file" }
        if isDirectory { return nil }
        let lowered = name.lowercased()
        if lowered.hasSuffix("~") || (lowered.hasPrefix("#") && lowered.hasSuffix("#")) { return "editor leftover" }
        let ext = (lowered as NSString).pathExtension
        if leftoverExtensions.contains(ext) { return "editor leftover" }
        if dataExtensions.contains(ext) { return "data file (.\(ext)), not a document" }
        return nil
    }

    private struct Walk {
        let root: String
        let options: Options
        let skippedFolders: Set<String>
        var files: [String] = []
        var notes: [Diagnostic] = []

        init(root: String, options: Options, skippedFolders: Set<String>) {
            self.root = root
            self.options = options
            self.skippedFolders = skippedFolders
        }

        mutating func folder(_ directory: String, relative: String, ignored inherited: [String]) {
            let folder = directory
            let manager = FileManager.default
            guard let entries = try? manager.contentsOfDirectory(atPath: folder) else { return }
            var ignored = inherited
            let ignoreFile = (folder as NSString).appendingPathComponent(".lstraceignore")
            if let text = try? String(contentsOfFile: ignoreFile, encoding: .utf8) {
                ignored += text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            }
            for entry in entries.sorted() where entry != ".lstraceignore" {
                let path = folder == "." ? entry : (folder as NSString).appendingPathComponent(entry)
                let relativePath = relative.isEmpty ? entry : relative + "/" + entry
                var isDirectory: ObjCBool = false
                manager.fileExists(atPath: path, isDirectory: &isDirectory)
                let directory = isDirectory.boolValue
                if isIgnored(entry, directory: directory, patterns: ignored) { continue }
                if directory, skippedFolders.contains(URL(fileURLWithPath: path).standardizedFileURL.path) { continue }
                if options.exclude.contains(where: { Glob.matches($0, name: entry, path: relativePath) }) { continue }
                if let reason = reasonToSkip(entry, isDirectory: directory) {
                    notes.append(Diagnostic(.inputSkipped, "\(reason) skipped"
                                                + (directory ? " with everything in it" : ""),
                                            at: DiagnosticLocation(path: path, line: 1, column: 1),
                                            explanation: "Name it on the command line to read it anyway."))
                    continue
                }
                if directory {
                    self.folder(path, relative: relativePath, ignored: ignored)
                } else if options.include.isEmpty
                            || options.include.contains(where: { Glob.matches($0, name: entry, path: relativePath) }) {
                    files.append(path)
                }
            }
        }
    }

    /// `name/` matches folders, `*.ext` matches by suffix, anything else matches the exact name.
    static func isIgnored(_ name: String, directory: Bool, patterns: [String]) -> Bool {
        for pattern in patterns {
            if pattern.hasSuffix("/") {
                if directory, name == String(pattern.dropLast()) { return true }
            } else if pattern.hasPrefix("*") {
                if name.hasSuffix(pattern.dropFirst()) { return true }
            } else if name == pattern {
                return true
            }
        }
        return false
    }
}

/// Shell-style globs for `--include` and `--exclude`.
enum Glob {
    /// Whether `pattern` matches a file: its `name` when the pattern has no `/`, else its `path` relative to the
    /// folder walked (a pattern may also match a folder above the file: `renderings` or `renderings/**`).
    static func matches(_ pattern: String, name: String, path: String) -> Bool {
        guard pattern.contains("/") else { return match(Array(pattern.unicodeScalars), Array(name.unicodeScalars)) }
        var trimmed = pattern
        while trimmed.hasPrefix("./") { trimmed.removeFirst(2) }
        return match(Array(trimmed.unicodeScalars), Array(path.unicodeScalars))
    }

    /// Whether `pattern` matches `text`, or a folder at the start of it (`dir` and `dir/**` match `dir/a.txt`).
    static func match(_ pattern: [Unicode.Scalar], _ text: [Unicode.Scalar]) -> Bool {
        if matchWhole(pattern, text) { return true }
        return text.indices.contains { text[$0] == "/" && matchWhole(pattern, Array(text[..<$0])) }
    }

    /// Whether `pattern` matches all of `text`.
    static func matchWhole(_ pattern: [Unicode.Scalar], _ text: [Unicode.Scalar]) -> Bool {
        var memo: [Int: Bool] = [:]
        func step(_ p: Int, _ t: Int) -> Bool {
            let key = p * (text.count + 1) + t
            if let known = memo[key] { return known }
            let result: Bool
            if p == pattern.count {
                result = t == text.count
            } else if pattern[p] == "*" {
                let crossing = p + 1 < pattern.count && pattern[p + 1] == "*"
                let next = crossing ? p + 2 : p + 1
                // `**/` also matches no folder at all.
                if crossing, next < pattern.count, pattern[next] == "/", step(next + 1, t) {
                    result = true
                } else {
                    var end = t
                    var found = step(next, end)
                    while !found, end < text.count, crossing || text[end] != "/" {
                        end += 1
                        found = step(next, end)
                    }
                    result = found
                }
            } else if t < text.count, pattern[p] == "?" {
                result = text[t] != "/" && step(p + 1, t + 1)
            } else if t < text.count, pattern[p] == "[", let close = pattern[(p + 1)...].firstIndex(of: "]") {
                var members = Array(pattern[(p + 1)..<close])
                let negated = members.first == "!" || members.first == "^"
                if negated { members.removeFirst() }
                var inClass = false
                var index = 0
                while index < members.count {
                    if index + 2 < members.count, members[index + 1] == "-" {
                        if members[index].value <= text[t].value, text[t].value <= members[index + 2].value {
                            inClass = true
                        }
                        index += 3
                    } else {
                        if members[index] == text[t] { inClass = true }
                        index += 1
                    }
                }
                result = inClass != negated && text[t] != "/" && step(close + 1, t + 1)
            } else if t < text.count, pattern[p] == text[t] {
                result = step(p + 1, t + 1)
            } else {
                result = false
            }
            memo[key] = result
            return result
        }
        return step(0, 0)
    }
}
