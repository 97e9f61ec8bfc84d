import Foundation

/// Identifies documents that a reply names by number and title only ("Response to: LS (SP-170768) on invitation
/// to update ...", with the sender): when a batch document has the same title and sender, the number is its
/// alias; when the cited title is "Reply LS on T" and a batch document is "LS on T", the cited liaison answers it.
struct TitleMatcher {
    /// A title reduced to its subject: no draft marks, no "LS on"/"Reply LS on", no bracketed tail, lowercase.
    struct Key: Hashable {
        var subject: String
        var isReply: Bool
    }

    struct Candidate {
        var id: String
        var path: String
        var from: Set<String>
    }

    private var byKey: [Key: [Candidate]] = [:]

    init() {}

    init(_ records: [DocumentRecord]) {
        for record in records { add(record) }
    }

    /// Adds a batch document's title.
    mutating func add(_ record: DocumentRecord) {
        guard let title = record.document.title, let key = Self.key(title) else { return }
        byKey[key, default: []].append(Candidate(id: Linker.primaryID(record), path: record.source.path,
                                                 from: Set(record.document.from)))
    }

    enum Match {
        case same(String)
        case answers(String)
        case ambiguous([String])
    }

    /// What a cited title (with its sender, when the citing document says) identifies in the batch. `node` names
    /// the node a designation belongs to so far (its alias set): a title never identifies the citing document's
    /// own node (the document at `path`, whose primary designation is `citing`, or another file of it), and
    /// candidates that are all one node (a document and its rendering) are one match, not an ambiguity.
    func match(title: String, from: String?, citing: String, excluding path: String,
               node: (String) -> String) -> Match? {
        guard let key = Self.key(title) else { return nil }
        let citingNode = node(citing)
        func distinct(_ candidates: [Candidate]) -> [Candidate] {
            var seen = Set<String>()
            return candidates.filter { candidate in
                let candidateNode = node(candidate.id)
                return candidate.path != path && candidateNode != citingNode && seen.insert(candidateNode).inserted
            }
        }
        var same = byKey[key] ?? []
        if let from { same = same.filter { $0.from.isEmpty || $0.from.contains(from) } }
        same = distinct(same)
        if same.count == 1 { return .same(same[0].id) }
        if same.count > 1 { return .ambiguous(same.map(\.id).sorted()) }
        if key.isReply {
            let answered = distinct(byKey[Key(subject: key.subject, isReply: false)] ?? [])
            if answered.count == 1 { return .answers(answered[0].id) }
            if answered.count > 1 { return .ambiguous(answered.map(\.id).sorted()) }
        }
        return nil
    }

    /// What is trimmed off both ends of a title between prefixes.
    private static let edges = CharacterSet.whitespaces.union(CharacterSet(charactersIn: ":;,.-\"'"))

    static func key(_ title: String) -> Key? {
        var title = title
        if let key = title.withUTF8({ asciiKey($0) }) { return key }
        return generalKey(title)
    }

    /// `key` of a title written in ASCII (most are), computed on its bytes; nil when it is not ASCII. The same steps
    /// as `generalKey`, whose Unicode-aware lowercasing, trimming and splitting made titles a tenth of linking.
    static func asciiKey(_ utf8: UnsafeBufferPointer<UInt8>) -> Key?? {
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        var text = utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }
        func trim(_ isTrimmed: (UInt8) -> Bool) {
            while let last = text.last, isTrimmed(last) { text.removeLast() }
            let lead = text.prefix(while: isTrimmed).count
            if lead > 0 { text.removeFirst(lead) }
        }
        let isSpace = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        while let last = text.last, last == UInt8(ascii: "]") || last == UInt8(ascii: ")") {
            let open = last == UInt8(ascii: "]") ? UInt8(ascii: "[") : UInt8(ascii: "(")
            guard let start = text.lastIndex(of: open), start != 0 else { break }
            text.removeSubrange(start...)
            trim(isSpace)
        }
        var changed = true
        var isReply = false
        while changed {
            changed = false
            trim { isSpace($0) || Self.asciiEdges.contains($0) }
            for prefix in Self.asciiPrefixes
            where text.count == prefix.count ? text == prefix
                : text.count > prefix.count && text.starts(with: prefix) && text[prefix.count] == 0x20 {
                if prefix.starts(with: Array("reply".utf8)) { isReply = true }
                text.removeFirst(prefix.count)
                changed = true
                break
            }
        }
        var words: [UInt8] = []
        words.reserveCapacity(text.count)
        var pendingSpace = false
        for byte in text {
            let kept = (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: ".")
            if !kept {
                pendingSpace = !words.isEmpty
                continue
            }
            if pendingSpace { words.append(0x20) }
            pendingSpace = false
            words.append(byte)
        }
        return .some(words.count >= 12 ? Key(subject: String(decoding: words, as: UTF8.self), isReply: isReply) : nil)
    }

    private static let asciiEdges = Set(":;,.-\"'".utf8)
    private static let asciiPrefixes = prefixes.map { Array($0.utf8) }
    private static let prefixes = ["[draft]", "(draft)", "draft", "reply ls on", "reply ls to", "reply to ls on",
                                   "reply ls", "ls on", "ls to", "liaison statement on"]

    /// `key` of any title.
    static func generalKey(_ title: String) -> Key? {
        var text = title.lowercased()
        // Bracketed or parenthesized tails: "[to ITU study groups ...]", "(Reply to SP-190276)".
        while let last = text.last, last == "]" || last == ")" {
            let open: Character = last == "]" ? "[" : "("
            guard let start = text.lastIndex(of: open), start != text.startIndex else { break }
            text = String(text[..<start]).trimmingCharacters(in: .whitespaces)
        }
        var changed = true
        var isReply = false
        while changed {
            changed = false
            text = text.trimmingCharacters(in: Self.edges)
            for prefix in Self.prefixes where text.hasPrefix(prefix + " ") || text == prefix {
                if prefix.hasPrefix("reply") { isReply = true }
                text = String(text.dropFirst(prefix.count))
                changed = true
                break
            }
        }
        let words = text.split { !$0.isLetter && !$0.isNumber && $0 != "." }.joined(separator: " ")
        return words.count >= 12 ? Key(subject: words, isReply: isReply) : nil
    }
}
