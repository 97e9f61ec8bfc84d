import CLibXML2
import Foundation

/// A parsed XML or HTML node, as plain Swift values: the only file that touches libxml2 turns its trees into
/// these, so readers never see C pointers.
public struct XMLNode: Sendable {
    /// Element, text or CDATA.
    public enum Kind: Sendable { case element, text }

    /// What the node is.
    public var kind: Kind
    /// Local element name (no prefix), lowercased for HTML.
    public var name: String
    /// Namespace URI of the element, when it has one.
    public var namespace: String?
    /// Attributes by local name, in document order.
    public var attributes: [(name: String, value: String)]
    /// Child nodes in document order.
    public var children: [XMLNode]
    /// Text content, for text nodes.
    public var text: String
    /// Line in the source file.
    public var line: Int

    /// The value of attribute `name` (local name).
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Child elements named `name`.
    public func elements(_ name: String) -> [XMLNode] {
        children.filter { $0.kind == .element && $0.name == name }
    }

    /// The first child element named `name`.
    public func element(_ name: String) -> XMLNode? {
        children.first { $0.kind == .element && $0.name == name }
    }

    /// All text below this node, concatenated.
    public var textContent: String {
        if kind == .text { return text }
        var out = ""
        for child in children { out += child.textContent }
        return out
    }
}

/// Events of libxml2's streaming reader (`xmlTextReader`), for large documents such as DOCX bodies.
public enum XMLStreamEvent {
    /// An element starts: local name, namespace URI, attributes (local name, namespace URI, value), depth.
    case start(name: String, namespace: String?, attributes: [(name: String, namespace: String?, value: String)],
               depth: Int)
    /// An element ends (also sent for empty elements).
    case end(name: String, namespace: String?, depth: Int)
    /// Text, CDATA or significant white space.
    case text(String)
}

/// libxml2 behind Swift types: DOM parsing for XML and HTML, and the streaming reader.
public enum LibXML {
    private static let initialized: Bool = {
        xmlInitParser()
        return true
    }()

    /// Parses well-formed XML without network access, DTD loading or entity expansion. Throws an error
    /// naming the line and libxml2's message when the document is malformed or nested deeper than the limit.
    public static func parseXML(_ data: Data, limits: IngestLimits, format: String = "xml") throws(IngestError)
        -> XMLNode {
        _ = initialized
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_NOCDATA.rawValue)
        return try parse(data, limits: limits, format: format) { context, pointer, count in
            xmlCtxtReadMemory(context, pointer, count, nil, nil, options)
        }
    }

    /// Parses HTML in recovery mode, without network access. Only an empty or unparseable input throws.
    /// `encoding` overrides libxml2's own detection (a BOM or `<meta charset>`, else ISO-8859-1).
    public static func parseHTML(_ data: Data, limits: IngestLimits, encoding: String? = nil) throws(IngestError)
        -> XMLNode {
        _ = initialized
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue
            | HTML_PARSE_NOWARNING.rawValue | HTML_PARSE_NOBLANKS.rawValue)
        return try parse(data, limits: limits, format: "html", html: true) { context, pointer, count in
            htmlCtxtReadMemory(context, pointer, count, nil, encoding, options)
        }
    }

    private static func parse(
        _ data: Data, limits: IngestLimits, format: String, html: Bool = false,
        read: (xmlParserCtxtPtr, UnsafePointer<CChar>, Int32) -> xmlDocPtr?
    ) throws(IngestError) -> XMLNode {
        guard data.count < Int32.max else {
            throw IngestError("ingest.\(format).too-large", "\(format.uppercased()) document is too large to parse")
        }
        let context: xmlParserCtxtPtr? = html ? htmlNewParserCtxt() : xmlNewParserCtxt()
        guard let context else { throw IngestError("ingest.\(format).parser", "libxml2 parser could not start") }
        defer { html ? htmlFreeParserCtxt(context) : xmlFreeParserCtxt(context) }
        let document = data.withUnsafeBytes { buffer -> xmlDocPtr? in
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: CChar.self) else { return nil }
            return read(context, base, Int32(buffer.count))
        }
        if !html, context.pointee.wellFormed == 0 || document == nil {
            if let document { xmlFreeDoc(document) }
            throw malformed(context, format: format)
        }
        guard let document, let root = xmlDocGetRootElement(document) else {
            if let document { xmlFreeDoc(document) }
            throw IngestError("ingest.\(format).empty", "\(format.uppercased()) document has no root element")
        }
        defer { xmlFreeDoc(document) }
        // Only entity expansion can make more nodes than the input has bytes (a "billion laughs" document).
        var nodeBudget = data.count + 1_000_000
        return try convert(root, depth: 0, limits: limits, format: format, html: html, budget: &nodeBudget)
    }

    private static func malformed(_ context: xmlParserCtxtPtr, format: String) -> IngestError {
        let error = context.pointee.lastError
        let message = error.message.map { String(cString: $0).trimmingCharacters(in: .whitespacesAndNewlines) }
            ?? "not well-formed"
        return IngestError("ingest.\(format).malformed", "\(format.uppercased()) is not well-formed: \(message)",
                           line: error.line > 0 ? Int(error.line) : nil,
                           column: error.int2 > 0 ? Int(error.int2) : nil)
    }

    private static func convert(_ node: xmlNodePtr, depth: Int, limits: IngestLimits, format: String,
                                html: Bool, budget: inout Int, line: Int? = nil) throws(IngestError) -> XMLNode {
        if depth > limits.maxNestingDepth {
            throw IngestError("ingest.\(format).too-deep",
                              "\(format.uppercased()) elements nest deeper than \(limits.maxNestingDepth) levels",
                              explanation: "Raise limits.max_nesting_depth in the pipeline file if the document is genuine.",
                              line: Int(xmlGetLineNo(node)))
        }
        var name = node.pointee.name.map { String(cString: $0) } ?? ""
        if html { name = name.lowercased() }
        let namespace = node.pointee.ns?.pointee.href.map { String(cString: $0) }
        var attributes: [(name: String, value: String)] = []
        var attribute = node.pointee.properties
        while let current = attribute {
            let attributeName = current.pointee.name.map { String(cString: $0) } ?? ""
            var value = ""
            if let content = xmlNodeListGetString(node.pointee.doc, current.pointee.children, 1) {
                value = String(cString: content)
                lstrace_xmlFree(content)
            }
            attributes.append((html ? attributeName.lowercased() : attributeName, value))
            attribute = current.pointee.next
        }
        var children: [XMLNode] = []
        try convertChildren(node.pointee.children, into: &children, depth: depth, limits: limits, format: format,
                            html: html, budget: &budget, line: line)
        return XMLNode(kind: .element, name: name, namespace: namespace, attributes: attributes, children: children,
                       text: "", line: line ?? Int(xmlGetLineNo(node)))
    }

    /// Converts a sibling list. A reference to an entity declared in the document's internal DTD subset is
    /// replaced by the entity's parsed content (its nodes get the reference's line); external entities are never
    /// loaded (no XXE), so their references are dropped. `line`, when given, overrides every node's line.
    private static func convertChildren(_ first: xmlNodePtr?, into children: inout [XMLNode], depth: Int,
                                        limits: IngestLimits, format: String, html: Bool,
                                        budget: inout Int, line: Int? = nil) throws(IngestError) {
        var child = first
        while let current = child {
            budget -= 1
            if budget < 0 {
                throw IngestError("ingest.\(format).entity-expansion",
                                  "\(format.uppercased()) entities expand to far more nodes than the file holds",
                                  line: Int(xmlGetLineNo(current)))
            }
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                children.append(try convert(current, depth: depth + 1, limits: limits, format: format, html: html,
                                            budget: &budget, line: line))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content {
                    children.append(XMLNode(kind: .text, name: "", namespace: nil, attributes: [], children: [],
                                            text: String(cString: content), line: line ?? Int(xmlGetLineNo(current))))
                }
            case XML_ENTITY_REF_NODE:
                // libxml2 points an entity reference's `children` at the entity declaration.
                let entity = UnsafeMutableRawPointer(current.pointee.children)?.assumingMemoryBound(to: xmlEntity.self)
                if let entity, entity.pointee.etype == XML_INTERNAL_GENERAL_ENTITY {
                    try convertChildren(entity.pointee.children, into: &children, depth: depth, limits: limits,
                                        format: format, html: html, budget: &budget,
                                        line: line ?? Int(xmlGetLineNo(current)))
                }
            default:
                break
            }
            child = current.pointee.next
        }
    }

    /// Streams an XML document through libxml2's `xmlTextReader`, calling `handle` for each event. Throws on
    /// malformed XML or nesting deeper than the limit.
    public static func stream(_ data: Data, limits: IngestLimits, format: String,
                              _ handle: (XMLStreamEvent) -> Void) throws(IngestError) {
        _ = initialized
        guard data.count < Int32.max else {
            throw IngestError("ingest.\(format).too-large", "\(format.uppercased()) part is too large to parse")
        }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_NOCDATA.rawValue)
        let failure: IngestError? = data.withUnsafeBytes { buffer -> IngestError? in
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: CChar.self),
                  let reader = xmlReaderForMemory(base, Int32(buffer.count), nil, nil, options) else {
                return IngestError("ingest.\(format).malformed", "\(format.uppercased()) part is empty or unreadable")
            }
            defer { xmlFreeTextReader(reader) }
            while true {
                let status = xmlTextReaderRead(reader)
                if status == 0 { return nil }
                if status < 0 {
                    let line = Int(xmlTextReaderGetParserLineNumber(reader))
                    let column = Int(xmlTextReaderGetParserColumnNumber(reader))
                    return IngestError("ingest.\(format).malformed", "\(format.uppercased()) part is not well-formed",
                                       line: line > 0 ? line : nil, column: column > 0 ? column : nil)
                }
                let depth = Int(xmlTextReaderDepth(reader))
                if depth > limits.maxNestingDepth {
                    return IngestError("ingest.\(format).too-deep",
                                       "\(format.uppercased()) elements nest deeper than \(limits.maxNestingDepth) levels")
                }
                switch xmlTextReaderNodeType(reader) {
                case 1: // element
                    let name = string(xmlTextReaderConstLocalName(reader))
                    let namespace = optionalString(xmlTextReaderConstNamespaceUri(reader))
                    let empty = xmlTextReaderIsEmptyElement(reader) == 1
                    var attributes: [(name: String, namespace: String?, value: String)] = []
                    if xmlTextReaderHasAttributes(reader) == 1 {
                        while xmlTextReaderMoveToNextAttribute(reader) == 1 {
                            attributes.append((string(xmlTextReaderConstLocalName(reader)),
                                               optionalString(xmlTextReaderConstNamespaceUri(reader)),
                                               string(xmlTextReaderConstValue(reader))))
                        }
                        xmlTextReaderMoveToElement(reader)
                    }
                    handle(.start(name: name, namespace: namespace, attributes: attributes, depth: depth))
                    if empty { handle(.end(name: name, namespace: namespace, depth: depth)) }
                case 15: // end element
                    handle(.end(name: string(xmlTextReaderConstLocalName(reader)),
                                namespace: optionalString(xmlTextReaderConstNamespaceUri(reader)), depth: depth))
                case 3, 4, 14: // text, CDATA, significant white space
                    handle(.text(string(xmlTextReaderConstValue(reader))))
                default:
                    break
                }
            }
        }
        if let failure { throw failure }
    }

    private static func string(_ pointer: UnsafePointer<xmlChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    private static func optionalString(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
