import XCTest
@testable import LiaisonTrace

/// The examples of the sentence-level rule files (statements, requirements, actions, scopes, relations) are their
/// tests: each must give exactly what it says, also after a multi-byte first line (lines shift by one, byte ranges
/// by ten).
final class StatementRuleExamplesTests: XCTestCase {
    let prefix = TestSupport.multiBytePrefix
    var shift: Int { prefix.utf8.count }

    // MARK: - statements.yaml

    func testStatementVocabularyExamples() throws {
        let vocabulary = try StatementVocabulary(rules: StatementTestSupport.rules)
        XCTAssertGreaterThan(vocabulary.classExamples.count, 6)
        for (text, expected) in vocabulary.classExamples {
            XCTAssertEqual(vocabulary.documentClass(ofText: StatementTestSupport.text(text)), expected, text)
        }
        XCTAssertGreaterThan(vocabulary.selfMentionExamples.count, 3)
        for (text, noun) in vocabulary.selfMentionExamples {
            XCTAssertEqual(vocabulary.selfMentions(in: text).first?.noun, noun, text)
        }
        XCTAssertGreaterThan(vocabulary.sectionExamples.count, 6)
        for (title, role) in vocabulary.sectionExamples {
            XCTAssertEqual(vocabulary.role(ofSection: title), role, title)
        }
    }

    // MARK: - requirements.yaml

    func testRequirementLexiconExamples() throws {
        let extractor = try RequirementExtractor(rules: StatementTestSupport.rules)
        XCTAssertGreaterThanOrEqual(extractor.lexicons.count, 7)
        var checked = 0
        for lexicon in extractor.lexicons {
            for example in lexicon.examples {
                let documentClass = example.class ?? lexicon.classes[0]
                let place = "\(lexicon.file):\(lexicon.line): \(lexicon.id) on \"\(example.text)\" as \(documentClass)"
                let found = try requirements(extractor, example.text, documentClass).filter { $0.rule == lexicon.id }
                if example.none == true {
                    XCTAssertEqual(found.map(\.keyword), [], place)
                } else {
                    XCTAssertEqual(found.count, 1, place)
                    XCTAssertEqual(found.first?.keyword, example.keyword, place)
                    XCTAssertEqual(found.first?.modality, example.modality?.rawValue, place)
                    try assertShifts(example.text, found, place) {
                        try self.requirements(extractor, $0, documentClass).filter { $0.rule == lexicon.id }
                    }
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 35)
    }

    func testRequirementIdAndLabelExamples() throws {
        let extractor = try RequirementExtractor(rules: StatementTestSupport.rules)
        XCTAssertGreaterThanOrEqual(extractor.idRules.count, 3)
        for rule in extractor.idRules {
            for example in rule.examples {
                let place = "\(rule.file):\(rule.line): \(rule.id) on \"\(example.text)\""
                let found = try requirements(extractor, example.text, .deliverable)
                XCTAssertEqual(found.count, 1, place)
                XCTAssertEqual(found.first?.id, example.id, place)
                XCTAssertEqual(found.first?.label, example.label, place)
                if example.id != nil || example.label != nil {
                    // The number or label is cut from the item's text and range.
                    XCTAssertFalse(found.first?.text.hasPrefix("[") ?? true, place)
                    XCTAssertFalse(found.first?.text.hasPrefix("*") ?? true, place)
                    try assertShifts(example.text, found, place) { try self.requirements(extractor, $0, .deliverable) }
                }
            }
        }
    }

    func testRequirementExclusionExamples() throws {
        let extractor = try RequirementExtractor(rules: StatementTestSupport.rules)
        XCTAssertGreaterThanOrEqual(extractor.exclusions.count, 5)
        for rule in extractor.exclusions {
            for example in rule.examples {
                let place = "\(rule.file):\(rule.line): \(rule.id) on \"\(example.text)\""
                XCTAssertEqual(!rule.pattern.matches(in: example.text).isEmpty, example.excluded, place)
                // And through the extractor: an excluded sentence with a keyword gives no requirement.
                if example.excluded == true {
                    let documentClass = rule.classes?.first ?? .deliverable
                    XCTAssertEqual(try requirements(extractor, example.text, documentClass).map(\.text), [], place)
                }
            }
        }
    }

    // MARK: - actions.yaml

    func testActionRuleExamples() throws {
        let extractor = try ActionExtractor(rules: StatementTestSupport.rules)
        XCTAssertGreaterThanOrEqual(extractor.rules.count, 6)
        var checked = 0
        for rule in extractor.rules {
            for example in rule.examples {
                let text = StatementTestSupport.text(example.text)
                let place = "\(rule.file):\(rule.line): \(rule.id) on \"\(example.text)\""
                let found = try actions(extractor, text).filter { $0.rule == rule.id }
                if example.none == true {
                    XCTAssertEqual(found.map(\.text), [], place)
                } else {
                    XCTAssertEqual(found.count, 1, place)
                    XCTAssertEqual(found.first?.to, example.to ?? [], place)
                    if let deadline = example.deadline { XCTAssertEqual(found.first?.deadline, deadline, place) }
                    try assertShifts(text, found, place) {
                        try self.actions(extractor, $0).filter { $0.rule == rule.id }
                    }
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 20)
    }

    func testAddresseeLineExamples() throws {
        let extractor = try ActionExtractor(rules: StatementTestSupport.rules)
        XCTAssertFalse(extractor.addresseeLineExamples.isEmpty)
        for example in extractor.addresseeLineExamples {
            let found = try actions(extractor, example.text + "\n\nPlease send us your comments.")
            XCTAssertEqual(found.count, 1, example.text)
            XCTAssertEqual(found.first?.to, example.to ?? [], example.text)
        }
    }

    // MARK: - scopes.yaml

    func testScopeRuleExamples() throws {
        let extractor = try ScopeExtractor(rules: StatementTestSupport.rules)
        XCTAssertGreaterThanOrEqual(extractor.rules.count, 6)
        var checked = 0
        let cases = extractor.rules.map { ($0.id, $0.examples, "\($0.file):\($0.line)") }
            + [(extractor.clauseRule ?? "", extractor.clauseExamples, "scope_clause")]
        for (id, examples, location) in cases {
            for example in examples {
                let text = StatementTestSupport.text(example.text)
                let documentClass = example.class ?? .deliverable
                let place = "\(location): \(id) on \"\(example.text)\""
                let found = try scopes(extractor, text, documentClass).filter { $0.rule == id }
                let got = found.map { ScopeExtractor.ExpectedItem(polarity: $0.polarity, subject: $0.subject ?? "this",
                                                                  aspect: $0.aspect) }
                XCTAssertEqual(got, example.none == true ? [] : example.items ?? [], place)
                if example.none != true {
                    try assertShifts(text, found, place) {
                        try self.scopes(extractor, $0, documentClass).filter { $0.rule == id }
                    }
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 20)
    }

    // MARK: - relations.yaml

    func testRelationRuleExamples() throws {
        let extractor = try RelationExtractor(rules: StatementTestSupport.rules)
        XCTAssertGreaterThanOrEqual(extractor.rules.count, 8)
        var checked = 0
        for rule in extractor.rules {
            for example in rule.examples {
                let text = StatementTestSupport.text(example.text)
                let documentClass = example.class ?? .deliverable
                let place = "\(rule.file):\(rule.line): \(rule.id) on \"\(example.text)\""
                let found = try relations(extractor, text, documentClass).filter { $0.rule == rule.id }
                let got = found.map { RelationExtractor.ExpectedRelation(type: $0.type, subject: $0.subject ?? "this",
                                                                         object: $0.object, date: $0.meetingDate) }
                XCTAssertEqual(got, example.none == true ? [] : example.relations ?? [], place)
                if example.none != true {
                    try assertShifts(text, found, place) {
                        try self.relations(extractor, $0, documentClass).filter { $0.rule == rule.id }
                    }
                }
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 18)
    }

    func testMeetingExamples() throws {
        let extractor = try RelationExtractor(rules: StatementTestSupport.rules)
        XCTAssertGreaterThanOrEqual(extractor.meetingExamples.count, 3)
        for example in extractor.meetingExamples {
            let text = "ITU-T Y.3507 was approved \(example.text)."
            let found = try relations(extractor, text, .deliverable).filter { $0.type == "approved-at" }
            XCTAssertEqual(found.map(\.object), example.meeting.map { [$0] } ?? [], text)
            XCTAssertEqual(found.first?.meetingDate, example.date, text)
        }
    }

    // MARK: - Bad rules

    func testBadRulesNameFileLineAndRule() throws {
        let statements = StatementTestSupport.rules.files(ofKind: "statements")
        let cases: [(kind: String, body: String, build: (RuleLibrary) throws -> Void)] = [
            ("actions", "rules:\n  - id: action.broken\n    pattern: 'asks ('\n    examples: [{text: x, none: true}]",
             { _ = try ActionExtractor(rules: $0) }),
            ("scopes", "rules:\n  - id: scope.broken\n    polarity: includes\n    subject: [this]\n"
                + "    pattern: 'covers ('\n    examples: [{text: x, none: true}]",
             { _ = try ScopeExtractor(rules: $0) }),
            ("relations", "rules:\n  - id: relation.broken\n    type: builds-on\n    subject: [this]\n"
                + "    object: first-after\n    pattern: 'extends ('\n    examples: [{text: x, none: true}]",
             { _ = try RelationExtractor(rules: $0) }),
            ("relations", "rules:\n  - id: relation.typo\n    type: built-on\n    subject: [this]\n"
                + "    object: first-after\n    pattern: 'extends'\n    examples: [{text: x, none: true}]",
             { _ = try RelationExtractor(rules: $0) }),
        ]
        for (kind, body, build) in cases {
            let yaml = "version: 1\nkind: \(kind)\n" + body + "\n"
            let file = try RuleLibrary.parse(yaml, path: "Pipelines/rules/broken-\(kind).yaml")
            XCTAssertThrowsError(try build(RuleLibrary(files: statements + [file])), kind) { error in
                let diagnostic = (error as! PipelineError).diagnostic
                XCTAssertEqual(diagnostic.path, "Pipelines/rules/broken-\(kind).yaml")
                XCTAssertEqual(diagnostic.line, 4, diagnostic.summary)
                XCTAssertTrue(diagnostic.summary.contains(".broken") || diagnostic.summary.contains(".typo"),
                              diagnostic.summary)
            }
        }
    }

    func testPipelineWithoutSentenceRulesStillRuns() throws {
        let library = RuleLibrary(files: StatementTestSupport.rules.files(ofKind: "references")
            + StatementTestSupport.rules.files(ofKind: "groups"))
        let extraction = try Extraction(rules: library)
        var diagnostics: [Diagnostic] = []
        let record = extraction.run(AnalyzedDocument(try TestSupport.ingest("The UE shall work.", name: "x.txt")),
                                    diagnostics: &diagnostics)
        XCTAssertEqual(record.requirements.count, 0)
    }

    // MARK: - Helpers

    func requirements(_ extractor: RequirementExtractor, _ text: String, _ documentClass: DocumentClass) throws
        -> [Requirement] {
        try StatementTestSupport.run(extractor, text, class: documentClass).requirements
    }

    func actions(_ extractor: ActionExtractor, _ text: String) throws -> [ActionItem] {
        try StatementTestSupport.run(extractor, text, class: .liaison).actions
    }

    func scopes(_ extractor: ScopeExtractor, _ text: String, _ documentClass: DocumentClass) throws -> [Scope] {
        try StatementTestSupport.run(extractor, text, class: documentClass).scopes
    }

    func relations(_ extractor: RelationExtractor, _ text: String, _ documentClass: DocumentClass) throws
        -> [Relation] {
        try StatementTestSupport.run(extractor, text, class: documentClass).relations
    }

    /// Re-runs with the multi-byte prefix line: same items, one line down, ranges ten bytes on, same columns.
    func assertShifts<Item: Located>(_ text: String, _ plain: [Item], _ place: String,
                                     _ run: (String) throws -> [Item]) throws {
        let prefixed = try run(prefix + text)
        XCTAssertEqual(prefixed.count, plain.count, "prefixed: \(place)")
        for (a, b) in zip(plain, prefixed) {
            XCTAssertEqual(b.range, a.range.shifted(by: shift), "prefixed: \(place)")
            XCTAssertEqual(b.line, a.line + 1, "prefixed: \(place)")
            XCTAssertEqual(b.column, a.column, "prefixed: \(place)")
            XCTAssertEqual(b.itemText, a.itemText, "prefixed: \(place)")
        }
    }
}

/// An extracted item with provenance.
protocol Located {
    var line: Int { get }
    var column: Int { get }
    var range: SourceRange { get }
    var itemText: String { get }
}

extension Requirement: Located { var itemText: String { text } }
extension ActionItem: Located { var itemText: String { text } }
extension Scope: Located { var itemText: String { text } }
extension Relation: Located { var itemText: String { text } }
