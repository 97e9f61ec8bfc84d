import Foundation
import XCTest
import ZIPFoundation
@testable import LiaisonTrace

/// Tiny zip, DOCX and ODT packages built inside tests.
enum OfficeFixtures {
    /// Zips `entries` in memory, in order (deflated unless `stored`).
    static func zip(_ entries: [(name: String, data: Data)], stored: Set<String> = []) throws -> Data {
        let archive = try Archive(data: Data(), accessMode: .create)
        let date = Date(timeIntervalSince1970: 1_500_000_000)
        for entry in entries {
            let data = entry.data
            try archive.addEntry(with: entry.name, type: .file, uncompressedSize: Int64(data.count),
                                 modificationDate: date,
                                 compressionMethod: stored.contains(entry.name) ? .none : .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        return try XCTUnwrap(archive.data)
    }

    /// Zips text parts.
    static func zip(_ parts: [(String, String)], stored: Set<String> = []) throws -> Data {
        try zip(parts.map { (name: $0.0, data: Data($0.1.utf8)) }, stored: stored)
    }

    static let wordNamespaces = #"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#
        + #"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#
        + #"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" "#
        + #"xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" "#
        + #"xmlns:v="urn:schemas-microsoft-com:vml" "#
        + #"xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math""#

    /// A paragraph with one run, optionally styled.
    static func p(_ text: String, style: String? = nil) -> String {
        let properties = style.map { #"<w:pPr><w:pStyle w:val="\#($0)"/></w:pPr>"# } ?? ""
        return #"<w:p>\#(properties)<w:r><w:t xml:space="preserve">\#(text)</w:t></w:r></w:p>"#
    }

    /// A table of single-paragraph cells.
    static func table(_ rows: [[String]]) -> String {
        "<w:tbl>" + rows.map { row in
            "<w:tr>" + row.map { "<w:tc>" + p($0) + "</w:tc>" }.joined() + "</w:tr>"
        }.joined() + "</w:tbl>"
    }

    /// A DOCX package: body XML (children of `w:body`) and optional parts.
    struct DOCX {
        var body: String
        var styles: String?
        var footnotes: String?
        var endnotes: String?
        var headers: [String] = []
        var footers: [String] = []
        var core: String?
        /// Leave out `word/document.xml` (for the missing-part test).
        var omitDocument = false
        /// Replace `word/document.xml` verbatim.
        var rawDocument: String?

        init(body: String, styles: String? = nil, footnotes: String? = nil, endnotes: String? = nil,
             headers: [String] = [], footers: [String] = [], core: String? = nil) {
            self.body = body
            self.styles = styles
            self.footnotes = footnotes
            self.endnotes = endnotes
            self.headers = headers
            self.footers = footers
            self.core = core
        }

        /// The package's parts, in the order Word writes them.
        var parts: [(String, String)] {
            var parts: [(String, String)] = [("[Content_Types].xml", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
                <Default Extension="xml" ContentType="application/xml"/></Types>
                """)]
            var rootRelationships = #"<Relationship Id="rId1" "#
                + #"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" "#
                + #"Target="word/document.xml"/>"#
            if core != nil {
                rootRelationships += #"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/"#
                    + #"relationships/metadata/core-properties" Target="docProps/core.xml"/>"#
            }
            parts.append(("_rels/.rels", relationships(rootRelationships)))
            var documentRelationships = ""
            func relate(_ id: String, _ type: String, _ target: String) {
                documentRelationships += #"<Relationship Id="\#(id)" "#
                    + #"Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/\#(type)" "#
                    + #"Target="\#(target)"/>"#
            }
            var section = "<w:sectPr>"
            for (index, header) in headers.enumerated() {
                relate("rIdH\(index + 1)", "header", "header\(index + 1).xml")
                section += #"<w:headerReference w:type="\#(index == 0 ? "default" : "first")" "#
                    + #"r:id="rIdH\#(index + 1)"/>"#
                parts.append(("word/header\(index + 1).xml", #"<w:hdr \#(wordNamespaces)>\#(header)</w:hdr>"#))
            }
            for (index, footer) in footers.enumerated() {
                relate("rIdF\(index + 1)", "footer", "footer\(index + 1).xml")
                section += #"<w:footerReference w:type="default" r:id="rIdF\#(index + 1)"/>"#
                parts.append(("word/footer\(index + 1).xml", #"<w:ftr \#(wordNamespaces)>\#(footer)</w:ftr>"#))
            }
            section += "</w:sectPr>"
            if let styles {
                relate("rIdS", "styles", "styles.xml")
                parts.append(("word/styles.xml", #"<w:styles \#(wordNamespaces)>\#(styles)</w:styles>"#))
            }
            if let footnotes {
                relate("rIdN", "footnotes", "footnotes.xml")
                parts.append(("word/footnotes.xml", #"<w:footnotes \#(wordNamespaces)>\#(footnotes)</w:footnotes>"#))
            }
            if let endnotes {
                relate("rIdE", "endnotes", "endnotes.xml")
                parts.append(("word/endnotes.xml", #"<w:endnotes \#(wordNamespaces)>\#(endnotes)</w:endnotes>"#))
            }
            if let core { parts.append(("docProps/core.xml", core)) }
            parts.append(("word/_rels/document.xml.rels", relationships(documentRelationships)))
            if !omitDocument {
                let document = rawDocument ?? """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <w:document \(wordNamespaces)><w:body>\(body)\(section)</w:body></w:document>
                    """
                parts.insert(("word/document.xml", document), at: 2)
            }
            return parts
        }

        /// The zipped package.
        func data() throws -> Data { try OfficeFixtures.zip(parts) }

        private func relationships(_ content: String) -> String {
            #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
                + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
                + content + "</Relationships>"
        }
    }

    /// Reads DOCX bytes with `DOCXReader`.
    static func readDOCX(_ data: Data, name: String = "test.docx", limits: IngestLimits = IngestLimits())
        throws(IngestError) -> IngestedDocument {
        try DOCXReader().read(ReaderInput(path: name, data: data, limits: limits))
    }

    /// The id of the error `body` throws, nil when it does not throw, or `unexpected` for other errors.
    static func errorID(_ body: () throws -> IngestedDocument) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as IngestError {
            return error.id
        } catch {
            return "unexpected: \(error)"
        }
    }

    /// The ingestion error `body` throws, or nil when it does not throw one.
    static func error(_ body: () throws -> IngestedDocument) -> IngestError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? IngestError
        }
    }

    /// Rewrites the declared sizes of member `name` in both its central-directory entry and its local header.
    static func patchSizes(in zip: Data, member name: String, compressed: UInt32? = nil,
                           uncompressed: UInt32? = nil) -> Data {
        var bytes = [UInt8](zip)
        let nameBytes = Array(name.utf8)
        func write(_ value: UInt32, at offset: Int) {
            for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
        }
        func read16(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }
        var offset = 0
        while offset + 46 <= bytes.count {
            if bytes[offset..<offset + 4] == [0x50, 0x4B, 0x03, 0x04][...],
               Array(bytes[(offset + 30)..<min(bytes.count, offset + 30 + nameBytes.count)]) == nameBytes,
               read16(offset + 26) == nameBytes.count {
                if let compressed { write(compressed, at: offset + 18) }
                if let uncompressed { write(uncompressed, at: offset + 22) }
            }
            if bytes[offset..<offset + 4] == [0x50, 0x4B, 0x01, 0x02][...],
               Array(bytes[(offset + 46)..<min(bytes.count, offset + 46 + nameBytes.count)]) == nameBytes,
               read16(offset + 28) == nameBytes.count {
                if let compressed { write(compressed, at: offset + 20) }
                if let uncompressed { write(uncompressed, at: offset + 24) }
            }
            offset += 1
        }
        return Data(bytes)
    }

    /// A minimal ODT package around `body` (children of `office:text`).
    static func odt(_ body: String, automaticStyles: String = "", meta: String? = nil) throws -> Data {
        let namespaces = #"xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#
            + #"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" "#
            + #"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" "#
            + #"xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" "#
            + #"xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" "#
            + #"xmlns:dc="http://purl.org/dc/elements/1.1/" "#
            + #"xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0""#
        var parts: [(String, String)] = [
            ("mimetype", "application/vnd.oasis.opendocument.text"),
            ("content.xml", #"<?xml version="1.0" encoding="UTF-8"?><office:document-content \#(namespaces)>"#
                + "<office:automatic-styles>\(automaticStyles)</office:automatic-styles>"
                + "<office:body><office:text>\(body)</office:text></office:body></office:document-content>"),
        ]
        if let meta {
            parts.append(("meta.xml", #"<?xml version="1.0" encoding="UTF-8"?><office:document-meta \#(namespaces)>"#
                + "<office:meta>\(meta)</office:meta></office:document-meta>"))
        }
        return try zip(parts, stored: ["mimetype"])
    }
}
