/// Finds many literal strings in one pass over UTF-8 bytes (Aho-Corasick, compiled to a DFA over byte classes).
/// ASCII letters match regardless of case; other bytes match exactly.
///
/// Our own code rather than a package: the mirror has no multi-literal matcher, and the one pass over the bytes is
/// the engine's hot loop (a table lookup per byte).
struct LiteralScanner: Sendable {
    /// Byte → class (ASCII upper-case letters share the class of their lower-case form).
    private let classOf: [UInt8]
    private let classCount: Int
    /// log2 of `classCount` (a row's width).
    private let rowShift: Int
    /// DFA transitions: `row + class` → the next state's row, where a state's row is `state * classCount`; the
    /// sign bit is set when the next state has outputs (so the hot loop needs no second lookup per byte).
    private let transitions: [Int32]
    /// Outputs of each state (its own and its suffix states'): `outputStart[state]..<outputStart[state + 1]` in
    /// `outputs`.
    private let outputStart: [Int32]
    /// Literal indexes.
    private let outputs: [Int32]
    /// Length in bytes of each literal.
    let lengths: [Int32]

    /// The number of DFA states.
    var stateCount: Int { outputStart.count - 1 }
    /// The number of byte classes (one per byte a literal uses, and one for all other bytes).
    let byteClassCount: Int
    /// The size of the transition table in bytes.
    var tableBytes: Int { transitions.count * MemoryLayout<Int32>.size }

    /// Compiles `literals` (empty literals are ignored).
    init(_ literals: [[UInt8]]) {
        func fold(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte }
        // Byte classes: one per distinct (folded) byte used in a literal, and class 0 for all others.
        var classOf = [UInt8](repeating: 0, count: 256)
        var next: UInt8 = 1
        var classes: [UInt8: UInt8] = [:]
        for literal in literals {
            for byte in literal.map(fold) where classes[byte] == nil {
                if next == 255 { break }
                classes[byte] = next
                next += 1
            }
        }
        for byte in 0..<256 {
            let folded = fold(UInt8(byte))
            classOf[byte] = classes[folded] ?? 0
        }
        // Rows are a power of two wide, so that a row gives its state by a shift.
        var rowShift = 0
        while 1 << rowShift < Int(next) { rowShift += 1 }
        let classCount = 1 << rowShift
        // Trie.
        var goto: [[Int32]] = [[Int32](repeating: -1, count: classCount)]
        var own: [[Int32]] = [[]]
        for (index, literal) in literals.enumerated() where !literal.isEmpty {
            var state = 0
            for byte in literal {
                let symbol = Int(classOf[Int(byte)])
                if goto[state][symbol] < 0 {
                    goto[state][symbol] = Int32(goto.count)
                    goto.append([Int32](repeating: -1, count: classCount))
                    own.append([])
                }
                state = Int(goto[state][symbol])
            }
            own[state].append(Int32(index))
        }
        // Breadth-first: failure links, full transitions, merged outputs.
        let stateCount = goto.count
        var failure = [Int32](repeating: 0, count: stateCount)
        var transitions = [Int32](repeating: 0, count: stateCount * classCount)
        var merged = own
        var queue: [Int] = []
        for symbol in 0..<classCount {
            let target = goto[0][symbol]
            if target >= 0 {
                transitions[symbol] = target
                failure[Int(target)] = 0
                queue.append(Int(target))
            } else {
                transitions[symbol] = 0
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            merged[state] += merged[Int(failure[state])]
            for symbol in 0..<classCount {
                let target = goto[state][symbol]
                let fallback = transitions[Int(failure[state]) * classCount + symbol]
                if target >= 0 {
                    failure[Int(target)] = fallback
                    transitions[state * classCount + symbol] = target
                    queue.append(Int(target))
                } else {
                    transitions[state * classCount + symbol] = fallback
                }
            }
        }
        var outputStart: [Int32] = [0]
        var outputs: [Int32] = []
        for state in 0..<stateCount {
            outputs += merged[state]
            outputStart.append(Int32(outputs.count))
        }
        // Rows instead of states, with the output flag.
        precondition(stateCount * classCount < Int(Int32.max), "literal automaton too large")
        let flagged = transitions.map { target -> Int32 in
            let row = target * Int32(classCount)
            return merged[Int(target)].isEmpty ? row : row | Int32.min
        }
        self.classOf = classOf
        self.classCount = classCount
        self.rowShift = rowShift
        byteClassCount = Int(next)
        self.transitions = flagged
        self.outputStart = outputStart
        self.outputs = outputs
        lengths = literals.map { Int32($0.count) }
    }

    /// Calls `found(literal, start)` for every occurrence of every literal in `bytes` (start: byte offset), in order
    /// of where the occurrences end.
    func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ found: (Int32, Int) -> Void) {
        guard classCount > 1, let base = bytes.baseAddress else { return }
        transitions.withUnsafeBufferPointer { table in
            classOf.withUnsafeBufferPointer { classes in
                outputStart.withUnsafeBufferPointer { starts in
                    outputs.withUnsafeBufferPointer { outs in
                        lengths.withUnsafeBufferPointer { lengths in
                            var row = 0
                            var index = 0
                            let count = bytes.count
                            let shift = rowShift
                            while index < count {
                                // The hot loop: one table lookup per byte, nothing else until a state has outputs.
                                var next: Int32
                                repeat {
                                    next = table[row &+ Int(classes[Int(base[index])])]
                                    row = Int(next & Int32.max)
                                    index &+= 1
                                } while next >= 0 && index < count
                                guard next < 0 else { break }
                                let state = row &>> shift
                                for output in Int(starts[state])..<Int(starts[state &+ 1]) {
                                    let literal = outs[output]
                                    found(literal, index &- Int(lengths[Int(literal)]))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
