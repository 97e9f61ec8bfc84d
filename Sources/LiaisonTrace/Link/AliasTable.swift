/// Which designations name the same document: a union-find over ids, with a preferred representative per set
/// (the primary id of a document in the batch when there is one).
public struct AliasTable: Sendable {
    private var parent: [String: String] = [:]
    private var preferred: [String: Int] = [:]

    /// An empty table.
    public init() {}

    /// Adds `id` alone (if new).
    public mutating func insert(_ id: String) {
        if parent[id] == nil { parent[id] = id }
    }

    /// Marks `id` as preferred for its set: lower rank wins (documents' primary ids get their batch index).
    public mutating func prefer(_ id: String, rank: Int) {
        insert(id)
        preferred[id] = min(preferred[id] ?? Int.max, rank)
    }

    /// Declares that `a` and `b` name the same document.
    public mutating func union(_ a: String, _ b: String) {
        insert(a)
        insert(b)
        let rootA = compressingRoot(a)
        let rootB = compressingRoot(b)
        if rootA != rootB { parent[rootB] = rootA }
    }

    /// The root of `id`'s set, pointing every id on the way at its grandparent (path halving), so that chains stay
    /// short.
    private mutating func compressingRoot(_ id: String) -> String {
        var current = id
        while let next = parent[current], next != current {
            let grandparent = parent[next] ?? next
            parent[current] = grandparent
            current = grandparent
        }
        return current
    }

    private func root(_ id: String) -> String {
        var current = id
        while let next = parent[current], next != current { current = next }
        return current
    }

    /// The set `id` belongs to, named by one of its members (the id itself when the table does not know it).
    public func set(of id: String) -> String {
        parent[id] == nil ? id : root(id)
    }

    /// The canonical id for `id`: the preferred member of its set (then the alphabetically first).
    public func canonical(_ id: String) -> String {
        guard parent[id] != nil else { return id }
        return members(of: id).min { (preferred[$0] ?? Int.max, $0) < (preferred[$1] ?? Int.max, $1) } ?? id
    }

    /// Every id in the set of `id`, sorted.
    public func members(of id: String) -> [String] {
        guard parent[id] != nil else { return [id] }
        let target = root(id)
        return parent.keys.filter { root($0) == target }.sorted()
    }

    /// All ids known.
    public var ids: [String] { parent.keys.sorted() }
}

extension AliasTable {
    /// The canonical id and the alias set of every id, computed once (O(n)).
    public func resolved() -> (canonical: [String: String], members: [String: [String]]) {
        var groups: [String: [String]] = [:]
        for id in parent.keys { groups[root(id), default: []].append(id) }
        var canonical: [String: String] = [:]
        var members: [String: [String]] = [:]
        for (_, ids) in groups {
            let sorted = ids.sorted()
            let chosen = sorted.min { (preferred[$0] ?? Int.max, $0) < (preferred[$1] ?? Int.max, $1) } ?? sorted[0]
            for id in sorted {
                canonical[id] = chosen
            }
            members[chosen] = sorted
        }
        return (canonical, members)
    }
}
