import Foundation

/// A date found in text and normalized to ISO 8601.
public struct NormalizedDate: Hashable, Sendable {
    /// `YYYY-MM-DD`, or `YYYY-MM` when the text names only a month.
    public var value: String
    /// The text gave a range ("11-12 July 2017", "8 - 10 March 2017"); `value` is its last day.
    public var isRange: Bool
    /// Where the date expression is in the searched string (UTF-16 units).
    public var range: NSRange
}

/// Finds and normalizes the dates that liaison headers, meeting lines and e-mails write: "24 November 2017",
/// "1 Aug 2017", "15th - 19h July 2013", "26 - 30 November, 2018", "25 October - 3 November 2016",
/// "November 26 - 30, 2018", "February 8, 2017", "November 2017", "2017-09-30", "2020-11", "(10/2016)", and RFC 5322
/// dates ("Tue, 04 Jun 2019 19:16:23 +0000", whose date is taken as written, in the sender's time zone).
///
/// A range gives its last day (the end of a meeting, the last day of a reply window) and says so in `isRange`.
/// Numeric day-month orders other than ISO ("04/06/2019") are ambiguous and are not read. Years must be four
/// digits between 1900 and 2199; days must exist in their month.
public enum DateNormalizer {
    /// The first date in `text`, or nil.
    public static func normalize(_ text: String) -> NormalizedDate? {
        dates(in: text, limit: 1).first
    }

    /// Every date in `text`, in order (ranges count once).
    public static func dates(in text: String, limit: Int = .max) -> [NormalizedDate] {
        // Every form has a year of four digits: most header lines have none, and are not tokenized.
        guard hasFourDigits(text) else { return [] }
        let tokens = tokenize(text)
        var result: [NormalizedDate] = []
        var index = 0
        while index < tokens.count, result.count < limit {
            switch parse(tokens, at: index) {
            case .date(let date, let next):
                result.append(date)
                index = next
            case .invalid(let next):
                index = next // "30 February 2017": not a date, and not "February 2017" either
            case .none:
                index += 1
            }
        }
        return result
    }

    /// Whether `text` holds a run of four ASCII digits or more (a year's token is a run of exactly four).
    static func hasFourDigits(_ text: String) -> Bool {
        var run = 0
        for byte in text.utf8 {
            run = byte >= 0x30 && byte <= 0x39 ? run + 1 : 0
            if run == 4 { return true }
        }
        return false
    }

    /// Whether `text` says "no value": empty, "-", "N/A", "none", "TBD"...
    public static func isNoValue(_ text: String) -> Bool {
        let trimmed = text.trimming { $0 == "." || String.isSpace($0) || String.isNewline($0) }.lowercased()
        return noValues.contains(trimmed) || trimmed.allSatisfy { $0 == "-" || $0 == "_" || $0 == " " }
    }

    static let noValues: Set<String> = ["", "-", "--", "n/a", "na", "none", "nil", "tbd", "tba", "not applicable",
                                        "no deadline", "no", "void"]

    // MARK: - Tokens

    enum Kind: Equatable {
        case number(Int, digits: Int)
        case word(String)
        case punctuation(Character)
    }

    struct Token {
        var kind: Kind
        var range: NSRange
    }

    static let ordinalSuffixes: Set<String> = ["st", "nd", "rd", "th", "h", "d"]

    static func tokenize(_ text: String) -> [Token] {
        let units = Array(text.utf16)
        var tokens: [Token] = []
        var index = 0
        func isDigit(_ unit: UInt16) -> Bool { unit >= 0x30 && unit <= 0x39 }
        func isLetter(_ unit: UInt16) -> Bool { (unit >= 0x41 && unit <= 0x5A) || (unit >= 0x61 && unit <= 0x7A) }
        while index < units.count {
            let unit = units[index]
            if isDigit(unit) {
                let start = index
                while index < units.count, isDigit(units[index]) { index += 1 }
                let digitsEnd = index
                var letterEnd = index
                while letterEnd < units.count, isLetter(units[letterEnd]) { letterEnd += 1 }
                let value = Int(String(utf16CodeUnits: Array(units[start..<digitsEnd]), count: digitsEnd - start))
                    ?? -1
                let digits = digitsEnd - start
                if letterEnd > digitsEnd {
                    let suffix = String(utf16CodeUnits: Array(units[digitsEnd..<letterEnd]),
                                        count: letterEnd - digitsEnd).lowercased()
                    let followedByDigit = letterEnd < units.count && isDigit(units[letterEnd])
                    if ordinalSuffixes.contains(suffix), !followedByDigit {
                        tokens.append(Token(kind: .number(value, digits: digits),
                                            range: NSRange(location: start, length: letterEnd - start)))
                        index = letterEnd
                        continue
                    }
                    if suffix == "t", followedByDigit {
                        // ISO date-time: "2019-06-04T19:16:23Z" - the date part ends at the "T".
                        tokens.append(Token(kind: .number(value, digits: digits),
                                            range: NSRange(location: start, length: digits)))
                        index = letterEnd
                        while index < units.count, isDigit(units[index]) || isLetter(units[index]) { index += 1 }
                        continue
                    }
                    // "5G", "3GPP", "04T19": one word.
                    var end = letterEnd
                    while end < units.count, isDigit(units[end]) || isLetter(units[end]) { end += 1 }
                    tokens.append(Token(kind: .word(""), range: NSRange(location: start, length: end - start)))
                    index = end
                    continue
                }
                tokens.append(Token(kind: .number(value, digits: digits),
                                    range: NSRange(location: start, length: digits)))
            } else if isLetter(unit) {
                let start = index
                while index < units.count, isLetter(units[index]) || isDigit(units[index]) { index += 1 }
                let word = String(utf16CodeUnits: Array(units[start..<index]), count: index - start)
                tokens.append(Token(kind: .word(word.lowercased()),
                                    range: NSRange(location: start, length: index - start)))
            } else if unit == 0x20 || unit == 0x09 || unit == 0x0A || unit == 0x0D || unit == 0xA0 {
                index += 1
            } else {
                let character = Character(Unicode.Scalar(unit) ?? "?")
                let mapped: Character = ["\u{2013}", "\u{2014}", "\u{2012}", "\u{2010}", "\u{2011}"].contains(character)
                    ? "-" : character
                tokens.append(Token(kind: .punctuation(mapped), range: NSRange(location: index, length: 1)))
                index += 1
            }
        }
        return tokens
    }

    // MARK: - Grammar

    static let months: [String: Int] = {
        var table: [String: Int] = [:]
        let names = ["january", "february", "march", "april", "may", "june", "july", "august", "september",
                     "october", "november", "december"]
        for (offset, name) in names.enumerated() {
            table[name] = offset + 1
            table[String(name.prefix(3))] = offset + 1
        }
        table["sept"] = 9
        return table
    }()

    /// A cursor over the tokens for one parse attempt.
    struct Cursor {
        let tokens: [Token]
        var index: Int

        var current: Token? { index < tokens.count ? tokens[index] : nil }

        mutating func month() -> Int? {
            guard case .word(let word)? = current?.kind, let month = DateNormalizer.months[word] else { return nil }
            index += 1
            if case .punctuation(".")? = current?.kind, word.count <= 4 { index += 1 }
            return month
        }

        mutating func day() -> Int? {
            guard case .number(let value, let digits)? = current?.kind, digits <= 2, (1...31).contains(value) else {
                return nil
            }
            index += 1
            return value
        }

        mutating func year() -> Int? {
            guard case .number(let value, let digits)? = current?.kind, digits == 4, (1900...2199).contains(value)
            else { return nil }
            index += 1
            return value
        }

        mutating func skip(_ characters: Set<Character>) -> Bool {
            if case .punctuation(let character)? = current?.kind, characters.contains(character) {
                index += 1
                return true
            }
            return false
        }

        /// A range separator: "-", "to", "until", "and".
        mutating func rangeSeparator() -> Bool {
            if skip(["-", "/"]) { return true }
            if case .word(let word)? = current?.kind, ["to", "until", "till", "through", "and"].contains(word) {
                index += 1
                return true
            }
            return false
        }

        mutating func optionalWord(_ word: String) {
            if case .word(let current)? = current?.kind, current == word { index += 1 }
        }
    }

    enum Parse {
        case date(NormalizedDate, next: Int)
        case invalid(next: Int)
        case none
    }

    /// Tries every form at `start`; returns the date (or an impossible date) and the index after it.
    static func parse(_ tokens: [Token], at start: Int) -> Parse {
        let attempts: [(Cursor) -> (year: Int, month: Int, day: Int?, range: Bool, end: Int)?] = [
            iso, dayFirst, monthFirst, numericMonthYear,
        ]
        for attempt in attempts {
            guard let found = attempt(Cursor(tokens: tokens, index: start)) else { continue }
            if let day = found.day, !isValid(year: found.year, month: found.month, day: day) {
                return .invalid(next: found.end)
            }
            let first = tokens[start].range.location
            let last = tokens[found.end - 1]
            let range = NSRange(location: first, length: last.range.location + last.range.length - first)
            // (Years have four digits, 1900-2199.)
            func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let month = "\(found.year)-\(twoDigits(found.month))"
            let value = found.day.map { "\(month)-\(twoDigits($0))" } ?? month
            return .date(NormalizedDate(value: value, isRange: found.range, range: range), next: found.end)
        }
        return .none
    }

    /// `2017-09-30`, `2017-09`.
    static func iso(_ start: Cursor) -> (year: Int, month: Int, day: Int?, range: Bool, end: Int)? {
        var cursor = start
        guard let year = cursor.year(), cursor.skip(["-"]),
              case .number(let month, let monthDigits)? = cursor.current?.kind, monthDigits == 2,
              (1...12).contains(month) else { return nil }
        cursor.index += 1
        var afterMonth = cursor
        if afterMonth.skip(["-"]) {
            if case .number(let day, let dayDigits)? = afterMonth.current?.kind, dayDigits == 2 {
                afterMonth.index += 1
                if case .punctuation("-")? = afterMonth.current?.kind { return nil } // a longer number
                return (year, month, day, false, afterMonth.index)
            }
            return nil // "2013-02-0251": not a date
        }
        return (year, month, nil, false, cursor.index)
    }

    /// `24 November 2017`, `8 - 10 March 2017`, `26 - 30 November, 2018`, `25 October - 3 November 2016`,
    /// `1 Aug 2017 - 3 Aug 2017`.
    static func dayFirst(_ start: Cursor) -> (year: Int, month: Int, day: Int?, range: Bool, end: Int)? {
        var cursor = start
        guard let firstDay = cursor.day() else { return nil }
        cursor.optionalWord("of")
        if let month = cursor.month() {
            // "25 October - 3 November 2016" or "1 Aug 2017 - 3 Aug 2017" or "24 November 2017".
            var afterMonth = cursor
            _ = afterMonth.skip([","])
            if let year = afterMonth.year() {
                var tail = afterMonth
                if tail.rangeSeparator(), let endDay = tail.day(), let endMonth = tail.month() {
                    _ = tail.skip([","])
                    if let endYear = tail.year() { return (endYear, endMonth, endDay, true, tail.index) }
                }
                return (year, month, firstDay, false, afterMonth.index)
            }
            var ranged = cursor
            if ranged.rangeSeparator(), let endDay = ranged.day(), let endMonth = ranged.month() {
                _ = ranged.skip([","])
                if let year = ranged.year() { return (year, endMonth, endDay, true, ranged.index) }
            }
            return nil
        }
        // "8 - 10 March 2017"
        guard cursor.rangeSeparator(), let endDay = cursor.day(), endDay >= firstDay else { return nil }
        cursor.optionalWord("of")
        guard let month = cursor.month() else { return nil }
        _ = cursor.skip([","])
        guard let year = cursor.year() else { return nil }
        return (year, month, endDay, true, cursor.index)
    }

    /// `November 26 - 30, 2018`, `February 8, 2017`, `November 2017`, `Nov. 2017`.
    static func monthFirst(_ start: Cursor) -> (year: Int, month: Int, day: Int?, range: Bool, end: Int)? {
        var cursor = start
        guard let month = cursor.month() else { return nil }
        var withYear = cursor
        _ = withYear.skip([","])
        if let year = withYear.year() { return (year, month, nil, false, withYear.index) }
        guard let day = cursor.day() else { return nil }
        var ranged = cursor
        if ranged.rangeSeparator(), let endDay = ranged.day(), endDay >= day {
            _ = ranged.skip([","])
            if let year = ranged.year() { return (year, month, endDay, true, ranged.index) }
        }
        _ = cursor.skip([","])
        guard let year = cursor.year() else { return nil }
        return (year, month, day, false, cursor.index)
    }

    /// `10/2016`, the month/year of ITU-T Recommendations ("(10/2016)").
    static func numericMonthYear(_ start: Cursor) -> (year: Int, month: Int, day: Int?, range: Bool, end: Int)? {
        var cursor = start
        guard case .number(let month, let digits)? = cursor.current?.kind, digits == 2, (1...12).contains(month) else {
            return nil
        }
        cursor.index += 1
        guard cursor.skip(["/"]), let year = cursor.year() else { return nil }
        if case .punctuation("/")? = cursor.current?.kind { return nil }
        return (year, month, nil, false, cursor.index)
    }

    static func isValid(year: Int, month: Int, day: Int) -> Bool {
        let lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let length = month == 2 && leap ? 29 : lengths[month - 1]
        return (1...length).contains(day)
    }
}
