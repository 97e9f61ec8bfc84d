/// The case-insensitive parts of a pattern with their ASCII letters spelled as classes (`(?i:shall)` becomes
/// `(?i:[sS][hH][aA][lL][lL])`): the form `Pattern` runs on texts without boundary traps.
///
/// Why: ICU compares a case-insensitive literal by folding the text at match time, character by character
/// (`ucase_toFullFolding`), which makes a keyword lexicon about half again as slow to try as the same lexicon in
/// classes (measured with `uregex_lookingAt` at every word start of 4 MB of liaison text: 259 against 169 ns a try
/// for fourteen verbs, 76 against 59 for "shall|must not|never"); a class is closed over case once, when the
/// pattern compiles. The two accept the same texts except through the characters ICU folds to ASCII letters ("ß"
/// for "ss", "ſ" for "s", the Kelvin sign for "k", ligatures: `PatternLiterals.foldExceptions`), and a text holding
/// one of those has boundary traps, so it gets the pattern as written (`WordBoundary.legacy`).
///
/// Classes, escapes and everything else keep their spelling (and the flag, so ICU still closes classes over case);
/// only literal ASCII letters inside case-insensitive parts change. A pattern this cannot read safely (see
/// `RegexTree`; a flag setting inside an alternation, whose reach differs between engines; a letter outside
/// ASCII in a case-insensitive part; extended mode) is left as it is.
enum AsciiCase {
    /// `source` with the ASCII letters of its case-insensitive parts (all of it when `caseInsensitive`) spelled as
    /// classes; `source` itself when there are none or the pattern is not read safely.
    static func rewrite(_ source: String, caseInsensitive: Bool) -> String {
        guard caseInsensitive || source.contains("(?"), let tree = RegexTree(source),
              let rewritten = tree.asciiCase(caseInsensitive, inBranch: false) else { return source }
        return rewritten.source
    }

    /// Whether a flag setting (`(?i)`, `(?-i)`, `(?i-m:`) turns case-insensitivity on (true) or off (false); nil
    /// when it does not touch it. Throws for what is not read here (extended mode).
    static func caseFlag(_ opening: String) throws(RegexTree.Unsupported) -> Bool? {
        guard opening.hasPrefix("(?") else { return nil }
        var flags = opening.dropFirst(2)
        guard let last = flags.last, last == ")" || last == ":" else { return nil }
        flags = flags.dropLast()
        guard flags.allSatisfy({ "imswd-".contains($0) }) else {
            if flags.contains("x") { throw RegexTree.Unsupported() }
            return nil
        }
        let parts = flags.split(separator: "-", omittingEmptySubsequences: false)
        if parts[0].contains("i") { return true }
        if parts.count > 1, parts[1].contains("i") { return false }
        return nil
    }

    /// The class spelling of an ASCII letter: `[sS]`.
    static func letterClass(_ scalar: Unicode.Scalar) -> String {
        let lower = String(scalar).lowercased()
        return "[" + lower + lower.uppercased() + "]"
    }
}

extension RegexTree {
    /// The character every match of this branch starts with, as a key (lower case in a case-insensitive part),
    /// when its first item is one literal character; nil otherwise.
    func firstLiteral(_ insensitive: Bool) -> Unicode.Scalar? {
        guard case .literal(let scalar, _) = items.first else { return nil }
        guard insensitive else { return scalar }
        guard scalar.isASCII else { return nil }
        return Unicode.Scalar(UInt8(ascii: scalar) | (scalar.properties.isAlphabetic ? 0x20 : 0))
    }

    /// Alternatives with their first characters taken out (`define|describe|provide` is tried as
    /// `d(?:efine|escribe)|provide`): ICU tries the branches of an alternation one after the other, comparing each
    /// one's first character, and a keyword list of forty verbs tried at every word start costs twice what the
    /// grouped list does. `firsts`: each branch's first character as `firstLiteral` gives it. Branches are grouped
    /// only within a run of branches that all start with a literal character, and keep their order within a group:
    /// two branches that start with different characters never both match at one place, so which comes first does
    /// not change the match; a branch of one character stays as it is.
    static func grouped(_ branches: [RegexTree], firsts: [Unicode.Scalar?]) -> [RegexTree] {
        var out: [RegexTree] = []
        var index = 0
        while index < branches.count {
            guard firsts[index] != nil else {
                out.append(branches[index])
                index += 1
                continue
            }
            // A run of branches starting with a literal character: grouped by that character, groups in the order
            // of their first branch.
            var end = index
            while end < branches.count, firsts[end] != nil { end += 1 }
            var keys: [Unicode.Scalar] = []
            var members: [Unicode.Scalar: [RegexTree]] = [:]
            for position in index..<end {
                let key = firsts[position]!
                if members[key] == nil { keys.append(key) }
                members[key, default: []].append(branches[position])
            }
            for key in keys {
                let group = members[key]!
                guard group.count > 1, group.allSatisfy({ $0.items.count > 1 }) else {
                    out += group
                    continue
                }
                let rests = group.map { RegexTree.sequence(Array($0.items.dropFirst())) }
                out.append(.sequence([group[0].items[0], .group(opening: "(?:", .alternation(rests))]))
            }
            index = end
        }
        return out
    }

    /// This tree with the ASCII letters of its case-insensitive parts as classes (see `AsciiCase`), starting
    /// case-insensitive when `insensitive`; nil when it cannot be done safely. `inBranch`: the tree is a branch of an
    /// alternation with others (a flag setting there is not followed).
    func asciiCase(_ insensitive: Bool, inBranch: Bool) -> RegexTree? {
        var state = insensitive
        return try? rewritten(&state, inBranch: inBranch)
    }

    /// This tree rewritten in the case state `insensitive`, which an inline flag setting changes for what follows
    /// it in its group.
    private func rewritten(_ insensitive: inout Bool, inBranch: Bool) throws(Unsupported) -> RegexTree {
        switch self {
        case .literal(let scalar, _):
            guard insensitive else { return self }
            if scalar.isASCII {
                return scalar.properties.isAlphabetic ? .characterSet(AsciiCase.letterClass(scalar)) : self
            }
            // A character with case outside ASCII folds in ways a class of two does not spell.
            let properties = scalar.properties
            guard !properties.isAlphabetic, !properties.changesWhenCaseMapped, !properties.changesWhenCaseFolded
            else { throw Unsupported() }
            return self
        case .characterSet, .anchor:
            return self
        case .flags(let text):
            guard !inBranch else { throw Unsupported() }
            if let on = try AsciiCase.caseFlag(text) { insensitive = on }
            return self
        case .group(let opening, let body):
            var inner = try AsciiCase.caseFlag(opening) ?? insensitive
            return .group(opening: opening, try body.rewritten(&inner, inBranch: false))
        case .lookaround(let kind, let body):
            var inner = insensitive
            return .lookaround(kind: kind, try body.rewritten(&inner, inBranch: false))
        case .sequence(let items):
            var out: [RegexTree] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try item.rewritten(&insensitive, inBranch: inBranch)) }
            return .sequence(out)
        case .alternation(let branches):
            var out: [RegexTree] = []
            for branch in branches {
                var inner = insensitive
                out.append(try branch.rewritten(&inner, inBranch: branches.count > 1))
            }
            return .alternation(Self.grouped(out, firsts: branches.map { $0.firstLiteral(insensitive) }))
        case .quantified(let item, let quantifier):
            return .quantified(try item.rewritten(&insensitive, inBranch: inBranch), quantifier: quantifier)
        }
    }
}
