import Foundation

/// The byte-level parts of reading e-mail: header sections, MIME entities and parameters, multipart bodies,
/// transfer encodings, RFC 2047 encoded words and charsets. Used by `MailReader`.
enum MailParser {
    /// A MIME entity: its header fields (unfolded, not yet decoded) and its body bytes.
    struct Entity {
        var headers: [(name: String, value: String)] = []
        var body: ArraySlice<UInt8> = []

        /// The first value of header `name` (case-insensitive).
        func header(_ name: String) -> String? {
            headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
        }

        /// The Content-Type, when the entity declares one.
        var contentType: ContentType? {
            header("Content-Type").flatMap(ContentType.init(parsing:))
        }

        /// The Content-Disposition type (`attachment`, `inline`) and parameters.
        var disposition: (type: String, parameters: [String: String])? {
            guard let value = header("Content-Disposition") else { return nil }
            let (head, parameters) = MailParser.splitParameters(value)
            return (head.lowercased(), parameters)
        }

        /// The file name from Content-Disposition `filename` or Content-Type `name`.
        var fileName: String? {
            let name = disposition?.parameters["filename"] ?? contentType?.parameters["name"]
            return name.map { MailParser.collapse(MailParser.decodeEncodedWords($0)) }.flatMap { $0.isEmpty ? nil : $0 }
        }

        /// Content-Disposition attachment, or a file name.
        var isAttachment: Bool {
            disposition?.type == "attachment" || fileName != nil
        }
    }

    /// A parsed Content-Type.
    struct ContentType {
        var type: String
        var subtype: String
        /// Parameters by lowercased name, RFC 2231 continuations and encodings resolved.
        var parameters: [String: String]

        /// `type/subtype`, lowercased.
        var mediaType: String { "\(type)/\(subtype)" }

        static let plainText = ContentType(type: "text", subtype: "plain", parameters: [:])
        static let message = ContentType(type: "message", subtype: "rfc822", parameters: [:])

        init(type: String, subtype: String, parameters: [String: String]) {
            self.type = type
            self.subtype = subtype
            self.parameters = parameters
        }

        init?(parsing value: String) {
            let (head, parameters) = MailParser.splitParameters(value)
            let parts = head.lowercased().split(separator: "/", maxSplits: 1).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
            self.init(type: parts[0], subtype: parts[1], parameters: parameters)
        }
    }

    // MARK: - Entities

    /// Splits `bytes` into header fields and body. `malformed` when a line in the header section is neither a
    /// field nor a continuation (the header section then ends there, and that line starts the body).
    static func entity(_ bytes: ArraySlice<UInt8>) -> (entity: Entity, malformed: Bool) {
        var entity = Entity()
        var position = bytes.startIndex
        var malformed = false
        while position < bytes.endIndex {
            let lineEnd = bytes[position...].firstIndex(of: 0x0A) ?? bytes.endIndex
            var contentEnd = lineEnd
            if contentEnd > position, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            let line = bytes[position..<contentEnd]
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
            if line.isEmpty {
                position = next
                break
            }
            if line.first == 0x20 || line.first == 0x09 {
                if !entity.headers.isEmpty {
                    entity.headers[entity.headers.count - 1].value += decodeHeaderBytes(line)
                    position = next
                    continue
                }
            } else if let colon = line.firstIndex(of: 0x3A), colon > line.startIndex,
                      line[line.startIndex..<colon].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
                let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
                var value = decodeHeaderBytes(line[(colon + 1)...])
                if value.first == " " { value.removeFirst() }
                entity.headers.append((name, value))
                position = next
                continue
            }
            // Neither a field nor a continuation: no header section, or one that ends without a blank line.
            malformed = !entity.headers.isEmpty
            break
        }
        entity.body = bytes[position...]
        return (entity, malformed)
    }

    /// Header bytes as text: UTF-8 when valid, otherwise windows-1252.
    private static func decodeHeaderBytes(_ bytes: ArraySlice<UInt8>) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return CharsetDecoder.convert(Array(bytes), from: "windows-1252") ?? String(decoding: bytes, as: UTF8.self)
    }

    /// Fields that only describe transport, authentication or MIME framing.
    static func isTransportField(_ name: String) -> Bool {
        let name = name.lowercased()
        let exact: Set<String> = [
            "received", "return-path", "dkim-signature", "domainkey-signature", "authentication-results",
            "received-spf", "x-received", "delivered-to", "mime-version", "content-type", "content-transfer-encoding",
            "content-disposition", "content-id", "thread-index", "list-unsubscribe", "list-subscribe", "list-help",
            "list-post", "list-owner", "list-archive", "list-unsubscribe-post", "precedence",
        ]
        if exact.contains(name) { return true }
        let prefixes = ["arc-", "x-ms-", "x-microsoft-", "x-forefront-", "x-exchange-", "x-google-", "x-gm-",
                        "x-spam", "x-virus", "x-originating", "x-proofpoint", "x-mimecast", "x-barracuda"]
        return prefixes.contains { name.hasPrefix($0) }
    }

    /// The messages of an mbox, each without its `From ` separator line and with mboxrd quoting (`>From `) undone.
    /// A separator is a `From ` line at the start of the file or after a blank line.
    static func mboxMessages(_ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        let separator = Array("From ".utf8)
        var starts: [Int] = [bytes.startIndex]
        var index = bytes.firstIndex(of: 0x0A).map { $0 + 1 } ?? bytes.endIndex
        var previousLineBlank = false
        while index < bytes.endIndex {
            let lineEnd = bytes[index...].firstIndex(of: 0x0A) ?? bytes.endIndex
            let line = bytes[index..<lineEnd]
            if previousLineBlank, line.starts(with: separator) { starts.append(index) }
            previousLineBlank = line.isEmpty || line.elementsEqual([0x0D])
            index = lineEnd + 1
        }
        return starts.indices.map { position in
            let start = starts[position]
            let end = position + 1 < starts.count ? starts[position + 1] : bytes.endIndex
            let body = bytes[start..<end]
            let afterSeparator = body.firstIndex(of: 0x0A).map { $0 + 1 } ?? body.endIndex
            return unquoteFromLines(bytes[afterSeparator..<end])
        }
    }

    /// mboxrd quoting: `>From ` at the start of a body line stands for `From `.
    private static func unquoteFromLines(_ message: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let quoted = Array("\n>From ".utf8)
        var first = Array(message)
        guard first.count > quoted.count else { return ArraySlice(first) }
        var unquoted: [UInt8] = []
        unquoted.reserveCapacity(first.count)
        var position = 0
        while position < first.count {
            if first[position] == 0x0A, first[position...].starts(with: quoted) {
                unquoted.append(0x0A)
                position += 2
                continue
            }
            unquoted.append(first[position])
            position += 1
        }
        first = unquoted
        return ArraySlice(first)
    }

    /// The parts of a multipart body (between `--boundary` lines, up to `--boundary--`).
    static func splitMultipart(_ body: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let delimiter = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var position = body.startIndex
        while position < body.endIndex {
            let lineEnd = body[position...].firstIndex(of: 0x0A) ?? body.endIndex
            let line = body[position..<lineEnd]
            if line.starts(with: delimiter) {
                let rest = line.dropFirst(delimiter.count)
                let closing = rest.starts(with: [0x2D, 0x2D])
                if rest.dropFirst(closing ? 2 : 0).allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    if let start = partStart {
                        // The line break before the delimiter belongs to the delimiter.
                        var end = position
                        if end > start, body[end - 1] == 0x0A { end -= 1 }
                        if end > start, body[end - 1] == 0x0D { end -= 1 }
                        parts.append(body[start..<max(start, end)])
                    }
                    if closing { return parts }
                    partStart = lineEnd < body.endIndex ? lineEnd + 1 : lineEnd
                }
            }
            position = lineEnd < body.endIndex ? lineEnd + 1 : lineEnd
        }
        if let start = partStart, start < body.endIndex { parts.append(body[start...]) }
        return parts
    }

    /// The alternative to read: one with text/plain, else one with text/html, else the last.
    static func preferredAlternative(_ parts: [Entity]) -> Entity? {
        func contains(_ subtype: String, in entity: Entity, depth: Int = 0) -> Bool {
            let type = entity.contentType ?? .plainText
            if type.type == "multipart", depth < 8, let boundary = type.parameters["boundary"] {
                return splitMultipart(entity.body, boundary: boundary).contains {
                    contains(subtype, in: MailParser.entity($0).entity, depth: depth + 1)
                }
            }
            return type.type == "text" && type.subtype == subtype && !entity.isAttachment
        }
        return parts.first { contains("plain", in: $0) } ?? parts.first { contains("html", in: $0) } ?? parts.last
    }

    // MARK: - Bodies

    /// The body bytes with the Content-Transfer-Encoding undone.
    static func decodeTransfer(_ entity: Entity, diagnostics: inout [Diagnostic]) -> [UInt8] {
        let encoding = (entity.header("Content-Transfer-Encoding") ?? "7bit").trimmingCharacters(in: .whitespaces)
            .lowercased()
        switch encoding {
        case "quoted-printable": return decodeQuotedPrintable(entity.body)
        case "base64": return decodeBase64(entity.body)
        case "7bit", "8bit", "binary", "": return Array(entity.body)
        default:
            diagnostics.append(Diagnostic(
                id: "ingest.email.unknown-transfer-encoding", severity: .warning,
                summary: "part uses unknown Content-Transfer-Encoding \(encoding); read as is"))
            return Array(entity.body)
        }
    }

    /// A text part as a String: transfer encoding undone, charset decoded, line ends as LF, format=flowed joined.
    static func text(of entity: Entity, type: ContentType, diagnostics: inout [Diagnostic]) -> String {
        let bytes = decodeTransfer(entity, diagnostics: &diagnostics)
        var text = decode(bytes, charset: type.parameters["charset"], diagnostics: &diagnostics)
        if text.contains("\r") {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        if type.parameters["format"]?.lowercased() == "flowed" {
            text = unflow(text, deleteSpace: type.parameters["delsp"]?.lowercased() == "yes")
        }
        return text
    }

    /// Bytes in a declared charset (none, us-ascii and utf-8 read as UTF-8; 8-bit text that is not UTF-8 as
    /// windows-1252).
    static func decode(_ bytes: [UInt8], charset declared: String?, diagnostics: inout [Diagnostic]) -> String {
        let charset = (declared ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "\" ")).lowercased()
        if charset.isEmpty || charset == "us-ascii" || charset == "ascii" || charset == "utf-8" || charset == "utf8" {
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            if charset.hasPrefix("utf") {
                diagnostics.append(Diagnostic(
                    id: "ingest.email.invalid-utf8", severity: .warning,
                    summary: "text part declares UTF-8 but has invalid bytes; they were replaced with U+FFFD"))
                return String(decoding: bytes, as: UTF8.self)
            }
            return CharsetDecoder.convert(bytes, from: "windows-1252") ?? String(decoding: bytes, as: UTF8.self)
        }
        if let text = CharsetDecoder.convert(bytes, from: charset) { return text }
        diagnostics.append(Diagnostic(
            id: "ingest.email.unknown-charset", severity: .warning,
            summary: "text part declares unknown charset \(charset); decoded as windows-1252"))
        return CharsetDecoder.convert(bytes, from: "windows-1252") ?? String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 3676 format=flowed: a line ending in a space continues on the next line of the same quote depth.
    static func unflow(_ text: String, deleteSpace: Bool) -> String {
        var output: [String] = []
        var current: String?
        var currentDepth = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(rawLine)
            let depth = line.prefix { $0 == ">" }.count
            line = line.dropFirst(depth)
            if line.first == " " { line = line.dropFirst() } // space-stuffing
            let content = String(line)
            let prefix = String(repeating: ">", count: depth) + (depth > 0 ? " " : "")
            if let open = current, depth == currentDepth {
                current = open + content
            } else {
                if let open = current { output.append(open) }
                current = prefix + content
                currentDepth = depth
            }
            let soft = content.hasSuffix(" ") && content != "-- "
            if soft {
                if deleteSpace { current?.removeLast() }
            } else {
                output.append(current ?? "")
                current = nil
            }
        }
        if let open = current { output.append(open) }
        return output.joined(separator: "\n")
    }

    static func decodeQuotedPrintable(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            guard byte == 0x3D else {
                output.append(byte)
                index += 1
                continue
            }
            // "=" then optional blanks then a line break: a soft line break.
            var look = index + 1
            while look < bytes.endIndex, bytes[look] == 0x20 || bytes[look] == 0x09 { look += 1 }
            if look < bytes.endIndex, bytes[look] == 0x0A {
                index = look + 1
                continue
            }
            if look + 1 < bytes.endIndex, bytes[look] == 0x0D, bytes[look + 1] == 0x0A {
                index = look + 2
                continue
            }
            if look == bytes.endIndex {
                index = look
                continue
            }
            if let high = hexValue(bytes, index + 1), let low = hexValue(bytes, index + 2) {
                output.append(high << 4 | low)
                index += 3
                continue
            }
            output.append(byte) // a lone "=" is kept as is
            index += 1
        }
        return output
    }

    private static func hexValue(_ bytes: ArraySlice<UInt8>, _ index: Int) -> UInt8? {
        guard index < bytes.endIndex else { return nil }
        switch bytes[index] {
        case 0x30...0x39: return bytes[index] - 0x30
        case 0x41...0x46: return bytes[index] - 0x41 + 10
        case 0x61...0x66: return bytes[index] - 0x61 + 10
        default: return nil
        }
    }

    /// Base64, ignoring line breaks and any other byte outside the alphabet; a missing tail of padding is fine.
    static func decodeBase64(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            let value: UInt32
            switch byte {
            case 0x41...0x5A: value = UInt32(byte - 0x41)
            case 0x61...0x7A: value = UInt32(byte - 0x61 + 26)
            case 0x30...0x39: value = UInt32(byte - 0x30 + 52)
            case 0x2B: value = 62
            case 0x2F: value = 63
            case 0x3D:
                // Padding ends the data (a second base64 run after it would be malformed anyway).
                accumulator = 0
                bits = 0
                continue
            default: continue
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return output
    }

    // MARK: - Header values

    /// Decodes RFC 2047 encoded words (`=?charset?Q?...?=`, `=?charset?B?...?=`); white space between two encoded
    /// words is dropped, and adjacent words in one charset are decoded together (a character may be split).
    static func decodeEncodedWords(_ value: String) -> String {
        guard value.contains("=?") else { return value }
        var output = ""
        var pending: (charset: String, bytes: [UInt8])?
        var gap = "" // white space after an encoded word, dropped if another one follows
        var rest = Substring(value)
        func flush() {
            if let open = pending {
                output += decodeWordBytes(open.bytes, charset: open.charset)
                pending = nil
            }
        }
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let word = parseEncodedWord(rest) {
                if let open = pending, open.charset == word.charset {
                    pending?.bytes += word.bytes
                } else {
                    flush()
                    pending = (word.charset, word.bytes)
                }
                gap = ""
                rest = rest[word.end...]
                let spaces = rest.prefix { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
                gap = String(spaces)
                rest = rest.dropFirst(spaces.count)
                if !rest.hasPrefix("=?") || parseEncodedWord(rest) == nil {
                    flush()
                    output += gap
                    gap = ""
                }
                continue
            }
            flush()
            output.append(rest.removeFirst())
        }
        flush()
        return output
    }

    private static func parseEncodedWord(_ text: Substring)
        -> (charset: String, bytes: [UInt8], end: Substring.Index)? {
        guard text.hasPrefix("=?") else { return nil }
        let afterStart = text.index(text.startIndex, offsetBy: 2)
        guard let charsetEnd = text[afterStart...].firstIndex(of: "?") else { return nil }
        var charset = String(text[afterStart..<charsetEnd]).lowercased()
        if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) } // RFC 2231 language
        let encodingIndex = text.index(after: charsetEnd)
        guard encodingIndex < text.endIndex, !charset.isEmpty, charset.count <= 40 else { return nil }
        let encoding = text[encodingIndex].uppercased()
        let questionIndex = text.index(after: encodingIndex)
        guard questionIndex < text.endIndex, text[questionIndex] == "?", encoding == "Q" || encoding == "B" else {
            return nil
        }
        let payloadStart = text.index(after: questionIndex)
        guard let close = text[payloadStart...].range(of: "?=") else { return nil }
        let payload = Array(text[payloadStart..<close.lowerBound].utf8)
        guard !payload.contains(0x20) || encoding == "Q", payload.count <= 2000 else { return nil }
        let bytes: [UInt8]
        if encoding == "B" {
            bytes = decodeBase64(ArraySlice(payload))
        } else {
            bytes = decodeQuotedPrintable(ArraySlice(payload.map { $0 == 0x5F ? 0x20 : $0 }))
        }
        return (charset, bytes, close.upperBound)
    }

    private static func decodeWordBytes(_ bytes: [UInt8], charset: String) -> String {
        if charset == "utf-8" || charset == "utf8" || charset == "us-ascii" {
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            if charset == "us-ascii" {
                return CharsetDecoder.convert(bytes, from: "windows-1252") ?? String(decoding: bytes, as: UTF8.self)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return CharsetDecoder.convert(bytes, from: charset)
            ?? CharsetDecoder.convert(bytes, from: "windows-1252") ?? String(decoding: bytes, as: UTF8.self)
    }

    /// Runs of white space (including what unfolding left) as one space, trimmed.
    static func collapse(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }).joined(separator: " ")
    }

    /// Splits `type/subtype; name=value; ...` into the head and the parameters (lowercased names, quotes and
    /// backslash escapes removed, RFC 2231 continuations `name*0`, `name*1` and `charset'lang'%xx` values
    /// resolved).
    static func splitParameters(_ value: String) -> (head: String, parameters: [String: String]) {
        var pieces: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for character in value {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" && inQuotes {
                escaped = true
            } else if character == "\"" {
                inQuotes.toggle()
                current.append(character)
            } else if character == ";" && !inQuotes {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        let head = pieces.first?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""

        // name -> [(section, extended, value)]
        var sections: [String: [(index: Int, extended: Bool, value: String)]] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            var name = piece[..<equals].trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
            var rawValue = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespacesAndNewlines)
            if rawValue.count >= 2, rawValue.hasPrefix("\""), rawValue.hasSuffix("\"") {
                rawValue = String(rawValue.dropFirst().dropLast())
            }
            var extended = false
            if name.hasSuffix("*") {
                extended = true
                name.removeLast()
            }
            var index = 0
            if let star = name.lastIndex(of: "*"), let number = Int(name[name.index(after: star)...]) {
                index = number
                name = String(name[..<star])
            }
            guard !name.isEmpty else { continue }
            sections[name, default: []].append((index, extended, rawValue))
        }
        var parameters: [String: String] = [:]
        for (name, parts) in sections {
            let ordered = parts.sorted { $0.index < $1.index }
            var charset = "utf-8"
            var bytes: [UInt8] = []
            for (position, part) in ordered.enumerated() {
                var text = Substring(part.value)
                if part.extended, position == 0, let firstQuote = text.firstIndex(of: "'"),
                   let secondQuote = text[text.index(after: firstQuote)...].firstIndex(of: "'") {
                    let declared = text[..<firstQuote].lowercased()
                    if !declared.isEmpty { charset = declared }
                    text = text[text.index(after: secondQuote)...]
                }
                bytes += part.extended ? percentDecode(text) : Array(text.utf8)
            }
            if ordered.contains(where: \.extended) {
                parameters[name] = decodeWordBytes(bytes, charset: charset)
            } else {
                parameters[name] = String(decoding: bytes, as: UTF8.self)
            }
        }
        return (head, parameters)
    }

    private static func percentDecode(_ text: Substring) -> [UInt8] {
        let bytes = ArraySlice(Array(text.utf8))
        var output: [UInt8] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == 0x25, let high = hexValue(bytes, index + 1), let low = hexValue(bytes, index + 2) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    // MARK: - Attachments

    /// The last component of a file name a sender gave (some send `C:\path\file.doc`), without control
    /// characters.
    static func baseName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        return String(last.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
    }

    /// A name for an attachment that has none: `message-3.eml`, `part-3.pdf`, `part-3`.
    static func generatedName(number: Int, type: ContentType) -> String {
        if type.type == "message" { return "message-\(number).eml" }
        let extensions = ["application/pdf": "pdf", "application/msword": "doc", "text/plain": "txt",
                          "text/html": "html", "application/zip": "zip", "application/xml": "xml", "text/xml": "xml",
                          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
                          "application/vnd.oasis.opendocument.text": "odt", "image/png": "png", "image/jpeg": "jpg",
                          "image/gif": "gif"]
        return "part-\(number)" + (extensions[type.mediaType].map { "." + $0 } ?? "")
    }

    /// Whether an attachment is a document LiaisonTrace reads, by extension first, then by media type.
    static func isDocument(name: String, mediaType: String) -> Bool {
        let lowered = name.lowercased()
        let ext = lowered.lastIndex(of: ".").map { String(lowered[lowered.index(after: $0)...]) } ?? ""
        let extensions: Set<String> = ["docx", "docm", "doc", "pdf", "odt", "txt", "text", "md", "markdown", "adoc",
                                       "asciidoc", "html", "htm", "xml", "zip", "eml", "mbox"]
        if extensions.contains(ext) { return true }
        let types: Set<String> = [
            "application/pdf", "application/msword", "application/vnd.oasis.opendocument.text",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "text/plain", "text/html",
            "text/xml", "application/xml", "application/zip", "application/x-zip-compressed", "message/rfc822",
            "text/markdown",
        ]
        return types.contains(mediaType)
    }

    // MARK: - HTML without the HTML reader

    /// Text of an HTML fragment by removing tags: scripts, styles and comments dropped, block ends as line breaks,
    /// the common entities decoded.
    static func stripTags(_ html: String) -> String {
        var output = ""
        var index = html.startIndex
        let blockTags: Set<String> = ["p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table",
                                      "blockquote", "pre", "ul", "ol", "hr", "title"]
        while index < html.endIndex {
            let character = html[index]
            if character == "<" {
                let rest = html[index...]
                if rest.hasPrefix("<!--") {
                    index = rest.range(of: "-->")?.upperBound ?? html.endIndex
                    continue
                }
                guard let close = rest.firstIndex(of: ">") else { break }
                let tag = rest[rest.index(after: rest.startIndex)..<close]
                let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
                index = html.index(after: close)
                if (name == "script" || name == "style"), !tag.hasPrefix("/") {
                    index = html[index...].range(of: "</\(name)", options: .caseInsensitive)
                        .flatMap { html[$0.upperBound...].firstIndex(of: ">") }.map { html.index(after: $0) }
                        ?? html.endIndex
                    continue
                }
                if blockTags.contains(name) {
                    output += name == "p" || name == "div" || name.hasPrefix("h") || name == "table" ? "\n\n" : "\n"
                } else if name == "td" || name == "th" {
                    output += " "
                }
                continue
            }
            if character == "&", let semicolon = html[index...].prefix(12).firstIndex(of: ";") {
                let entity = String(html[html.index(after: index)..<semicolon])
                if let decoded = decodeEntity(entity) {
                    output += decoded
                    index = html.index(after: semicolon)
                    continue
                }
            }
            output.append(character == "\n" || character == "\r" ? " " : character)
            index = html.index(after: index)
        }
        return output.split(separator: "\n", omittingEmptySubsequences: false)
            .map { collapse(String($0)) }.joined(separator: "\n")
    }

    private static func decodeEntity(_ entity: String) -> String? {
        switch entity.lowercased() {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return " "
        default: break
        }
        guard entity.hasPrefix("#") else { return nil }
        let digits = entity.dropFirst()
        let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16)
            : UInt32(digits, radix: 10)
        return value.flatMap(Unicode.Scalar.init).map { String(Character($0)) }
    }
}
