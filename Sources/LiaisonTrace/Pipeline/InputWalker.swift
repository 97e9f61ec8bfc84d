import Foundation

/// Finds the input files of a run: files named directly, and every file below named folders (recursively, in
/// sorted order, skipping hidden entries and what a folder's `.lstraceignore` lists).
public enum InputWalker {
    /// The files, sorted, each once. Paths that do not exist come back as diagnostics.
    public static func files(in paths: [String]) -> (files: [String], diagnostics: [Diagnostic]) {
        var files: [String] = []
        var diagnostics: [Diagnostic] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                diagnostics.append(Diagnostic(.inputMissing, "no such file or folder",
                                              at: DiagnosticLocation(path: path, line: 1, column: 1)))
                continue
            }
            if isDirectory.boolValue {
                walk(path, ignored: [], into: &files)
            } else {
                files.append(path)
            }
        }
        var seen = Set<String>()
        return (files.filter { seen.insert($0).inserted }, diagnostics)
    }

    private static func walk(_ folder: String, ignored inherited: [String], into files: inout [String]) {
        let manager = FileManager.default
        guard let entries = try? manager.contentsOfDirectory(atPath: folder) else { return }
        var ignored = inherited
        let ignoreFile = (folder as NSString).appendingPathComponent(".lstraceignore")
        if let text = try? String(contentsOfFile: ignoreFile, encoding: .utf8) {
            ignored += text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        }
        for entry in entries.sorted() where !entry.hasPrefix(".") {
            let path = folder == "." ? entry : (folder as NSString).appendingPathComponent(entry)
            var isDirectory: ObjCBool = false
            manager.fileExists(atPath: path, isDirectory: &isDirectory)
            if isIgnored(entry, directory: isDirectory.boolValue, patterns: ignored) { continue }
            if isDirectory.boolValue {
                walk(path, ignored: ignored, into: &files)
            } else {
                files.append(path)
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
