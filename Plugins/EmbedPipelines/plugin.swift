import Foundation
import PackagePlugin

/// Turns the package's `Pipelines/` folder (the default pipeline and its rule files) into a Swift source file of
/// string constants, so that the library, and the `lstrace` binary with it, carries the default pipeline wherever it
/// is copied. `Pipelines/` stays the source of truth: the file is regenerated whenever one of its files changes.
@main
struct EmbedPipelines: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "Pipelines")
        let files = try Self.yamlFiles(in: folder)
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedPipelineFiles.swift")
        return [.buildCommand(
            displayName: "Embedding \(files.count) pipeline files of Pipelines/",
            executable: try context.tool(named: "lstrace-embed").url,
            arguments: [folder.path(percentEncoded: false), output.path(percentEncoded: false)],
            inputFiles: files,
            outputFiles: [output]
        )]
    }

    /// Every `.yaml` file below `folder`, sorted.
    static func yamlFiles(in folder: URL) throws -> [URL] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil,
                                                          options: [.skipsHiddenFiles]) else { return [] }
        return walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "yaml" }
            .sorted { $0.path < $1.path }
    }
}
