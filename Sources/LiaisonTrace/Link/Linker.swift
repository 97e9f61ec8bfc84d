import Foundation

/// The records of a batch, in order, read as many times as linking needs: an array, or a file they were written to
/// as they came (`RecordSpill`).
public protocol RecordStream {
    /// Calls `body` with every record, in order.
    func forEachRecord(_ body: (DocumentRecord) -> Void)
    /// Calls `body` with every record's source, header and references (the rest may be left empty), in order: what
    /// the passes that resolve names read.
    func forEachHeader(_ body: (DocumentRecord) -> Void)
}

extension RecordStream {
    public func forEachHeader(_ body: (DocumentRecord) -> Void) {
        forEachRecord(body)
    }
}

extension Array: RecordStream where Element == DocumentRecord {
    public func forEachRecord(_ body: (DocumentRecord) -> Void) {
        for record in self { body(record) }
    }
}

/// The linking stage: joins the records of a batch into one traceability graph. Documents known under several
/// designations become one node (the others are alias nodes with `alias-of` edges); references resolve to
/// documents in the batch or to nodes marked not in corpus; every node and edge keeps its provenance.
public struct Linker: Sendable {
    /// Creates the stage.
    public init() {}

    /// The graph of `records`.
    public func link(_ records: [DocumentRecord]) -> TraceGraph {
        var diagnostics: [Diagnostic] = []
        return link(records, diagnostics: &diagnostics)
    }

    /// The graph of `records`; ambiguous title matches become diagnostics (`link.ambiguous-title`).
    public func link(_ records: [DocumentRecord], diagnostics: inout [Diagnostic]) -> TraceGraph {
        link(records: records, diagnostics: &diagnostics)
    }

    /// The graph of the records `records` gives, read in four passes (so that they need not all be in memory).
    func link(records: some RecordStream, diagnostics: inout [Diagnostic]) -> TraceGraph {
        var graph = unfinishedGraph(records: records, diagnostics: &diagnostics)
        // The linker's tables (names, titles, the header of every document) are gone by now: their memory goes back
        // to the system before the graph's places are grouped, the peak of a run.
        Memory.giveBackFreedPages()
        graph.finish()
        return graph
    }

    /// The graph of `records`, before `finish`.
    private func unfinishedGraph(records: some RecordStream, diagnostics: inout [Diagnostic]) -> TraceGraph {
        var headers: [DocumentRecord] = []
        let (aliases, inferred) = aliasTable(records, headers: &headers, diagnostics: &diagnostics)
        let resolution = aliases.resolution()
        func id(_ name: String) -> String { resolution.id(name) }
        var graph = TraceGraph()
        var recordNode: [String: String] = [:]
        var sourcesOf: [String: [String]] = [:]

        // The standards body of the designations that inferred replies make nodes of (only those: every cited
        // designation of a large batch would be a large table).
        let answering = Set(inferred.answers.map { id($0.0) })
        var sdoOfCited: [String: String] = [:]
        if !answering.isEmpty {
            records.forEachHeader { record in
                for reference in record.references {
                    guard let sdo = reference.sdo else { continue }
                    let cited = id(reference.id)
                    if answering.contains(cited), sdoOfCited[cited] == nil { sdoOfCited[cited] = sdo }
                }
            }
        }
        // Documents in the batch.
        var firstWithID: [String: DocumentRecord] = [:]
        for record in headers {
            if let primary = record.document.ids.first {
                if let first = firstWithID[primary] {
                    diagnostics += Self.disagreement(of: record, with: first)
                } else {
                    var header = record
                    header.source.copies = nil
                    firstWithID[primary] = header
                }
            }
            let node = id(Self.primaryID(record))
            recordNode[record.source.path] = node
            let header = record.document
            let attributes: [String: JSONValue] = [
                "in_corpus": true, "doc_kind": .string(header.kind.rawValue), "sdo": .optional(header.sdo),
                "title": .optional(header.title), "date": .optional(header.date), "deadline": .optional(header.deadline),
                "format": .string(record.source.format.rawValue),
            ]
            sourcesOf[node, default: []] += [record.source.path] + (record.source.copies ?? [])
            let name = header.ids.isEmpty ? (record.source.path as NSString).lastPathComponent : node
            graph.add(TraceNode(id: node, label: Self.label(name, title: header.title), kind: .document,
                                attributes: attributes,
                                provenance: [GraphProvenance(document: record.source.path, line: 1, rule: "document")]),
                      overwrite: Self.primaryID(record) == node)
        }
        headers = []
        firstWithID = [:]
        // Every file of each document: the files read and their copies.
        for (node, sources) in sourcesOf {
            graph.set("sources", .strings(Array(Set(sources)).sorted()), of: node)
        }
        sourcesOf = [:]
        // Alias nodes.
        for (chosen, names) in resolution.sets {
            for name in names where name != chosen {
                graph.add(TraceNode(id: name, label: name, kind: .alias, attributes: ["alias_of": .string(chosen)]))
                graph.add(TraceEdge(source: name, target: chosen, relation: .aliasOf,
                                    provenance: inferred.aliasProvenance[name] ?? []))
            }
        }
        // The names of the attribute keys, interned once: most of the graph's nodes and edges are added by pool numbers.
        let keys = AttributeKeys(&graph)
        // Replies known only by the title a later reply cites ("Reply LS on T" answers "LS on T").
        for (source, target, provenance) in inferred.answers {
            let from = id(source)
            let to = id(target)
            guard from != to else { continue }
            let place = graph.place(provenance)
            addMissingDocument(from, kind: "liaison", sdo: sdoOfCited[from], at: place, keys: keys, to: &graph)
            graph.add(TraceEdge(source: from, target: to, relation: .respondsTo,
                                attributes: ["reason": "cited title \"Reply LS on …\" answers this liaison's title"],
                                provenance: [provenance]))
        }
        sdoOfCited = [:]
        // The tables of the first pass are gone: their memory goes back before the pass that builds most of the graph.
        Memory.giveBackFreedPages()
        records.forEachRecord { record in
            // The record's names, interned once.
            let sourceName = recordNode[record.source.path]!
            let source = graph.intern(sourceName)
            let path = graph.intern(record.source.path)
            let header = record.document
            // Every reference's node, resolved once: the mention of a target is looked up among them.
            let cited = record.references.map { id($0.id) }
            func firstMention(of target: String) -> Reference? {
                cited.firstIndex(of: target).map { record.references[$0] }
            }
            func place(line: Int? = nil, column: Int? = nil, text: String? = nil, rule: String) -> GraphStorage.Place {
                GraphStorage.Place(document: path, line: line.map(Int32.init) ?? GraphStorage.Place.none,
                                   column: column.map(Int32.init) ?? GraphStorage.Place.none,
                                   text: text.map { graph.intern($0) } ?? -1, rule: graph.intern(rule))
            }
            func place(_ item: some Located, text: String? = nil) -> GraphStorage.Place {
                place(line: item.line, column: item.column, text: text, rule: item.rule)
            }
            func group(_ name: String) -> Int32 {
                let number = graph.intern(name)
                if graph.kind(ofPooled: number) == nil {
                    graph.add(node: number, kind: .group, label: number,
                              attributes: [graph.attribute(keys.body, Self.body(of: name))])
                }
                return number
            }
            func missingDocument(_ name: String, kind: String, sdo: String?, place: GraphStorage.Place) -> Int32 {
                addMissingDocument(name, kind: kind, sdo: sdo, at: place, keys: keys, to: &graph)
            }
            /// A requirement, action or scope node of the document and the `states` edge to it.
            @discardableResult
            func statement(_ kind: NodeKind, _ index: Int, label: String, _ attributes: [GraphStorage.Attribute],
                           at place: GraphStorage.Place) -> Int32 {
                let node = graph.intern("\(sourceName)/\(kind.rawValue)/\(index + 1)")
                graph.add(node: node, kind: kind, label: graph.intern(label), attributes: attributes, place: place)
                graph.add(edge: source, to: node, relation: .states, place: place)
                return node
            }
            for name in header.from {
                graph.add(edge: source, to: group(name), relation: .sentBy, place: place(text: name, rule: "header.from"))
            }
            for addressee in header.to {
                let purpose = graph.intern(addressee.purpose.rawValue)
                graph.add(edge: source, to: group(addressee.group), relation: .addressedTo, purpose: purpose,
                          attributes: [.init(key: keys.purpose, tag: .string, payload: purpose)],
                          place: place(text: addressee.group, rule: "header.to"))
            }
            for answered in header.respondsTo {
                let name = id(answered)
                let mention = firstMention(of: name)
                let target = missingDocument(name, kind: mention?.kind.rawValue ?? "liaison", sdo: mention?.sdo,
                                             place: place(rule: "header.responds-to"))
                graph.add(edge: source, to: target, relation: .respondsTo,
                          place: place(line: mention?.line, column: mention?.column, text: answered,
                                       rule: "header.responds-to"))
            }
            for (reference, name) in zip(record.references, cited) {
                if name == sourceName { continue }
                let at = place(reference, text: reference.text)
                let target = missingDocument(name, kind: reference.kind.rawValue, sdo: reference.sdo, place: at)
                graph.add(edge: source, to: target, relation: .references, place: at)
            }
            for (index, requirement) in record.requirements.enumerated() {
                statement(.requirement, index, label: requirement.id ?? Self.short(requirement.text),
                          [graph.attribute(keys.modality, requirement.modality.rawValue),
                           graph.attribute(keys.keyword, requirement.keyword), graph.attribute(keys.text, requirement.text),
                           graph.attribute(keys.number, requirement.id)],
                          at: place(requirement))
            }
            for (index, action) in record.actions.enumerated() {
                let at = place(action)
                let node = statement(.action, index, label: Self.short(action.text),
                                     [graph.attribute(keys.to, json: .strings(action.to)), graph.attribute(keys.text, action.text),
                                      graph.attribute(keys.deadline, action.deadline)],
                                     at: at)
                for name in action.to {
                    graph.add(edge: node, to: group(name), relation: .addressedTo, purpose: keys.actionPurpose.payload,
                              attributes: [keys.actionPurpose], place: at)
                }
            }
            for (index, scope) in record.scopes.enumerated() {
                let subjectName = scope.subject.map(id) ?? sourceName
                let at = place(scope)
                let node = statement(.scope, index, label: "\(scope.polarity.rawValue): \(Self.short(scope.text))",
                                     [graph.attribute(keys.polarity, scope.polarity.rawValue),
                                      graph.attribute(keys.subject, subjectName), graph.attribute(keys.text, scope.text)],
                                     at: at)
                if subjectName != sourceName {
                    let mention = firstMention(of: subjectName)
                    let subject = missingDocument(subjectName, kind: mention?.kind.rawValue ?? "document", sdo: mention?.sdo,
                                                  place: place(line: scope.line, rule: scope.rule))
                    graph.add(edge: node, to: subject, relation: .scopeOf, place: at)
                }
            }
            for relation in record.relations {
                let kind = relation.kind
                let subjectName = relation.subject.map(id) ?? sourceName
                let at = place(relation, text: Self.short(relation.text, limit: 120))
                let targetName: String
                if kind == .approvedAt {
                    targetName = relation.object
                    meeting(targetName, date: relation.meetingDate, at: at, keys: keys, to: &graph)
                } else {
                    targetName = id(relation.object)
                    let mention = firstMention(of: targetName)
                    _ = missingDocument(targetName, kind: mention?.kind.rawValue ?? "document", sdo: mention?.sdo, place: at)
                }
                if subjectName != sourceName {
                    let mention = firstMention(of: subjectName)
                    _ = missingDocument(subjectName, kind: mention?.kind.rawValue ?? "document", sdo: mention?.sdo, place: at)
                }
                guard subjectName != targetName else { continue }
                graph.add(edge: graph.intern(subjectName), to: graph.intern(targetName), relation: kind.traceRelation,
                          place: at)
            }
            for mention in record.meetings {
                let at = place(mention, text: mention.text)
                let meeting = meeting(mention.id, date: nil, at: at, keys: keys, to: &graph)
                graph.add(edge: mention.tdoc.map { graph.intern(id($0)) } ?? source, to: meeting, relation: .presentedAt,
                          place: at)
            }
            if let parent = record.attachedTo, let parentNode = recordNode[parent], parentNode != sourceName {
                graph.add(edge: source, to: graph.intern(parentNode), relation: .attachedTo,
                          place: place(rule: "ingest.attachment"))
            }
        }
        Self.markResolution(&graph)
        return graph
    }

    /// Every `references` and `responds-to` edge says how its target resolved: `resolved` (a document of the
    /// batch, named by its first `reasonSources` files; the node's `sources` lists them all), `not-in-corpus`; with
    /// the reason.
    static func markResolution(_ graph: inout TraceGraph) {
        graph.markResolution(reasonSources: reasonSources)
    }

    /// Documents that carry the same primary designation (a .doc and its text rendering, a .docx and its PDF) are one
    /// node; when their headers say different things, an `id.duplicate` warning names the fields. A field one of
    /// them lacks is no disagreement; text is compared without case and runs of white space.
    static func disagreement(of record: DocumentRecord, with first: DocumentRecord) -> [Diagnostic] {
        func normalized(_ text: String?) -> String? {
            guard let text else { return nil }
            let flat = text.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
            return flat.isEmpty ? nil : flat
        }
        func list(_ values: [String]) -> String? { normalized(values.joined(separator: ", ")) }
        let (a, b) = (record.document, first.document)
        let fields: [(String, String?, String?)] = [
            ("kind", a.kind == .other ? nil : a.kind.rawValue, b.kind == .other ? nil : b.kind.rawValue),
            ("title", normalized(a.title), normalized(b.title)), ("date", a.date, b.date),
            ("deadline", a.deadline, b.deadline), ("from", list(a.from), list(b.from)),
            ("to", list(a.to.map { "\($0.group) (\($0.purpose))" }), list(b.to.map { "\($0.group) (\($0.purpose))" })),
            ("responds to", list(a.respondsTo), list(b.respondsTo)),
        ]
        let differing = fields.compactMap { name, here, there -> String? in
            guard let here, let there, here != there else { return nil }
            return "\(name) '\(here)' here, '\(there)' there"
        }
        guard !differing.isEmpty, let id = a.ids.first else { return [] }
        return [Diagnostic(.idDuplicate, "\(id) is also the designation of \(first.source.path), whose header differs: "
                               + differing.joined(separator: "; "),
                           at: DiagnosticLocation(path: record.source.path, line: 1, column: 1), subject: id)]
    }

    /// `ids` joined with commas, the first `listedIDs` of them and how many more (a title a thousand documents carry
    /// would otherwise make a warning of a thousand ids, for every citation of it).
    static func listed(_ ids: [String]) -> String {
        guard ids.count > listedIDs else { return ids.joined(separator: ", ") }
        return ids.prefix(listedIDs).joined(separator: ", ") + " and \(ids.count - listedIDs) more"
    }

    /// How many ids a warning lists.
    static let listedIDs = 10

    /// How many of a document's files a `resolved` reason names (a document arriving many times would otherwise make
    /// every edge to it as long as the list of its files).
    static let reasonSources = 3

    /// The document's node id before alias resolution: its primary designation, or its path when it has none.
    public static func primaryID(_ record: DocumentRecord) -> String {
        record.document.ids.first ?? record.source.path
    }

    /// What the titles cited in replies tell: aliases (with where they were found) and inferred replies.
    struct Inferred {
        var aliasProvenance: [String: [GraphProvenance]] = [:]
        var answers: [(String, String, GraphProvenance)] = []
    }

    /// The alias table of `records` and what the titles cited in replies tell; `headers` gets the source and header
    /// of every record (without its references), which the pass that makes document nodes reads: so the records are
    /// read twice in all (three times when titles infer replies), not four times.
    func aliasTable(_ records: some RecordStream, headers: inout [DocumentRecord], diagnostics: inout [Diagnostic])
        -> (AliasTable, Inferred) {
        var table = AliasTable()
        var inferred = Inferred()
        var titles = TitleMatcher()
        // The references cited with a title, with the record (in `headers`) that cites each.
        var titled: [(record: Int, reference: Reference)] = []
        records.forEachHeader { record in
            let index = headers.count
            let primary = Self.primaryID(record)
            // When several batch documents turn out to be one (an LS and its registration at another group),
            // the one that says most about itself names the node.
            table.prefer(primary, rank: (8 - Self.completeness(record)) * 1_000_000 + index)
            for other in record.document.ids.dropFirst() { table.union(primary, other) }
            for set in record.document.aliases ?? [] {
                for other in set.dropFirst() { table.union(set[0], other) }
            }
            for reference in record.references {
                if let alias = reference.qualifiers?["alias"] {
                    table.union(reference.id, alias)
                    // Prefer the non-transposed name of a specification known under two numbering schemes.
                    table.prefer(alias, rank: Int.max - 1)
                }
                if reference.qualifiers?["title"] != nil { titled.append((index, reference)) }
            }
            titles.add(record)
            headers.append(DocumentRecord(source: record.source, document: record.document))
        }
        // Numbers cited with a title (and sender) that a batch document carries.
        for (index, reference) in titled {
            let record = headers[index]
            let title = reference.qualifiers!["title"]!
            let provenance = GraphProvenance(document: record.source.path, line: reference.line,
                                             column: reference.column, text: title, rule: "link.title-match")
            switch titles.match(title: title, from: reference.qualifiers?["from"], citing: Self.primaryID(record),
                                excluding: record.source.path, node: { table.set(of: $0) }) {
            case .same(let id)?:
                table.union(id, reference.id)
                inferred.aliasProvenance[reference.id, default: []].append(provenance)
            case .answers(let id)?:
                inferred.answers.append((reference.id, id, provenance))
            case .ambiguous(let ids)?:
                diagnostics.append(Diagnostic(
                    id: "link.ambiguous-title", severity: .warning,
                    summary: "\(reference.id) is cited with a title that \(ids.count) documents carry: "
                        + Self.listed(ids),
                    path: record.source.path, line: reference.line, column: reference.column, range: reference.range))
            case nil:
                break
            }
        }
        return (table, inferred)
    }

    /// Adds meeting `name` (or merges the date and place into it); returns its pool number.
    @discardableResult
    private func meeting(_ name: String, date: String?, at place: GraphStorage.Place, keys: AttributeKeys,
                         to graph: inout TraceGraph) -> Int32 {
        let group = String(name.split(separator: "#").first ?? Substring(name))
        let number = graph.intern(name)
        graph.add(node: number, kind: .meeting, label: number,
                  attributes: [graph.attribute(keys.body, Self.body(of: group)), graph.attribute(keys.group, group),
                               graph.attribute(keys.date, date)],
                  place: place)
        return number
    }

    /// The pool numbers of the attribute keys (and of one whole attribute) the pass over the records writes.
    private struct AttributeKeys {
        let body, group, date, docKind, sdo, modality, keyword, text, number, to, deadline, polarity, subject,
            purpose: Int32
        /// `in_corpus: false`, of documents cited but not in the batch.
        let notInCorpus: GraphStorage.Attribute
        /// `purpose: "action"`, of the edges from an action to the groups it addresses.
        let actionPurpose: GraphStorage.Attribute

        init(_ graph: inout TraceGraph) {
            (body, group, date, docKind, sdo) = (graph.intern("body"), graph.intern("group"), graph.intern("date"),
                                                 graph.intern("doc_kind"), graph.intern("sdo"))
            (modality, keyword, text, number) = (graph.intern("modality"), graph.intern("keyword"),
                                                 graph.intern("text"), graph.intern("number"))
            (to, deadline, polarity, subject) = (graph.intern("to"), graph.intern("deadline"), graph.intern("polarity"),
                                                 graph.intern("subject"))
            purpose = graph.intern(GraphStorage.purposeKey)
            notInCorpus = .init(key: graph.intern("in_corpus"), tag: .false, payload: 0)
            actionPurpose = graph.attribute(purpose, "action")
        }
    }

    /// Adds the node of document `name`, cited but not in the batch, unless a node of that id is there other than an
    /// alias (an alias node becomes the document); returns its pool number.
    @discardableResult
    private func addMissingDocument(_ name: String, kind: String, sdo: String?, at place: GraphStorage.Place,
                                    keys: AttributeKeys, to graph: inout TraceGraph) -> Int32 {
        let number = graph.intern(name)
        if let kind = graph.kind(ofPooled: number), kind != .alias { return number }
        graph.add(node: number, kind: .document, label: number,
                  attributes: [keys.notInCorpus, graph.attribute(keys.docKind, kind), graph.attribute(keys.sdo, sdo)],
                  place: place)
        return number
    }

    /// The body a canonical group name belongs to (its first word).
    static func body(of group: String) -> String {
        String(group.split(separator: " ").first ?? Substring(group))
    }

    /// How much a record's header says (0-8): title, date, deadline, senders, addressees, replies, ids, kind.
    static func completeness(_ record: DocumentRecord) -> Int {
        let header = record.document
        return [header.title != nil, header.date != nil, header.deadline != nil, !header.from.isEmpty,
                !header.to.isEmpty, !header.respondsTo.isEmpty, !header.ids.isEmpty, header.kind != .other]
            .filter { $0 }.count
    }

    static func label(_ id: String, title: String?) -> String {
        guard let title, !title.isEmpty else { return id }
        return "\(id)\n\(short(title, limit: 48))"
    }

    /// `text` on one line (line feeds as spaces), cut to `limit` characters with an ellipsis.
    static func short(_ text: String, limit: Int = 60) -> String {
        var text = text
        // Text that begins in ASCII without carriage returns (most of it): characters are bytes, cut without counting
        // graphemes. Only the bytes up to the cut and the one after it are read: an ASCII character other than a
        // carriage return joins no other into one grapheme, so what follows changes nothing.
        if let cut = text.withUTF8({ utf8 -> String? in
            guard UnsafeBufferPointer(rebasing: utf8.prefix(limit + 1)).allSatisfy({ $0 < 0x80 && $0 != 0x0D })
            else { return nil }
            // Copied whole (line feeds replaced in place): decoding a lazily mapped sequence went byte by byte.
            let flat = { (bytes: UnsafeBufferPointer<UInt8>) -> String in
                guard bytes.contains(0x0A) else { return String(decoding: bytes, as: UTF8.self) }
                return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                    for (index, byte) in bytes.enumerated() { buffer[index] = byte == 0x0A ? 0x20 : byte }
                    return bytes.count
                }
            }
            if utf8.count <= limit { return flat(utf8) }
            return flat(UnsafeBufferPointer(rebasing: utf8[..<(limit - 1)])) + "…"
        }) {
            return cut
        }
        var flat = text
        if text.utf8.contains(0x0A) {
            flat = String(String.UnicodeScalarView(text.unicodeScalars.lazy.map { $0 == "\n" ? " " : $0 }))
        }
        guard let end = flat.index(flat.startIndex, offsetBy: limit, limitedBy: flat.endIndex), end != flat.endIndex
        else { return flat }
        return String(flat[..<flat.index(before: end)]) + "…"
    }
}
