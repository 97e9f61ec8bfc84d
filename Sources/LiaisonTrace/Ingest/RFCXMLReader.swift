/// Reads RFCXML (`<rfc>`, RFC 7991 v3, plus the v2 elements and xml2rfc extensions still found in v3 files)
/// the way xml2rfc renders it: title, abstract, numbered sections ("4.2. Title", appendices "Appendix A."),
/// paragraphs, lists, tables, artwork and source code as code blocks, cross-references rendered as text
/// ("Section 4.2 of [CACHING]", "[HTTP]"), and one `.reference` block per bibliography entry,
/// "[ANCHOR] Title, RFC 9112, DOI ..., June 2022", named by its anchor. Root attributes and front matter
/// become fields (`rfc`, `seriesInfo`, `date`, `obsoletes`...).
struct RFCXMLReading {
    /// The namespace of xml2rfc's extension elements and attributes (`x:ref`, `x:fmt`...).
    static let extensionNamespace = "http://purl.org/net/xml2rfc/ext"

    private let root: XMLNode
    private let index: RFCXMLIndex
    private var flow = FlowBuilder()
    private var fields: [Field] = []
    private var sectionCursor = 0
    private var sectionLevel = 0
    private var listDepth = 0
    private var tableCount = 0
    private var figureCount = 0

    private init(root: XMLNode) {
        self.root = root
        self.index = RFCXMLIndex(root: root)
    }

    /// Reads the document rooted at `root`.
    static func read(_ root: XMLNode) -> XMLReading {
        var reading = Self(root: root)
        return reading.run()
    }

    private mutating func run() -> XMLReading {
        readFront()
        if let front = root.element("front") {
            for child in front.children where child.kind == .element {
                switch child.name {
                case "abstract":
                    heading("Abstract", line: child.line, level: 1)
                    walkChildren(child)
                case "note":
                    let title = child.element("name").map { FlowBuilder.collapse($0.textContent) }
                        ?? child.attribute("title") ?? "Note"
                    heading(title, line: child.line, level: 1)
                    walkChildren(child, skipping: "name")
                case "boilerplate":
                    walkChildren(child)
                default:
                    break
                }
            }
        }
        if let middle = root.element("middle") { walkChildren(middle) }
        if let back = root.element("back") { readBack(back) }
        flow.finish()
        let version = root.attribute("version") == "3" ? "RFCXML v3" : "RFCXML v2"
        return XMLReading(vocabulary: version, builder: flow.builder, fields: fields)
    }

    // MARK: Front matter

    private mutating func readFront() {
        if let number = root.attribute("number"), !number.isEmpty {
            fields.append(Field(name: "rfc", value: "RFC \(number)"))
        }
        if let name = root.attribute("docName"), !name.isEmpty { fields.append(Field(name: "docName", value: name)) }
        for attribute in ["obsoletes", "updates"] {
            let numbers = Self.rfcList(root.attribute(attribute) ?? "")
            if !numbers.isEmpty { fields.append(Field(name: attribute, value: numbers.joined(separator: ", "))) }
        }
        for attribute in ["category", "submissionType", "consensus"] {
            if let value = root.attribute(attribute), !value.isEmpty {
                fields.append(Field(name: attribute, value: value))
            }
        }
        guard let front = root.element("front") else { return }
        if let title = front.element("title") {
            let text = FlowBuilder.collapse(title.textContent)
            if !text.isEmpty {
                fields.insert(Field(name: "title", value: text), at: 0)
                flow.block(text, .init(kind: .title, sourceLine: title.line))
            }
        }
        var series: [String] = []
        for info in front.elements("seriesInfo") + root.elements("seriesInfo") {
            if let name = info.attribute("name"), let value = info.attribute("value"), !value.isEmpty {
                series.append("\(name) \(value)")
            }
        }
        let seriesNames = ["std": "STD", "bcp": "BCP", "info": "FYI"]
        if let number = root.attribute("seriesNo"), let category = root.attribute("category"),
           let name = seriesNames[category], !series.contains("\(name) \(number)") {
            series.append("\(name) \(number)")
        }
        for value in series { fields.append(Field(name: "seriesInfo", value: value)) }
        if let date = front.element("date"), let value = Self.isoDate(date) {
            fields.append(Field(name: "date", value: value))
        }
        for author in front.elements("author") {
            let name = author.attribute("fullname")
                ?? [author.attribute("initials"), author.attribute("surname")].compactMap { $0 }.joined(separator: " ")
            let organization = author.element("organization").map { FlowBuilder.collapse($0.textContent) } ?? ""
            let value = [name, organization.isEmpty ? nil : "(\(organization))"].compactMap { $0 }
                .filter { !$0.isEmpty }.joined(separator: " ")
            if !value.isEmpty { fields.append(Field(name: "author", value: value)) }
        }
        for name in ["area", "workgroup"] {
            for element in front.elements(name) {
                let value = FlowBuilder.collapse(element.textContent)
                if !value.isEmpty { fields.append(Field(name: name, value: value)) }
            }
        }
        let keywords = front.elements("keyword").map { FlowBuilder.collapse($0.textContent) }.filter { !$0.isEmpty }
        if !keywords.isEmpty { fields.append(Field(name: "keywords", value: keywords.joined(separator: ", "))) }
    }

    /// "2818, 7230" as ["RFC 2818", "RFC 7230"].
    static func rfcList(_ value: String) -> [String] {
        value.split(whereSeparator: { $0 == "," || $0 == " " }).map { item in
            let number = item.lowercased().hasPrefix("rfc") ? item.dropFirst(3) : item[...]
            return "RFC \(number)"
        }
    }

    /// `<date year="2022" month="June" day="6"/>` as "2022-06-06" (or "2022-06", "2022").
    static func isoDate(_ date: XMLNode) -> String? {
        guard let year = date.attribute("year"), year.count == 4, Int(year) != nil else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard let monthText = date.attribute("month")?.lowercased(), !monthText.isEmpty else { return year }
        let month = Int(monthText) ?? months.firstIndex { monthText.hasPrefix($0) }.map { $0 + 1 }
        guard let month, (1...12).contains(month) else { return year }
        var value = year + "-" + (month < 10 ? "0" : "") + String(month)
        if let day = date.attribute("day").flatMap({ Int($0) }), (1...31).contains(day) {
            value += "-" + (day < 10 ? "0" : "") + String(day)
        }
        return value
    }

    // MARK: Sections

    private mutating func heading(_ text: String, line: Int, level: Int, anchor: String? = nil) {
        flow.block(text, .init(kind: .heading, level: level, sourceLine: line, name: anchor))
    }

    /// A section (or references section): its heading with its number, then its content.
    private mutating func section(_ node: XMLNode) {
        let label = sectionCursor < index.sectionLabels.count ? index.sectionLabels[sectionCursor] : nil
        sectionCursor += 1
        sectionLevel += 1
        defer { sectionLevel -= 1 }
        var prefix = ""
        if let label {
            prefix = (label.appendix && !label.number.contains(".") ? "Appendix " : "") + label.number + ". "
        }
        flow.begin(.init(kind: .heading, level: sectionLevel, sourceLine: node.line, name: node.attribute("anchor"),
                         atomic: true))
        flow.text(prefix, line: node.line)
        if let name = node.element("name") {
            walkChildren(name)
        } else {
            flow.text(node.attribute("title") ?? (node.name == "references" ? "References" : ""), line: node.line)
        }
        flow.end()
        walkChildren(node, skipping: "name")
    }

    private mutating func readBack(_ back: XMLNode) {
        let topReferences = back.elements("references").count
        var wrapped = false
        for child in back.children {
            if child.kind == .element, child.name == "references", topReferences > 1 {
                if !wrapped, let number = index.referencesNumber {
                    heading("\(number). References", line: child.line, level: 1)
                    wrapped = true
                }
                sectionLevel += 1
                section(child)
                sectionLevel -= 1
            } else {
                walk(child)
            }
        }
    }

    /// A bibliography entry as one block: "[ANCHOR] Title, SERIES, refcontent, Month Year".
    private mutating func reference(_ node: XMLNode) {
        let anchor = node.attribute("anchor") ?? ""
        let label = "[\(index.displayName(anchor))]"
        flow.block(label + " " + Self.describe(reference: node), .init(kind: .reference, sourceLine: node.line,
                                                                      name: anchor.isEmpty ? nil : anchor))
    }

    /// A reference group (a BCP or STD made of several RFCs): its label and target, then one line per member.
    private mutating func referenceGroup(_ node: XMLNode) {
        let anchor = node.attribute("anchor") ?? ""
        var lines = ["[\(index.displayName(anchor))]" + (node.attribute("target").map { " <\($0)>" } ?? "")]
        for member in node.elements("reference") { lines.append(Self.describe(reference: member)) }
        flow.block(lines.joined(separator: "\n"), .init(kind: .reference, sourceLine: node.line,
                                                        name: anchor.isEmpty ? nil : anchor))
    }

    /// "Title, RFC 9110, DOI 10.17487/RFC9110, June 2022" from a `<reference>`.
    static func describe(reference node: XMLNode) -> String {
        var parts: [String] = []
        let front = node.element("front")
        if let title = front?.element("title").map({ FlowBuilder.collapse($0.textContent) }), !title.isEmpty {
            parts.append(title)
        }
        var series: [String] = []
        for info in node.elements("seriesInfo") + (front?.elements("seriesInfo") ?? []) {
            if let name = info.attribute("name"), let value = info.attribute("value"), !value.isEmpty {
                series.append(name + " " + value)
            }
        }
        // xml2rfc's extension: <x:source basename="rfc9112"/> stands for the RFC's own front matter.
        for source in node.children where source.kind == .element && source.name == "source"
            && source.namespace == extensionNamespace {
            let base = (source.attribute("basename") ?? "").lowercased()
            if base.hasPrefix("rfc"), base.count > 3, base.dropFirst(3).allSatisfy(\.isNumber),
               !series.contains("RFC " + base.dropFirst(3)) {
                series.append("RFC " + base.dropFirst(3))
            }
        }
        parts += series
        for content in node.elements("refcontent") {
            let text = FlowBuilder.collapse(content.textContent)
            if !text.isEmpty { parts.append(text) }
        }
        if let date = front?.element("date") {
            let text = [date.attribute("day"), date.attribute("month"), date.attribute("year")].compactMap { $0 }
                .filter { !$0.isEmpty }.joined(separator: " ")
            if !text.isEmpty { parts.append(text) }
        }
        if series.isEmpty, let target = node.attribute("target"), !target.isEmpty { parts.append("<\(target)>") }
        return parts.joined(separator: ", ")
    }

    // MARK: Content

    private mutating func walkChildren(_ node: XMLNode, skipping skipped: String? = nil) {
        for child in node.children where !(child.kind == .element && child.name == skipped) {
            walk(child, parentLine: node.line)
        }
    }

    private mutating func walk(_ node: XMLNode, parentLine: Int? = nil) {
        if node.kind == .text {
            flow.text(node.text, line: FlowBuilder.startLine(of: node, parentLine: parentLine))
            return
        }
        if node.namespace == Self.extensionNamespace {
            walkExtension(node)
            return
        }
        let line = node.line
        switch node.name {
        case "section", "references":
            section(node)
        case "reference":
            reference(node)
        case "referencegroup":
            referenceGroup(node)
        case "t", "preamble", "postamble":
            flow.beginParagraph(line: line)
            walkChildren(node)
            flow.endParagraph()
        case "ul", "ol":
            flow.boundary()
            listDepth += 1
            walkChildren(node)
            listDepth -= 1
            flow.boundary()
        case "list":
            // RFCXML v2: each <t> of a <list> is an item; hanging lists label items with hangText.
            flow.boundary()
            listDepth += 1
            for child in node.children {
                if child.kind == .element, child.name == "t" {
                    listItem(child, prefix: child.attribute("hangText"))
                } else {
                    walk(child, parentLine: line)
                }
            }
            listDepth -= 1
            flow.boundary()
        case "li":
            listItem(node, prefix: nil)
        case "dl":
            flow.boundary()
            walkChildren(node)
            flow.finishCarry(line: line)
            flow.boundary()
        case "dt", "dd":
            flow.begin(.init(kind: .paragraph, sourceLine: line, atomic: true, label: node.name == "dt"))
            walkChildren(node)
            flow.end()
        case "table":
            table(node)
        case "texttable":
            textTable(node)
        case "thead", "tbody", "tfoot":
            walkChildren(node)
        case "tr":
            flow.beginRow()
            walkChildren(node)
        case "td", "th":
            flow.begin(flow.cell(line: line, span: Int(node.attribute("colspan") ?? "") ?? 1))
            walkChildren(node)
            flow.end()
        case "figure":
            figure(node)
        case "artset":
            // Alternative renderings of one artwork: the first that is not SVG.
            let artworks = node.elements("artwork")
            if let chosen = artworks.first(where: { $0.attribute("type") != "svg" && $0.element("svg") == nil }) {
                walk(chosen)
            }
        case "artwork", "sourcecode":
            flow.begin(.init(kind: .code, sourceLine: line, atomic: true, preserve: true))
            walkChildren(node)
            flow.end()
        case "aside", "blockquote", "note", "abstract", "boilerplate", "middle", "back", "front":
            flow.boundary()
            walkChildren(node, skipping: "name")
            flow.boundary()
        case "xref", "relref":
            flow.text(xrefText(node), line: line)
        case "eref":
            let text = FlowBuilder.collapse(node.textContent)
            flow.text(text.isEmpty ? "<\(node.attribute("target") ?? "")>" : text, line: line)
        case "contact":
            flow.text(node.attribute("fullname") ?? node.attribute("asciiFullname") ?? "", line: line)
        case "br", "vspace":
            flow.lineBreak()
        case "iref", "cref", "displayreference", "toc", "seriesInfo", "author", "date", "area", "workgroup",
             "keyword", "title", "name", "svg", "link", "refcontent", "annotation", "format":
            break
        default:
            walkChildren(node)
        }
    }

    private mutating func walkExtension(_ node: XMLNode) {
        switch node.name {
        case "anchor-alias", "source", "defines", "assign-section-number", "link", "feedback", "include-author",
             "contributor", "parse-xml":
            break
        case "length-of":
            if let length = node.attribute("target").flatMap({ index.lengths[$0] }) {
                flow.text(String(length), line: node.line)
            }
        case "note", "blockquote", "boilerplate":
            flow.boundary()
            walkChildren(node)
            flow.boundary()
        default:
            walkChildren(node)
        }
    }

    private mutating func listItem(_ node: XMLNode, prefix: String?) {
        flow.begin(.init(kind: .listItem, level: max(1, listDepth), sourceLine: node.line, atomic: true,
                         prefix: prefix.map(FlowBuilder.collapse)))
        walkChildren(node)
        flow.end()
    }

    private mutating func table(_ node: XMLNode) {
        tableCount += 1
        if let name = node.element("name") {
            flow.beginParagraph(line: name.line)
            flow.text("Table \(tableCount): ", line: name.line)
            walkChildren(name)
            flow.endParagraph()
        }
        flow.beginTable()
        walkChildren(node, skipping: "name")
        flow.endTable()
    }

    /// RFCXML v2 table: `<ttcol>` headings, then `<c>` cells row by row.
    private mutating func textTable(_ node: XMLNode) {
        tableCount += 1
        let columns = max(1, node.elements("ttcol").count)
        for child in node.children where child.kind == .element && child.name == "preamble" { walk(child) }
        flow.beginTable()
        let headings = node.elements("ttcol")
        if !headings.isEmpty { flow.beginRow() }
        for cell in headings {
            flow.begin(flow.cell(line: cell.line))
            walkChildren(cell)
            flow.end()
        }
        for (position, cell) in node.elements("c").enumerated() {
            if position % columns == 0 { flow.beginRow() }
            flow.begin(flow.cell(line: cell.line))
            walkChildren(cell)
            flow.end()
        }
        flow.endTable()
        for child in node.children where child.kind == .element && child.name == "postamble" { walk(child) }
        if let title = node.attribute("title"), !title.isEmpty {
            flow.block("Table \(tableCount): \(title)", .init(kind: .paragraph, sourceLine: node.line))
        }
    }

    private mutating func figure(_ node: XMLNode) {
        figureCount += 1
        flow.boundary()
        walkChildren(node, skipping: "name")
        let caption = node.element("name").map { FlowBuilder.collapse($0.textContent) } ?? node.attribute("title")
        if let caption, !caption.isEmpty {
            flow.block("Figure \(figureCount): \(caption)", .init(kind: .paragraph, sourceLine: node.line))
        }
    }

    // MARK: Cross-references

    /// An `<xref>` as xml2rfc renders it: "[HTTP]", "Section 4.2 of [CACHING]", "Section 3", its own text...
    func xrefText(_ node: XMLNode) -> String {
        let anchor = node.attribute("target") ?? ""
        let content = FlowBuilder.collapse(node.textContent)
        let format = node.attribute("format") ?? ""
        let extensionFormat = node.attribute("fmt") ?? ""
        if (format == "none" || extensionFormat == "none") && !content.isEmpty { return content }
        guard let target = index.targets[anchor] else {
            return content.isEmpty ? "[\(anchor)]" : content
        }
        switch target.kind {
        case .reference:
            let cite = "[\(target.label)]"
            if let section = node.attribute("section") ?? node.attribute("sec"), !section.isEmpty {
                let word = section.first?.isLetter == true ? "Appendix" : "Section"
                let style = node.attribute("sectionFormat")
                    ?? ["of": "of", ",": "comma", "()": "parens", "sec": "section", "number": "bare"][extensionFormat]
                    ?? "of"
                switch style {
                case "comma": return "\(cite), \(word) \(section)"
                case "parens": return "\(cite) (\(word) \(section))"
                case "bare": return section
                case "section": return "\(word) \(section)"
                default: return "\(word) \(section) of \(cite)"
                }
            }
            if !content.isEmpty { return content.contains(cite) ? content : "\(content) \(cite)" }
            switch format {
            case "counter": return target.label
            case "title": return target.title.isEmpty ? cite : target.title
            default: return cite
            }
        case .section, .appendix:
            if !content.isEmpty { return content }
            if target.label.isEmpty || format == "title" { return target.title }
            if format == "counter" || extensionFormat == "number" { return target.label }
            return (target.kind == .appendix ? "Appendix " : "Section ") + target.label
        case .table, .figure:
            if !content.isEmpty { return content }
            if format == "counter" { return target.label }
            return (target.kind == .table ? "Table " : "Figure ") + target.label
        case .other:
            if !content.isEmpty { return content }
            return target.label.isEmpty ? "[\(anchor)]" : target.label
        }
    }
}

/// What an RFCXML document's anchors point at, and the number of every section in document order; built
/// before rendering so that forward cross-references resolve.
struct RFCXMLIndex {
    enum Kind { case section, appendix, reference, table, figure, other }

    struct Target {
        var kind: Kind
        /// Section number ("4.2", "A.1"), reference display name, table or figure number; for other anchors the
        /// rendering of their enclosing section ("Section 4.2").
        var label: String
        var title: String
    }

    struct SectionLabel {
        var number: String
        var appendix: Bool
    }

    private(set) var targets: [String: Target] = [:]
    /// One entry per `<section>` and `<references>` in document order; nil when unnumbered.
    private(set) var sectionLabels: [SectionLabel?] = []
    /// The number of the "References" section wrapping several top-level `<references>`.
    private(set) var referencesNumber: String?
    /// Byte lengths of anchored elements, for `<x:length-of>` (line ends counted as CRLF).
    private(set) var lengths: [String: Int] = [:]
    private var displayNames: [String: String] = [:]
    private var tables = 0
    private var figures = 0

    init(root: XMLNode) {
        for display in root.element("back")?.elements("displayreference") ?? [] {
            if let target = display.attribute("target"), let name = display.attribute("to") {
                displayNames[target] = name
            }
        }
        if let front = root.element("front") { visitChildren(of: front, prefix: nil, appendix: false, enclosing: nil) }
        var middleCount = 0
        if let middle = root.element("middle") {
            for child in middle.children where child.kind == .element {
                if child.name == "section", child.attribute("numbered") != "false" {
                    middleCount += 1
                    record(child, label: SectionLabel(number: Self.pageNumber(child) ?? String(middleCount),
                                                      appendix: false))
                } else if child.name == "section" {
                    record(child, label: nil)
                } else {
                    visit(child, enclosing: nil)
                }
            }
        }
        guard let back = root.element("back") else { return }
        let topReferences = back.elements("references").count
        if topReferences > 1 { referencesNumber = String(middleCount + 1) }
        var referenceCount = 0
        var appendixCount = 0
        for child in back.children where child.kind == .element {
            switch child.name {
            case "references":
                referenceCount += 1
                let number = topReferences > 1 ? "\(middleCount + 1).\(referenceCount)" : String(middleCount + 1)
                record(child, label: SectionLabel(number: Self.pageNumber(child) ?? number, appendix: false))
            case "section" where child.attribute("numbered") != "false":
                appendixCount += 1
                record(child, label: SectionLabel(number: Self.pageNumber(child) ?? Self.letters(appendixCount),
                                                  appendix: true))
            case "section":
                record(child, label: nil)
            default:
                visit(child, enclosing: nil)
            }
        }
    }

    /// The name a reference is cited by: its `<displayreference>` or its anchor.
    func displayName(_ anchor: String) -> String { displayNames[anchor] ?? anchor }

    /// A section's own number from a prepped document's `pn` ("section-4.2", "section-appendix.a").
    private static func pageNumber(_ node: XMLNode) -> String? {
        guard let pn = node.attribute("pn"), pn.hasPrefix("section-") else { return nil }
        var number = String(pn.dropFirst("section-".count))
        if number.hasPrefix("appendix.") { number = String(number.dropFirst("appendix.".count)) }
        guard let first = number.first, first.isNumber || first.isLetter else { return nil }
        return first.isLetter ? number.uppercased() : number
    }

    /// 1 → "A", 26 → "Z", 27 → "AA".
    private static func letters(_ number: Int) -> String {
        var value = number
        var out = ""
        while value > 0 {
            value -= 1
            out = String(UnicodeScalar(UInt8(65 + value % 26))) + out
            value /= 26
        }
        return out
    }

    private mutating func record(_ node: XMLNode, label: SectionLabel?) {
        sectionLabels.append(label)
        let title = node.element("name").map { FlowBuilder.collapse($0.textContent) }
            ?? node.attribute("title") ?? ""
        if let anchor = node.attribute("anchor") {
            targets[anchor] = Target(kind: label?.appendix == true ? .appendix : .section,
                                     label: label?.number ?? "", title: title)
        }
        let enclosing = label.map { ($0.appendix ? "Appendix " : "Section ") + $0.number }
        visitChildren(of: node, prefix: label?.number, appendix: label?.appendix ?? false, enclosing: enclosing)
    }

    private mutating func visitChildren(of node: XMLNode, prefix: String?, appendix: Bool, enclosing: String?) {
        var counter = 0
        for child in node.children where child.kind == .element {
            if child.name == "section" || child.name == "references" {
                if let prefix, child.attribute("numbered") != "false" {
                    counter += 1
                    record(child, label: SectionLabel(number: Self.pageNumber(child) ?? "\(prefix).\(counter)",
                                                      appendix: appendix))
                } else {
                    record(child, label: nil)
                }
            } else {
                visit(child, enclosing: enclosing)
            }
        }
    }

    private mutating func visit(_ node: XMLNode, enclosing: String?) {
        let anchor = node.attribute("anchor")
        switch node.name {
        case "reference", "referencegroup":
            if let anchor {
                let title = node.element("front")?.element("title").map { FlowBuilder.collapse($0.textContent) }
                targets[anchor] = Target(kind: .reference, label: displayName(anchor), title: title ?? "")
            }
            if node.name == "referencegroup" {
                for member in node.elements("reference") { visit(member, enclosing: enclosing) }
            }
            return
        case "table", "texttable":
            tables += 1
            if let anchor { targets[anchor] = Target(kind: .table, label: String(tables), title: "") }
        case "figure":
            figures += 1
            if let anchor { targets[anchor] = Target(kind: .figure, label: String(figures), title: "") }
        default:
            if let anchor, targets[anchor] == nil {
                targets[anchor] = Target(kind: .other, label: enclosing ?? "", title: "")
            }
        }
        if let anchor, node.namespace == RFCXMLReading.extensionNamespace || node.name == "artwork"
            || node.name == "sourcecode" {
            let text = node.textContent
            lengths[anchor] = text.utf8.count + text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        }
        visitChildren(of: node, prefix: nil, appendix: false, enclosing: enclosing)
    }
}
