import Foundation

/// Reads e-mail messages (RFC 5322 with MIME, `.eml`, mbox archives, and header-plus-text extracts such as
/// mailing-list logs). An mbox of several messages is a mailbox document whose messages are documents of their own
/// (`archive.mbox!message-N.eml`), each with its attachments.
///
/// The ingested text is the message's header fields, one `.field` block each ("Subject: ..."), a blank line,
/// then the body as `.paragraph` blocks separated by blank lines. Header fields are unfolded, RFC 2047 encoded
/// words are decoded and runs of white space are reduced to one space; transport fields (Received, DKIM and ARC
/// signatures, MIME framing, `X-MS-*` and the like) are left out of both the text and `fields`.
///
/// The body is the message's text/plain parts (in multipart/alternative, the text/plain alternative), decoded
/// from quoted-printable or base64 and from the declared charset; format=flowed lines are joined. Without any
/// text/plain part, text/html parts are read with the HTML reader (or, when it cannot, by removing tags).
///
/// Parts with `Content-Disposition: attachment`, a file name, message/rfc822 parts and parts that are neither
/// text nor multipart are attachments: listed in `attachments`, and when they are documents (docx, doc, pdf, odt,
/// txt, html, xml, zip, eml...) ingested as child documents named `message!name`, up to
/// `limits.maxAttachmentDepth`. An attachment that cannot be ingested becomes the warning
/// `ingest.email.attachment-failed` on the message. The names in an `X-Attachments-Listed` field (mailing-list
/// extracts whose attachments were removed) are kept as that field and listed as attachments of size 0, not
/// ingested.
public struct MailReader: DocumentReader {
    public let format = DocumentFormat.email

    /// Creates the reader.
    public init() {}

    public func read(_ input: ReaderInput) throws(IngestError) -> IngestedDocument {
        var bytes = ArraySlice([UInt8](input.data))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        // Blank lines before the first header field (some tools write them).
        while let first = bytes.first, first == 0x0A || first == 0x0D { bytes = bytes.dropFirst() }
        var context = Context(input: input)
        if bytes.starts(with: Array("From ".utf8)) {
            let messages = MailParser.mboxMessages(bytes)
            if messages.count > 1 { return try mailbox(messages, input: input) }
            bytes = messages[0]
        }
        let parsed = MailParser.entity(bytes)
        guard !parsed.entity.headers.isEmpty else {
            throw IngestError("ingest.email.no-headers", "message has no header fields",
                              explanation: "An e-mail starts with header fields such as From:, Date: and Subject:.")
        }
        if parsed.malformed {
            context.diagnostics.append(Diagnostic(
                id: "ingest.email.malformed-header", severity: .warning,
                summary: "header section ends without a blank line; the rest was read as the body"))
        }

        var builder = TextBuilder()
        var fields: [Field] = []
        for header in parsed.entity.headers where !MailParser.isTransportField(header.name) {
            let value = MailParser.collapse(MailParser.decodeEncodedWords(header.value))
            fields.append(Field(name: header.name, value: value))
            builder.append("\(header.name): \(value)", kind: .field, name: header.name)
        }
        builder.appendBlankLine()

        context.walk(parsed.entity, depth: 0, defaultType: nil)
        if !context.texts.isEmpty {
            for text in context.texts { Self.appendParagraphs(of: text, to: &builder) }
        } else if !context.htmlParts.isEmpty {
            for html in context.htmlParts { appendHTML(html, input: input, to: &builder, context: &context) }
        }

        var attachments = context.attachments
        if let listed = parsed.entity.header("X-Attachments-Listed") {
            for name in listed.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) })
            where !name.isEmpty && !attachments.contains(where: { $0.name == name }) {
                attachments.append(Attachment(name: name, mediaType: nil, size: 0, ingested: false))
            }
        }
        return IngestedDocument(source: sourceInfo(input), text: builder.text, blocks: builder.blocks, fields: fields,
                                attachments: attachments, children: context.children,
                                diagnostics: context.diagnostics)
    }

    /// An mbox of several messages (a mailing-list archive): each message is a document of its own, named
    /// `archive.mbox!message-N.eml`, with its attachments; the mailbox's own text lists the messages (sender,
    /// date, subject), one field block each. A message that cannot be read is a warning on the mailbox, and the
    /// others are still read.
    private func mailbox(_ messages: [ArraySlice<UInt8>], input: ReaderInput) throws(IngestError) -> IngestedDocument {
        var builder = TextBuilder()
        var attachments: [Attachment] = []
        var children: [IngestedDocument] = []
        var diagnostics: [Diagnostic] = []
        let depth = input.attachmentDepth + 1
        for (index, message) in messages.enumerated() {
            let name = "message-\(index + 1).eml"
            let headers = MailParser.entity(message).entity
            let summary = ["From", "Date", "Subject"].compactMap { field in
                headers.header(field).map { "\(field): \(MailParser.collapse(MailParser.decodeEncodedWords($0)))" }
            }
            let range = builder.append("\(name) (\(message.count) bytes)"
                                           + (summary.isEmpty ? "" : "; " + summary.joined(separator: "; ")),
                                       kind: .field, name: "message")
            var ingested = false
            if depth > input.limits.maxAttachmentDepth {
                if index == 0 {
                    diagnostics.append(Diagnostic(
                        id: "ingest.email.attachment-too-deep", severity: .warning,
                        summary: "mbox messages not ingested: attachments nest deeper than "
                            + "\(input.limits.maxAttachmentDepth) levels",
                        explanation: "Raise limits.max_attachment_depth in the pipeline file to read them."))
                }
            } else {
                do {
                    children.append(try read(ReaderInput(path: "\(input.path)!\(name)", data: Data(message),
                                                         limits: input.limits, converters: input.converters,
                                                         attachmentDepth: depth)))
                    ingested = true
                } catch {
                    let position = range.map { LineIndex(builder.text).position(of: $0.start) }
                    diagnostics.append(Diagnostic(
                        id: "ingest.email.message-failed", severity: .warning,
                        summary: "mbox message \(index + 1) was not ingested: \(error.summary)",
                        explanation: "Cause: \(error.id)." + (error.explanation.map { " " + $0 } ?? ""),
                        line: position?.line, column: position?.column, range: range))
                }
            }
            attachments.append(Attachment(name: name, mediaType: "message/rfc822", size: message.count,
                                          ingested: ingested))
        }
        return IngestedDocument(source: sourceInfo(input), text: builder.text, blocks: builder.blocks,
                                fields: [Field(name: "Messages", value: "\(messages.count)")],
                                attachments: attachments, children: children, diagnostics: diagnostics)
    }

    /// Appends a text body as paragraphs: runs of non-blank lines, a new paragraph where quoting (`>`) starts or
    /// stops.
    static func appendParagraphs(of text: String, to builder: inout TextBuilder) {
        var paragraph: [Substring] = []
        var quoted = false
        func flush() {
            if !paragraph.isEmpty {
                builder.append(paragraph.joined(separator: "\n"), kind: .paragraph)
                builder.appendBlankLine()
            }
            paragraph = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty {
                flush()
                continue
            }
            let isQuoted = trimmed.first == ">"
            if isQuoted != quoted { flush() }
            quoted = isQuoted
            paragraph.append(line)
        }
        flush()
    }

    private func appendHTML(_ html: String, input: ReaderInput, to builder: inout TextBuilder,
                            context: inout Context) {
        // Handed over as UTF-8 with a byte order mark, which outranks any charset the markup declares.
        let data = Data([0xEF, 0xBB, 0xBF] + Array(html.utf8))
        let htmlInput = ReaderInput(path: "\(input.path)!body.html", data: data, limits: input.limits,
                                    converters: input.converters, attachmentDepth: input.attachmentDepth)
        do {
            let document = try Ingestor.reader(for: .html).read(htmlInput)
            for block in document.blocks {
                builder.append(document.text(of: block.range), kind: block.kind, level: block.level,
                               table: block.table, row: block.row, column: block.column, name: block.name)
            }
            builder.appendBlankLine()
        } catch {
            Self.appendParagraphs(of: MailParser.stripTags(html), to: &builder)
            context.diagnostics.append(Diagnostic(
                id: "ingest.email.html-body-stripped", severity: .note,
                summary: "HTML body read by removing tags: \(error.summary)",
                explanation: "The message has no text/plain part and the HTML reader could not read its HTML part "
                    + "[\(error.id)]."))
        }
    }
}

/// What walking a message collects.
private struct Context {
    let input: ReaderInput
    var texts: [String] = []
    var htmlParts: [String] = []
    var attachments: [Attachment] = []
    var children: [IngestedDocument] = []
    var diagnostics: [Diagnostic] = []
    private var usedNames: Set<String> = []

    init(input: ReaderInput) {
        self.input = input
    }

    /// Visits a MIME entity: multiparts recursively, text parts into the body, the rest as attachments.
    mutating func walk(_ entity: MailParser.Entity, depth: Int, defaultType: MailParser.ContentType?) {
        let type = entity.contentType ?? defaultType ?? MailParser.ContentType.plainText
        if type.type == "multipart" {
            guard depth < input.limits.maxNestingDepth else {
                diagnostics.append(Diagnostic(
                    id: "ingest.email.nesting-too-deep", severity: .warning,
                    summary: "multipart nesting deeper than \(input.limits.maxNestingDepth) levels was not read"))
                return
            }
            guard let boundary = type.parameters["boundary"], !boundary.isEmpty else {
                diagnostics.append(Diagnostic(
                    id: "ingest.email.missing-boundary", severity: .warning,
                    summary: "\(type.mediaType) part has no boundary parameter; its body was read as text"))
                texts.append(MailParser.text(of: entity, type: .plainText, diagnostics: &diagnostics))
                return
            }
            let parts = MailParser.splitMultipart(entity.body, boundary: boundary).map { MailParser.entity($0).entity }
            let partDefault = type.subtype == "digest" ? MailParser.ContentType.message : nil
            if type.subtype == "alternative" {
                if let chosen = MailParser.preferredAlternative(parts) {
                    walk(chosen, depth: depth + 1, defaultType: partDefault)
                }
            } else {
                for part in parts { walk(part, depth: depth + 1, defaultType: partDefault) }
            }
            return
        }
        let isAttachment = entity.isAttachment || type.type == "message"
            || !(type.mediaType == "text/plain" || type.mediaType == "text/html")
        if isAttachment {
            attach(entity, type: type)
        } else if type.subtype == "html" {
            htmlParts.append(MailParser.text(of: entity, type: type, diagnostics: &diagnostics))
        } else {
            texts.append(MailParser.text(of: entity, type: type, diagnostics: &diagnostics))
        }
    }

    /// Lists an attachment and ingests it when it is a document.
    private mutating func attach(_ entity: MailParser.Entity, type: MailParser.ContentType) {
        let data = MailParser.decodeTransfer(entity, diagnostics: &diagnostics)
        let given = entity.fileName.map(MailParser.baseName) ?? ""
        let name = given.isEmpty ? MailParser.generatedName(number: attachments.count + 1, type: type) : given
        var ingested = false
        let limits = input.limits
        if MailParser.isDocument(name: name, mediaType: type.mediaType) {
            if input.attachmentDepth + 1 > limits.maxAttachmentDepth {
                diagnostics.append(Diagnostic(
                    id: "ingest.email.attachment-too-deep", severity: .warning,
                    summary: "attachment \"\(name)\" was not ingested: it is nested deeper than "
                        + "\(limits.maxAttachmentDepth) attachment levels",
                    explanation: "Raise limits.max_attachment_depth in the pipeline file to read it."))
            } else if data.count > limits.maxFileBytes {
                diagnostics.append(Diagnostic(
                    id: "ingest.email.attachment-failed", severity: .warning,
                    summary: "attachment \"\(name)\" was not ingested: it is \(data.count) bytes, over the limit of "
                        + "\(limits.maxFileBytes)",
                    explanation: "Raise limits.max_file_bytes in the pipeline file to read it."))
            } else {
                let childInput = ReaderInput(path: "\(input.path)!\(uniqueName(name))", data: Data(data),
                                             limits: limits, converters: input.converters,
                                             attachmentDepth: input.attachmentDepth + 1)
                do {
                    children.append(try Ingestor(limits: limits, converters: input.converters).ingest(childInput))
                    ingested = true
                } catch {
                    diagnostics.append(Diagnostic(
                        id: "ingest.email.attachment-failed", severity: .warning,
                        summary: "attachment \"\(name)\" could not be ingested: \(error.summary)",
                        explanation: (error.explanation.map { $0 + " " } ?? "") + "[\(error.id)]"))
                }
            }
        }
        attachments.append(Attachment(name: name, mediaType: type.mediaType, size: data.count, ingested: ingested))
    }

    /// `name`, or `name (2).ext` when an earlier attachment had the same name.
    private mutating func uniqueName(_ name: String) -> String {
        var candidate = name
        var number = 2
        while usedNames.contains(candidate) {
            if let dot = name.lastIndex(of: "."), dot != name.startIndex {
                candidate = "\(name[..<dot]) (\(number))\(name[dot...])"
            } else {
                candidate = "\(name) (\(number))"
            }
            number += 1
        }
        usedNames.insert(candidate)
        return candidate
    }
}
