/// Reads Metanorma semantic XML (`<metanorma flavor="itu">`, `<itu-standard>`, `<iso-standard>`...) in the order
/// the published document reads: title, boilerplate, preface (summary, history...), the numbered clauses with
/// the normative references as clause 2 after the scope, annexes ("Annex A", ITU appendices "Appendix I"), then
/// the bibliography. Terms read "3.1.1 term [source]: definition"; every `<bibitem>` becomes a `.reference` block
/// "[label] identifiers, title" named by its id; `<eref>` renders as its `citeas` ("ITU-T J.1106 (07/2017),
/// clause 6"). `<bibdata>` gives the fields: title, docidentifier, date, doctype, status, series, keywords.
struct MetanormaReading {
    private let root: XMLNode
    private let flavor: String
    private var flow = FlowBuilder()
    private var fields: [Field] = []
    private var listDepth = 0
    private var clauseLevel = 0
    /// What cross-references to an id read as ("clause 6", "Annex A", "Table 2").
    private var labels: [String: String] = [:]

    /// Clause-like elements: each has a `<title>` and gets a heading.
    static let clauses: Set<String> = [
        "clause", "terms", "definitions", "references", "abstract", "foreword", "introduction", "acknowledgements",
        "executivesummary", "annex",
    ]

    private init(root: XMLNode) {
        self.root = root
        let name = root.name
        flavor = root.attribute("flavor")
            ?? (name.hasSuffix("-standard") ? String(name.dropLast("-standard".count)) : name)
    }

    /// Reads the document rooted at `root`.
    static func read(_ root: XMLNode) -> XMLReading {
        var reading = Self(root: root)
        return reading.run()
    }

    private mutating func run() -> XMLReading {
        readBibdata()
        let parts = plan()
        indexLabels(parts)
        for part in parts {
            if Self.clauses.contains(part.node.name) {
                clause(part.node, level: 1, heading: part.heading, number: Self.numberPrefix(part.heading))
            } else {
                walk(part.node, parentLine: nil)
                flow.boundary()
                flow.emitDeferred()
            }
        }
        flow.finish()
        return XMLReading(vocabulary: "Metanorma (\(flavor))", builder: flow.builder, fields: fields)
    }

    // MARK: Metadata

    private mutating func readBibdata() {
        guard let bibdata = root.element("bibdata") else { return }
        let titles = bibdata.elements("title")
        let title = titles.first { $0.attribute("type") == "main" && ($0.attribute("language") ?? "en") == "en" }
            ?? titles.first { ($0.attribute("language") ?? "en") == "en" } ?? titles.first
        if let title {
            let text = FlowBuilder.collapse(title.textContent)
            if !text.isEmpty {
                fields.append(Field(name: "title", value: text))
                flow.block(text, .init(kind: .title, sourceLine: title.line))
            }
        }
        let identifiers = bibdata.elements("docidentifier")
        let primary = identifiers.firstIndex { $0.attribute("primary") == "true" } ?? 0
        for (position, identifier) in identifiers.enumerated() {
            let value = FlowBuilder.collapse(identifier.textContent)
            guard !value.isEmpty else { continue }
            if position == primary {
                fields.append(Field(name: "docidentifier", value: value))
            } else {
                let type = identifier.attribute("type").map { "." + $0 } ?? ""
                fields.append(Field(name: "docidentifier" + type, value: value))
            }
        }
        let dates = bibdata.elements("date")
        let date = ["published", "issued", "circulated", "created"].lazy
            .compactMap { type in dates.first { $0.attribute("type") == type } }.first ?? dates.first
        if let on = date.flatMap({ $0.element("on") ?? $0.element("from") }),
           case let value = FlowBuilder.collapse(on.textContent), !value.isEmpty {
            fields.append(Field(name: "date", value: value))
        }
        if let doctype = bibdata.element("ext")?.element("doctype") {
            fields.append(Field(name: "doctype", value: FlowBuilder.collapse(doctype.textContent)))
        }
        if let stage = bibdata.element("status")?.element("stage") {
            fields.append(Field(name: "status", value: FlowBuilder.collapse(stage.textContent)))
        }
        for series in bibdata.elements("series") where series.attribute("type") == "main" {
            if let title = series.element("title") {
                fields.append(Field(name: "series", value: FlowBuilder.collapse(title.textContent)))
            }
        }
        for group in bibdata.element("ext")?.element("editorialgroup")?.children ?? []
        where group.kind == .element && group.name != "bureau" {
            let value = FlowBuilder.collapse((group.element("name") ?? group).textContent)
            if !value.isEmpty { fields.append(Field(name: "editorialgroup", value: value)) }
        }
        let keywords = bibdata.elements("keyword").map { FlowBuilder.collapse($0.textContent) }.filter { !$0.isEmpty }
        if !keywords.isEmpty { fields.append(Field(name: "keywords", value: keywords.joined(separator: ", "))) }
    }

    // MARK: Order and numbers

    /// A top-level unit in reading order, with its heading label ("2", "Annex A", nil when unnumbered).
    private struct Part {
        var node: XMLNode
        var heading: String?
    }

    private func plan() -> [Part] {
        var parts: [Part] = []
        for statement in root.element("boilerplate")?.children ?? [] where statement.kind == .element {
            for child in statement.children where child.kind == .element && Self.clauses.contains(child.name) {
                parts.append(Part(node: child, heading: nil))
            }
        }
        for child in root.element("preface")?.children ?? [] where child.kind == .element {
            parts.append(Part(node: child, heading: nil))
        }
        let bibliography = root.element("bibliography")?.children.filter { $0.kind == .element } ?? []
        let isNormative = { (node: XMLNode) in node.name == "references" && node.attribute("normative") == "true" }
        let normative = bibliography.filter(isNormative)
        var sections = root.element("sections")?.children.filter { $0.kind == .element } ?? []
        // Metanorma numbers the normative references as the clause after the scope.
        let scope = sections.firstIndex { $0.attribute("type") == "scope" }
        sections.insert(contentsOf: normative, at: scope.map { $0 + 1 } ?? 0)
        var number = 0
        for node in sections {
            let numbered = Self.clauses.contains(node.name) && node.attribute("unnumbered") != "true"
            if numbered { number += 1 }
            parts.append(Part(node: node, heading: numbered ? String(number) : nil))
        }
        var annexes = 0
        var appendices = 0
        for node in root.elements("annex") {
            if flavor == "itu", node.attribute("obligation") == "informative" {
                appendices += 1
                parts.append(Part(node: node, heading: "Appendix " + Self.roman(appendices)))
            } else {
                annexes += 1
                parts.append(Part(node: node, heading: "Annex " + String(UnicodeScalar(UInt8(64 + min(annexes, 26))))))
            }
        }
        for node in bibliography where !isNormative(node) {
            parts.append(Part(node: node, heading: nil))
        }
        return parts
    }

    /// Records what cross-references to clauses, annexes, tables and figures read ("clause 2.1", "Annex A").
    private mutating func indexLabels(_ parts: [Part]) {
        var tables = 0
        var figures = 0
        func visit(_ node: XMLNode, number: String?) {
            var counter = 0
            for child in node.children where child.kind == .element && child.name != "bibitem" {
                if Self.clauses.contains(child.name) || child.name == "term" {
                    let childNumber = Self.childNumber(of: child, parent: number, counter: &counter)
                    if let id = child.attribute("id"), let childNumber { labels[id] = "clause \(childNumber)" }
                    visit(child, number: childNumber)
                } else {
                    if child.name == "table" || child.name == "figure" {
                        if child.name == "table" { tables += 1 } else { figures += 1 }
                        if let id = child.attribute("id") {
                            labels[id] = child.name == "table" ? "Table \(tables)" : "Figure \(figures)"
                        }
                    }
                    visit(child, number: nil)
                }
            }
        }
        for part in parts {
            if let id = part.node.attribute("id"), let heading = part.heading {
                labels[id] = heading.first?.isNumber == true ? "clause \(heading)" : heading
            }
            visit(part.node, number: Self.numberPrefix(part.heading))
        }
    }

    /// "2" → "2", "Annex A" → "A", "Appendix IV" → "IV".
    private static func numberPrefix(_ heading: String?) -> String? {
        heading.map { $0.split(separator: " ").last.map(String.init) ?? $0 }
    }

    /// The number of a clause below a numbered parent ("2.3"), counting only numbered siblings.
    private static func childNumber(of child: XMLNode, parent: String?, counter: inout Int) -> String? {
        guard let parent, child.attribute("unnumbered") != "true" else { return nil }
        counter += 1
        return "\(parent).\(counter)"
    }

    private static func roman(_ number: Int) -> String {
        let values = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
        var value = number
        var out = ""
        for (amount, symbol) in values {
            while value >= amount {
                out += symbol
                value -= amount
            }
        }
        return out
    }

    // MARK: Clauses

    /// A clause: its heading ("2.1 Title", "Annex A – Title"), then its content; `heading` is the part label
    /// for top-level parts.
    private mutating func clause(_ node: XMLNode, level: Int, heading: String?, number: String?) {
        if node.name == "term" {
            term(node, number: number)
            return
        }
        let label = heading ?? number
        let outerLevel = clauseLevel
        clauseLevel = level
        defer { clauseLevel = outerLevel }
        if let title = node.element("title") {
            flow.begin(.init(kind: .heading, level: level, sourceLine: title.line, atomic: true))
            // "2.1 Title", but "Annex A – Title" for a part named by a word.
            if let label { flow.text(label + (label.contains(" ") ? " – " : " "), line: title.line) }
            walkChildren(title)
            flow.end()
        } else if let label {
            // A clause without a title: its number starts its first paragraph ("1.2 In accordance with...").
            flow.boundary()
            flow.setCarry(label, line: node.line)
        }
        var counter = 0
        for child in node.children {
            if child.kind == .element, Self.clauses.contains(child.name) || child.name == "term" {
                clause(child, level: level + 1, heading: nil,
                       number: Self.childNumber(of: child, parent: number, counter: &counter))
            } else if child.kind == .element, child.name == "title" {
                continue
            } else {
                walk(child, parentLine: node.line)
                if child.kind == .element { flow.emitDeferred() }
            }
        }
        flow.boundary()
        flow.emitDeferred()
    }

    /// "3.1.1 local clock [b-ITU-T X.743]: The collection of hardware and software..."
    private mutating func term(_ node: XMLNode, number: String?) {
        let designations = node.elements("preferred").map(Self.designation).filter { !$0.isEmpty }
        let sources = node.elements("termsource").compactMap { source -> String? in
            guard let origin = source.element("origin") else { return nil }
            let cite = origin.attribute("citeas") ?? FlowBuilder.collapse(origin.textContent)
            guard !cite.isEmpty else { return nil }
            return cite.hasPrefix("[") ? cite : "[\(cite)]"
        }
        var label = [number, designations.first].compactMap { $0 }.joined(separator: " ")
        if !sources.isEmpty { label += " " + sources.joined(separator: " ") }
        flow.boundary()
        flow.setCarry(label + ":", line: node.line)
        let admitted = node.elements("admitted").map(Self.designation).filter { !$0.isEmpty }
        if designations.count > 1 || !admitted.isEmpty {
            flow.block((designations.dropFirst() + admitted).joined(separator: "; "),
                       .init(kind: .paragraph, sourceLine: node.line))
        }
        for child in node.children where child.kind == .element {
            switch child.name {
            case "definition":
                walk(child, parentLine: node.line)
            case "termnote":
                note(child, label: "NOTE –")
            case "termexample":
                note(child, label: "EXAMPLE –")
            default:
                continue
            }
            flow.emitDeferred()
        }
        flow.finishCarry(line: node.line)
    }

    /// The text of a `<preferred>` or `<admitted>` designation.
    private static func designation(_ node: XMLNode) -> String {
        if let name = node.element("expression")?.element("name") { return FlowBuilder.collapse(name.textContent) }
        return FlowBuilder.collapse(node.textContent)
    }

    private mutating func note(_ node: XMLNode, label: String) {
        flow.boundary()
        flow.setCarry(label, line: node.line)
        walkChildren(node, skipping: "name")
        flow.finishCarry(line: node.line)
        flow.boundary()
    }

    // MARK: Content

    private mutating func walkChildren(_ node: XMLNode, skipping skipped: String? = nil) {
        for child in node.children where !(child.kind == .element && child.name == skipped) {
            walk(child, parentLine: node.line)
        }
    }

    private mutating func walk(_ node: XMLNode, parentLine: Int?) {
        if node.kind == .text {
            flow.text(node.text, line: FlowBuilder.startLine(of: node, parentLine: parentLine))
            return
        }
        let line = node.line
        if node.name.hasPrefix("fmt-") { return }
        if Self.clauses.contains(node.name) || node.name == "term" {
            clause(node, level: clauseLevel + 1, heading: nil, number: nil)
            return
        }
        switch node.name {
        case "p", "floating-title", "formula":
            flow.beginParagraph(line: line, kind: node.name == "floating-title" ? .heading : .paragraph)
            walkChildren(node)
            flow.endParagraph()
        case "ul", "ol":
            flow.boundary()
            listDepth += 1
            walkChildren(node)
            listDepth -= 1
            flow.boundary()
        case "li":
            flow.begin(.init(kind: .listItem, level: max(1, listDepth), sourceLine: line, atomic: true))
            walkChildren(node)
            flow.end()
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
            if let name = node.element("name") {
                flow.block(FlowBuilder.collapse(name.textContent), .init(kind: .paragraph, sourceLine: name.line))
            }
            flow.beginTable()
            for child in node.children where child.kind == .element && child.name != "name" && child.name != "note" {
                walk(child, parentLine: line)
            }
            flow.endTable()
            for child in node.elements("note") { note(child, label: "NOTE –") }
            flow.emitDeferred()
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
            flow.boundary()
            walkChildren(node, skipping: "name")
            if let name = node.element("name") {
                flow.block(FlowBuilder.collapse(name.textContent), .init(kind: .paragraph, sourceLine: name.line))
            }
        case "sourcecode", "pre":
            flow.begin(.init(kind: .code, sourceLine: line, atomic: true, preserve: true))
            for child in node.children where !(child.kind == .element && ["name", "callout", "annotation"]
                .contains(child.name)) {
                walk(child, parentLine: line)
            }
            flow.end()
        case "note":
            note(node, label: "NOTE –")
        case "example":
            note(node, label: "EXAMPLE –")
        case "admonition":
            note(node, label: (node.attribute("type") ?? "note").uppercased() + " –")
        case "bibitem":
            bibitem(node)
        case "eref", "origin":
            flow.text(citation(node), line: line)
        case "xref":
            let content = FlowBuilder.collapse(node.textContent)
            let target = node.attribute("target") ?? ""
            flow.text(content.isEmpty ? labels[target] ?? "[\(target)]" : content, line: line)
        case "link":
            let content = FlowBuilder.collapse(node.textContent)
            flow.text(content.isEmpty ? node.attribute("target") ?? "" : content, line: line)
        case "fn":
            flow.deferBlock(node.children.map(plainText).joined(), line: line)
        case "concept":
            if let rendered = node.element("renderterm") { walkChildren(rendered) } else { walkChildren(node) }
        case "br":
            flow.lineBreak()
        case "tab":
            flow.space()
        case "bookmark", "index", "index-xref", "review", "variant-title", "metanorma-extension", "bibdata", "image",
             "svg", "callout", "annotation", "toc", "title", "name", "semx", "localized-strings",
             "presentation-metadata", "termsource", "source":
            break
        default:
            walkChildren(node)
        }
    }

    /// Inline content as a string (footnotes): links and citations rendered, paragraphs separated.
    private func plainText(_ node: XMLNode) -> String {
        if node.kind == .text { return node.text }
        switch node.name {
        case "link":
            let content = FlowBuilder.collapse(node.textContent)
            return content.isEmpty ? node.attribute("target") ?? "" : content
        case "eref", "origin":
            return citation(node)
        case "xref":
            let content = FlowBuilder.collapse(node.textContent)
            return content.isEmpty ? labels[node.attribute("target") ?? ""] ?? "" : content
        case "bookmark", "index", "review", "fn":
            return ""
        case "p", "br", "tab":
            return " " + node.children.map(plainText).joined() + " "
        default:
            return node.children.map(plainText).joined()
        }
    }

    /// An `<eref>` or `<origin>`: its own text, else `citeas` followed by its locality ("clause 6").
    private func citation(_ node: XMLNode) -> String {
        let ownText = node.children.filter { $0.kind == .text || $0.name != "localityStack" && $0.name != "locality" }
            .map(\.textContent).joined()
        let content = FlowBuilder.collapse(ownText)
        if !content.isEmpty { return content }
        var text = node.attribute("citeas") ?? "[\(node.attribute("bibitemid") ?? "")]"
        let localities = (node.elements("localityStack").flatMap { $0.elements("locality") }
            + node.elements("locality")).compactMap { locality -> String? in
                guard let from = locality.element("referenceFrom") else { return nil }
                var item = (locality.attribute("type") ?? "clause") + " " + FlowBuilder.collapse(from.textContent)
                if let to = locality.element("referenceTo") { item += "-" + FlowBuilder.collapse(to.textContent) }
                return item
            }
        if !localities.isEmpty { text += ", " + localities.joined(separator: ", ") }
        return text
    }

    /// A bibliography entry: "[label] identifiers, title", named by its id.
    private mutating func bibitem(_ node: XMLNode) {
        guard node.attribute("hidden") != "true" else { return }
        let identifiers = node.elements("docidentifier")
        let display = identifiers.first { $0.attribute("type") == "metanorma" }
            .map { FlowBuilder.collapse($0.textContent) }
        let id = node.attribute("id") ?? ""
        var label = display ?? id
        if label.hasPrefix("["), label.hasSuffix("]") { label = String(label.dropFirst().dropLast()) }
        var parts: [String] = []
        for identifier in identifiers where !(identifier.attribute("type") ?? "").hasPrefix("metanorma") {
            let value = FlowBuilder.collapse(identifier.textContent)
            if !value.isEmpty, !parts.contains(value) { parts.append(value) }
        }
        let titles = node.elements("title")
        let title = titles.first { $0.attribute("type") == "main" } ?? titles.first
        if let title = title.map({ FlowBuilder.collapse($0.textContent) }), !title.isEmpty {
            parts.append(title)
        } else if let formatted = node.element("formattedref").map({ FlowBuilder.collapse($0.textContent) }),
                  !formatted.isEmpty {
            parts.append(formatted)
        }
        let text = (label.isEmpty ? "" : "[\(label)] ") + parts.joined(separator: ", ")
        flow.block(text, .init(kind: .reference, sourceLine: node.line, name: id.isEmpty ? nil : id))
    }
}
