import Foundation

extension HeaderFieldExtractor {
    /// The rule-file kinds it reads.
    public static let ruleKinds = ["headers", "groups"]

    /// The header rules: forms (whole small headers and what comes out of them), field labels, body starts and
    /// separators, stamps, revisions, own-id rules, reply and alias cues, and the cues of header-less liaisons.
    public var ruleDescriptions: [RuleDescription] {
        var result: [RuleDescription] = []
        for form in rules.forms {
            if !form.examples.isEmpty { result.append(description(of: form)) }
            result += form.fields.map { description(of: $0, in: form) }
        }
        result += (rules.zone.bodyStarts + rules.zone.separators).map { $0.description(kind: "headers") }
        result += rules.stamps.map(description(of:))
        result += rules.revisions.map { $0.description(kind: "headers") }
        if let raw = rules.rawIDRule { result.append(wholeMatch(raw)) }
        if let prefix = rules.mastheadPrefixRule { result.append(wholeMatch(prefix)) }
        result += rules.ownIDPatterns.map(description(of:))
        result += rules.coverDates.map { $0.description(kind: "headers") }
        result += (rules.titleLines + rules.coverTitles).map(titleDescription)
        result += rules.owners.map(description(of:))
        result += (rules.titleReplies + rules.subjectReplies + rules.bodyReplies).map { cue in
            cueDescription(cue) { input, match in
                match.groups["target"].map { Self.ids(in: input, $0, kinds: Set(rules.replyKinds)) } ?? []
            }
        }
        result += rules.aliasPatterns.map { cue in
            cueDescription(cue) { input, match in
                ["first", "second"].flatMap { name in match.groups[name].map { Self.ids(in: input, $0) } ?? [] }
            }
        }
        if let separator = rules.aliasSeparatorRule { result.append(separator.description(kind: "headers")) }
        result += rules.senders.map { cue in
            cueDescription(cue, groups: true) { input, match in
                match.groups["sender"].map { span in
                    Self.unique(groups.mentions(in: input.text, range: span).map(\.id))
                } ?? []
            }
        }
        result += rules.recipients.map(recipientDescription)
        return result
    }

    /// A form: the header values that come out of a small header, at the fields the form found.
    func description(of form: HeaderRules.Form) -> RuleDescription {
        RuleDescription(id: "header.\(form.id)", kind: "headers", summary: form.summary, file: form.file,
                        line: form.line, patterns: form.purposes.map(\.0) + [form.requires].compactMap { $0 },
                        examples: form.examples) { _, input in
            let record = input.fullRecord
            let header = record.document
            let values: [String: [String]] = [
                "ids": header.ids, "title": header.title.map { [$0] } ?? [], "from": header.from,
                "to": header.to.map { "\($0.purpose): \($0.group)" }, "responds_to": header.respondsTo,
                "aliases": (header.aliases ?? []).map { $0.joined(separator: ", ") },
                "deadline": header.deadline.map { [$0] } ?? [], "date": header.date.map { [$0] } ?? [],
                "meetings": record.meetings.map(\.id), "sdo": header.sdo.map { [$0] } ?? [],
                "kind": [header.kind.rawValue],
            ]
            // A form example is checked by the values it expects (a form of ignored fields records none).
            let fields = record.headerFields.filter { $0.rule.hasPrefix("header.\(form.id).") }
            return RuleOutcome(values: values, spans: fields.map { input.span(of: $0) }, matched: true)
        }
    }

    /// A field's label: it must match from the example's first character (in a text form, the label alone as a
    /// whole cell matches too).
    func description(of field: HeaderRules.Field, in form: HeaderRules.Form) -> RuleDescription {
        let patterns = form.readsFields ? [field.label] : [field.label, field.wholeLabel]
        return RuleDescription(id: field.id, kind: "headers", summary: nil, file: form.file, line: field.line,
                               patterns: patterns, examples: field.examples) { _, input in
            let (start, length) = (input.range.location, input.range.length)
            if let match = field.label.match(in: input.scan, at: start, limit: length) {
                return RuleOutcome(spans: [input.span(match.range)])
            }
            if !form.readsFields, let match = field.wholeLabel.match(in: input.scan, at: start, limit: length),
               match.range.length == length {
                return RuleOutcome(spans: [input.span(match.range)])
            }
            return RuleOutcome()
        }
    }

    /// A stamp: the meeting its line names.
    func description(of stamp: HeaderRules.Stamp) -> RuleDescription {
        RuleDescription(id: stamp.id, kind: "headers", summary: stamp.summary, file: stamp.file, line: stamp.line,
                        patterns: [stamp.pattern], examples: stamp.examples) { _, input in
            guard let match = stamp.pattern.firstMatch(in: input.scan, range: input.range),
                  let group = match.groups["group"], let number = match.groups["number"],
                  let canonical = groups.mentions(in: input.text, range: group).last?.id else { return RuleOutcome() }
            let meeting = "\(canonical)#\(Self.meetingNumber(input.scan.string(number)))"
            return RuleOutcome(values: ["meeting": [meeting]], spans: [input.span(match.range)])
        }
    }

    /// An owner rule: the group owning a designation its pattern matches at the start.
    func description(of owner: HeaderRules.Owner) -> RuleDescription {
        RuleDescription(id: owner.id, kind: "headers", summary: nil, file: owner.file, line: owner.line,
                        patterns: [owner.pattern], examples: owner.examples) { _, input in
            guard let match = owner.pattern.match(in: input.scan, at: input.range.location,
                                                  limit: input.range.length),
                  let group = rules.owner(of: input.example, groups: groups) else { return RuleOutcome() }
            return RuleOutcome(values: ["group": [group]], spans: [input.span(match.range)])
        }
    }

    /// An own-id pattern: the ids its matches make.
    func description(of rule: HeaderRules.OwnIDPattern) -> RuleDescription {
        RuleDescription(id: rule.id, kind: "headers", summary: rule.summary, file: rule.file, line: rule.line,
                        patterns: [rule.pattern], examples: rule.examples) { _, input in
            let matches = rule.pattern.matches(in: input.scan, range: input.range)
            return RuleOutcome(values: ["ids": matches.map { rule.id(of: $0, in: input.scan) }],
                               spans: matches.map { input.span($0.range) })
        }
    }

    /// A title line: the title and the addressees it names (the example's text read as one heading).
    func titleDescription(_ cue: HeaderRules.Cue) -> RuleDescription {
        RuleDescription(id: cue.id, kind: "headers", summary: cue.summary, file: cue.file, line: cue.line,
                        patterns: [cue.pattern], examples: cue.examples) { _, input in
            guard let match = cue.pattern.firstMatch(in: input.scan, range: input.range),
                  let title = match.groups["title"] else { return RuleOutcome() }
            let to = match.groups["to"].map { span in
                groups.mentions(in: input.text, range: span, inheritWithinLists: true).map(\.id)
            } ?? []
            return RuleOutcome(values: ["title": [Self.collapse(input.scan.string(title))], "to": Self.unique(to)],
                               spans: [input.span(match.range)])
        }
    }

    /// A pattern that must match the whole example.
    func wholeMatch(_ rule: PatternRule) -> RuleDescription {
        RuleDescription(id: rule.id, kind: "headers", summary: rule.summary, file: rule.file, line: rule.line,
                        patterns: [rule.pattern], examples: rule.examples) { _, input in
            guard let match = rule.pattern.match(in: input.scan, at: input.range.location, limit: input.range.length),
                  match.range.length == input.range.length else { return RuleOutcome() }
            return RuleOutcome(spans: [input.span(match.range)])
        }
    }

    /// A cue whose matches yield ids (`groups: false`) or groups: it matches when they yield some.
    func cueDescription(_ cue: HeaderRules.Cue, groups: Bool = false,
                        yield: @escaping @Sendable (ExampleInput, PatternMatch) -> [String]) -> RuleDescription {
        RuleDescription(id: cue.id, kind: "headers", summary: cue.summary, file: cue.file, line: cue.line,
                        patterns: [cue.pattern], examples: cue.examples) { _, input in
            var found: [String] = []
            var spans: [ExampleSpan] = []
            for match in cue.pattern.matches(in: input.scan, range: input.range) {
                let values = yield(input, match)
                found += values
                if !values.isEmpty { spans.append(input.span(match.range)) }
                if groups { break }
            }
            return RuleOutcome(values: [groups ? "groups" : "ids": found], spans: spans)
        }
    }

    /// A recipient cue: the groups leading the text after it, read in the example as a document.
    func recipientDescription(_ cue: HeaderRules.Cue) -> RuleDescription {
        RuleDescription(id: cue.id, kind: "headers", summary: cue.summary, file: cue.file, line: cue.line,
                        patterns: [cue.pattern], examples: cue.examples) { _, input in
            let context = input.context
            var found: [String] = []
            var spans: [ExampleSpan] = []
            for match in cue.pattern.matches(in: context) {
                let groups = match.groups["recipient"].map { leadingGroups(context, span: $0) } ?? []
                found += groups
                if !groups.isEmpty { spans.append(input.span(inDocument: match.range)) }
            }
            return RuleOutcome(values: ["groups": found], spans: spans)
        }
    }

    /// The ids of the references (not placeholders, of `kinds` when given) inside `range` of the example's text.
    static func ids(in input: ExampleInput, _ range: NSRange, kinds: Set<Reference.Kind>? = nil) -> [String] {
        (input.references?.mentions(in: input.text) ?? [])
            .filter { NSIntersectionRange($0.range, range).length == $0.range.length }
            .filter { !$0.rule.placeholder && (kinds?.contains($0.rule.kind) ?? true) }.map(\.id)
    }
}
