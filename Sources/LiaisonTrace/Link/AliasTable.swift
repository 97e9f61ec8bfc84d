/// Which designations name the same document: a union-find over ids, with a preferred representative per set
/// (the primary id of a document in the batch when there is one). Ids are kept once each in a string pool and the
/// sets as arrays of numbers, so that the million ids of a large batch take little memory.
public struct AliasTable: Sendable {
    private var pool = StringPool()
    private var parent: [Int32] = []
    private var preferred: [Int] = []

    /// An empty table.
    public init() {}

    private mutating func number(_ id: String) -> Int32 {
        let number = pool.intern(id)
        if Int(number) == parent.count {
            parent.append(number)
            preferred.append(Int.max)
        }
        return number
    }

    /// Adds `id` alone (if new).
    public mutating func insert(_ id: String) {
        _ = number(id)
    }

    /// Marks `id` as preferred for its set: lower rank wins (documents' primary ids get their batch index).
    public mutating func prefer(_ id: String, rank: Int) {
        let number = number(id)
        preferred[Int(number)] = min(preferred[Int(number)], rank)
    }

    /// Declares that `a` and `b` name the same document.
    public mutating func union(_ a: String, _ b: String) {
        let rootA = compressingRoot(number(a))
        let rootB = compressingRoot(number(b))
        if rootA != rootB { parent[Int(rootB)] = rootA }
    }

    /// The root of a set, pointing every id on the way at its grandparent (path halving), so that chains stay short.
    private mutating func compressingRoot(_ id: Int32) -> Int32 {
        var current = id
        while parent[Int(current)] != current {
            let grandparent = parent[Int(parent[Int(current)])]
            parent[Int(current)] = grandparent
            current = grandparent
        }
        return current
    }

    private func root(_ id: Int32) -> Int32 {
        var current = id
        while parent[Int(current)] != current { current = parent[Int(current)] }
        return current
    }

    /// The set `id` belongs to, named by one of its members (the id itself when the table does not know it).
    public func set(of id: String) -> String {
        guard let number = pool.find(id) else { return id }
        return pool[root(number)]
    }

    /// Whether `a` and `b` are known to name the same document.
    func sameSet(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let first = pool.find(a), let second = pool.find(b) else { return false }
        return root(first) == root(second)
    }

    /// The canonical id for `id`: the preferred member of its set (then the alphabetically first).
    public func canonical(_ id: String) -> String {
        guard pool.find(id) != nil else { return id }
        return members(of: id).min { (rank($0), $0) < (rank($1), $1) } ?? id
    }

    private func rank(_ id: String) -> Int {
        pool.find(id).map { preferred[Int($0)] } ?? Int.max
    }

    /// Every id in the set of `id`, sorted.
    public func members(of id: String) -> [String] {
        guard let number = pool.find(id) else { return [id] }
        let target = root(number)
        return (0..<Int32(parent.count)).filter { root($0) == target }.map { pool[$0] }.sorted()
    }

    /// All ids known.
    public var ids: [String] { (0..<Int32(parent.count)).map { pool[$0] }.sorted() }

    /// The canonical id and the alias set of every id, computed once (O(n)).
    public func resolved() -> (canonical: [String: String], members: [String: [String]]) {
        let resolution = resolution()
        var canonical: [String: String] = [:]
        var members: [String: [String]] = [:]
        for number in 0..<Int32(parent.count) {
            canonical[pool[number]] = pool[resolution.canonical[Int(number)]]
        }
        for (chosen, set) in resolution.sets { members[chosen] = set }
        for (id, chosen) in canonical where members[chosen] == nil { members[chosen] = [id] }
        return (canonical, members)
    }

    /// The canonical id of every id, and the sets of more than one id, computed once.
    func resolution() -> AliasResolution {
        var groups: [Int32: [Int32]] = [:]
        for number in 0..<Int32(parent.count) { groups[root(number), default: []].append(number) }
        var canonical = [Int32](repeating: 0, count: parent.count)
        var sets: [(chosen: String, members: [String])] = []
        for (_, numbers) in groups {
            let names = numbers.map { (number: $0, name: pool[$0]) }.sorted { $0.name < $1.name }
            let chosen = names.min { (preferred[Int($0.number)], $0.name) < (preferred[Int($1.number)], $1.name) }!
            for member in names { canonical[Int(member.number)] = chosen.number }
            if names.count > 1 { sets.append((chosen.name, names.map(\.name))) }
        }
        sets.sort { $0.chosen < $1.chosen }
        return AliasResolution(pool: pool, canonical: canonical, sets: sets)
    }
}

/// The outcome of an alias table: the canonical id of every id it knows, and its sets of several ids (sorted by
/// canonical id, members sorted).
struct AliasResolution: Sendable {
    let pool: StringPool
    let canonical: [Int32]
    let sets: [(chosen: String, members: [String])]

    /// The canonical id of `name` (itself when the table does not know it).
    func id(_ name: String) -> String {
        guard let number = pool.find(name) else { return name }
        // Most names are their own canonical id: the name itself, not a new string of the same bytes.
        let chosen = canonical[Int(number)]
        return chosen == number ? name : pool[chosen]
    }
}
