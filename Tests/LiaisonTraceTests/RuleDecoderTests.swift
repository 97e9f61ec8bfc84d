import Foundation
import XCTest
import Yams
@testable import LiaisonTrace

/// The strict rule decoder: unknown keys at every level are errors with file, line, key path and a suggestion;
/// everything else decodes as Yams' `YAMLDecoder` decodes it, which the last tests check on every rule file.
final class RuleDecoderTests: XCTestCase {
    // MARK: - Unknown keys

    func testUnknownKeyAtTopLevelSuggestsTheKnownKey() throws {
        let yaml = """
            version: 1
            kind: references
            sdo: 3GPP
            rulez:
              - {id: a, pattern: 'x'}
            """
        let error = try decodeFileError(ReferencesFileSpec.self, yaml)
        XCTAssertEqual(error.path, "rules/test.yaml")
        XCTAssertEqual(error.line, 4)
        XCTAssertEqual(error.summary, "unknown key 'rulez' at the top level; did you mean 'rules'? "
                       + "(known: version, kind, sdo, citation_anchor, rules)")
    }

    func testUnknownKeyInsideARuleThatHidesARequiredKey() throws {
        let yaml = """
            version: 1
            kind: references
            rules:
              - id: a
                pattern: 'x'
              - id: b
                summary: second
                patern: 'y'
            """
        let error = try decodeFileError(ReferencesFileSpec.self, yaml)
        XCTAssertEqual(error.line, 8)
        // 'pattern' is missing because it is misspelt: the misspelling is what the message names.
        XCTAssertEqual(error.summary, "rule 'b': unknown key 'patern' in 'rules[1]'; did you mean 'pattern'?")
    }

    func testUnknownKeyFarFromTheMissingKeyNamesBoth() throws {
        let error = try decodeError(ReferenceRuleSpec.self, "id: a\nsource: 'x'\n")
        XCTAssertEqual(error.line, 2)
        XCTAssertEqual(error.summary, "rule 'a': unknown key 'source' at the top level; 'pattern' is missing")
        let nested = try decodeError(Boxed.self, "box: {widht: 2}\n")
        XCTAssertEqual(nested.line, 1)
        XCTAssertEqual(nested.summary, "unknown key 'widht' in 'box' (column 7); did you mean 'width'?")
    }

    func testUnknownOptionalKeyInsideARuleListsTheKnownKeys() throws {
        let yaml = """
            id: a
            summery: typo of an optional key
            pattern: 'x'
            """
        let error = try decodeError(ReferenceRuleSpec.self, yaml, at: [.init("rules"), .init(index: 3)])
        XCTAssertEqual(error.line, 2)
        XCTAssertEqual(error.summary, "rule 'a': unknown key 'summery' in 'rules[3]'; did you mean 'summary'? "
                       + "(known: id, "
                       + "summary, kind, sdo, pattern, id_template, continuation, range, qualifiers, placeholder, "
                       + "not_after, examples, counter_examples)")
    }

    func testUnknownKeyInsideAnExampleTwoLevelsDown() throws {
        let block = """
            version: 1
            kind: references
            rules:
              - id: a
                pattern: 'x'
                examples:
                  - {text: "A 1", ids: [A1]}
                  - text: "B 2"
                    idz: [B2]
            """
        let error = try decodeFileError(ReferencesFileSpec.self, block)
        XCTAssertEqual(error.line, 9)
        XCTAssertEqual(error.summary, "rule 'a': unknown key 'idz' in 'rules[0].examples[1]'; did you mean 'ids'? "
                       + "(known: text, ids, span)")

        // In a flow mapping the column tells which key.
        let flow = """
            version: 1
            kind: references
            rules:
              - id: a
                pattern: 'x'
                examples:
                  - {text: "A 1", ids: [A1], nones: true}
            """
        let flowError = try decodeFileError(ReferencesFileSpec.self, flow)
        XCTAssertEqual(flowError.line, 7)
        XCTAssertEqual(flowError.summary, "rule 'a': unknown key 'nones' in 'rules[0].examples[0]' (column 34) "
                       + "(known: text, ids, span)")
    }

    func testNoSuggestionForAKeyFarFromEveryKnownKey() throws {
        let error = try decodeError(ReferenceRuleSpec.self, "id: a\npattern: x\ncolour: red\n")
        XCTAssertEqual(error.line, 3)
        XCTAssertTrue(error.summary.hasPrefix("rule 'a': unknown key 'colour' at the top level (known: id, summary,"),
                      error.summary)
        XCTAssertFalse(error.summary.contains("did you mean"), error.summary)
    }

    func testSuggestionsAreOneOrTwoEditsAway() {
        typealias Decoder = RuleDecoder
        XCTAssertEqual(Decoder.suggestion(for: "patern", among: ["id", "pattern"]), "pattern")
        XCTAssertEqual(Decoder.suggestion(for: "exmaples", among: ["examples", "text"]), "examples")
        XCTAssertEqual(Decoder.suggestion(for: "counter_exampels", among: ["counter_examples"]), "counter_examples")
        XCTAssertEqual(Decoder.suggestion(for: "Pattern", among: ["pattern"]), "pattern")
        XCTAssertEqual(Decoder.suggestion(for: "tpye", among: ["id", "type"]), "type")
        XCTAssertNil(Decoder.suggestion(for: "to", among: ["id"]))
        XCTAssertNil(Decoder.suggestion(for: "colour", among: ["kind", "pattern"]))
    }

    func testKeysOfACaseIterableKeyTypeAreListedEvenWhenNotRead() throws {
        let error = try decodeError(Labelled.self, "name: x\ncolour: red\n")
        XCTAssertEqual(error.line, 2)
        XCTAssertEqual(error.summary, "unknown key 'colour' at the top level (known: name, size)")
        // A key the key type knows is accepted even though this init never reads it.
        XCTAssertEqual(try decode(Labelled.self, "name: x\nsize: 3\n").name, "x")
    }

    func testKeysTheKeyTypeAcceptsPassEvenWhenNotRead() throws {
        // `legacy` is a coding key that the init never reads: accepted, though it is in no list of known keys.
        XCTAssertEqual(try decode(Skipping.self, "name: x\nlegacy: old\n").name, "x")
        let error = try decodeError(Skipping.self, "name: x\nlegasy: old\n")
        XCTAssertEqual(error.summary, "unknown key 'legasy' at the top level (known: name)")
    }

    func testKeysOfNestedContainersAreChecked() throws {
        XCTAssertEqual(try decode(Boxed.self, "box: {width: 2}\n").width, 2)
        let error = try decodeError(Boxed.self, "box:\n  width: 2\n  heigth: 3\n")
        XCTAssertEqual(error.line, 3)
        XCTAssertEqual(error.summary, "unknown key 'heigth' in 'box' (known: width)")
    }

    func testRulesAreNamedAndItemsKnowTheirLines() throws {
        let yaml = """
            version: 1
            kind: references
            rules:
              - {id: a, pattern: 'x'}

              - id: b
                pattern: 'y'
                examples:
                  - {text: "y", ids: [y], idz: []}
            """
        let file = try RuleLibrary.parse(yaml, path: "r.yaml")
        let error = try decodeFileError(ReferencesFileSpec.self, yaml)
        XCTAssertEqual(error.line, 9)
        XCTAssertEqual(error.column, 31)
        XCTAssertTrue(error.summary.hasPrefix("rule 'b': unknown key 'idz' in 'rules[1].examples[0]'"), error.summary)
        let fixed = try RuleLibrary.parse(yaml.replacingOccurrences(of: ", idz: []", with: ""), path: "r.yaml")
        XCTAssertEqual(try fixed.decodeStrictly(ReferencesFileSpec.self).rules?.map(\.line), [4, 6])
        XCTAssertEqual(file.path, "r.yaml")
    }

    // MARK: - Values

    func testDictionariesAcceptAnyKey() throws {
        let rule = try decode(ReferenceRuleSpec.self, """
            id: a
            pattern: x
            qualifiers: {version: '{version}', anything_at_all: '{0}', 15: fifteen}
            """)
        XCTAssertEqual(rule.qualifiers, ["version": "{version}", "anything_at_all": "{0}", "15": "fifteen"])
        let group = try decode(GroupCanonicalizer.Spec.self, """
            id: group.sg
            canonical: 'SG{n}'
            body: ITU-T
            pattern: 'SG(?<n>\\d+)'
            examples: {"SG 11": SG11, "SG 12": SG12}
            """)
        XCTAssertEqual(group.examples, ["SG 11": "SG11", "SG 12": "SG12"])
        // A null is no value: a text that is no group is a counter-example.
        let error = try decodeError(GroupCanonicalizer.Spec.self, """
            id: group.sg
            canonical: 'SG{n}'
            body: ITU-T
            pattern: 'SG(?<n>\\d+)'
            examples: {"SG 11": SG11, "no group": ~}
            """)
        XCTAssertEqual(error.summary,
                       "rule 'group.sg': expected a string at 'examples.no group' (column 39), found null")
    }

    func testOptionalsAreNilWhenMissingOrNull() throws {
        let rule = try decode(ReferenceRuleSpec.self, """
            id: a
            summary: ~
            kind: null
            sdo:
            pattern: x
            placeholder: true
            """)
        XCTAssertNil(rule.summary)
        XCTAssertNil(rule.kind)
        XCTAssertNil(rule.sdo)
        XCTAssertNil(rule.id_template)
        XCTAssertNil(rule.examples)
        XCTAssertEqual(rule.placeholder, true)
        XCTAssertEqual(rule.pattern, "x")
    }

    func testScalarsReadAsYamsReadsThem() throws {
        let yaml = """
            text: 15
            flag: true
            integer: 0x1F
            number: 1.5
            yes_no: yes
            strings: [15, true, 'quoted', ~]
            """
        let strict = try decode(Scalars.self, yaml)
        XCTAssertEqual(strict.text, "15")
        XCTAssertEqual(strict.flag, "true")
        XCTAssertEqual(strict.integer, 31)
        XCTAssertEqual(strict.number, 1.5)
        XCTAssertEqual(strict.yes_no, true)
        XCTAssertEqual(strict.strings, ["15", "true", "quoted", nil])
        let yams = try YAMLDecoder().decode(Scalars.self, from: XCTUnwrap(Yams.compose(yaml: yaml)))
        XCTAssertEqual(canonical(strict), canonical(yams))
    }

    /// Every type Yams constructs from a scalar is read by Yams' rules (a hexadecimal `UInt16`, a `URL`, a `UUID`), as
    /// `YAMLDecoder` reads it: the decoder knows these types from a list, not by asking the runtime.
    func testEveryScalarTypeOfYamsReadsAsYamsReadsIt() throws {
        let yaml = """
            small: -5
            unsigned: 0x10
            wide: 9000000000
            single: 2.5
            decimal: 1.25
            link: https://example.org/a
            id: 123e4567-e89b-12d3-a456-426614174000
            """
        let strict = try decode(WideScalars.self, yaml)
        XCTAssertEqual(strict.unsigned, 16)
        XCTAssertEqual(strict.link.host, "example.org")
        let yams = try YAMLDecoder().decode(WideScalars.self, from: XCTUnwrap(Yams.compose(yaml: yaml)))
        XCTAssertEqual(strict, yams)
    }

    /// The one tag the rule decoder reads: a plain `true`/`off` is a boolean, a quoted one a string.
    func testQuotedBooleanIsAString() throws {
        XCTAssertEqual(try decode(Switch.self, "enabled: true").enabled, true)
        XCTAssertEqual(try decode(Switch.self, "enabled: off").enabled, false)
        XCTAssertThrowsError(try decode(Switch.self, "enabled: 'true'"))
        XCTAssertThrowsError(try YAMLDecoder().decode(Switch.self, from: XCTUnwrap(Yams.compose(yaml: "enabled: 'true'"))))
    }

    func testTypeMismatchesNameLineColumnAndKeyPath() throws {
        let yaml = """
            version: 1
            kind: references
            rules:
              - id: a
                pattern: 'x'
                examples:
                  - {text: "A 1", ids: A1}
            """
        let error = try decodeFileError(ReferencesFileSpec.self, yaml)
        XCTAssertEqual(error.line, 7)
        XCTAssertEqual(error.summary, "rule 'a': expected a list at 'rules[0].examples[0].ids' (column 28), found 'A1'")

        let zone = try decodeError(HeaderRules.ZoneSpec.self, "max_lines: many\n", at: [.init("zone")])
        XCTAssertEqual(zone.line, 1)
        XCTAssertEqual(zone.summary, "expected an integer at 'zone.max_lines' (column 12), found 'many'")

        let quoted = try decodeError(HeaderRules.ZoneSpec.self, "\n\ncolumn_gap: '3'\n")
        XCTAssertEqual(quoted.line, 3)
        XCTAssertEqual(quoted.summary, "expected an integer at 'column_gap' (column 13), found '3'")

        let mapping = try decodeError(ReferenceRuleSpec.self, "id: a\npattern: {source: x}\n")
        XCTAssertEqual(mapping.line, 2)
        XCTAssertEqual(mapping.summary, "rule 'a': expected a string at 'pattern' (column 10), found a mapping")
    }

    func testNullIsNoValueForARequiredKey() throws {
        let yaml = "id: a\npattern: ~\n"
        let error = try decodeError(ReferenceRuleSpec.self, yaml)
        XCTAssertEqual(error.line, 2)
        XCTAssertEqual(error.summary, "rule 'a': expected a string at 'pattern' (column 10), found null")
        // Yams reads it as the string "~": a rule with an empty pattern would match everywhere.
        let yams = try YAMLDecoder().decode(ReferenceRuleSpec.self, from: XCTUnwrap(Yams.compose(yaml: yaml)))
        XCTAssertEqual(yams.pattern, "~")
    }

    func testMissingKeyNamesTheMapping() throws {
        let yaml = """
            version: 1
            kind: references
            rules:
              - {id: a, pattern: 'x'}
              - id: b
                summary: no pattern
            """
        let error = try decodeFileError(ReferencesFileSpec.self, yaml)
        XCTAssertEqual(error.line, 5)
        XCTAssertEqual(error.summary, "rule 'b': missing key 'pattern' in 'rules[1]'")
    }

    func testBadEnumRawValues() throws {
        let field = try decodeError(HeaderRules.FieldSpec.self, "role: titel\nlabels: [Title]\n",
                                    at: [.init("forms"), .init(index: 0), .init("fields"), .init(index: 2)])
        XCTAssertEqual(field.line, 1)
        XCTAssertEqual(field.summary, "invalid value 'titel' at 'forms[0].fields[2].role' (column 7); expected one "
                       + "of: title, from, to, responds_to, deadline, date, approval, ids, purpose, abstract, ignore")

        let rule = try decodeError(RelationExtractor.RuleSpec.self, """
            id: r
            type: builds-on
            pattern: x
            subject: [adjacent, sideways]
            object: first-after
            """, at: [.init("rules"), .init(index: 0)])
        XCTAssertEqual(rule.line, 4)
        XCTAssertEqual(rule.summary,
                       "rule 'r': invalid value 'sideways' at 'rules[0].subject[1]' (column 21): not a SubjectWay")
    }

    func testErrorsThrownByACustomInitKeepTheirPlace() throws {
        let error = try decodeError(RelationExtractor.Example.self, """
            text: T
            relations:
              - [builds-on, this, X]
            """)
        XCTAssertEqual(error.line, 3)
        XCTAssertEqual(error.summary,
                       "invalid value at 'relations[0]' (column 5): expected [type, subject, object, date]")
    }

    func testRuleFileConvenienceDecodesTheWholeFile() throws {
        let file = try RuleLibrary.parse("version: 1\nkind: references\nsdo: IETF\nrules:\n  - {id: a, pattern: x}\n",
                                         path: "r.yaml")
        let decoded = try file.decodeStrictly(ReferencesFileSpec.self)
        XCTAssertEqual(decoded.sdo, "IETF")
        XCTAssertEqual(decoded.rules?.map(\.value.id), ["a"])
        let bad = try RuleLibrary.parse("version: 1\nkind: references\nsdoo: IETF\n", path: "r.yaml")
        XCTAssertThrowsError(try bad.decodeStrictly(ReferencesFileSpec.self)) { error in
            XCTAssertEqual((error as? PipelineError)?.path, "r.yaml")
            XCTAssertEqual((error as? PipelineError)?.line, 3)
            XCTAssertTrue((error as? PipelineError)?.summary.contains("did you mean 'sdo'?") ?? false)
        }
        // Outside decodeFile, version and kind are keys like any other.
        XCTAssertThrowsError(try RuleDecoder(path: "r.yaml").decode(ReferencesFileSpec.self, from: file.node))
    }

    // MARK: - Today's rule files

    /// The keys of today's rule files that the strict decoder rejects, decoding each file whole with the spec types
    /// its extractor uses. A fix in a rule file (or a new typo) changes this list.
    func testKeysOfTodaysRuleFilesThatTheStrictDecoderRejects() throws {
        var rejected: [String] = []
        for file in try Self.ruleFiles() {
            guard let type = Self.fileTypes[file.kind] else {
                XCTFail("\(file.path): no file type for kind '\(file.kind)'; add one to fileTypes")
                continue
            }
            let decoded = try Self.decodeRemovingUnknownKeys(file.node, path: file.path) { node in
                try type.decode(RuleDecoder(path: file.path), node)
            }
            rejected += decoded.rejected.map { "\(URL(fileURLWithPath: file.path).lastPathComponent):\($0)" }
        }
        XCTAssertEqual(rejected, Self.knownRejections, rejected.joined(separator: "\n"))
    }

    /// Keys today's rule files hold that no extractor reads (see the test above).
    static let knownRejections: [String] = []
}

// MARK: - Decode plans

extension RuleDecoderTests {
    /// A whole-file type, decoded with `decodeFile`.
    struct FileType {
        let decode: (RuleDecoder, Node) throws -> Any

        init<T: Decodable>(_ type: T.Type) {
            decode = { decoder, node in try decoder.decodeFile(T.self, from: node) }
        }
    }

    /// The top level of each kind: the keys its extractor reads, with the spec types it reads them with.
    static var fileTypes: [String: FileType] {
        [
            "references": FileType(ReferencesFileSpec.self),
            "groups": FileType(GroupCanonicalizer.FileSpec.self),
            "headers": FileType(HeaderRules.FileSpec.self),
            "classification": FileType(ClassificationRules.FileSpec.self),
            "actions": FileType(ActionExtractor.FileSpec.self),
            "requirements": FileType(RequirementExtractor.FileSpec.self),
            "scopes": FileType(ScopeExtractor.FileSpec.self),
            "relations": FileType(RelationExtractor.FileSpec.self),
            "statements": FileType(StatementVocabulary.FileSpec.self),
        ]
    }

    static func ruleFiles() throws -> [RuleFile] {
        let folder = TestSupport.packageRoot.appendingPathComponent("Pipelines/rules")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 12)
        return try names.map { name in try RuleLibrary.load(path: folder.appendingPathComponent(name).path) }
    }

    /// Decodes with `decode`; each time it fails on an unknown key, removes that key and tries again. Returns the
    /// value and the removed keys as `line: summary`.
    static func decodeRemovingUnknownKeys<T>(_ node: Node, path: String,
                                             _ decode: (Node) throws -> T) throws -> (value: T, rejected: [String]) {
        var node = node
        var rejected: [String] = []
        while true {
            do {
                return (try decode(node), rejected)
            } catch let error as PipelineError {
                guard let key = unknownKey(in: error.summary), let line = error.line, rejected.count < 100 else {
                    throw error
                }
                rejected.append("\(line): \(error.summary)")
                node = removing(key, line: line, from: node)
            }
        }
    }

    static func unknownKey(in summary: String) -> String? {
        guard summary.hasPrefix("unknown key '") else { return nil }
        return summary.dropFirst("unknown key '".count).split(separator: "'", maxSplits: 1).first.map(String.init)
    }

    static func removing(_ key: String, line: Int, from node: Node) -> Node {
        switch node {
        case .mapping(let mapping):
            let pairs = mapping.filter { !($0.key.string == key && $0.key.mark?.line == line) }
                .map { ($0.key, removing(key, line: line, from: $0.value)) }
            return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark))
        case .sequence(let sequence):
            return .sequence(Node.Sequence(sequence.map { removing(key, line: line, from: $0) }, sequence.tag,
                                           sequence.style, sequence.mark))
        default:
            return node
        }
    }
}

// MARK: - Helpers

extension RuleDecoderTests {
    /// `yaml` composed as rule files are (`RuleLibrary.resolver`); tests that compare with Yams' own decoder compose
    /// with its default resolver, so they also check that the two read every scalar alike.
    func compose(_ yaml: String) throws -> Node {
        try XCTUnwrap(Yams.compose(yaml: yaml, RuleLibrary.resolver))
    }

    func decode<T: Decodable>(_ type: T.Type, _ yaml: String) throws -> T {
        try RuleDecoder(path: "rules/test.yaml").decode(T.self, from: compose(yaml))
    }

    /// The error decoding `yaml` as `T` throws; fails the test when it decodes.
    func decodeError<T: Decodable>(_ type: T.Type, _ yaml: String, at path: [RuleDecoder.Key] = [],
                                   line: UInt = #line) throws -> PipelineError {
        let node = try compose(yaml)
        do {
            _ = try RuleDecoder(path: "rules/test.yaml").decode(T.self, from: node, at: path)
        } catch {
            return error
        }
        XCTFail("decoded without an error", line: line)
        return PipelineError(path: "", line: nil, summary: "")
    }

    /// The error decoding `yaml` as a whole file of type `T` throws; fails the test when it decodes.
    func decodeFileError<T: Decodable>(_ type: T.Type, _ yaml: String,
                                       line: UInt = #line) throws -> PipelineError {
        let node = try compose(yaml)
        do {
            _ = try RuleDecoder(path: "rules/test.yaml").decodeFile(T.self, from: node)
        } catch {
            return error
        }
        XCTFail("decoded without an error", line: line)
        return PipelineError(path: "", line: nil, summary: "")
    }
}

/// A text that is equal for equal values: structs field by field, optionals, arrays, dictionaries sorted by key.
private func canonical(_ value: Any) -> String {
    let mirror = Mirror(reflecting: value)
    switch mirror.displayStyle {
    case .optional:
        return mirror.children.first.map { "some(\(canonical($0.value)))" } ?? "nil"
    case .struct, .class:
        let fields = mirror.children.map { "\($0.label ?? "_"): \(canonical($0.value))" }
        return "\(mirror.subjectType)(\(fields.joined(separator: ", ")))"
    case .collection, .set:
        return "[" + mirror.children.map { canonical($0.value) }.joined(separator: ", ") + "]"
    case .dictionary:
        let entries = mirror.children.map { entry -> String in
            let pair = Mirror(reflecting: entry.value).children.map { canonical($0.value) }
            return pair.joined(separator: ": ")
        }
        return "[" + entries.sorted().joined(separator: ", ") + "]"
    case .tuple:
        return "(" + mirror.children.map { canonical($0.value) }.joined(separator: ", ") + ")"
    default:
        return String(reflecting: value)
    }
}

// MARK: - Types for the tests

/// Scalars of every kind the rule files use.
private struct Switch: Decodable {
    var enabled: Bool
}

private struct Scalars: Decodable {
    var text: String
    var flag: String
    var integer: Int
    var number: Double
    var yes_no: Bool
    var strings: [String?]
}

private struct WideScalars: Decodable, Equatable {
    var small: Int8
    var unsigned: UInt16
    var wide: Int64
    var single: Float
    var decimal: Decimal
    var link: URL
    var id: UUID
}

/// A type with `CaseIterable` coding keys whose init reads only `name`.
private struct Labelled: Decodable {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, size
    }

    var name: String

    init(from decoder: any Decoder) throws {
        name = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .name)
    }
}

/// A type with plain coding keys whose init reads only `name`.
private struct Skipping: Decodable {
    enum CodingKeys: String, CodingKey {
        case name, legacy
    }

    var name: String

    init(from decoder: any Decoder) throws {
        name = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .name)
    }
}

/// A type that reads `box.width` through a nested container.
private struct Boxed: Decodable {
    enum CodingKeys: String, CodingKey { case box }
    enum BoxKeys: String, CodingKey { case width }

    var width: Int

    init(from decoder: any Decoder) throws {
        let box = try decoder.container(keyedBy: CodingKeys.self).nestedContainer(keyedBy: BoxKeys.self, forKey: .box)
        width = try box.decode(Int.self, forKey: .width)
    }
}
