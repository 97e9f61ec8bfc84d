import Foundation

/// A compiled rule pattern (ICU regular expression through NSRegularExpression; never Swift `Regex`, which is
/// far slower on Linux). In rule files `\b` means an ASCII word boundary: identifiers are ASCII, and a
/// Unicode-aware boundary is both slower and wrong next to letters such as "é".
public struct Pattern: @unchecked Sendable {
    /// The pattern as written in the rule file.
    public let source: String
    let expression: NSRegularExpression
    /// Names of the capture groups in the pattern.
    public let groupNames: [String]

    /// Compiles `source`; `caseInsensitive` for cue phrases.
    public init(_ source: String, caseInsensitive: Bool = false) throws {
        self.source = source
        var options: NSRegularExpression.Options = [.useUnixLineSeparators]
        if caseInsensitive { options.insert(.caseInsensitive) }
        expression = try NSRegularExpression(pattern: Self.asciiBoundaries(source), options: options)
        groupNames = Self.groupNames(in: source)
    }

    /// `\b` becomes an ASCII word boundary (outside character classes).
    static func asciiBoundaries(_ pattern: String) -> String {
        let boundary = "(?:(?<=[A-Za-z0-9_])(?![A-Za-z0-9_])|(?<![A-Za-z0-9_])(?=[A-Za-z0-9_]))"
        var out = ""
        var escaped = false
        var inClass = false
        for character in pattern {
            if escaped {
                if character == "b", !inClass { out += boundary } else { out += "\\" + String(character) }
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

    static func groupNames(in pattern: String) -> [String] {
        var names: [String] = []
        var rest = Substring(pattern)
        while let start = rest.range(of: "(?<") {
            let after = rest[start.upperBound...]
            if let first = after.first, first != "=", first != "!", let close = after.firstIndex(of: ">") {
                names.append(String(after[..<close]))
            }
            rest = after
        }
        return names
    }

    /// Every match in `text` within `range` (UTF-16 ranges, as NSString counts).
    public func matches(in text: String, range: NSRange? = nil) -> [PatternMatch] {
        let searchRange = range ?? NSRange(location: 0, length: text.utf16.count)
        return expression.matches(in: text, options: [], range: searchRange).map { result in
            var groups: [String: NSRange] = [:]
            for name in groupNames {
                let groupRange = result.range(withName: name)
                if groupRange.location != NSNotFound { groups[name] = groupRange }
            }
            return PatternMatch(range: result.range, groups: groups)
        }
    }

    /// The match starting exactly at `location`, if any (for continuations of lists).
    public func match(in text: String, at location: Int, limit: Int) -> PatternMatch? {
        let length = min(limit, text.utf16.count - location)
        guard length > 0 else { return nil }
        guard let result = expression.firstMatch(in: text, options: [.anchored],
                                                 range: NSRange(location: location, length: length)) else {
            return nil
        }
        var groups: [String: NSRange] = [:]
        for name in groupNames {
            let groupRange = result.range(withName: name)
            if groupRange.location != NSNotFound { groups[name] = groupRange }
        }
        return PatternMatch(range: result.range, groups: groups)
    }
}

/// One match: its range and its named groups (UTF-16 ranges).
public struct PatternMatch: Sendable {
    public var range: NSRange
    public var groups: [String: NSRange]
}
