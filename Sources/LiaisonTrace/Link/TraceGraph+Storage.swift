/// How `TraceGraph` keeps its nodes and edges: every string once in a pool, nodes and edges as rows of small
/// integers, attributes and provenance in flat arrays. A batch of a hundred thousand documents makes a graph of
/// millions of nodes, edges and places; kept as `TraceNode` and `TraceEdge` values (a dictionary and an array each)
/// it would not fit in memory. `TraceNode` and `TraceEdge` values are made when asked for.
struct GraphStorage: Sendable {
    /// One attribute of a node or edge.
    struct Attribute: Sendable, Equatable {
        enum Tag: UInt8, Sendable { case null, `false`, `true`, string, strings, number, other }
        var key: Int32
        var tag: Tag
        /// A pool string, a list, a number or another value, by tag.
        var payload: Int32
    }

    /// One place a node or edge came from.
    struct Place: Sendable, Equatable {
        static let none: Int32 = .min
        var document: Int32
        var line: Int32
        var column: Int32
        var text: Int32
        var rule: Int32
    }

    var pool = StringPool()
    /// Node number by pool number (-1: no node), for the pool numbers seen so far.
    var nodeOf: [Int32] = []

    var nodeID: [Int32] = []
    var nodeKind: [NodeKind] = []
    var nodeLabel: [Int32] = []
    var nodeAttributes: [(start: Int32, count: Int32)] = []

    var edgeSource: [Int32] = []
    var edgeTarget: [Int32] = []
    var edgeRelation: [TraceRelation] = []
    var edgePurpose: [Int32] = []
    var edgeAttributes: [(start: Int32, count: Int32)] = []
    /// Edge numbers by what makes an edge the same edge (source, target, purpose, relation), kept while adding and
    /// rebuilt when needed again: open addressing over the edge arrays, edge number + 1 per slot (0: empty), four
    /// bytes a slot where a dictionary of keys takes about thirty.
    var edgeSlots: [Int32]? = [Int32](repeating: 0, count: 1024)

    var attributes: [Attribute] = []
    var lists: [(start: Int32, count: Int32)] = []
    var listItems: [Int32] = []
    var numbers: [Double] = []
    var others: [JSONValue] = []

    /// Places while adding: owner and place, in the order they came.
    var pendingNodePlaces = PendingPlaces()
    var pendingEdgePlaces = PendingPlaces()

    /// Places as they come, with their owners in a separate array: grouping them sorts both in place and then lets the
    /// owners go, so that the places are never held twice (at a hundred thousand documents there are millions).
    struct PendingPlaces: Sendable {
        var owners: [Int32] = []
        var places: [Place] = []

        mutating func append(_ owner: Int32, _ place: Place) {
            owners.append(owner)
            places.append(place)
        }

        /// The places of `owner`.
        func places(of owner: Int32) -> [Place] {
            owners.indices.filter { owners[$0] == owner }.map { places[$0] }
        }
    }
    /// Places once finished: for owner k, `placeStarts[k]..<placeStarts[k + 1]` of `places`, sorted, each once.
    var nodePlaceStarts: [Int32] = [0]
    var nodePlaces: [Place] = []
    var edgePlaceStarts: [Int32] = [0]
    var edgePlaces: [Place] = []
    var finished = false

    /// Edge numbers ordered by source pool number and by target pool number (once finished).
    var bySource: [Int32] = []
    var byTarget: [Int32] = []
    /// Node numbers in the order of their ids: as Swift compares strings, and by UTF-8 bytes (once finished).
    var nodesByString: [Int32] = []
    var nodesByUTF8: [Int32] = []

    struct EdgeKey: Sendable {
        var source: Int32
        var target: Int32
        var purpose: Int32
        var relation: TraceRelation
        var order: UInt8

        init(source: Int32, target: Int32, purpose: Int32, relation: TraceRelation) {
            self.source = source
            self.target = target
            self.purpose = purpose
            self.relation = relation
            order = relation.order
        }

        var hash: Int {
            var hash = UInt64(UInt32(bitPattern: source)) | UInt64(UInt32(bitPattern: target)) << 32
            hash ^= (UInt64(UInt32(bitPattern: purpose)) << 8 | UInt64(order)) &* 0x9E37_79B9_7F4A_7C15
            hash ^= hash >> 31
            hash &*= 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 29
            return Int(truncatingIfNeeded: hash & 0x7FFF_FFFF_FFFF_FFFF)
        }
    }

    /// The number of the edge with `key`, if there is one (the index must be there: see `indexEdges`).
    func edge(_ key: EdgeKey) -> Int32? {
        let slots = edgeSlots!
        var slot = key.hash & (slots.count - 1)
        while slots[slot] != 0 {
            let edge = Int(slots[slot] - 1)
            if edgeSource[edge] == key.source, edgeTarget[edge] == key.target, edgePurpose[edge] == key.purpose,
               edgeRelation[edge] == key.relation {
                return Int32(edge)
            }
            slot = (slot + 1) & (slots.count - 1)
        }
        return nil
    }

    /// Enters edge `edge` (just appended, with `key`) in the index.
    mutating func indexEdge(_ edge: Int32, key: EdgeKey) {
        if (edge + 1) * 2 > edgeSlots!.count {
            indexEdges(capacity: edgeSlots!.count * 2)
            return
        }
        var slot = key.hash & (edgeSlots!.count - 1)
        while edgeSlots![slot] != 0 { slot = (slot + 1) & (edgeSlots!.count - 1) }
        edgeSlots![slot] = edge + 1
    }

    static let purposeKey = "purpose"

    // MARK: Strings

    mutating func intern(_ string: String) -> Int32 {
        pool.intern(string)
    }

    func node(_ id: String) -> Int32? {
        guard let number = pool.find(id), Int(number) < nodeOf.count, nodeOf[Int(number)] >= 0 else { return nil }
        return nodeOf[Int(number)]
    }

    func node(pooled number: Int32) -> Int32? {
        guard Int(number) < nodeOf.count, nodeOf[Int(number)] >= 0 else { return nil }
        return nodeOf[Int(number)]
    }

    // MARK: Attributes

    mutating func encode(_ value: JSONValue) -> (Attribute.Tag, Int32) {
        switch value {
        case .null: return (.null, 0)
        case .bool(let flag): return (flag ? .true : .false, 0)
        case .string(let text): return (.string, intern(text))
        case .number(let number):
            numbers.append(number)
            return (.number, Int32(numbers.count - 1))
        case .array(let items) where items.allSatisfy({ $0.string != nil }):
            let start = Int32(listItems.count)
            for item in items { listItems.append(intern(item.string!)) }
            lists.append((start, Int32(items.count)))
            return (.strings, Int32(lists.count - 1))
        default:
            others.append(value)
            return (.other, Int32(others.count - 1))
        }
    }

    func decode(_ attribute: Attribute) -> JSONValue {
        switch attribute.tag {
        case .null: return .null
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .string: return .string(pool[attribute.payload])
        case .number: return .number(numbers[Int(attribute.payload)])
        case .strings:
            let (start, count) = lists[Int(attribute.payload)]
            return .array((start..<(start + count)).map { .string(pool[listItems[Int($0)]]) })
        case .other: return others[Int(attribute.payload)]
        }
    }

    func attributeSlice(_ range: (start: Int32, count: Int32)) -> ArraySlice<Attribute> {
        attributes[Int(range.start)..<Int(range.start + range.count)]
    }

    func dictionary(_ range: (start: Int32, count: Int32)) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        result.reserveCapacity(Int(range.count))
        for attribute in attributeSlice(range) { result[pool[attribute.key]] = decode(attribute) }
        return result
    }

    /// Stores `items` (sorted by the UTF-8 bytes of their keys) and returns their range.
    mutating func store(_ items: [Attribute]) -> (start: Int32, count: Int32) {
        let start = Int32(attributes.count)
        attributes += items.sorted { pool.utf8Precedes($0.key, $1.key) }
        return (start, Int32(items.count))
    }

    mutating func encode(_ dictionary: [String: JSONValue]) -> [Attribute] {
        dictionary.map { key, value in
            let (tag, payload) = encode(value)
            return Attribute(key: intern(key), tag: tag, payload: payload)
        }
    }

    func attribute(_ key: Int32, in range: (start: Int32, count: Int32)) -> Attribute? {
        attributeSlice(range).first { $0.key == key }
    }

    // MARK: Places

    mutating func place(_ provenance: GraphProvenance) -> Place {
        Place(document: intern(provenance.document), line: provenance.line.map(Int32.init) ?? Place.none,
              column: provenance.column.map(Int32.init) ?? Place.none,
              text: provenance.text.map { intern($0) } ?? -1, rule: intern(provenance.rule))
    }

    func provenance(_ place: Place) -> GraphProvenance {
        GraphProvenance(document: pool[place.document], line: place.line == Place.none ? nil : Int(place.line),
                        column: place.column == Place.none ? nil : Int(place.column),
                        text: place.text < 0 ? nil : pool[place.text], rule: pool[place.rule])
    }

    /// Places of node (or edge) `owner`, sorted, each once.
    func places(ofNode owner: Int32) -> [GraphProvenance] {
        if finished {
            return nodePlaces[Int(nodePlaceStarts[Int(owner)])..<Int(nodePlaceStarts[Int(owner) + 1])].map(provenance)
        }
        return Self.normalized(pendingNodePlaces.places(of: owner).map(provenance))
    }

    func places(ofEdge owner: Int32) -> [GraphProvenance] {
        if finished {
            return edgePlaces[Int(edgePlaceStarts[Int(owner)])..<Int(edgePlaceStarts[Int(owner) + 1])].map(provenance)
        }
        return Self.normalized(pendingEdgePlaces.places(of: owner).map(provenance))
    }

    /// Provenance sorted, each place once. (Places that `<` does not tell apart, such as a missing line and line 0,
    /// are ordered by which fields they lack, so that equal places end up next to each other.)
    static func normalized(_ provenance: [GraphProvenance]) -> [GraphProvenance] {
        guard provenance.count > 1 else { return provenance }
        var sorted = provenance.sorted { lhs, rhs in
            if lhs < rhs { return true }
            if rhs < lhs { return false }
            func absent(_ place: GraphProvenance) -> Int {
                (place.line == nil ? 4 : 0) + (place.column == nil ? 2 : 0) + (place.text == nil ? 1 : 0)
            }
            return absent(lhs) < absent(rhs)
        }
        var kept = 1
        for index in 1..<sorted.count where sorted[index] != sorted[kept - 1] {
            sorted[kept] = sorted[index]
            kept += 1
        }
        sorted.removeLast(sorted.count - kept)
        return sorted
    }

    /// Groups places by owner, sorted and each once, for `owners` owners. The places are put in owner order in
    /// their own array (a counting sort by swaps), the owners let go, and the result compacted in that same array.
    func grouped(_ pending: inout PendingPlaces, owners: Int) -> (starts: [Int32], places: [Place]) {
        var placed = pending.places
        var owner = pending.owners
        pending = PendingPlaces()
        var counts = [Int32](repeating: 0, count: owners + 1)
        for number in owner { counts[Int(number) + 1] += 1 }
        for index in 1..<counts.count { counts[index] += counts[index - 1] }
        // Each place swapped straight to the next free slot of its owner's range.
        var next = counts
        for bucket in 0..<owners {
            let end = Int(counts[bucket + 1])
            while Int(next[bucket]) < end {
                let index = Int(next[bucket])
                let target = Int(owner[index])
                if target == bucket {
                    next[bucket] += 1
                } else {
                    let slot = Int(next[target])
                    placed.swapAt(index, slot)
                    owner.swapAt(index, slot)
                    next[target] += 1
                }
            }
        }
        owner = []
        next = []
        var starts: [Int32] = [0]
        starts.reserveCapacity(owners + 1)
        // Places kept so far; never past the first place of the owner at hand, so the array is compacted in place.
        var kept = 0
        for owner in 0..<owners {
            let (start, end) = (Int(counts[owner]), Int(counts[owner + 1]))
            if end - start == 1 {
                placed[kept] = placed[start]
                kept += 1
            } else if end - start > 1 {
                // Sorted as `normalized` sorts their provenance, each once (the first of equal places).
                placed[start..<end].sort(by: placePrecedes)
                placed[kept] = placed[start]
                kept += 1
                for index in start + 1 ..< end where !samePlace(placed[index], placed[kept - 1]) {
                    placed[kept] = placed[index]
                    kept += 1
                }
            }
            starts.append(Int32(kept))
        }
        placed.removeLast(placed.count - kept)
        return (starts, placed)
    }

    /// Whether `a` comes before `b` as `normalized` orders their provenance (document, line, column, rule, text,
    /// then which fields they lack), read from the pool without making strings: grouping sorts every place of
    /// the graph, and most owners have several.
    private func placePrecedes(_ a: Place, _ b: Place) -> Bool {
        if a.document != b.document {
            if stringPrecedes(a.document, b.document) { return true }
            if stringPrecedes(b.document, a.document) { return false }
        }
        let (lineA, lineB) = (a.line == Place.none ? 0 : a.line, b.line == Place.none ? 0 : b.line)
        if lineA != lineB { return lineA < lineB }
        let (columnA, columnB) = (a.column == Place.none ? 0 : a.column, b.column == Place.none ? 0 : b.column)
        if columnA != columnB { return columnA < columnB }
        if a.rule != b.rule {
            if stringPrecedes(a.rule, b.rule) { return true }
            if stringPrecedes(b.rule, a.rule) { return false }
        }
        if a.text != b.text {
            // A place without text sorts as one with empty text.
            if a.text < 0 || b.text < 0 {
                let emptyA = a.text < 0 || pool.withUTF8(a.text) { $0.isEmpty }
                let emptyB = b.text < 0 || pool.withUTF8(b.text) { $0.isEmpty }
                if emptyA != emptyB { return emptyA }
            } else {
                if stringPrecedes(a.text, b.text) { return true }
                if stringPrecedes(b.text, a.text) { return false }
            }
        }
        func absent(_ place: Place) -> Int {
            (place.line == Place.none ? 4 : 0) + (place.column == Place.none ? 2 : 0) + (place.text < 0 ? 1 : 0)
        }
        return absent(a) < absent(b)
    }

    /// Whether two places have equal provenance (as `GraphProvenance` compares it).
    private func samePlace(_ a: Place, _ b: Place) -> Bool {
        guard a.line == b.line, a.column == b.column, (a.text < 0) == (b.text < 0) else { return false }
        return sameString(a.document, b.document) && sameString(a.rule, b.rule)
            && (a.text < 0 || sameString(a.text, b.text))
    }

    /// Pool strings compared as Swift compares `String`s: their bytes when both are ASCII, else as strings.
    private func stringPrecedes(_ a: Int32, _ b: Int32) -> Bool {
        if a == b { return false }
        if pool.isASCII(a), pool.isASCII(b) { return pool.utf8Precedes(a, b) }
        return pool[a] < pool[b]
    }

    private func sameString(_ a: Int32, _ b: Int32) -> Bool {
        if a == b { return true }
        if pool.isASCII(a), pool.isASCII(b) { return false }
        return pool[a] == pool[b]
    }

    /// Back to places by owner in the order they came (to add again after `finish`).
    mutating func unfinish() {
        guard finished else { return }
        pendingNodePlaces = PendingPlaces()
        for owner in 0..<nodeID.count {
            for index in Int(nodePlaceStarts[owner])..<Int(nodePlaceStarts[owner + 1]) {
                pendingNodePlaces.append(Int32(owner), nodePlaces[index])
            }
        }
        pendingEdgePlaces = PendingPlaces()
        for owner in 0..<edgeSource.count {
            for index in Int(edgePlaceStarts[owner])..<Int(edgePlaceStarts[owner + 1]) {
                pendingEdgePlaces.append(Int32(owner), edgePlaces[index])
            }
        }
        nodePlaceStarts = [0]
        nodePlaces = []
        edgePlaceStarts = [0]
        edgePlaces = []
        bySource = []
        byTarget = []
        nodesByString = []
        nodesByUTF8 = []
        finished = false
    }

    // MARK: Order

    /// Pool numbers sorted as Swift's `String` comparison sorts the strings (byte order when both are ASCII).
    func stringOrder(_ numbers: [Int32]) -> [Int32] {
        numbers.sorted(by: stringPrecedes)
    }

    /// The edge's id, `source -relation-> target`, plus ` (purpose)`.
    func edgeID(_ edge: Int) -> String {
        var scratch: [UInt8] = []
        edgeID(edge, into: &scratch)
        return String(decoding: scratch, as: UTF8.self)
    }

    /// Puts the UTF-8 bytes of the edge's id in `scratch` (emptied first): what writers of every edge use, without
    /// making a string of each.
    func edgeID(_ edge: Int, into scratch: inout [UInt8]) {
        scratch.removeAll(keepingCapacity: true)
        pool.withUTF8(edgeSource[edge]) { scratch.append(contentsOf: $0) }
        scratch.append(contentsOf: " -".utf8)
        scratch.append(contentsOf: edgeRelation[edge].rawValue.utf8)
        scratch.append(contentsOf: "-> ".utf8)
        pool.withUTF8(edgeTarget[edge]) { scratch.append(contentsOf: $0) }
        if edgePurpose[edge] >= 0 {
            scratch.append(contentsOf: " (".utf8)
            pool.withUTF8(edgePurpose[edge]) { scratch.append(contentsOf: $0) }
            scratch.append(UInt8(ascii: ")"))
        }
    }

    /// Puts the edges in their stable order (source, relation, target, id), groups places, indexes edges. Once
    /// only: finishing a finished graph again would find no places to group and lose them.
    mutating func finish() {
        guard !finished else { return }
        // The index of edges by key is not needed once finished (rebuilt if edges are added again): let it go before
        // the places are grouped, the peak of a run.
        edgeSlots = nil
        // The names of nodes and edge ends, by a flag per pool string (not a set: hashing every end was slower).
        var named = [Bool](repeating: false, count: pool.count)
        for number in nodeID { named[Int(number)] = true }
        for index in edgeSource.indices {
            named[Int(edgeSource[index])] = true
            named[Int(edgeTarget[index])] = true
        }
        let ordered = stringOrder(named.indices.compactMap { named[$0] ? Int32($0) : nil })
        named = []
        var rank = [Int32](repeating: -1, count: pool.count)
        for (position, number) in ordered.enumerated() { rank[Int(number)] = Int32(position) }
        nodesByString = nodeID.indices.map(Int32.init).sorted { rank[Int(nodeID[Int($0)])] < rank[Int(nodeID[Int($1)])] }
        // Swift orders ASCII strings by their bytes: when every id is ASCII (designations are), the two orders agree.
        if nodeID.allSatisfy({ pool.isASCII($0) }) {
            nodesByUTF8 = nodesByString
        } else {
            nodesByUTF8 = nodeID.indices.map(Int32.init).sorted { pool.utf8Precedes(nodeID[Int($0)], nodeID[Int($1)]) }
        }
        // Relations by the order of their names, a byte per edge (comparing the names themselves was most of the sort).
        let relationRank = edgeRelation.map(\.nameOrder)
        var order = edgeSource.indices.sorted { lhs, rhs in
            let (a, b) = (rank[Int(edgeSource[lhs])], rank[Int(edgeSource[rhs])])
            if a != b { return a < b }
            if relationRank[lhs] != relationRank[rhs] { return relationRank[lhs] < relationRank[rhs] }
            let (c, d) = (rank[Int(edgeTarget[lhs])], rank[Int(edgeTarget[rhs])])
            if c != d { return c < d }
            return edgeID(lhs) < edgeID(rhs)
        }
        var position = [Int32](repeating: 0, count: order.count)
        for (new, old) in order.enumerated() { position[old] = Int32(new) }
        edgeSource = order.map { edgeSource[$0] }
        edgeTarget = order.map { edgeTarget[$0] }
        edgeRelation = order.map { edgeRelation[$0] }
        edgePurpose = order.map { edgePurpose[$0] }
        edgeAttributes = order.map { edgeAttributes[$0] }
        order = []
        for index in pendingEdgePlaces.owners.indices {
            pendingEdgePlaces.owners[index] = position[Int(pendingEdgePlaces.owners[index])]
        }
        position = []
        // Moved out first, so that grouping holds the only reference and can let go of them.
        var pendingNodes = pendingNodePlaces
        pendingNodePlaces = PendingPlaces()
        (nodePlaceStarts, nodePlaces) = grouped(&pendingNodes, owners: nodeID.count)
        var pendingEdges = pendingEdgePlaces
        pendingEdgePlaces = PendingPlaces()
        (edgePlaceStarts, edgePlaces) = grouped(&pendingEdges, owners: edgeSource.count)
        let edges = Array(Int32(0)..<Int32(edgeSource.count))
        bySource = edges.sorted { (edgeSource[Int($0)], $0) < (edgeSource[Int($1)], $1) }
        byTarget = edges.sorted { (edgeTarget[Int($0)], $0) < (edgeTarget[Int($1)], $1) }
        finished = true
    }

    /// Edge numbers leaving (or arriving at) pool string `number`, in edge order.
    func edges(from number: Int32) -> [Int32] { Self.range(of: number, in: bySource, key: edgeSource) }
    func edges(to number: Int32) -> [Int32] { Self.range(of: number, in: byTarget, key: edgeTarget) }

    private static func range(of number: Int32, in index: [Int32], key: [Int32]) -> [Int32] {
        var low = 0
        var high = index.count
        while low < high {
            let middle = (low + high) / 2
            if key[Int(index[middle])] < number { low = middle + 1 } else { high = middle }
        }
        var end = low
        while end < index.count, key[Int(index[end])] == number { end += 1 }
        return Array(index[low..<end])
    }

    /// Rebuilds the index of edges by key (for adding after `finish`, and as it grows), with at least `capacity`
    /// slots and under half of them full.
    mutating func indexEdges(capacity: Int = 1024) {
        var count = max(capacity, 1024)
        while count < edgeSource.count * 2 + 2 { count *= 2 }
        edgeSlots = nil
        var slots = [Int32](repeating: 0, count: count)
        for edge in edgeSource.indices {
            let key = EdgeKey(source: edgeSource[edge], target: edgeTarget[edge], purpose: edgePurpose[edge],
                              relation: edgeRelation[edge])
            var slot = key.hash & (count - 1)
            while slots[slot] != 0 { slot = (slot + 1) & (count - 1) }
            slots[slot] = Int32(edge) + 1
        }
        edgeSlots = slots
    }
}

extension TraceRelation {
    /// A small number for the relation (its position among all relations), for edge hashes. A switch: looking it up
    /// in a dictionary hashed the relation's name for every edge added.
    var order: UInt8 {
        switch self {
        case .references: 0
        case .respondsTo: 1
        case .buildsOn: 2
        case .approvedAt: 3
        case .presentedAt: 4
        case .obsoletes: 5
        case .updates: 6
        case .revises: 7
        case .attachedTo: 8
        case .sentBy: 9
        case .addressedTo: 10
        case .states: 11
        case .scopeOf: 12
        case .aliasOf: 13
        }
    }

    /// The relation's place in the order of the relations' names (what `<` compares), read by `order` from a table
    /// rather than from a dictionary keyed by the relation (which hashes its name).
    var nameOrder: UInt8 { Self.nameOrders[Int(order)] }

    private static let nameOrders: [UInt8] = {
        var table = [UInt8](repeating: 0, count: allCases.count)
        for (rank, relation) in allCases.sorted().enumerated() { table[Int(relation.order)] = UInt8(rank) }
        return table
    }()
}
