import Foundation

/// The literal cues of one rule pattern: strings that every match of the pattern starts with (`prefixes`) or
/// contains (`required`), and bounds of a match's length, derived from the ICU source alone (no regex engine).
/// The extraction engine scans a document once for the cues of all rules (a multi-literal scanner over its UTF-8
/// bytes) and runs a rule's regular expression only around the places its cues give.
///
/// Everything here must be sound: a literal set that misses one match silently loses it. So every construct
/// whose effect is not fully understood gives up (`unsupported` names it, and nothing is claimed).
///
/// How a scanner must compare the literals:
/// - ASCII letters case-insensitively (the literals are lower-cased ASCII), every other character by its exact
///   UTF-8 bytes (non-ASCII characters only ever come from case-sensitive parts of a pattern);
/// - in case-insensitive parts ICU also matches ASCII letters through the characters of `foldExceptions`
///   ("ss" matches "ß", "k" matches U+212A KELVIN SIGN, "fi" matches the ligature U+FB01). When `foldSensitive`
///   is true, the scanner reads each of those characters as its ASCII spelling (a literal found inside one
///   starts at that character), or the engine runs the rule over the whole document when the document holds
///   one of them (they are rare in standards text). No literal ever contains one of those characters itself.
///
/// Literals hold Unicode scalars as the pattern writes them: compare them by their UTF-8 bytes, not as Swift
/// `String`s or `Character`s (canonical equivalence would merge "é" and "e" + U+0301, which ICU keeps apart).
///
/// Supported syntax (ICU, with the options of `Pattern`: UNIX_LINES, optionally CASE_INSENSITIVE): literal
/// characters and escaped punctuation, `\t \n \r \f \a \e`; `.`, `\d \D \w \W \s \S \h \H \v \V \R \X`,
/// `\p{..} \P{..}`; character classes with ranges, escapes, negation, nested sets and `&&`/`--` (a nested or
/// combined set is one unknown character); anchors and assertions `^ $ \b \B \A \z \Z \G`, lookarounds (zero
/// width; their contents never give literals); groups: capturing, named, non-capturing, atomic, flag groups
/// `(?i)`, `(?-i)`, `(?i:..)` with the flags `i m s w d`; alternation; quantifiers `? * + {n} {n,} {n,m}` and
/// their lazy and possessive forms. Unsupported (the analysis gives up): `\x`, `\u`, `\U`, `\N{..}`, `\Q..\E`,
/// `\c`, octal escapes, backreferences, `\k<..>`, `(?x)` and other flags, `(?#..)` comments, any other escaped
/// letter or digit.
struct PatternLiterals: Sendable, Equatable {
    /// One literal that matches contain, with how far from the match start it can begin.
    struct Required: Sendable, Hashable {
        /// The literal (lower-cased ASCII; non-ASCII characters only from case-sensitive parts).
        var literal: String
        /// The largest distance, in UTF-16 units, from the start of a match to the start of this literal in it;
        /// nil when unbounded.
        var maxOffset: Int?
    }

    /// The cue set the engine scans for, as chosen by `cues`.
    enum Cues: Sendable, Equatable {
        /// Every match starts, at its first consumed character, with one of these.
        case prefixes([String])
        /// Every match contains one of these, within its `maxOffset` from the match start.
        case required([Required])
    }

    /// The pattern as written in the rule file.
    let source: String
    /// Whether the pattern is compiled with CASE_INSENSITIVE.
    let caseInsensitive: Bool
    /// Non-empty literals such that every match begins with one of them (sorted by UTF-8 bytes, none a prefix of
    /// another); nil when no such finite set is known.
    let prefixes: [String]?
    /// Non-empty literals such that every match contains at least one of them, at most `maxOffset` UTF-16 units
    /// after the match start (sorted by literal); nil when no such set is known.
    let required: [Required]?
    /// The fewest UTF-16 units a match can span (a lower bound).
    let minLength: Int
    /// The most UTF-16 units a match can span; nil when unbounded.
    let maxLength: Int?
    /// Whether a literal of `prefixes` or `required` holds a letter from a case-insensitive part that ICU can
    /// also match through one of `foldExceptions`.
    let foldSensitive: Bool
    /// The construct the analysis did not understand, when it gave up (then nothing is claimed: no prefixes,
    /// no required literals, `minLength` 0, `maxLength` nil).
    let unsupported: String?
    /// The ASCII characters a match can start with, in the case the text must show them (both cases in
    /// case-insensitive parts); nil when unknown or when a match can start with something else. A text character
    /// outside ASCII must always be tried (case folding).
    let firstCharacters: Set<UInt8>?

    /// The most alternatives a literal set may have; larger sets are cut back to shorter literals.
    static let maxAlternatives = 64
    /// The most members a character class may have, after case folding, to be expanded into alternatives.
    static let maxClassMembers = 26
    /// The most characters of one literal; longer ones are cut (a prefix of a cue is still a cue).
    static let maxLiteralLength = 32
    /// Literals more selective than this are all as good (then the earliest in the pattern is taken).
    static let maxLiteralBits = 40.0

    /// Non-ASCII characters that ICU's case-insensitive matching equates with ASCII letters, with their ASCII
    /// spelling (full case folding). Found by running ICU over every code point.
    static let foldExceptions: [Unicode.Scalar: String] = [
        "\u{DF}": "ss", "\u{1E9E}": "ss", "\u{17F}": "s", "\u{212A}": "k",
        "\u{FB00}": "ff", "\u{FB01}": "fi", "\u{FB02}": "fl", "\u{FB03}": "ffi", "\u{FB04}": "ffl",
        "\u{FB05}": "st", "\u{FB06}": "st",
    ]

    /// Analyzes `source`, compiled case-insensitively when `caseInsensitive`.
    init(source: String, caseInsensitive: Bool = false, spaceRun: Int? = nil, wordRun: Int? = nil) {
        let key = PatternAnalyses.Key(source: source, caseInsensitive: caseInsensitive, spaceRun: spaceRun,
                                      wordRun: wordRun)
        if let known = PatternAnalyses.shared.analysis(key) {
            self = known
            return
        }
        self.init(analyzing: source, caseInsensitive: caseInsensitive, spaceRun: spaceRun, wordRun: wordRun)
        PatternAnalyses.shared.add(key, self)
    }

    /// The analysis itself (`init(source:...)` takes it from `PatternAnalyses` when it was made before).
    private init(analyzing source: String, caseInsensitive: Bool, spaceRun: Int?, wordRun: Int?) {
        self.source = source
        self.caseInsensitive = caseInsensitive
        let node: Node
        do {
            var parser = Parser(source)
            node = try parser.parse(caseInsensitive: caseInsensitive)
        } catch {
            prefixes = nil
            required = nil
            minLength = 0
            maxLength = nil
            foldSensitive = false
            unsupported = error.reason
            firstCharacters = nil
            return
        }
        let info = Analyzer.$spaceRun.withValue(spaceRun) {
            Analyzer.$wordRun.withValue(wordRun) { Analyzer.analyze(node) }
        }
        unsupported = nil
        if let first = Analyzer.firstCharacters(node), !first.nullable, !first.characters.isEmpty {
            firstCharacters = first.characters
        } else {
            firstCharacters = nil
        }
        minLength = info.minLength
        maxLength = info.maxLength
        var folded = false
        if info.minLength > 0, !info.first.matchesEmpty {
            let minimal = info.first.minimalPrefixes()
            prefixes = minimal.map { String(String.UnicodeScalarView($0.scalars)) }
            folded = folded || minimal.contains { $0.folded }
        } else {
            prefixes = nil
        }
        if info.minLength > 0, let set = info.required {
            let items = set.minimal()
            required = items.map { Required(literal: String(String.UnicodeScalarView($0.scalars)),
                                            maxOffset: $0.maxOffset) }
            folded = folded || items.contains { $0.folded }
        } else {
            required = nil
        }
        foldSensitive = folded
    }

    /// The cue set to scan for: `prefixes` when they are acceptable (see `score(of:)`), else `required` when
    /// acceptable, else nil (the rule must run over the whole text).
    var cues: Cues? {
        let prefixScore = prefixes.flatMap { Self.score(of: $0) }
        let requiredScore = required.flatMap { Self.score(of: $0.map(\.literal)) }
        // Anchored at the start of a match, a cue is cheap to confirm; inside one, the engine must try the
        // positions before it. So prefixes win unless required literals are much rarer ("is|are ... essential").
        if let prefixes, let prefixScore, requiredScore.map({ $0 < prefixScore + Self.requiredAdvantage }) ?? true {
            return .prefixes(prefixes)
        }
        if let required, requiredScore != nil { return .required(required) }
        return nil
    }

    /// How many bits more selective required literals must be than prefixes to be chosen over them.
    static let requiredAdvantage = 6.0

    /// The selectivity of a literal set in bits: -log2 of the expected share of text positions where one of the
    /// literals starts, with each character counted as an ASCII letter or digit 4 bits, whitespace 2, `.`, `,`
    /// and `-` 5, other ASCII punctuation 7, any other character 8, and a literal at most `maxLiteralBits` (so
    /// longer literals and fewer alternatives score higher, up to a point).
    ///
    /// nil when the set is rejected: empty, or holding an empty literal, or a literal that is one character among
    /// letters, digits, whitespace and control characters and `. , - : ; ' " ( ) /` (each would flag a large part
    /// of any text). One rarer character alone (`[`, `§`, `#`) is accepted.
    static func score(of literals: [String]) -> Double? {
        score(literals.map { Array($0.unicodeScalars) })
    }

    static func score(_ literals: [[Unicode.Scalar]]) -> Double? {
        guard !literals.isEmpty else { return nil }
        var share = 0.0
        for literal in literals {
            guard let first = literal.first else { return nil }
            if literal.count == 1, isWeak(first) { return nil }
            let literalBits = min(maxLiteralBits, literal.reduce(0.0) { $0 + bits(of: $1) })
            share += exp2(-literalBits)
        }
        return -log2(share)
    }

    private static func isWeak(_ scalar: Unicode.Scalar) -> Bool {
        if ".,-:;'\"()/".unicodeScalars.contains(scalar) { return true }
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil || properties.isWhitespace
            || properties.generalCategory == .control
    }

    private static func bits(of scalar: Unicode.Scalar) -> Double {
        guard scalar.isASCII else { return 8 }
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": return 4
        case " ", "\t", "\n", "\r": return 2
        case ".", ",", "-": return 5
        default: return 7
        }
    }
}

// MARK: - Syntax

extension PatternLiterals {
    /// Why the analysis gave up.
    struct Unsupported: Error {
        var reason: String
    }

    /// A parsed pattern, reduced to what matters for literals and lengths.
    indirect enum Node {
        /// Consumes nothing: anchors, assertions, lookarounds.
        case empty
        /// One literal character; `caseInsensitive` when in a case-insensitive part.
        case character(Unicode.Scalar, caseInsensitive: Bool)
        /// One character out of a few literals (a small class, already folded and lower-cased).
        case oneOf([Unicode.Scalar], folded: Bool, maxUnits: Int, exact: [Unicode.Scalar]? = nil)
        /// Any one of many characters (or a grapheme cluster when `maxUnits` is nil); never a literal. `nonSpace`
        /// when it never matches ASCII white space (`\S`, `\w`, `\d`, `[^\s(]`, `[A-Z0-9]`): an unbounded run of it
        /// is then at most `Analyzer.wordRun` long when that is set.
        case unknown(minUnits: Int, maxUnits: Int?, nonSpace: Bool = false)
        /// One white-space character (`\s`, `\h`, `\v`): one unit, never a literal; an unbounded run of them is
        /// at most `Analyzer.spaceRun` long when that is set.
        case space
        case concatenation([Node])
        case alternation([Node])
        case repetition(Node, min: Int, max: Int?)
        /// A group that ICU keeps apart (capturing or atomic): its characters never fuse with their neighbours.
        case group(Node)
    }

    /// A recursive-descent parser over the pattern's Unicode scalars.
    struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        init(_ source: String) {
            scalars = Array(source.unicodeScalars)
        }

        var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

        func peek(_ offset: Int) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }

        mutating func next() -> Unicode.Scalar? {
            defer { index += 1 }
            return peek
        }

        func fail(_ reason: String) -> Unsupported {
            Unsupported(reason: "\(reason) at offset \(index)")
        }

        mutating func parse(caseInsensitive: Bool) throws(Unsupported) -> Node {
            var flag = caseInsensitive
            let node = try parseAlternation(caseInsensitive: &flag)
            if index < scalars.count { throw fail("unbalanced ')'") }
            return node
        }

        /// Alternatives up to a `)` or the end (not consumed). `(?i)` inside changes `caseInsensitive` up to the
        /// end of the enclosing group, across `|` as ICU does.
        mutating func parseAlternation(caseInsensitive: inout Bool) throws(Unsupported) -> Node {
            var branches: [Node] = []
            var items: [Node] = []
            while let scalar = peek, scalar != ")" {
                if scalar == "|" {
                    index += 1
                    branches.append(.concatenation(items))
                    items = []
                    continue
                }
                guard let atom = try parseAtom(caseInsensitive: &caseInsensitive) else { continue }
                let node = try parseQuantifier(atom)
                if case .concatenation(let children) = node {
                    items += children  // a non-capturing group: its characters may fuse with the neighbours
                } else {
                    items.append(node)
                }
            }
            branches.append(.concatenation(items))
            return branches.count == 1 ? branches[0] : .alternation(branches)
        }

        /// One atom, or nil for a flag setting such as `(?i)`.
        mutating func parseAtom(caseInsensitive: inout Bool) throws(Unsupported) -> Node? {
            guard let scalar = next() else { throw fail("unexpected end") }
            switch scalar {
            case "(": return try parseGroup(caseInsensitive: &caseInsensitive)
            case "[": return try parseClass(caseInsensitive: caseInsensitive)
            case ".": return .unknown(minUnits: 1, maxUnits: 2)
            case "^", "$": return .empty
            case "\\": return try parseEscape(caseInsensitive: caseInsensitive)
            case "*", "+", "?", "{": throw fail("quantifier without operand")
            case "}": throw fail("unmatched '}'")
            default: return .character(scalar, caseInsensitive: caseInsensitive)
            }
        }

        mutating func parseGroup(caseInsensitive: inout Bool) throws(Unsupported) -> Node? {
            var inner = caseInsensitive
            guard peek == "?" else {
                return .group(try parseGroupBody(caseInsensitive: &inner))
            }
            index += 1
            switch peek {
            case ":":
                index += 1
                return try parseGroupBody(caseInsensitive: &inner)
            case "=", "!":
                index += 1
                _ = try parseGroupBody(caseInsensitive: &inner)
                return .empty
            case ">":
                index += 1
                return .group(try parseGroupBody(caseInsensitive: &inner))
            case "<":
                if peek(1) == "=" || peek(1) == "!" {
                    index += 2
                    _ = try parseGroupBody(caseInsensitive: &inner)
                    return .empty
                }
                index += 1
                guard let first = peek, first.isASCII, first.properties.isAlphabetic else {
                    throw fail("unsupported group name")
                }
                while let scalar = peek, scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9") ~= scalar {
                    index += 1
                }
                guard next() == ">" else { throw fail("unsupported group name") }
                return .group(try parseGroupBody(caseInsensitive: &inner))
            default:
                return try parseFlags(caseInsensitive: &caseInsensitive)
            }
        }

        /// `(?ims-ims)` or `(?ims-ims:...)`, after the `(?`.
        mutating func parseFlags(caseInsensitive: inout Bool) throws(Unsupported) -> Node? {
            var flag = caseInsensitive
            var on = true
            while let scalar = next() {
                switch scalar {
                case "i": flag = on
                case "m", "s", "w", "d": break  // no effect on literals or lengths
                case "-":
                    guard on else { throw fail("unsupported flags") }
                    on = false
                case ")":
                    caseInsensitive = flag
                    return nil
                case ":":
                    return try parseGroupBody(caseInsensitive: &flag)
                default:
                    throw fail("unsupported group or flag '\(scalar)'")
                }
            }
            throw fail("unterminated group")
        }

        mutating func parseGroupBody(caseInsensitive: inout Bool) throws(Unsupported) -> Node {
            let node = try parseAlternation(caseInsensitive: &caseInsensitive)
            guard next() == ")" else { throw fail("unterminated group") }
            return node
        }

        mutating func parseEscape(caseInsensitive: Bool) throws(Unsupported) -> Node {
            guard let scalar = next() else { throw fail("trailing backslash") }
            switch scalar {
            case "b", "B", "A", "z", "Z", "G": return .empty
            case "s", "h", "v": return .space  // white space is all in the BMP
            case "d", "w", "S": return .unknown(minUnits: 1, maxUnits: 2, nonSpace: true)
            case "D", "W", "H", "V", "R": return .unknown(minUnits: 1, maxUnits: 2)
            case "X": return .unknown(minUnits: 1, maxUnits: nil)
            case "p", "P":
                try skipProperty()
                return .unknown(minUnits: 1, maxUnits: 2)
            default:
                if let literal = Self.escapedLiteral(scalar) {
                    return .character(literal, caseInsensitive: caseInsensitive)
                }
                throw fail("unsupported escape '\\\(scalar)'")
            }
        }

        /// The character `\` + `scalar` stands for, when it is a plain literal.
        static func escapedLiteral(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
            switch scalar {
            case "t": return "\t"
            case "n": return "\n"
            case "r": return "\r"
            case "f": return "\u{0C}"
            case "a": return "\u{07}"
            case "e": return "\u{1B}"
            default:
                if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9") ~= scalar { return nil }
                return scalar
            }
        }

        /// After `\p` or `\P`: `{...}` or one letter.
        mutating func skipProperty() throws(Unsupported) {
            guard let scalar = next() else { throw fail("unterminated property") }
            guard scalar == "{" else { return }
            while let inner = next() {
                if inner == "}" { return }
            }
            throw fail("unterminated property")
        }

        mutating func parseQuantifier(_ atom: Node) throws(Unsupported) -> Node {
            let bounds: (Int, Int?)
            switch peek {
            case "?": bounds = (0, 1)
            case "*": bounds = (0, nil)
            case "+": bounds = (1, nil)
            case "{":
                let start = index
                index += 1
                guard let low = parseNumber() else { throw fail("unsupported interval") }
                var high: Int? = low
                if peek == "," {
                    index += 1
                    high = parseNumber()
                }
                guard peek == "}", high.map({ $0 >= low }) ?? true else {
                    index = start
                    throw fail("unsupported interval")
                }
                bounds = (low, high)
            default:
                return atom
            }
            index += 1
            if peek == "?" || peek == "+" { index += 1 }  // lazy and possessive forms match the same strings
            if let scalar = peek, "*+?{".unicodeScalars.contains(scalar) { throw fail("nested quantifier") }
            return .repetition(atom, min: bounds.0, max: bounds.1)
        }

        mutating func parseNumber() -> Int? {
            var value: Int?
            while let scalar = peek, ("0"..."9") ~= scalar {
                value = min((value ?? 0) * 10 + Int(scalar.value - 48), 1 << 30)
                index += 1
            }
            return value
        }

        // MARK: Classes

        /// One member of a class as read: a character, or something that is no single known character.
        enum ClassItem {
            case character(Unicode.Scalar)
            /// A set that cannot be enumerated; `coversSpace`: it holds every ASCII white-space character,
            /// `hasSpace`: it may hold some; `shorthand`: the letter of `\d`, `\s`, `\w`... when it is one.
            case opaque(hasSpace: Bool, coversSpace: Bool, shorthand: Unicode.Scalar? = nil)
        }

        /// What a class holds, as read after its `[`.
        struct ClassContents {
            var negated = false
            /// The members given as characters and ranges.
            var ranges: [ClosedRange<UInt32>] = []
            /// The letters of the shorthand escapes among the members (`s` for `\s`).
            var shorthands: [Unicode.Scalar] = []
            /// Whether some members cannot be enumerated (shorthands, properties, nested sets, `&&`, a '-' inside).
            var opaque = false
            /// Whether some members are neither characters, ranges nor shorthands.
            var hasOtherMembers = false
            /// Whether the members may hold ASCII white space, and whether they hold all of it.
            var hasSpace = false
            var coversSpace = false
        }

        /// A class after its `[`: a few literal characters, or one unknown character.
        mutating func parseClass(caseInsensitive: Bool) throws(Unsupported) -> Node {
            let contents = try readClass()
            // ASCII white space among the enumerable members.
            let spaces = Self.asciiSpaces.map(UInt32.init)
            let rangeSpaces = spaces.filter { space in contents.ranges.contains { $0.contains(space) } }
            let classHasSpace = contents.hasSpace || !rangeSpaces.isEmpty
            let classCoversSpace = contents.coversSpace || rangeSpaces.count == spaces.count
            let nonSpace = contents.negated ? classCoversSpace : !classHasSpace
            return Self.classNode(ranges: contents.ranges, negated: contents.negated, opaque: contents.opaque,
                                  caseInsensitive: caseInsensitive, nonSpace: nonSpace)
        }

        /// The ASCII characters of ICU's `\s` (not the vertical tab, U+000B).
        static let asciiSpaces: [UInt8] = [0x09, 0x0A, 0x0C, 0x0D, 0x20]

        /// The members of a class, after its `[` (the closing `]` is consumed).
        mutating func readClass() throws(Unsupported) -> ClassContents {
            var contents = ClassContents()
            if peek == "^" {
                contents.negated = true
                index += 1
            }
            // "[:digit:]" is a POSIX-like property in ICU, not the characters ':', 'd', 'i'...
            contents.opaque = peek == ":"
            contents.hasOtherMembers = contents.opaque
            contents.hasSpace = contents.opaque
            var first = true
            while true {
                guard let scalar = peek else { throw fail("unterminated class") }
                if scalar == "]", !first {
                    index += 1
                    break
                }
                let atStart = first
                first = false
                if scalar == "-" {
                    index += 1
                    // A '-' is a literal only first or last; anything else ('--', a dangling range) is not
                    // understood well enough to enumerate.
                    if atStart || peek == "]" {
                        contents.ranges.append(45...45)
                    } else {
                        contents.opaque = true
                        contents.hasOtherMembers = true
                        contents.hasSpace = true
                    }
                    continue
                }
                if scalar == "&", peek(1) == "&" {
                    index += 2
                    contents.opaque = true
                    contents.hasOtherMembers = true
                    contents.hasSpace = true
                    continue
                }
                let item = try parseClassItem()
                guard case .character(let low) = item else {
                    contents.opaque = true
                    if case .opaque(let itemHasSpace, let itemCoversSpace, let shorthand) = item {
                        contents.hasSpace = contents.hasSpace || itemHasSpace
                        contents.coversSpace = contents.coversSpace || itemCoversSpace
                        if let shorthand { contents.shorthands.append(shorthand) } else { contents.hasOtherMembers = true }
                    }
                    continue
                }
                if peek == "-", let after = peek(1), after != "]" {
                    index += 1
                    guard case .character(let high) = try parseClassItem(), high.value >= low.value else {
                        throw fail("unsupported range")
                    }
                    contents.ranges.append(low.value...high.value)
                } else {
                    contents.ranges.append(low.value...low.value)
                }
            }
            return contents
        }

        mutating func parseClassItem() throws(Unsupported) -> ClassItem {
            guard let scalar = next() else { throw fail("unterminated class") }
            switch scalar {
            case "[":
                try skipNestedClass()
                return .opaque(hasSpace: true, coversSpace: false)
            case "\\":
                guard let escaped = next() else { throw fail("trailing backslash") }
                switch escaped {
                case "d", "w", "S": return .opaque(hasSpace: false, coversSpace: false, shorthand: escaped)
                case "s": return .opaque(hasSpace: true, coversSpace: true, shorthand: escaped)
                case "D", "W", "h", "H", "v", "V": return .opaque(hasSpace: true, coversSpace: false, shorthand: escaped)
                case "p", "P":
                    try skipProperty()
                    return .opaque(hasSpace: true, coversSpace: false)
                default:
                    guard let literal = Self.escapedLiteral(escaped) else {
                        throw fail("unsupported escape '\\\(escaped)' in a class")
                    }
                    return .character(literal)
                }
            default:
                return .character(scalar)
            }
        }

        /// Skips a nested set (`[...]`, `[:alpha:]`) after its `[`.
        mutating func skipNestedClass() throws(Unsupported) {
            var depth = 1
            while let scalar = next() {
                switch scalar {
                case "\\":
                    guard next() != nil else { throw fail("trailing backslash") }
                case "[": depth += 1
                case "]":
                    depth -= 1
                    if depth == 0 { return }
                default: break
                }
            }
            throw fail("unterminated class")
        }

        static func classNode(ranges: [ClosedRange<UInt32>], negated: Bool, opaque: Bool,
                              caseInsensitive: Bool, nonSpace: Bool = false) -> Node {
            let allBMP = ranges.allSatisfy { $0.upperBound <= 0xFFFF }
            let allASCII = ranges.allSatisfy { $0.upperBound < 0x80 }
            // In case-insensitive parts ICU adds the case closure: ASCII letters gain only BMP characters.
            let maxUnits = !negated && !opaque && allBMP && (!caseInsensitive || allASCII) ? 1 : 2
            let size = ranges.reduce(0) { $0 + Int($1.count) }
            guard !negated, !opaque, size <= 256 else {
                return .unknown(minUnits: 1, maxUnits: maxUnits, nonSpace: nonSpace)
            }
            var members: [Unicode.Scalar] = []
            var seen: Set<Unicode.Scalar> = []
            for range in ranges {
                for value in range {
                    guard let scalar = Unicode.Scalar(value) else { return .unknown(minUnits: 1, maxUnits: 2) }
                    if caseInsensitive, !scalar.isASCII {
                        return .unknown(minUnits: 1, maxUnits: maxUnits, nonSpace: nonSpace)
                    }
                    if PatternLiterals.foldExceptions[scalar] != nil {
                        return .unknown(minUnits: 1, maxUnits: maxUnits, nonSpace: nonSpace)
                    }
                    let lower = Analyzer.lowercased(scalar)
                    if seen.insert(lower).inserted { members.append(lower) }
                }
            }
            guard !members.isEmpty, members.count <= PatternLiterals.maxClassMembers else {
                return .unknown(minUnits: 1, maxUnits: maxUnits, nonSpace: nonSpace)
            }
            let folded = caseInsensitive && members.contains { Analyzer.foldLetters.contains($0) }
            let units = members.map { $0.utf16.count }.max() ?? 1
            var exact: [Unicode.Scalar]?
            if !caseInsensitive {
                exact = ranges.flatMap { range in range.compactMap { Unicode.Scalar($0) } }
            }
            return .oneOf(members, folded: folded, maxUnits: units, exact: exact)
        }
    }
}

// MARK: - Analysis

extension PatternLiterals {
    /// Literal alternatives: every match of a node starts with one of `items`. An item is `complete` when it is
    /// the whole match (a following node can extend it); the empty item means nothing is known (or, complete,
    /// that the node can match the empty string).
    struct LiteralSet {
        struct Flags {
            var complete: Bool
            /// Holds a letter from a case-insensitive part that `foldExceptions` can stand for.
            var folded: Bool
        }

        var items: [[Unicode.Scalar]: Flags]

        /// Matches exactly the empty string.
        static let empty = LiteralSet(items: [[]: Flags(complete: true, folded: false)])
        /// Matches something that starts with no known literal.
        static let unknown = LiteralSet(items: [[]: Flags(complete: false, folded: false)])

        var matchesEmpty: Bool { items[[]] != nil }

        mutating func insert(_ scalars: [Unicode.Scalar], _ flags: Flags) {
            if let old = items[scalars] {
                items[scalars] = Flags(complete: old.complete && flags.complete, folded: old.folded || flags.folded)
            } else {
                items[scalars] = flags
            }
        }

        /// The same strings, none complete (something may follow them).
        func incomplete() -> LiteralSet {
            LiteralSet(items: items.mapValues { Flags(complete: false, folded: $0.folded) })
        }

        /// The items of both (not capped).
        func union(_ other: LiteralSet) -> LiteralSet {
            var result = self
            for (scalars, flags) in other.items { result.insert(scalars, flags) }
            return result
        }

        /// This set followed by `next`: complete items are extended by each item of `next`. When that would
        /// make too many alternatives, they are not extended (a shorter prefix is still a prefix).
        func followed(by next: LiteralSet) -> LiteralSet {
            let completeCount = items.values.filter(\.complete).count
            if completeCount == 0 { return self }
            let room = (PatternLiterals.maxAlternatives - (items.count - completeCount)) / completeCount
            guard room >= 1 else { return incomplete() }
            // Too many products: extend by shorter tails (a prefix of a tail is still one).
            let next = next.capped(to: room)
            var result = LiteralSet(items: [:])
            for (scalars, flags) in items {
                guard flags.complete else {
                    result.insert(scalars, flags)
                    continue
                }
                for (tail, tailFlags) in next.items {
                    var joined = scalars + tail
                    var complete = tailFlags.complete
                    if joined.count > PatternLiterals.maxLiteralLength {
                        joined.removeLast(joined.count - PatternLiterals.maxLiteralLength)
                        complete = false
                    }
                    result.insert(joined, Flags(complete: complete, folded: flags.folded || tailFlags.folded))
                }
            }
            return result
        }

        /// At most `limit` items, by cutting all items to a shorter length as long as needed (at worst to the
        /// empty item: nothing known).
        func capped(to limit: Int = PatternLiterals.maxAlternatives) -> LiteralSet {
            var result = self
            var length = (items.keys.map(\.count).max() ?? 0) - 1
            while result.items.count > limit {
                guard length > 0 else { return .unknown }
                var shorter = LiteralSet(items: [:])
                for (scalars, flags) in result.items {
                    if scalars.count > length {
                        shorter.insert(Array(scalars.prefix(length)), Flags(complete: false, folded: flags.folded))
                    } else {
                        shorter.insert(scalars, flags)
                    }
                }
                result = shorter
                length -= 1
            }
            return result
        }

        /// The items as prefixes: sorted, and without those that start with another item.
        func minimalPrefixes() -> [(scalars: [Unicode.Scalar], folded: Bool)] {
            let ordered = items.sorted {
                $0.key.count != $1.key.count ? $0.key.count < $1.key.count : Analyzer.precedes($0.key, $1.key)
            }
            var kept: [(scalars: [Unicode.Scalar], folded: Bool)] = []
            for (scalars, flags) in ordered {
                if let index = kept.firstIndex(where: { scalars.starts(with: $0.scalars) }) {
                    kept[index].folded = kept[index].folded || flags.folded
                } else {
                    kept.append((scalars, flags.folded))
                }
            }
            return kept.sorted { Analyzer.precedes($0.scalars, $1.scalars) }
        }
    }

    /// Literals that every match of a node contains, each with the largest offset from the node's start.
    struct RequiredSet {
        struct Entry {
            var maxOffset: Int?
            var folded: Bool
        }

        var items: [[Unicode.Scalar]: Entry]

        /// The strings of `set` at `offset`, or nil when one of them is empty.
        init?(_ set: LiteralSet, offset: Int?) {
            guard !set.matchesEmpty else { return nil }
            items = set.items.mapValues { Entry(maxOffset: offset, folded: $0.folded) }
        }

        init(items: [[Unicode.Scalar]: Entry]) {
            self.items = items
        }

        mutating func insert(_ scalars: [Unicode.Scalar], _ entry: Entry) {
            if let old = items[scalars] {
                let offset = old.maxOffset.flatMap { a in entry.maxOffset.map { b in max(a, b) } }
                items[scalars] = Entry(maxOffset: offset, folded: old.folded || entry.folded)
            } else {
                items[scalars] = entry
            }
        }

        func shifted(by offset: Int?) -> RequiredSet {
            RequiredSet(items: items.mapValues { Entry(maxOffset: Analyzer.add($0.maxOffset, offset),
                                                       folded: $0.folded) })
        }

        /// The items of both (not capped).
        func union(_ other: RequiredSet) -> RequiredSet {
            var result = self
            for (scalars, entry) in other.items { result.insert(scalars, entry) }
            return result
        }

        /// At most `maxAlternatives` items, by cutting literals shorter (each keeps its start); nil when
        /// impossible.
        func capped() -> RequiredSet? {
            var result = self
            var length = (items.keys.map(\.count).max() ?? 0) - 1
            while result.items.count > PatternLiterals.maxAlternatives {
                guard length > 0 else { return nil }
                var shorter = RequiredSet(items: [:])
                for (scalars, entry) in result.items { shorter.insert(Array(scalars.prefix(length)), entry) }
                result = shorter
                length -= 1
            }
            return result
        }

        /// Sorted, without literals that start with another literal of the set (the shorter one takes the larger
        /// offset).
        func minimal() -> [(scalars: [Unicode.Scalar], maxOffset: Int?, folded: Bool)] {
            var kept: [(scalars: [Unicode.Scalar], maxOffset: Int?, folded: Bool)] = []
            let ordered = items.sorted {
                $0.key.count != $1.key.count ? $0.key.count < $1.key.count : Analyzer.precedes($0.key, $1.key)
            }
            for (scalars, entry) in ordered {
                if let index = kept.firstIndex(where: { scalars.starts(with: $0.scalars) }) {
                    let offset = kept[index].maxOffset.flatMap { a in entry.maxOffset.map { b in max(a, b) } }
                    kept[index].maxOffset = offset
                    kept[index].folded = kept[index].folded || entry.folded
                } else {
                    kept.append((scalars, entry.maxOffset, entry.folded))
                }
            }
            return kept.sorted { Analyzer.precedes($0.scalars, $1.scalars) }
        }

        /// How good the set is as a cue: acceptable sets first, then higher selectivity, then bounded offsets,
        /// then smaller offsets.
        var rank: (acceptable: Int, score: Double, bounded: Int, offset: Int) {
            let score = PatternLiterals.score(Array(items.keys))
            let offsets = items.values.map(\.maxOffset)
            let bounded = offsets.allSatisfy { $0 != nil }
            return (score == nil ? 0 : 1, score ?? -.infinity, bounded ? 1 : 0, -(offsets.compactMap { $0 }.max() ?? 0))
        }

        func isBetter(than other: RequiredSet?) -> Bool {
            guard let other else { return true }
            return Self.precedes(other.rank, rank)
        }

        /// Whether rank `a` is worse than rank `b`.
        static func precedes(_ a: (acceptable: Int, score: Double, bounded: Int, offset: Int),
                             _ b: (acceptable: Int, score: Double, bounded: Int, offset: Int)) -> Bool {
            (a.acceptable, a.score, a.bounded, a.offset) < (b.acceptable, b.score, b.bounded, b.offset)
        }
    }

    /// What is known about the matches of a node.
    struct Info {
        var minLength: Int
        var maxLength: Int?
        var first: LiteralSet
        var required: RequiredSet?
    }

    enum Analyzer {
        /// When set, an unbounded repetition of white space is taken to match at most this many units: true of a
        /// text whose longest run of white space (and non-ASCII characters) is no longer.
        @TaskLocal static var spaceRun: Int?
        /// When set, an unbounded repetition of something that never matches ASCII white space is taken to match
        /// at most this many units: true of a text whose longest run without ASCII white space is no longer.
        @TaskLocal static var wordRun: Int?

        /// ASCII letters that occur in the ASCII spelling of `foldExceptions`.
        static let foldLetters: Set<Unicode.Scalar> = ["s", "k", "f", "i", "l", "t"]
        /// ASCII strings that one character of `foldExceptions` can match in a case-insensitive literal run.
        static let foldedSpellings: [[Unicode.Scalar]] = Set(PatternLiterals.foldExceptions.values)
            .filter { $0.count > 1 }.map { Array($0.unicodeScalars) }

        static func analyze(_ node: Node) -> Info {
            var info = analyzeNode(node)
            if let fromFirst = RequiredSet(info.first, offset: 0), fromFirst.isBetter(than: info.required) {
                info.required = fromFirst
            }
            return info
        }

        static func analyzeNode(_ node: Node) -> Info {
            switch node {
            case .empty:
                return Info(minLength: 0, maxLength: 0, first: .empty, required: nil)
            case .character(let scalar, let caseInsensitive):
                return character(scalar, caseInsensitive: caseInsensitive)
            case .oneOf(let members, let folded, let maxUnits, _):
                var set = LiteralSet(items: [:])
                for member in members { set.insert([member], .init(complete: true, folded: folded)) }
                return Info(minLength: 1, maxLength: maxUnits, first: set, required: nil)
            case .unknown(let minUnits, let maxUnits, _):
                return Info(minLength: minUnits, maxLength: maxUnits, first: .unknown, required: nil)
            case .space:
                return Info(minLength: 1, maxLength: 1, first: .unknown, required: nil)
            case .concatenation(let children):
                return concatenation(children)
            case .alternation(let branches):
                return alternation(branches)
            case .repetition(let child, let low, let high):
                var info = repetition(analyze(child), min: low, max: high)
                if high == nil, let run = spaceRun, isSpaceOnly(child) {
                    // A run of white space is never longer than the text's longest.
                    info.maxLength = max(run, info.minLength)
                } else if high == nil, let run = wordRun, isNonSpace(child) {
                    // Nor is a run without white space.
                    info.maxLength = max(run, info.minLength)
                }
                return info
            case .group(let child):
                return analyze(child)
            }
        }

        /// The ASCII characters a node's matches can start with (exact case where case matters), and whether it can
        /// match the empty string; nil when anything else can start a match.
        static func firstCharacters(_ node: Node) -> (characters: Set<UInt8>, nullable: Bool)? {
            func cased(_ scalar: Unicode.Scalar, _ caseInsensitive: Bool) -> Set<UInt8>? {
                guard scalar.isASCII else { return nil }
                let byte = UInt8(scalar.value)
                guard caseInsensitive else { return [byte] }
                switch byte {
                case 0x41...0x5A: return [byte, byte + 0x20]
                case 0x61...0x7A: return [byte, byte - 0x20]
                default: return [byte]
                }
            }
            switch node {
            case .empty:
                return ([], true)
            case .character(let scalar, let caseInsensitive):
                return cased(scalar, caseInsensitive).map { ($0, false) }
            case .oneOf(let members, _, _, let exact):
                var result: Set<UInt8> = []
                for member in exact ?? members {
                    guard let bytes = cased(member, exact == nil) else { return nil }
                    result.formUnion(bytes)
                }
                return (result, false)
            case .unknown, .space:
                return nil
            case .concatenation(let children):
                var result: Set<UInt8> = []
                for child in children {
                    guard let first = firstCharacters(child) else { return nil }
                    result.formUnion(first.characters)
                    if !first.nullable { return (result, false) }
                }
                return (result, true)
            case .alternation(let branches):
                var result: Set<UInt8> = []
                var nullable = false
                for branch in branches {
                    guard let first = firstCharacters(branch) else { return nil }
                    result.formUnion(first.characters)
                    nullable = nullable || first.nullable
                }
                return (result, nullable)
            case .repetition(let child, let low, let high):
                if high == 0 { return ([], true) }
                guard let first = firstCharacters(child) else { return nil }
                return (first.characters, first.nullable || low == 0)
            case .group(let child):
                return firstCharacters(child)
            }
        }

        /// Whether a node matches only white space.
        static func isSpaceOnly(_ node: Node) -> Bool {
            switch node {
            case .space: return true
            case .character(let scalar, _): return scalar == " " || scalar == "\t" || scalar == "\n"
            case .oneOf(let members, _, _, _): return members.allSatisfy { $0 == " " || $0 == "\t" || $0 == "\n" }
            case .concatenation(let children), .alternation(let children):
                return !children.isEmpty && children.allSatisfy(isSpaceOnly)
            case .repetition(let child, _, _), .group(let child): return isSpaceOnly(child)
            case .empty, .unknown: return false
            }
        }

        /// Whether a node never matches ASCII white space as ICU's `\s` has it (tab, line feed, form feed, carriage
        /// return, space).
        static func isNonSpace(_ node: Node) -> Bool {
            let spaces: Set<Unicode.Scalar> = ["\t", "\n", "\u{0C}", "\r", " "]  // ICU's \s in ASCII
            switch node {
            case .empty: return true
            case .space: return false
            case .character(let scalar, _): return !spaces.contains(scalar)
            case .oneOf(let members, _, _, _): return !members.contains { spaces.contains($0) }
            case .unknown(_, _, let nonSpace): return nonSpace
            case .concatenation(let children), .alternation(let children): return children.allSatisfy(isNonSpace)
            case .repetition(let child, _, _), .group(let child): return isNonSpace(child)
            }
        }

        static func character(_ scalar: Unicode.Scalar, caseInsensitive: Bool) -> Info {
            if caseInsensitive {
                guard scalar.isASCII else {
                    // Never a literal here. A character without case is matched only by itself; others, by full
                    // case folding, by up to three characters of up to two units each ("ß" matches "ss").
                    let units = scalar.utf16.count
                    return isCaseless(scalar) ? Info(minLength: units, maxLength: units, first: .unknown, required: nil)
                        : Info(minLength: 1, maxLength: 6, first: .unknown, required: nil)
                }
                let lower = lowercased(scalar)
                let flags = LiteralSet.Flags(complete: true, folded: foldLetters.contains(lower))
                return Info(minLength: 1, maxLength: 1, first: LiteralSet(items: [[lower]: flags]), required: nil)
            }
            let units = scalar.utf16.count
            if PatternLiterals.foldExceptions[scalar] != nil {
                return Info(minLength: units, maxLength: units, first: .unknown, required: nil)
            }
            let first = LiteralSet(items: [[lowercased(scalar)]: .init(complete: true, folded: false)])
            return Info(minLength: units, maxLength: units, first: first, required: nil)
        }

        static func concatenation(_ children: [Node]) -> Info {
            let infos = children.map(analyze)
            var minLength = 0
            var index = 0
            while index < children.count {
                // ICU matches a run of case-insensitive characters as one folded string, where one text character
                // can stand for up to three of them.
                var run: [Unicode.Scalar] = []
                while index < children.count, case .character(let scalar, caseInsensitive: true) = children[index] {
                    run.append(scalar)
                    index += 1
                }
                if run.isEmpty {
                    minLength = saturatingAdd(minLength, infos[index].minLength)
                    index += 1
                } else {
                    minLength = saturatingAdd(minLength, foldedRunMinLength(run))
                }
            }
            var maxLength: Int? = 0
            for info in infos { maxLength = add(maxLength, info.maxLength) }

            var suffixes = [LiteralSet](repeating: .empty, count: children.count + 1)
            for position in children.indices.reversed() {
                suffixes[position] = infos[position].first.followed(by: suffixes[position + 1])
            }
            var best: RequiredSet?
            var bestRank = (acceptable: 0, score: -Double.infinity, bounded: 0, offset: Int.min)
            func consider(_ candidate: RequiredSet) {
                let rank = candidate.rank
                if best == nil || RequiredSet.precedes(bestRank, rank) {
                    best = candidate
                    bestRank = rank
                }
            }
            var offset: Int? = 0
            for position in children.indices {
                if let candidate = RequiredSet(suffixes[position], offset: offset) { consider(candidate) }
                if let inner = infos[position].required?.shifted(by: offset) { consider(inner) }
                offset = add(offset, infos[position].maxLength)
            }
            return Info(minLength: minLength, maxLength: maxLength, first: suffixes[0], required: best)
        }

        static func alternation(_ branches: [Node]) -> Info {
            let infos = branches.map(analyze)
            var first = LiteralSet(items: [:])
            var required: RequiredSet? = RequiredSet(items: [:])
            var minLength = Int.max
            var maxLength: Int? = 0
            for info in infos {
                first = first.union(info.first)
                if let current = required, let branch = info.required {
                    required = current.union(branch)
                } else {
                    required = nil
                }
                minLength = min(minLength, info.minLength)
                maxLength = maxLength.flatMap { a in info.maxLength.map { b in max(a, b) } }
            }
            return Info(minLength: infos.isEmpty ? 0 : minLength, maxLength: maxLength, first: first.capped(),
                        required: required?.capped())
        }

        static func repetition(_ info: Info, min low: Int, max high: Int?) -> Info {
            let minLength = saturatingMultiply(info.minLength, low)
            let maxLength: Int?
            if info.maxLength == 0 || high == 0 {
                maxLength = 0
            } else if let itemMax = info.maxLength, let high {
                let (product, overflow) = itemMax.multipliedReportingOverflow(by: high)
                maxLength = overflow ? nil : product
            } else {
                maxLength = nil
            }
            if high == 0 {
                return Info(minLength: 0, maxLength: 0, first: .empty, required: nil)
            }
            var first = high == 1 ? info.first : info.first.incomplete()
            if low == 0 { first = first.union(.empty).capped() }
            return Info(minLength: minLength, maxLength: maxLength, first: first,
                        required: low > 0 ? info.required : nil)
        }

        /// The fewest UTF-16 units a case-insensitive literal run can match.
        static func foldedRunMinLength(_ run: [Unicode.Scalar]) -> Int {
            // Any character folds to at most three; with cased non-ASCII characters in the run, that is all we know.
            guard run.allSatisfy({ $0.isASCII || isCaseless($0) }) else { return (run.count + 2) / 3 }
            let lower = run.map(lowercased)
            var best = [Int](repeating: Int.max, count: lower.count + 1)
            best[0] = 0
            for end in 1...lower.count {
                best[end] = best[end - 1] + lower[end - 1].utf16.count
                for spelling in foldedSpellings where spelling.count <= end {
                    if Array(lower[(end - spelling.count)..<end]) == spelling {
                        best[end] = min(best[end], best[end - spelling.count] + 1)
                    }
                }
            }
            return best[lower.count]
        }

        /// Whether ICU's case-insensitive matching can match `scalar` (non-ASCII) only by itself: it has no case,
        /// folds to itself, and is no mark or modifier letter (those occur in the folding of other characters:
        /// "İ" folds to "i" + U+0307).
        static func isCaseless(_ scalar: Unicode.Scalar) -> Bool {
            let properties = scalar.properties
            switch properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .modifierLetter: return false
            default: return !properties.isCased && !properties.changesWhenCaseFolded
            }
        }

        static func lowercased(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
            ("A"..."Z") ~= scalar ? Unicode.Scalar(scalar.value + 32)! : scalar
        }

        static func add(_ a: Int?, _ b: Int?) -> Int? {
            guard let a, let b else { return nil }
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? nil : sum
        }

        static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? Int.max : sum
        }

        static func saturatingMultiply(_ a: Int, _ b: Int) -> Int {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow ? Int.max : product
        }

        /// Order by UTF-8 bytes.
        static func precedes(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Bool {
            // UTF-8 byte order is code point order.
            a.lexicographicallyPrecedes(b) { $0.value < $1.value }
        }
    }
}
