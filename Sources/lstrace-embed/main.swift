// lstrace-embed: the build tool behind the EmbedPipelines plugin. Writes every `.yaml` file below a folder as a
// Swift string constant, keyed by its path relative to that folder:
//     lstrace-embed Pipelines/ .../EmbeddedPipelineFiles.swift
import Foundation

/// A Swift string literal holding `text` exactly (every scalar that could end or escape the literal is escaped).
func literal(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("lstrace-embed: error: \(message)\n".utf8))
    exit(1)
}

let arguments = CommandLine.arguments
guard arguments.count == 3 else { fail("usage: lstrace-embed FOLDER OUTPUT.swift") }
let folder = URL(fileURLWithPath: arguments[1]).standardizedFileURL
guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil,
                                                  options: [.skipsHiddenFiles]) else {
    fail("\(folder.path) cannot be read")
}
let prefix = folder.path.hasSuffix("/") ? folder.path : folder.path + "/"
var entries: [(String, String)] = []
for case let url as URL in walker where url.pathExtension == "yaml" {
    let path = url.standardizedFileURL.path
    guard path.hasPrefix(prefix) else { fail("\(path) is not below \(folder.path)") }
    guard let data = FileManager.default.contents(atPath: path) else { fail("\(path) cannot be read") }
    guard let text = String(data: data, encoding: .utf8) else { fail("\(path) is not UTF-8") }
    entries.append((String(path.dropFirst(prefix.count)), text))
}
entries.sort { $0.0 < $1.0 }

var source = """
    // Generated at build time by lstrace-embed (EmbedPipelines plugin) from the package's Pipelines/ folder.
    // Do not edit: change the files in Pipelines/ instead.

    /// The files of `Pipelines/` as they were when the library was built, by path relative to that folder.
    let embeddedPipelineFiles: [String: String] = [

    """
for (path, text) in entries {
    source += "    \(literal(path)): \(literal(text)),\n"
}
source += entries.isEmpty ? "    :\n]\n" : "]\n"
let output = URL(fileURLWithPath: arguments[2])
do {
    try Data(source.utf8).write(to: output, options: .atomic)
} catch {
    fail("\(output.path) cannot be written: \(error.localizedDescription)")
}
