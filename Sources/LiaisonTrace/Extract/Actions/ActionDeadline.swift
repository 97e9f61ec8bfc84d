import Foundation

/// A minimal date reader for the dates of action sentences and meeting mentions, with the `dates` of the
/// `kind: statements` rule file: "30 September 2017", "30th Sept. 2017", "September 30, 2017", "2017-09-30" (to
/// `YYYY-MM-DD`) and "September 2017", "Sep. 2017" (to `YYYY-MM`).
///
/// The header extractor has a fuller date normalizer (`Extract/Headers/DateNormalizer.swift`); this one stays local
/// to the sentence-level extractors so the two can be merged later without a clash.
struct ActionDeadline: Sendable {
    /// Month numbers by lower-case name.
    let months: [String: Int]
    /// Patterns with groups `year`, `month` and optionally `day`, tried in order.
    let patterns: [Pattern]

    /// The dates as a rule file writes them: month names, and patterns with groups `year`, `month` and `day`.
    struct Spec: Decodable {
        var months: [[String]]
        var patterns: [String]
        var examples: [Lined<Example>]?
        var counter_examples: [Lined<CounterExample>]?
    }

    /// An example: the text and the dates found in it.
    struct Example: ExampleSpec {
        var text: String
        var dates: [String]
        var span: String?

        var expected: [String: [String]] { ["dates": dates] }
    }

    /// Compiles `spec` of `file`.
    init(_ spec: Spec, file: RuleFile, line: Int, rule: String) throws(PipelineError) {
        var months: [String: Int] = [:]
        for (index, names) in spec.months.enumerated() {
            for name in names { months[name.lowercased()] = index + 1 }
        }
        guard spec.months.count == 12, !spec.months.contains(where: \.isEmpty) else {
            throw file.error(line: line, rule: rule, "'months' needs the names of the twelve months")
        }
        self.months = months
        var patterns: [Pattern] = []
        for source in spec.patterns {
            let pattern = try file.pattern(source, rule: rule, line: line)
            guard pattern.groupNames.contains("year"), pattern.groupNames.contains("month") else {
                throw file.error(line: line, rule: rule, "a date pattern needs groups named 'year' and 'month'")
            }
            patterns.append(pattern)
        }
        self.patterns = patterns
    }

    /// A date found in text: its ISO form and where it is.
    struct Found {
        var iso: String
        var range: NSRange
    }

    /// Every date in `range` of `text`, in text order (dates of earlier patterns win on overlaps).
    func dates(in text: String, range: NSRange? = nil) -> [Found] {
        let ns = text as NSString
        var found: [Found] = []
        for pattern in patterns {
            for match in pattern.matches(in: text, range: range) {
                if found.contains(where: { NSIntersectionRange($0.range, match.range).length > 0 }) { continue }
                guard let yearRange = match.groups["year"], let monthRange = match.groups["month"],
                      let year = Int(ns.substring(with: yearRange)) else { continue }
                let monthText = ns.substring(with: monthRange).lowercased()
                guard let month = months[monthText] ?? Int(monthText), (1...12).contains(month) else { continue }
                var iso = String(format: "%04d-%02d", year, month)
                if let dayRange = match.groups["day"] {
                    guard let day = Int(ns.substring(with: dayRange)), (1...31).contains(day) else { continue }
                    iso += String(format: "-%02d", day)
                }
                found.append(Found(iso: iso, range: match.range))
            }
        }
        return found.sorted { $0.range.location < $1.range.location }
    }

    /// Every date in `range` of the context's text (matched on a copy of that range), in text order.
    func dates(in context: ExtractionContext, range: NSRange) -> [Found] {
        guard range.length > 0 else { return [] }
        return dates(in: context.string(range)).map {
            Found(iso: $0.iso, range: NSRange(location: $0.range.location + range.location, length: $0.range.length))
        }
    }

    /// The first date of `text`, as ISO, or nil.
    func parse(_ text: String) -> String? {
        dates(in: text).first?.iso
    }
}
