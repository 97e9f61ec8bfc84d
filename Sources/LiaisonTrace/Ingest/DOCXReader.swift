import Foundation

/// Reads DOCX (Office Open XML) documents: the main document part in reading order (paragraphs, headings, list
/// items, table cells, text boxes), then footnotes and endnotes, then headers and footers (each distinct text once).
/// Tracked changes are read as accepted (insertions kept, deletions dropped) and reported in one note; field codes
/// are dropped and field results kept. Core properties (title, creator, created, modified) become fields.
public struct DOCXReader: DocumentReader {
    public let format = DocumentFormat.docx

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        var package = try ZipContainer(data: input.data, format: .docx, limits: input.limits)
        var diagnostics: [Diagnostic] = []
        let rootRelationships = try OPCRelationships.read(in: &package, for: "", limits: input.limits,
                                                          diagnostics: &diagnostics)
        let mainPath = rootRelationships.first { $0.type == "officeDocument" }
            .map(\.target)
            .flatMap { package.member(named: $0) != nil ? $0 : nil } ?? "word/document.xml"
        guard let mainData = try package.read(named: mainPath) else {
            let names = package.members.prefix(5).map(\.name).joined(separator: ", ")
            throw IngestError("ingest.docx.missing-part", "DOCX package has no main document part \(mainPath)",
                              explanation: package.members.isEmpty ? "The zip archive is empty."
                                  : "The zip holds \(package.members.count) members (\(names)...), but a Word "
                                  + "document needs \(mainPath). Is it a plain zip archive?")
        }
        let relationships = try OPCRelationships.read(in: &package, for: mainPath, limits: input.limits,
                                                      diagnostics: &diagnostics)
        func target(ofType type: String, fallback: String) -> String {
            relationships.first { $0.type == type }?.target ?? fallback
        }
        let folder = OPCRelationships.folder(of: mainPath)

        var styles = WordStyleTable()
        if let data = try optionalPart(target(ofType: "styles", fallback: folder + "styles.xml"), in: &package,
                                       diagnostics: &diagnostics) {
            do {
                styles = try WordStyleTable.parse(data, limits: input.limits)
            } catch {
                diagnostics.append(malformedPart(target(ofType: "styles", fallback: folder + "styles.xml"), error,
                                                 consequence: "headings are recognized by style id only"))
            }
        }

        var body = WordprocessingParser(mode: .body, styles: styles)
        do {
            try LibXML.stream(mainData, limits: input.limits, format: "docx") { body.handle($0) }
        } catch {
            throw Self.partError(error, part: mainPath)
        }
        body.finish()
        var insertions = body.insertions
        var deletions = body.deletions

        var notes: [[WordBlock]] = []
        for type in ["footnotes", "endnotes"] {
            let path = target(ofType: type, fallback: folder + type + ".xml")
            guard let parser = try parse(path, mode: .notes, styles: styles, in: &package, limits: input.limits,
                                         diagnostics: &diagnostics) else { continue }
            notes.append(parser.blocks)
            insertions += parser.insertions
            deletions += parser.deletions
        }

        var pageBlocks: [WordBlock] = []
        for (mode, type) in [(WordprocessingParser.Mode.header, "header"), (.footer, "footer")] {
            let references = mode == .header ? body.headerReferences : body.footerReferences
            for path in pageParts(type, references: references, relationships: relationships, folder: folder,
                                  package: package) {
                guard let parser = try parse(path, mode: mode, styles: styles, in: &package, limits: input.limits,
                                             diagnostics: &diagnostics) else { continue }
                pageBlocks += parser.blocks
                insertions += parser.insertions
                deletions += parser.deletions
            }
        }

        var builder = TextBuilder()
        for block in body.blocks { append(block, to: &builder) }
        for section in notes where !section.isEmpty {
            builder.appendBlankLine()
            for block in section { append(block, to: &builder) }
        }
        var seen: Set<String> = []
        var first = true
        for block in pageBlocks where seen.insert(block.kind.rawValue + "\n" + TextBuilder.trim(block.text)).inserted {
            if first { builder.appendBlankLine() }
            first = false
            append(block, to: &builder)
        }

        if insertions + deletions > 0 {
            let total = insertions + deletions
            diagnostics.append(Diagnostic(
                id: "ingest.docx.tracked-changes", severity: .note,
                summary: "\(total) tracked change\(total == 1 ? "" : "s") resolved as accepted text "
                    + "(\(insertions) insertion\(insertions == 1 ? "" : "s"), "
                    + "\(deletions) deletion\(deletions == 1 ? "" : "s"))",
                explanation: "Inserted text is kept and deleted text dropped, as if every change were accepted."))
        }
        if builder.blocks.isEmpty {
            diagnostics.append(Diagnostic(id: "ingest.docx.no-text", severity: .warning,
                                          summary: "DOCX document has no text in \(mainPath)",
                                          explanation: "It may hold only images or embedded objects."))
        }

        let corePath = rootRelationships.first { $0.type == "core-properties" }?.target ?? "docProps/core.xml"
        var fields: [Field] = []
        if let data = try optionalPart(corePath, in: &package, diagnostics: &diagnostics) {
            do {
                fields = try CoreProperties.fields(data, limits: input.limits)
            } catch {
                diagnostics.append(malformedPart(corePath, error, consequence: "document properties were skipped"))
            }
        }
        return IngestedDocument(source: sourceInfo(input), text: builder.text, blocks: builder.blocks, fields: fields,
                                diagnostics: diagnostics)
    }

    private func append(_ block: WordBlock, to builder: inout TextBuilder) {
        builder.append(block.text, kind: block.kind, level: block.level, table: block.table, row: block.row,
                       column: block.column)
    }

    /// Header or footer parts in the order the sections reference them; when no section does, every such part the
    /// relationships (or, without them, the member names) list.
    private func pageParts(_ type: String, references: [String], relationships: [OPCRelationships.Relationship],
                           folder: String, package: ZipContainer) -> [String] {
        var paths: [String] = []
        for id in references {
            if let relationship = relationships.first(where: { $0.id == id && $0.type == type }),
               !paths.contains(relationship.target) {
                paths.append(relationship.target)
            }
        }
        if paths.isEmpty {
            paths = relationships.filter { $0.type == type }.map(\.target)
        }
        if paths.isEmpty, relationships.isEmpty {
            paths = package.members.map(\.name).filter {
                $0.hasPrefix(folder + type) && $0.hasSuffix(".xml") && !$0.dropFirst(folder.count).contains("/")
            }.sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
        }
        return paths
    }

    /// Parses an optional part; a missing or malformed part becomes a warning and nil.
    private func parse(_ path: String, mode: WordprocessingParser.Mode, styles: WordStyleTable,
                       in package: inout ZipContainer, limits: IngestLimits,
                       diagnostics: inout [Diagnostic]) throws(IngestError) -> WordprocessingParser? {
        guard let data = try optionalPart(path, in: &package, diagnostics: &diagnostics) else { return nil }
        var parser = WordprocessingParser(mode: mode, styles: styles)
        do {
            try LibXML.stream(data, limits: limits, format: "docx") { parser.handle($0) }
        } catch {
            diagnostics.append(malformedPart(path, error, consequence: "its text was skipped"))
            return nil
        }
        parser.finish()
        return parser
    }

    /// Reads an optional part: nil when absent; damage becomes a warning, but a zip bomb still stops the document.
    private func optionalPart(_ path: String, in package: inout ZipContainer,
                              diagnostics: inout [Diagnostic]) throws(IngestError) -> Data? {
        do {
            return try package.read(named: path)
        } catch {
            if error.id.hasSuffix(".zip-bomb") || error.id.hasSuffix(".too-large") { throw error }
            diagnostics.append(Diagnostic(id: error.id, severity: .warning, summary: error.summary + "; part skipped",
                                          explanation: error.explanation))
            return nil
        }
    }

    private func malformedPart(_ path: String, _ error: IngestError, consequence: String) -> Diagnostic {
        let cause = Self.partError(error, part: path)
        return Diagnostic(id: "ingest.docx.malformed-part", severity: .warning,
                          summary: cause.summary + "; \(consequence)", explanation: cause.explanation)
    }

    /// An XML error of `part`, reworded to name the part.
    static func partError(_ error: IngestError, part: String) -> IngestError {
        var summary: String
        if error.id.hasSuffix(".malformed") {
            summary = "DOCX part \(part) is not well-formed XML"
            if let line = error.line {
                summary += " (line \(line)" + (error.column.map { ", column \($0)" } ?? "") + ")"
            }
        } else {
            summary = error.summary + " in \(part)"
        }
        return IngestError(error.id, summary, explanation: error.explanation)
    }
}

/// Relationship parts (`_rels/*.rels`) of an Open Packaging Conventions package.
enum OPCRelationships {
    /// One internal relationship, with its target resolved to a member path.
    struct Relationship: Sendable {
        var id: String
        /// The last component of the relationship type URI: `officeDocument`, `styles`, `header`...
        var type: String
        var target: String
    }

    /// The relationships of `part` ("" for the package itself); empty when it has none.
    static func read(in package: inout ZipContainer, for part: String, limits: IngestLimits,
                     diagnostics: inout [Diagnostic]) throws(IngestError) -> [Relationship] {
        let folder = folder(of: part)
        let name = part.split(separator: "/").last.map(String.init) ?? ""
        let path = folder + "_rels/" + name + ".rels"
        let data: Data?
        do {
            data = try package.read(named: path)
        } catch {
            if error.id.hasSuffix(".zip-bomb") || error.id.hasSuffix(".too-large") { throw error }
            diagnostics.append(Diagnostic(id: error.id, severity: .warning, summary: error.summary + "; part skipped"))
            return []
        }
        guard let data else { return [] }
        var relationships: [Relationship] = []
        do {
            try LibXML.stream(data, limits: limits, format: "docx") { event in
                guard case .start("Relationship", _, let attributes, _) = event else { return }
                func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }
                guard let id = attribute("Id"), let type = attribute("Type"), let target = attribute("Target"),
                      attribute("TargetMode")?.lowercased() != "external" else { return }
                relationships.append(Relationship(id: id, type: type.split(separator: "/").last.map(String.init) ?? "",
                                                  target: resolve(target, from: folder)))
            }
        } catch {
            diagnostics.append(Diagnostic(id: "ingest.docx.malformed-part", severity: .warning,
                                          summary: "DOCX part \(path) is not well-formed XML; its relationships "
                                              + "were guessed from part names"))
            return []
        }
        return relationships
    }

    /// The folder of a part, with a trailing slash (`word/` for `word/document.xml`, "" at the root).
    static func folder(of part: String) -> String {
        guard let slash = part.lastIndex(of: "/") else { return "" }
        return String(part[...slash])
    }

    /// A relationship target resolved against the source part's folder (`../`, `./` and absolute targets).
    static func resolve(_ target: String, from folder: String) -> String {
        let target = target.removingPercentEncoding ?? target
        var components = target.hasPrefix("/") ? [] : folder.split(separator: "/").map(String.init)
        for component in target.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": if !components.isEmpty { components.removeLast() }
            default: components.append(String(component))
            }
        }
        return components.joined(separator: "/")
    }
}

/// Document properties of `docProps/core.xml`.
enum CoreProperties {
    /// Fields `title`, `creator`, `created`, `modified`, in that order, for those present and not empty.
    static func fields(_ data: Data, limits: IngestLimits) throws(IngestError) -> [Field] {
        let wanted = ["title", "creator", "created", "modified"]
        var values: [String: String] = [:]
        var current: String?
        var depth = 0
        try LibXML.stream(data, limits: limits, format: "docx") { event in
            switch event {
            case .start(let name, _, _, let level):
                if level == 1, wanted.contains(name), values[name] == nil {
                    current = name
                    depth = level
                    values[name] = ""
                }
            case .end(_, _, let level):
                if current != nil, level == depth { current = nil }
            case .text(let text):
                if let current { values[current, default: ""] += text }
            }
        }
        return wanted.compactMap { name in
            let value = TextBuilder.trim(values[name] ?? "").replacingOccurrences(of: "\n", with: " ")
            return value.isEmpty ? nil : Field(name: name, value: value)
        }
    }
}
