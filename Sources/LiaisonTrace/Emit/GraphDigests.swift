import Foundation

/// Digests of the rows of a finished graph's nodes and edges in the store, taken from what the rows are written
/// from (ids, kinds, labels, attributes and places), each string of the graph hashed once. Equal digests mean equal
/// rows (a row is a function of what is hashed), so a day's update tells which rows changed without writing them
/// (`GraphRows`); writing each node's metadata to hash it took most of the time of that update.
struct GraphDigests {
    let storage: GraphStorage
    private var strings: StringHashes

    init(_ storage: GraphStorage) {
        self.storage = storage
        strings = StringHashes(storage.pool)
    }

    /// A node: its id, kind, label, attributes and places.
    mutating func node(_ node: Int) -> UInt64 {
        var digest = Digest()
        digest.add(strings.of(storage.nodeID[node]))
        digest.add(strings.of(storage.nodeKind[node].rawValue))
        digest.add(strings.of(storage.nodeLabel[node]))
        addAttributes(storage.nodeAttributes[node], to: &digest)
        let places = Int(storage.nodePlaceStarts[node]) ..< Int(storage.nodePlaceStarts[node + 1])
        digest.add(UInt64(places.count))
        for place in storage.nodePlaces[places] {
            digest.add(strings.of(place.document))
            digest.add(UInt64(UInt32(bitPattern: place.line)) << 32 | UInt64(UInt32(bitPattern: place.column)))
            digest.add(place.text >= 0 ? strings.of(place.text) : 0)
            digest.add(strings.of(place.rule))
        }
        return digest.value
    }

    /// An edge: its purpose, source, target, relation (which make its id) and attributes (its row has no places).
    mutating func edge(_ edge: Int) -> UInt64 {
        var digest = Digest()
        // No purpose: a value no string's hash is likely to be.
        digest.add(storage.edgePurpose[edge] >= 0 ? strings.of(storage.edgePurpose[edge]) : 0xFFFF_FFFF_FFFF_FFFF)
        digest.add(strings.of(storage.edgeSource[edge]))
        digest.add(strings.of(storage.edgeTarget[edge]))
        digest.add(strings.of(storage.edgeRelation[edge].rawValue))
        addAttributes(storage.edgeAttributes[edge], to: &digest)
        return digest.value
    }

    private mutating func addAttributes(_ range: (start: Int32, count: Int32), to digest: inout Digest) {
        digest.add(UInt64(range.count))
        for attribute in storage.attributeSlice(range) {
            digest.add(strings.of(attribute.key))
            digest.add(UInt64(attribute.tag.rawValue))
            switch attribute.tag {
            case .null, .false, .true: break
            case .string: digest.add(strings.of(attribute.payload))
            case .number: digest.add(storage.numbers[Int(attribute.payload)].bitPattern)
            case .strings:
                let (start, count) = storage.lists[Int(attribute.payload)]
                digest.add(UInt64(count))
                for item in storage.listItems[Int(start) ..< Int(start + count)] { digest.add(strings.of(item)) }
            case .other:
                digest.add(StableHash.of(JSONOutput.bytes(storage.others[Int(attribute.payload)], pretty: false)))
            }
        }
    }
}

/// The `StableHash` of each string of a graph's pool, made when first asked for; and of the few other strings
/// (kinds and relations), by their text.
struct StringHashes {
    private let pool: StringPool
    private var hashes: [UInt64]
    private var known: [Bool]
    private var others: [String: UInt64] = [:]

    init(_ pool: StringPool) {
        self.pool = pool
        hashes = [UInt64](repeating: 0, count: pool.count)
        known = [Bool](repeating: false, count: pool.count)
    }

    mutating func of(_ number: Int32) -> UInt64 {
        let index = Int(number)
        if known[index] { return hashes[index] }
        let hash = pool.withUTF8(number) { StableHash.of($0) }
        hashes[index] = hash
        known[index] = true
        return hash
    }

    mutating func of(_ text: String) -> UInt64 {
        if let hash = others[text] { return hash }
        var text = text
        let hash = text.withUTF8 { StableHash.of($0) }
        others[text] = hash
        return hash
    }
}
