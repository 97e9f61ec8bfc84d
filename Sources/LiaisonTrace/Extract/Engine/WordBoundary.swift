/// Rewrites `\b` (an ASCII word boundary in rule files) into lookarounds ICU evaluates quickly.
///
/// ICU's own `\b` is Unicode-aware (a letter such as "é" is a word character), so rule files' `\b` becomes an ASCII
/// test. In general that is `(?:(?<=W)(?!W)|(?<!W)(?=W))` with `W` = `[A-Za-z0-9_]`: up to four lookarounds and a
/// backtracking point at every attempt. Where the pattern itself says what is on one side, one lookaround does: before
/// an atom that always starts with a word character (`\bRFC`, `\b(?:TS|TR)`, `\b\d`), `\b` is `(?<!W)`; after one that
/// always ends with a word character (`\d{2}\b`, `(?:shall|must)\b`), it is `(?!W)`. Both forms accept exactly the same
/// matches.
enum WordBoundary {
    static let word = "[A-Za-z0-9_]"
    static let general = "(?:(?<=\(word))(?!\(word))|(?<!\(word))(?=\(word)))"
    static let beforeWord = "(?<!\(word))"
    static let afterWord = "(?!\(word))"

    /// A token of a pattern, with where it is in the source.
    enum Token: Equatable {
        /// A literal character (escaped or not); `isWord` when it is an ASCII letter, digit or underscore.
        case character(isWord: Bool)
        /// An escape such as `\d` or `\s`; `isWord` when it only matches ASCII word characters (`\d`).
        case escape(isWord: Bool)
        /// `\b`.
        case boundary
        /// A character class; `isWord` when every member is an ASCII word character.
        case characterClass(isWord: Bool)
        /// `(`: `transparent` for groups that match their contents (capturing, named, non-capturing, flag groups,
        /// atomic), not for lookarounds or inline flag settings such as `(?i)`.
        case open(transparent: Bool)
        case close
        case alternation
        /// A quantifier; `optional` when it allows zero repetitions.
        case quantifier(optional: Bool)
        /// Anything else (anchors, `.`, other escapes).
        case other
    }

    /// `pattern` with every `\b` outside classes replaced by the cheapest equivalent ASCII test.
    static func rewrite(_ pattern: String) -> String {
        let scalars = Array(pattern.unicodeScalars)
        guard let tokens = tokenize(scalars) else { return legacy(pattern) }
        guard tokens.contains(where: { $0.0 == .boundary }) else { return pattern }
        // The output is made of the pattern's own UTF-8 bytes (scalar positions mapped to byte offsets) and the
        // replacements: appending scalars to a string one slice at a time was most of the cost of loading rules.
        let utf8 = Array(pattern.utf8)
        var offsets = [Int](repeating: 0, count: scalars.count + 1)
        for (index, scalar) in scalars.enumerated() { offsets[index + 1] = offsets[index] + UTF8.width(scalar) }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 64)
        var position = 0
        for (index, (token, range)) in tokens.enumerated() where token == .boundary {
            out += utf8[offsets[position]..<offsets[range.lowerBound]]
            position = range.upperBound
            let replacement: String
            if startsWithWord(tokens, index + 1) {
                replacement = beforeWord
            } else if endsWithWord(tokens, index - 1) {
                replacement = afterWord
            } else {
                replacement = general
            }
            out += replacement.utf8
        }
        out += utf8[offsets[position]...]
        return String(decoding: out, as: UTF8.self)
    }

    /// The general form for every `\b` (what patterns used before; kept for comparison in tests).
    static func legacy(_ pattern: String) -> String {
        var out = ""
        var escaped = false
        var inClass = false
        for character in pattern {
            if escaped {
                if character == "b", !inClass { out += general } else { out += "\\" + String(character) }
                escaped = false
                continue
            }
            switch character {
            case "\\": escaped = true
            case "[": inClass = true; out.append(character)
            case "]": inClass = false; out.append(character)
            default: out.append(character)
            }
        }
        if escaped { out += "\\" }
        return out
    }

    /// Whether `pattern` has a `|` outside every group (or cannot be read, to be safe).
    static func hasTopLevelAlternation(_ pattern: String) -> Bool {
        guard let tokens = tokenize(Array(pattern.unicodeScalars)) else { return true }
        var depth = 0
        for (token, _) in tokens {
            switch token {
            case .open: depth += 1
            case .close: depth -= 1
            case .alternation where depth == 0: return true
            default: break
            }
        }
        return false
    }

    // MARK: - Tokens

    static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_": return true
        default: return false
        }
    }

    /// The tokens of a pattern, or nil when it uses something this reading does not follow (then every `\b`
    /// keeps the general form).
    static func tokenize(_ s: [Unicode.Scalar]) -> [(Token, Range<Int>)]? {
        var tokens: [(Token, Range<Int>)] = []
        var i = 0
        while i < s.count {
            let start = i
            let scalar = s[i]
            switch scalar {
            case "\\":
                guard i + 1 < s.count else { return nil }
                let next = s[i + 1]
                i += 2
                switch next {
                case "b": tokens.append((.boundary, start..<i))
                case "d": tokens.append((.escape(isWord: true), start..<i))
                case "Q", "E", "x", "u", "U", "N", "p", "P", "k", "c", "0"..."9": return nil
                case "a"..."z", "A"..."Z": tokens.append((.escape(isWord: false), start..<i))
                default: tokens.append((.character(isWord: isWord(next)), start..<i))
                }
            case "[":
                guard let (end, word) = characterClass(s, from: i) else { return nil }
                i = end
                tokens.append((.characterClass(isWord: word), start..<i))
            case "(":
                i += 1
                var transparent = true
                if i < s.count, s[i] == "?" {
                    guard i + 1 < s.count else { return nil }
                    switch s[i + 1] {
                    case ":", ">": i += 2
                    case "=", "!": transparent = false; i += 2
                    case "<":
                        guard i + 2 < s.count else { return nil }
                        if s[i + 2] == "=" || s[i + 2] == "!" {
                            transparent = false
                            i += 3
                        } else {
                            // Named group: up to '>'.
                            while i < s.count, s[i] != ">" { i += 1 }
                            guard i < s.count else { return nil }
                            i += 1
                        }
                    case "#": return nil
                    default:
                        // Flags: (?i) sets, (?i:...) groups.
                        var j = i + 1
                        while j < s.count, s[j] == "-" || ("a"..."z").contains(s[j]) { j += 1 }
                        guard j < s.count else { return nil }
                        if s[j] == ")" {
                            tokens.append((.other, start..<(j + 1)))
                            i = j + 1
                            continue
                        }
                        guard s[j] == ":" else { return nil }
                        i = j + 1
                    }
                }
                tokens.append((.open(transparent: transparent), start..<i))
            case ")":
                i += 1
                tokens.append((.close, start..<i))
            case "|":
                i += 1
                tokens.append((.alternation, start..<i))
            case "?", "*", "+", "{":
                var optional = scalar == "?" || scalar == "*"
                if scalar == "{" {
                    var j = i + 1
                    var minimum = ""
                    while j < s.count, ("0"..."9").contains(s[j]) {
                        minimum.unicodeScalars.append(s[j])
                        j += 1
                    }
                    while j < s.count, s[j] != "}" { j += 1 }
                    guard j < s.count, !minimum.isEmpty else { return nil }
                    optional = Int(minimum) == 0
                    i = j + 1
                } else {
                    i += 1
                }
                if i < s.count, s[i] == "?" || s[i] == "+" { i += 1 }  // lazy or possessive
                tokens.append((.quantifier(optional: optional), start..<i))
            default:
                i += 1
                tokens.append((scalar == "." || scalar == "^" || scalar == "$" ? .other
                               : .character(isWord: isWord(scalar)), start..<i))
            }
        }
        return tokens
    }

    /// A class starting at `start` (`[`): where it ends, and whether all its members are ASCII word characters.
    static func characterClass(_ s: [Unicode.Scalar], from start: Int) -> (Int, Bool)? {
        var i = start + 1
        var allWord = true
        if i < s.count, s[i] == "^" {
            allWord = false
            i += 1
        }
        var first = true
        while i < s.count {
            let scalar = s[i]
            if scalar == "]", !first { return (i + 1, allWord) }
            first = false
            if scalar == "[" { return nil }
            if scalar == "\\" {
                guard i + 1 < s.count else { return nil }
                if s[i + 1] != "d" { allWord = allWord && isWord(s[i + 1]) && !("a"..."z").contains(s[i + 1])
                    && !("A"..."Z").contains(s[i + 1]) }
                i += 2
                continue
            }
            if !isWord(scalar) { allWord = false }
            i += 1
        }
        return nil
    }

    // MARK: - What is on each side

    /// The index of the token that closes the group opened at `open`.
    static func close(of open: Int, _ tokens: [(Token, Range<Int>)]) -> Int? {
        var depth = 0
        for index in open..<tokens.count {
            switch tokens[index].0 {
            case .open: depth += 1
            case .close:
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    /// The index of the token that opens the group closed at `close`.
    static func open(of close: Int, _ tokens: [(Token, Range<Int>)]) -> Int? {
        var depth = 0
        var index = close
        while index >= 0 {
            switch tokens[index].0 {
            case .close: depth += 1
            case .open:
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
            index -= 1
        }
        return nil
    }

    /// The top-level alternatives between tokens `from` and `to` (exclusive), as index ranges.
    static func alternatives(_ tokens: [(Token, Range<Int>)], _ from: Int, _ to: Int) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var depth = 0
        var start = from
        for index in from..<to {
            switch tokens[index].0 {
            case .open: depth += 1
            case .close: depth -= 1
            case .alternation where depth == 0:
                result.append(start..<index)
                start = index + 1
            default: break
            }
        }
        result.append(start..<to)
        return result
    }

    /// Whether the atom at token `index` always starts with an ASCII word character (and is not optional).
    static func startsWithWord(_ tokens: [(Token, Range<Int>)], _ index: Int) -> Bool {
        guard index < tokens.count else { return false }
        let end: Int
        switch tokens[index].0 {
        case .character(let word), .escape(let word), .characterClass(let word):
            guard word else { return false }
            end = index
        case .open(let transparent):
            guard transparent, let close = close(of: index, tokens) else { return false }
            for alternative in alternatives(tokens, index + 1, close) {
                guard !alternative.isEmpty, startsWithWord(tokens, alternative.lowerBound) else { return false }
            }
            end = close
        default:
            return false
        }
        if end + 1 < tokens.count, case .quantifier(let optional) = tokens[end + 1].0, optional { return false }
        return true
    }

    /// Whether the atom ending at token `index` always ends with an ASCII word character.
    static func endsWithWord(_ tokens: [(Token, Range<Int>)], _ index: Int) -> Bool {
        guard index >= 0 else { return false }
        switch tokens[index].0 {
        case .character(let word), .escape(let word), .characterClass(let word):
            return word
        case .quantifier(let optional):
            return !optional && endsWithWord(tokens, index - 1)
        case .close:
            guard let open = open(of: index, tokens), case .open(let transparent) = tokens[open].0, transparent else {
                return false
            }
            for alternative in alternatives(tokens, open + 1, index) {
                guard !alternative.isEmpty, endsWithWord(tokens, alternative.upperBound - 1) else { return false }
            }
            return true
        default:
            return false
        }
    }
}
