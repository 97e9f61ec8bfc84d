/// The labels of every form, by the characters they may start with: a segment of the header zone is tried only
/// against the labels that can start with its first character, instead of against every label of every form.
/// A header zone has hundreds of segments and the built-in forms have well over a hundred labels, almost none of
/// which can start at a given segment.
struct HeaderLabelIndex: Sendable {
    /// A field's labels, with where the field is.
    struct Entry: Sendable {
        let form: Int
        let field: Int
        /// The label as it starts a segment, with its colon.
        let label: Pattern
        /// The label as a whole segment (a table cell, or a column when the form has bare labels).
        let wholeLabel: Pattern
        let bareLabels: Bool
    }

    /// For each ASCII character, the entries whose label or whole label may start with it, in the order of forms
    /// and, within a form, of fields; the last list serves non-ASCII characters (all entries).
    private let byFirst: [[Entry]]

    init(_ forms: [HeaderRules.Form]) {
        var all: [Entry] = []
        for (formIndex, form) in forms.enumerated() {
            for (fieldIndex, field) in form.fields.enumerated() {
                all.append(Entry(form: formIndex, field: fieldIndex, label: field.label, wholeLabel: field.wholeLabel,
                                 bareLabels: form.bareLabels))
            }
        }
        byFirst = (0..<128).map { unit in
            all.filter { $0.label.mayStart(with: UInt16(unit)) || $0.wholeLabel.mayStart(with: UInt16(unit)) }
        } + [all]
    }

    /// The entries whose labels may start with the UTF-16 unit `unit`.
    func entries(startingWith unit: UInt16) -> [Entry] {
        byFirst[unit < 0x80 ? Int(unit) : 128]
    }
}
