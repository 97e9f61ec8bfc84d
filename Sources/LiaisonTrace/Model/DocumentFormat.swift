/// The formats LiaisonTrace reads. The raw value is what records and diagnostics call the format.
public enum DocumentFormat: String, Codable, Sendable, CaseIterable {
    case text = "txt"
    case markdown = "md"
    case asciidoc = "adoc"
    case html
    case xml
    case docx
    case odt
    case doc
    case pdf
    case email
    case zip
}
