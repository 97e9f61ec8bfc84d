import XCTest
@testable import LiaisonTrace

final class DateNormalizerTests: XCTestCase {
    private func check(_ text: String, _ value: String?, range: Bool = false, file: StaticString = #filePath,
                       line: UInt = #line) {
        let found = DateNormalizer.normalize(text)
        XCTAssertEqual(found?.value, value, text, file: file, line: line)
        if value != nil { XCTAssertEqual(found?.isRange, range, "range flag of \(text)", file: file, line: line) }
    }

    func testSingleDays() {
        check("24 November 2017", "2017-11-24")
        check("1 Aug 2017", "2017-08-01")
        check("30 September 2017", "2017-09-30")
        check("15 February 2017", "2017-02-15")
        check("1 Sept. 2017", "2017-09-01")
        check("February 8, 2017", "2017-02-08")
        check("Deadline for reply - 22 January 1998", "1998-01-22")
        check("ITU-T SG2 management (24 July 2017, by correspondence)", "2017-07-24")
        check("ITU-T Study Group 11 meeting (Geneva, 15 February 2017)", "2017-02-15")
        check("the 1st of June 2018", "2018-06-01")
    }

    func testISOAndMonths() {
        check("2017-09-30", "2017-09-30")
        check("Date: 2014-01-23", "2014-01-23")
        check("ETSI TS 103 720 V0.2.2 (2020-11)", "2020-11")
        check("November 2017", "2017-11")
        check("Nov. 2017", "2017-11")
        check("(10/2016)", "2016-10")
        check("2019-06-04T19:16:23Z", "2019-06-04")
    }

    func testRangesGiveTheLastDay() {
        check("Geneva, 11-12 July 2017", "2017-07-12", range: true)
        check("8 - 10 March 2017", "2017-03-10", range: true)
        check("8 \u{2013} 10 March 2017, Dubrovnik, Croatia", "2017-03-10", range: true)
        check("26 - 30 November, 2018", "2018-11-30", range: true)
        check("Sapporo, Japan, 13-15 September, 2017.", "2017-09-15", range: true)
        check("Valencia, Spain, 15th - 19h July 2013", "2013-07-19", range: true)
        check("Saporro, JP; 11th - 12th September 2017", "2017-09-12", range: true)
        check("Hammamet, 25 October - 3 November 2016", "2016-11-03", range: true)
        check("November 26 - 30, 2018, West Palm Beach, USA", "2018-11-30", range: true)
        check("1 Aug 2017 - 3 Aug 2017", "2017-08-03", range: true)
    }

    func testRFC5322DatesKeepTheSendersDay() {
        check("Tue, 04 Jun 2019 19:16:23 +0000", "2019-06-04")
        check("Mon, 10 Jun 2024 23:12:44 -0500", "2024-06-10")
    }

    func testNotDates() {
        check("N/A", nil)
        check("STUDY PERIOD 2017-2020", nil)
        check("Tel: +33 14529 5813", nil)
        check("oneM2M-TP-2013-0251R01", nil)
        check("30 February 2017", nil)
        check("Question(s): 12/12", nil)
        check("Newport BeachSapporo, Japan USA 13-155-7 September June 20172019", nil)
        check("the 8th of February", nil)
        check("5G and 3GPP Release 15", nil)
    }

    /// `dates(in:)` tokenizes only texts with a run of four digits: every form has a year, a number token of exactly
    /// four digits. Checked on the lines of the real corpus and `Corpus/`, and on random texts of digits, letters and
    /// separators.
    func testTextsWithoutFourDigitsHaveNoYearToken() throws {
        var texts: [String] = []
        var folders = [TestSupport.packageRoot.appendingPathComponent("Corpus")]
        if let corpus = TestSupport.realCorpus { folders.append(corpus) }
        for url in folders.flatMap(PatternLiteralsTests.corpusTexts(in:)) {
            texts += try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
        }
        var generator = SystemRandomNumberGenerator()
        let pieces = ["1", "12", "123", "2017", "20171", "٣", "T", "th", "-", "/", " ", "é", "Aug", ".", "\u{FF11}"]
        for _ in 0..<20_000 {
            texts.append((0..<Int.random(in: 1...8, using: &generator)).map { _ in
                pieces.randomElement(using: &generator)!
            }.joined())
        }
        var withYearToken = 0
        for text in texts {
            let yearToken = DateNormalizer.tokenize(text).contains {
                if case .number(_, 4) = $0.kind { return true } else { return false }
            }
            if yearToken { withYearToken += 1 }
            XCTAssertTrue(!yearToken || DateNormalizer.hasFourDigits(text), text)
        }
        XCTAssertGreaterThan(withYearToken, 1_000, "texts with a year token were checked")
        XCTAssertEqual(DateNormalizer.dates(in: "Jeju, 1 July 21"), [])
        XCTAssertTrue(DateNormalizer.hasFourDigits("(10/2016)"))
        XCTAssertFalse(DateNormalizer.hasFourDigits("12 123 ٣٣٣٣"))
    }

    func testLeapYears() {
        check("29 February 2024", "2024-02-29")
        check("29 February 2023", nil)
        check("29 February 2000", "2000-02-29")
        check("29 February 1900", nil)
    }

    func testRangesOfTheDateInTheText() {
        let text = "Geneva, 11-12 July 2017"
        let found = DateNormalizer.normalize(text)!
        XCTAssertEqual((text as NSString).substring(with: found.range), "11-12 July 2017")
        let prefixed = "é日😀 " + text
        let shifted = DateNormalizer.normalize(prefixed)!
        XCTAssertEqual((prefixed as NSString).substring(with: shifted.range), "11-12 July 2017")
        XCTAssertEqual(shifted.range.location, found.range.location + ("é日😀 " as NSString).length)
    }

    func testEveryDateInOrder() {
        let all = DateNormalizer.dates(in: "Expires: 11 October 2026    9 April 2026; 2017-2020; 1 Nov 2017")
        XCTAssertEqual(all.map(\.value), ["2026-10-11", "2026-04-09", "2017-11-01"])
    }

    func testNoValues() {
        for none in ["", "-", "N/A", "none", "None.", "TBD", "--", "_"] {
            XCTAssertTrue(DateNormalizer.isNoValue(none), none)
        }
        XCTAssertFalse(DateNormalizer.isNoValue("1 November 2017"))
        XCTAssertFalse(DateNormalizer.isNoValue("3GPP"))
    }
}
