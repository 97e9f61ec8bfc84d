import XCTest
@testable import LiaisonTrace

/// Requirements, scopes, actions and addressees of real documents against annotations written by hand
/// (`Annotations/statements/*.json`; what counts as what is in `Annotations/statements/README.md`), read from the
/// originals in ../shared/corpus-real. An annotated item is a quote of its sentence; an extracted item matches it
/// when the item's text contains the quote (compared on letters and digits only, case folded), with the same
/// polarity for scopes. Precision is over the extracted items (inside the excerpt when the annotation gives one),
/// recall over the annotated ones. Figures are printed, and held to the floors of issue 9.
final class StatementAnnotationTests: XCTestCase {
    struct Annotation: Decodable {
        var document: String
        var note: String
        /// Only the text from the first anchor up to the second is annotated.
        var excerpt: Excerpt?
        /// The document's addressees; nil when not annotated (e-mails to a list).
        var to: [Addressee]?
        var requirements: [AnnotatedRequirement]
        var scopes: [AnnotatedScope]
        var actions: [AnnotatedAction]
    }

    struct Excerpt: Decodable {
        var from: String
        var to: String
    }

    struct AnnotatedRequirement: Decodable {
        var quote: String
        var modality: String
    }

    struct AnnotatedScope: Decodable {
        var quote: String
        var polarity: String
        var subject: String?
    }

    struct AnnotatedAction: Decodable {
        var quote: String
        var to: [String]
    }

    /// Matches and totals of one field: precision over what was found, recall over what was annotated.
    struct Tally {
        var foundMatched = 0
        var found = 0
        var expectedMatched = 0
        var expected = 0
        var precision: Double { found == 0 ? 1 : Double(foundMatched) / Double(found) }
        var recall: Double { expected == 0 ? 1 : Double(expectedMatched) / Double(expected) }

        static func += (left: inout Tally, right: Tally) {
            left.foundMatched += right.foundMatched
            left.found += right.found
            left.expectedMatched += right.expectedMatched
            left.expected += right.expected
        }
    }

    /// Agreement of a detail (modality, subject, action addressees) on matched items.
    struct Agreement {
        var same = 0
        var compared = 0
        var rate: Double { compared == 0 ? 1 : Double(same) / Double(compared) }
    }

    static let folder = TestSupport.packageRoot.appendingPathComponent("Tests/LiaisonTraceTests/Annotations/statements")

    static func annotations() throws -> [(name: String, annotation: Annotation)] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }.sorted()
        return try names.map { name in
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            do {
                return (name, try JSONDecoder().decode(Annotation.self, from: data))
            } catch {
                throw NSError(domain: "StatementAnnotationTests", code: 1, userInfo: [
                    NSLocalizedDescriptionKey: "Annotations/statements/\(name): cannot be decoded: \(error)"])
            }
        }
    }

    /// Letters and digits of `text`, case folded, each run of anything else one space, with a space at both ends
    /// (so that a key contains another only at word boundaries).
    static func key(_ text: String) -> String {
        var out = " "
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if out.last != " " {
                out += " "
            }
        }
        return out.last == " " ? out : out + " "
    }

    /// Byte offset in `text` of the first place at or after byte `start` where `anchor` occurs, its white space
    /// matching any white space.
    static func offset(of anchor: String, in text: String, after start: Int = 0) -> Int? {
        let words = anchor.split(whereSeparator: \.isWhitespace)
            .map { NSRegularExpression.escapedPattern(for: String($0)) }
        guard let regex = try? NSRegularExpression(pattern: words.joined(separator: "\\s+")),
              let from = text.utf8.index(text.utf8.startIndex, offsetBy: start, limitedBy: text.utf8.endIndex),
              let match = regex.firstMatch(in: text, range: NSRange(from..., in: text)),
              let range = Range(match.range, in: text) else { return nil }
        return text.utf8.distance(from: text.utf8.startIndex, to: range.lowerBound.samePosition(in: text.utf8)!)
    }

    /// Scores found items against annotated ones: an item matches a quote when its key contains the quote's.
    static func score<Found, Expected>(_ found: [Found], _ expected: [Expected], text: (Found) -> String,
                                       quote: (Expected) -> String, compatible: (Found, Expected) -> Bool,
                                       misses: inout [String], label: String)
        -> (tally: Tally, pairs: [(Found, Expected)]) {
        var tally = Tally(found: found.count, expected: expected.count)
        var pairs: [(Found, Expected)] = []
        let foundKeys = found.map { key(text($0)) }
        var expectedMatched = Array(repeating: false, count: expected.count)
        for (index, item) in found.enumerated() {
            let hits = expected.indices.filter {
                foundKeys[index].contains(key(quote(expected[$0]))) && compatible(item, expected[$0])
            }
            if hits.isEmpty {
                misses.append("\(label) extra: \(text(item).prefix(110))")
            } else {
                tally.foundMatched += 1
            }
            for hit in hits where !expectedMatched[hit] {
                expectedMatched[hit] = true
                pairs.append((item, expected[hit]))
            }
        }
        for (index, matched) in expectedMatched.enumerated() where !matched {
            misses.append("\(label) missed: \(quote(expected[index]))")
        }
        tally.expectedMatched = expectedMatched.filter { $0 }.count
        return (tally, pairs)
    }

    static let fields = ["requirements", "scopes", "actions", "addressees"]

    func testStatementsAgainstAnnotations() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let annotations = try Self.annotations()
        XCTAssertGreaterThanOrEqual(annotations.count, 10, "Annotations/statements: fewer than ten documents")
        let pipeline = try TestSupport.pipeline()
        var tallies: [String: Tally] = [:]
        var modality = Agreement()
        var subject = Agreement()
        var actionTo = Agreement()
        var report: [String] = []
        for (name, annotation) in annotations {
            let path = corpus.appendingPathComponent(annotation.document).path
            guard case .processed(let processed) = pipeline.process(.path(path)),
                  let record = processed.first?.record else {
                XCTFail("Annotations/statements/\(name): \(annotation.document) could not be processed")
                continue
            }
            var bounds = 0..<Int.max
            if let excerpt = annotation.excerpt {
                let text = try Ingestor().ingest(path: path).text
                guard let from = Self.offset(of: excerpt.from, in: text),
                      let to = Self.offset(of: excerpt.to, in: text, after: from) else {
                    XCTFail("Annotations/statements/\(name): excerpt anchors '\(excerpt.from)' … '\(excerpt.to)' "
                            + "not found, in that order, in the ingested text of \(annotation.document)")
                    continue
                }
                bounds = from..<to
            }
            var misses: [String] = []
            let requirements = record.requirements.filter { bounds.contains($0.range.start) }
            let (requirementTally, requirementPairs) = Self.score(
                requirements, annotation.requirements, text: \.text, quote: \.quote, compatible: { _, _ in true },
                misses: &misses, label: "requirement")
            for (found, expected) in requirementPairs {
                modality.compared += 1
                if found.modality.rawValue == expected.modality { modality.same += 1 } else {
                    misses.append("requirement modality \(found.modality), annotated \(expected.modality): "
                                  + expected.quote)
                }
            }
            // One scope per sentence and polarity (the extractor makes one item per aspect).
            var seen = Set<String>()
            let scopes = record.scopes.filter { bounds.contains($0.range.start) }
                .filter { seen.insert("\($0.range.start) \($0.polarity.rawValue)").inserted }
            let (scopeTally, scopePairs) = Self.score(
                scopes, annotation.scopes, text: \.text, quote: \.quote,
                compatible: { $0.polarity.rawValue == $1.polarity }, misses: &misses, label: "scope")
            for (found, expected) in scopePairs {
                guard let annotated = expected.subject else { continue }
                subject.compared += 1
                if found.subject == annotated { subject.same += 1 } else {
                    misses.append("scope subject \(found.subject ?? "null"), annotated \(annotated): \(expected.quote)")
                }
            }
            let actions = record.actions.filter { bounds.contains($0.range.start) }
            let (actionTally, actionPairs) = Self.score(
                actions, annotation.actions, text: \.text, quote: \.quote, compatible: { _, _ in true },
                misses: &misses, label: "action")
            for (found, expected) in actionPairs where !expected.to.isEmpty {
                actionTo.compared += 1
                if Set(found.to) == Set(expected.to) { actionTo.same += 1 } else {
                    misses.append("action to \(found.to), annotated \(expected.to): \(expected.quote)")
                }
            }
            var addressees = Tally()
            if let to = annotation.to {
                let expected = Set(to.map { "\($0.purpose.rawValue): \($0.group)" })
                let found = Set(record.document.to.map { "\($0.purpose.rawValue): \($0.group)" })
                addressees = Tally(foundMatched: found.intersection(expected).count, found: found.count,
                                   expectedMatched: found.intersection(expected).count, expected: expected.count)
                for extra in found.subtracting(expected).sorted() { misses.append("addressee extra: \(extra)") }
                for missed in expected.subtracting(found).sorted() { misses.append("addressee missed: \(missed)") }
            }
            let documentTallies = ["requirements": requirementTally, "scopes": scopeTally, "actions": actionTally,
                                   "addressees": addressees]
            for (field, tally) in documentTallies { tallies[field, default: Tally()] += tally }
            report.append(annotation.document + Self.fields.map { field in
                let tally = documentTallies[field]!
                let extra = tally.found - tally.foundMatched
                return "  \(field.prefix(3)) \(tally.expectedMatched)/\(tally.expected)+\(extra)"
            }.joined())
            report += misses.map { "    " + $0 }
        }
        report.append("statement annotations (\(annotations.count) documents)")
        report.append("  field          found  annotated  precision  recall")
        for field in Self.fields {
            let tally = tallies[field] ?? Tally()
            report.append("  " + field.padding(toLength: 13, withPad: " ", startingAt: 0)
                          + String(format: "%6d %10d %10.3f %7.3f", tally.found, tally.expected, tally.precision,
                                   tally.recall))
        }
        report.append(String(format: "  agreement on matched items: modality %.3f (%d), scope subject %.3f (%d), "
                             + "action addressees %.3f (%d)", modality.rate, modality.compared, subject.rate,
                             subject.compared, actionTo.rate, actionTo.compared))
        let text = report.joined(separator: "\n")
        print(text)

        // Issue 9: recall of requirements and scopes at least 0.8, of addressees at least 0.95, precision at least
        // 0.95; actions and the agreements are held a little below the figures reached, so that a regression fails.
        let floors: [String: (precision: Double, recall: Double)] = [
            "requirements": (0.95, 0.8), "scopes": (0.95, 0.8), "addressees": (0.95, 0.95), "actions": (0.95, 0.8),
        ]
        for (field, floor) in floors.sorted(by: { $0.key < $1.key }) {
            let tally = tallies[field] ?? Tally()
            XCTAssertGreaterThanOrEqual(tally.precision, floor.precision, "\(field) precision (see the figures printed above)")
            XCTAssertGreaterThanOrEqual(tally.recall, floor.recall, "\(field) recall (see the figures printed above)")
        }
        XCTAssertGreaterThanOrEqual(modality.rate, 0.9, "requirement modality agreement")
    }

    /// Every annotation names a document of the corpus, known modalities and polarities, and no quote twice.
    func testAnnotationsAreWellFormed() throws {
        let corpus = try TestSupport.requireRealCorpus()
        let modalities = Set(Requirement.Modality.allCases.map(\.rawValue))
        for (name, annotation) in try Self.annotations() {
            let place = "Annotations/statements/\(name)"
            let document = corpus.appendingPathComponent(annotation.document).path
            XCTAssertTrue(FileManager.default.fileExists(atPath: document),
                          "\(place): document \(annotation.document) is not in ../shared/corpus-real")
            XCTAssertFalse(annotation.note.isEmpty, "\(place): the note says what was annotated and how")
            for item in annotation.requirements {
                XCTAssertTrue(modalities.contains(item.modality), "\(place): unknown modality '\(item.modality)'")
            }
            for item in annotation.scopes {
                XCTAssertNotNil(Scope.Polarity(rawValue: item.polarity),
                                "\(place): unknown polarity '\(item.polarity)'")
            }
            // Addressees decode as `Addressee`, whose purpose is one of the contract's three.
            let quotes = annotation.requirements.map(\.quote) + annotation.actions.map(\.quote)
                + annotation.scopes.map { "\($0.polarity) \($0.quote)" }
            XCTAssertEqual(Set(quotes).count, quotes.count, "\(place): a quote is annotated twice")
            // Quotes are of the text read with tracked changes accepted (the renderings of .doc files print deleted
            // and inserted text together).
            let text = Self.key(try Ingestor().ingest(path: document).text)
            for quote in quotes {
                XCTAssertGreaterThanOrEqual(Self.key(quote).split(separator: " ").count, 3,
                                            "\(place): quote '\(quote)' is too short to name one sentence")
                let words = quote.hasPrefix("includes ") || quote.hasPrefix("excludes ")
                    ? String(quote.drop { $0 != " " }) : quote
                XCTAssertTrue(text.contains(Self.key(words)),
                              "\(place): quote '\(words)' is not in the ingested text of \(annotation.document)")
            }
        }
    }
}
