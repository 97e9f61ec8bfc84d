import Foundation

/// A minimal date reader for the dates of action sentences and meeting mentions: "30 September 2017",
/// "30th Sept. 2017", "September 30, 2017", "2017-09-30" (to `YYYY-MM-DD`) and "September 2017", "Sep. 2017"
/// (to `YYYY-MM`). Day-first numeric dates ("30/09/2017") are left alone: their order is ambiguous.
///
/// The header extractor has a fuller date normalizer (`Extract/Headers/DateNormalizer.swift`); this one stays local
/// to the sentence-level extractors so the two can be merged later without a clash.
enum ActionDeadline {
    static let months: [String: Int] = [
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
        "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
        "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    ]

    static let monthNames = "January|February|March|April|May|June|July|August|September|October|November|December"
        + "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"

    // swiftlint:disable force_try
    /// "30 September 2017", "30th Sept. 2017", "1-3 March 2018" (the last day).
    static let dayMonthYear = try! Pattern(
        "\\b(?:\\d{1,2}(?:st|nd|rd|th)?\\s?-\\s?)?(?<day>\\d{1,2})(?:st|nd|rd|th)?\\s+"
            + "(?<month>(?i:\(monthNames)))\\.?,?\\s+(?<year>(?:19|20)\\d{2})\\b")
    /// "September 30, 2017".
    static let monthDayYear = try! Pattern(
        "\\b(?<month>(?i:\(monthNames)))\\.?\\s+(?<day>\\d{1,2})(?:st|nd|rd|th)?,?\\s+(?<year>(?:19|20)\\d{2})\\b")
    /// "2017-09-30".
    static let iso = try! Pattern("\\b(?<year>(?:19|20)\\d{2})-(?<month>\\d{2})-(?<day>\\d{2})\\b")
    /// "September 2017".
    static let monthYear = try! Pattern(
        "\\b(?<month>(?i:\(monthNames)))\\.?,?\\s+(?<year>(?:19|20)\\d{2})\\b")
    // swiftlint:enable force_try

    /// A date found in text: its ISO form and where it is.
    struct Found {
        var iso: String
        var range: NSRange
    }

    /// Every date in `range` of `text`, in text order (full dates win over month-and-year on overlaps).
    static func dates(in text: String, range: NSRange? = nil) -> [Found] {
        let ns = text as NSString
        var found: [Found] = []
        for pattern in [dayMonthYear, monthDayYear, iso, monthYear] {
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
    static func dates(in context: ExtractionContext, range: NSRange) -> [Found] {
        guard range.length > 0 else { return [] }
        return dates(in: context.string(range)).map {
            Found(iso: $0.iso, range: NSRange(location: $0.range.location + range.location, length: $0.range.length))
        }
    }

    /// The first date of `text`, as ISO, or nil.
    static func parse(_ text: String) -> String? {
        dates(in: text).first?.iso
    }
}
