import Foundation

/// Reads a plain zip archive of documents (liaisons often arrive as `SP-170146.zip` holding a .docx). Each member
/// that is not a folder, a hidden file or macOS metadata is ingested as a child document named
/// `archive.zip!member`; the archive's own text lists its members, one field block each. A member that cannot be
/// ingested becomes a warning on the archive, and the other members are still read.
public struct ZipArchiveReader: DocumentReader {
    public let format = DocumentFormat.zip

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        var archive = try ZipContainer(data: input.data, format: .zip, limits: input.limits)
        let members = archive.members.filter { !$0.isDirectory && !Self.isIgnored($0.name) }
        guard !members.isEmpty else {
            throw IngestError("ingest.zip.empty", "zip archive has no documents",
                              explanation: archive.members.isEmpty ? "The archive has no members."
                                  : "It holds only folders, hidden files or macOS metadata.")
        }
        let ingestor = Ingestor(limits: input.limits, converters: input.converters)
        let depth = input.attachmentDepth + 1
        var builder = TextBuilder()
        var attachments: [Attachment] = []
        var children: [IngestedDocument] = []
        var diagnostics: [Diagnostic] = []
        if depth > input.limits.maxAttachmentDepth {
            diagnostics.append(Diagnostic(
                id: "ingest.zip.too-deep", severity: .warning,
                summary: "zip archive members not ingested: attachments nest deeper than "
                    + "\(input.limits.maxAttachmentDepth) levels",
                explanation: "Raise limits.max_attachment_depth in the pipeline file to read them."))
        }
        for member in members {
            let range = builder.append("member: \(member.name) (\(member.uncompressedSize) bytes)", kind: .field,
                                       name: "member")
            var ingested = false
            if depth <= input.limits.maxAttachmentDepth {
                do {
                    children.append(try ingest(member, of: &archive, input: input, ingestor: ingestor, depth: depth))
                    ingested = true
                } catch {
                    let position = range.map { LineIndex(builder.text).position(of: $0.start) }
                    diagnostics.append(Diagnostic(
                        id: "ingest.zip.member-failed", severity: .warning,
                        summary: "zip member \(member.name) was not ingested: \(error.summary)",
                        explanation: "Cause: \(error.id)." + (error.explanation.map { " " + $0 } ?? ""),
                        line: position?.line, column: position?.column, range: range))
                }
            }
            attachments.append(Attachment(name: member.name, mediaType: Self.mediaType(of: member.name),
                                          size: member.uncompressedSize, ingested: ingested))
        }
        return IngestedDocument(source: sourceInfo(input), text: builder.text, blocks: builder.blocks,
                                attachments: attachments, children: children, diagnostics: diagnostics)
    }

    /// Reads one member out of the archive and ingests it as a child document.
    private func ingest(_ member: ZipMember, of archive: inout ZipContainer, input: ReaderInput, ingestor: Ingestor,
                        depth: Int) throws(IngestError) -> IngestedDocument {
        if member.uncompressedSize > input.limits.maxFileBytes {
            throw IngestError("ingest.too-large", "member is \(member.uncompressedSize) bytes, over the limit of "
                                  + "\(input.limits.maxFileBytes)",
                              explanation: "Raise limits.max_file_bytes in the pipeline file to read it.")
        }
        let data = try archive.read(member)
        return try ingestor.ingest(ReaderInput(path: "\(input.path)!\(member.name)", data: data, limits: input.limits,
                                               converters: input.converters, attachmentDepth: depth))
    }

    /// Folders' metadata and hidden files: `__MACOSX/...`, `.DS_Store`, `._name`, anything under a dot folder.
    static func isIgnored(_ name: String) -> Bool {
        let components = name.split(separator: "/")
        if components.first == "__MACOSX" { return true }
        return components.contains { $0.hasPrefix(".") } || components.last == "Thumbs.db"
            || components.last == "desktop.ini"
    }

    /// The media type of common document extensions.
    static func mediaType(of name: String) -> String? {
        let ext = name.split(separator: ".").last.map { $0.lowercased() } ?? ""
        let types = [
            "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "doc": "application/msword", "pdf": "application/pdf", "odt": "application/vnd.oasis.opendocument.text",
            "txt": "text/plain", "md": "text/markdown", "html": "text/html", "htm": "text/html",
            "xml": "application/xml", "eml": "message/rfc822", "zip": "application/zip",
        ]
        return name.contains(".") ? types[ext] : nil
    }
}
