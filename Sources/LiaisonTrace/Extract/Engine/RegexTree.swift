/// A rule pattern read into a tree that prints back as the same ICU source, or reversed: a pattern whose reverse
/// matches the reversed text from where a lookbehind would end (see `OrderedAlternation`). Unlike
/// `PatternLiterals`, nothing is lost: classes, escapes and quantifiers keep their spelling.
///
/// What it reads: literal characters and escapes (`\s`, `\.`, `\p{L}`), classes (kept verbatim, nesting included),
/// `.`, `^`, `$`, `\b`, groups (capturing, named, non-capturing, flag groups, atomic), inline flags `(?i)`,
/// lookarounds, alternation, and the quantifiers `? * + {n} {n,} {n,m}` in their greedy, lazy and possessive forms.
/// Anything else (`\Q..\E`, `\x{..}`, back-references, comments) makes `init` fail.
indirect enum RegexTree: Equatable {
    /// One literal character, with its spelling in the source (`a`, `\.`).
    case literal(Unicode.Scalar, spelling: String)
    /// One character out of many: a class, `.`, or an escape such as `\s` or `\p{L}`.
    case characterSet(String)
    /// A zero-width assertion: `^`, `$`, `\b`, `\B`, `\A`, `\z`, `\Z`.
    case anchor(String)
    /// A group: `opening` is how it opens (`(`, `(?:`, `(?<name>`, `(?i:`, `(?>`).
    case group(opening: String, RegexTree)
    /// A lookaround: `kind` is `=`, `!`, `<=` or `<!`.
    case lookaround(kind: String, RegexTree)
    /// An inline flag setting such as `(?i)`, which lasts to the end of the enclosing group.
    case flags(String)
    case sequence([RegexTree])
    case alternation([RegexTree])
    /// An item with its quantifier as written (`?`, `{1,4}`, `+?`, `*+`).
    case quantified(RegexTree, quantifier: String)

    struct Unsupported: Error {}

    /// Reads `source`; nil when it holds a construct this reading does not cover.
    init?(_ source: String) {
        var reader = Reader(scalars: Array(source.unicodeScalars))
        guard let tree = try? reader.alternation(), reader.index == reader.scalars.count else { return nil }
        self = tree
    }

    // MARK: - Printing

    /// The source this tree was read from (up to equivalent spellings).
    var source: String {
        switch self {
        case .literal(_, let spelling): return spelling
        case .characterSet(let text), .anchor(let text), .flags(let text): return text
        case .group(let opening, let body): return opening + body.source + ")"
        case .lookaround(let kind, let body): return "(?" + kind + body.source + ")"
        case .sequence(let items): return items.map(\.source).joined()
        case .alternation(let branches): return branches.map(\.source).joined(separator: "|")
        case .quantified(let item, let quantifier): return item.source + quantifier
        }
    }

    /// The pattern that matches the reversed text of this one's matches: run forward from a position `p` of the
    /// reversed text, it matches exactly when this pattern matches a text ending at `p`. `^` becomes `\z` (the start
    /// of the text is the end of the reversed one); named groups lose their names. Nil for what has no reverse this
    /// simple: lookarounds, `$`, inline flags, atomic groups and possessive quantifiers (they drop matches, and
    /// which ones depends on the direction), multi-line mode.
    var reversed: RegexTree? {
        switch self {
        case .literal:
            return self
        case .characterSet(let text):
            // A grapheme cluster and a line break (`\r\n` is one) are read differently backwards.
            return text == "\\X" || text == "\\R" ? nil : self
        case .anchor(let text):
            switch text {
            case "^", "\\A": return .anchor("\\z")
            case "\\b", "\\B": return self
            default: return nil
            }
        case .group(let opening, let body):
            guard let inner = body.reversed else { return nil }
            // Capturing and named groups become non-capturing; flag groups keep their flags.
            if opening == "(" || opening.hasPrefix("(?<") || opening == "(?:" { return .group(opening: "(?:", inner) }
            if opening == "(?>" || opening.contains("m") || opening.contains("x") { return nil }
            return .group(opening: opening, inner)
        case .lookaround, .flags:
            return nil
        case .sequence(let items):
            var out: [RegexTree] = []
            for item in items.reversed() {
                guard let reversed = item.reversed else { return nil }
                out.append(reversed)
            }
            return .sequence(out)
        case .alternation(let branches):
            var out: [RegexTree] = []
            for branch in branches {
                guard let reversed = branch.reversed else { return nil }
                out.append(reversed)
            }
            return .alternation(out)
        case .quantified(let item, let quantifier):
            guard !quantifier.hasSuffix("+") || quantifier == "+", let inner = item.reversed else { return nil }
            return .quantified(inner, quantifier: quantifier)
        }
    }

    // MARK: - Structure

    /// The branches of a top-level alternation (itself when there is none).
    var branches: [RegexTree] {
        if case .alternation(let branches) = self { return branches }
        return [self]
    }

    /// The items of a sequence (itself alone when it is no sequence).
    var items: [RegexTree] {
        if case .sequence(let items) = self { return items }
        return [self]
    }

    /// The literal strings this pattern matches, in the order ICU's backtracking tries them (alternatives left to
    /// right, a greedy `?` with its item first, a lazy one without), when it matches only literal characters; nil
    /// otherwise, or past `limit` strings.
    func literalStrings(limit: Int = 64) -> [[Unicode.Scalar]]? {
        switch self {
        case .literal(let scalar, _):
            return [[scalar]]
        case .group(let opening, let body):
            guard opening == "(" || opening == "(?:" || opening.hasPrefix("(?<") else { return nil }
            return body.literalStrings(limit: limit)
        case .sequence(let items):
            var strings: [[Unicode.Scalar]] = [[]]
            for item in items {
                guard let next = item.literalStrings(limit: limit) else { return nil }
                strings = strings.flatMap { prefix in next.map { prefix + $0 } }
                if strings.count > limit { return nil }
            }
            return strings
        case .alternation(let branches):
            var strings: [[Unicode.Scalar]] = []
            for branch in branches {
                guard let next = branch.literalStrings(limit: limit) else { return nil }
                strings += next
                if strings.count > limit { return nil }
            }
            return strings
        case .quantified(let item, let quantifier):
            guard quantifier == "?" || quantifier == "??", let inner = item.literalStrings(limit: limit) else {
                return nil
            }
            return quantifier == "?" ? inner + [[]] : [[]] + inner
        case .characterSet, .anchor, .lookaround, .flags:
            return nil
        }
    }

    /// The pattern with the alternatives of its leading alternation written out, each a whole pattern
    /// (`\b(?i:A|B)x` gives `\b(?i:A)x` and `\b(?i:B)x`): a match of the pattern is a match of one of them at the same
    /// place. The leading alternation is the pattern's own, or the one its first item that consumes is, through
    /// groups (capturing, named, non-capturing or flag groups); what comes before that item consumes nothing
    /// (anchors, lookarounds, flag settings). Nil when there is none, or when a branch but the last sets flags.
    var leadingBranches: [RegexTree]? {
        switch self {
        case .alternation(let branches):
            // A flag setting in a branch lasts into the branches after it (`(?i)a|b`): alone, they would lose it.
            guard !branches.dropLast().contains(where: \.hasTopLevelFlags) else { return nil }
            return branches
        case .group(let opening, let body):
            let flags = opening.dropFirst(2).dropLast()
            let named = opening.hasPrefix("(?<") && !opening.hasPrefix("(?<=") && !opening.hasPrefix("(?<!")
            guard opening == "(" || named || (opening.hasPrefix("(?") && opening.hasSuffix(":")
                        && flags.allSatisfy { $0 == "-" || ($0.isASCII && $0.isLetter) })
            else { return nil }
            return body.leadingBranches?.map { .group(opening: opening, $0) }
        case .sequence(let items):
            guard let index = items.firstIndex(where: { !$0.consumesNothing }),
                  let inner = items[index].leadingBranches else { return nil }
            return inner.map { .sequence(Array(items[..<index]) + [$0] + Array(items[(index + 1)...])) }
        case .literal, .characterSet, .anchor, .lookaround, .flags, .quantified:
            return nil
        }
    }

    /// Whether this is an anchor, a lookaround or a flag setting.
    var consumesNothing: Bool {
        switch self {
        case .anchor, .lookaround, .flags: return true
        default: return false
        }
    }

    /// Whether this is a positive lookbehind.
    var isLookbehind: Bool {
        if case .lookaround("<=", _) = self { return true }
        return false
    }

    /// Whether an inline flag setting such as `(?i)` appears outside every group (it would reach across a split).
    var hasTopLevelFlags: Bool {
        items.contains { if case .flags = $0 { return true } else { return false } }
    }

    // MARK: - Reading

    private struct Reader {
        let scalars: [Unicode.Scalar]
        var index = 0

        var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        mutating func take() throws(Unsupported) -> Unicode.Scalar {
            guard index < scalars.count else { throw Unsupported() }
            defer { index += 1 }
            return scalars[index]
        }

        func text(_ range: Range<Int>) -> String {
            String(String.UnicodeScalarView(scalars[range]))
        }

        /// Branches up to a `)` or the end (not consumed).
        mutating func alternation() throws(Unsupported) -> RegexTree {
            var branches: [RegexTree] = []
            var items: [RegexTree] = []
            while let scalar = peek, scalar != ")" {
                if scalar == "|" {
                    index += 1
                    branches.append(.sequence(items))
                    items = []
                    continue
                }
                let atom = try self.atom()
                items.append(try quantifier(after: atom))
            }
            branches.append(.sequence(items))
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        mutating func atom() throws(Unsupported) -> RegexTree {
            let start = index
            let scalar = try take()
            switch scalar {
            case "(": return try group()
            case "[":
                try skipClass()
                return .characterSet(text(start..<index))
            case ".": return .characterSet(".")
            case "^", "$": return .anchor(String(scalar))
            case "\\": return try escape(from: start)
            case "*", "+", "?", "{", "}", ")", "|": throw Unsupported()
            default: return .literal(scalar, spelling: String(scalar))
            }
        }

        mutating func escape(from start: Int) throws(Unsupported) -> RegexTree {
            let next = try take()
            switch next {
            case "b", "B", "A", "z", "Z", "G": return .anchor("\\" + String(next))
            case "d", "D", "w", "W", "s", "S", "h", "H", "v", "V", "R", "X":
                return .characterSet("\\" + String(next))
            case "p", "P":
                guard try take() == "{" else { throw Unsupported() }
                while try take() != "}" {}
                return .characterSet(text(start..<index))
            case "t": return .literal("\t", spelling: "\\t")
            case "n": return .literal("\n", spelling: "\\n")
            case "r": return .literal("\r", spelling: "\\r")
            case "f": return .literal("\u{0C}", spelling: "\\f")
            default:
                // Escaped punctuation is the character itself; other escaped letters and digits are not read.
                guard next.isASCII, !next.properties.isAlphabetic, !("0"..."9").contains(next) else {
                    throw Unsupported()
                }
                return .literal(next, spelling: "\\" + String(next))
            }
        }

        mutating func group() throws(Unsupported) -> RegexTree {
            let start = index - 1
            guard peek == "?" else {
                let body = try alternation()
                guard try take() == ")" else { throw Unsupported() }
                return .group(opening: "(", body)
            }
            index += 1
            let kind = try take()
            switch kind {
            case ":", ">":
                break
            case "=", "!":
                let body = try alternation()
                guard try take() == ")" else { throw Unsupported() }
                return .lookaround(kind: String(kind), body)
            case "<":
                if peek == "=" || peek == "!" {
                    let direction = try take()
                    let body = try alternation()
                    guard try take() == ")" else { throw Unsupported() }
                    return .lookaround(kind: "<" + String(direction), body)
                }
                while let scalar = peek, scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9") ~= scalar {
                    index += 1
                }
                guard try take() == ">" else { throw Unsupported() }
            default:
                // Flags: `(?i)` sets them, `(?i-m:` opens a group.
                index -= 1
                while let scalar = peek, scalar == "-" || ("a"..."z") ~= scalar { index += 1 }
                let end = try take()
                if end == ")" { return .flags(text(start..<index)) }
                guard end == ":" else { throw Unsupported() }
            }
            let opening = text(start..<index)
            let body = try alternation()
            guard try take() == ")" else { throw Unsupported() }
            return .group(opening: opening, body)
        }

        /// Skips a class after its `[`, nested classes and escapes included.
        mutating func skipClass() throws(Unsupported) {
            var depth = 1
            if peek == "^" { index += 1 }
            while depth > 0 {
                let scalar = try take()
                switch scalar {
                case "\\": _ = try take()
                case "[": depth += 1
                case "]": depth -= 1
                default: break
                }
            }
        }

        mutating func quantifier(after atom: RegexTree) throws(Unsupported) -> RegexTree {
            guard let scalar = peek, "?*+{".unicodeScalars.contains(scalar) else { return atom }
            if case .anchor = atom { throw Unsupported() }
            let start = index
            index += 1
            if scalar == "{" {
                while let next = peek, next == "," || ("0"..."9") ~= next { index += 1 }
                guard try take() == "}" else { throw Unsupported() }
            }
            if let next = peek, next == "?" || next == "+" { index += 1 }
            return .quantified(atom, quantifier: text(start..<index))
        }
    }
}
