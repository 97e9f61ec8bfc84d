/// An external program that turns one format into text, as declared in the pipeline file.
public struct Converter: Codable, Sendable, Equatable {
    /// Program name or path, looked up on PATH.
    public var command: String
    /// Arguments; `{input}` is replaced by the input file's path. The text is read from standard output.
    public var arguments: [String]
    /// The Debian package that provides the program, named in the diagnostic when it is missing.
    public var package: String

    /// Creates a converter.
    public init(command: String, arguments: [String], package: String) {
        self.command = command
        self.arguments = arguments
        self.package = package
    }
}

/// The converters by format.
public struct ConverterTable: Codable, Sendable, Equatable {
    /// Converter for Word 97-2003 documents.
    public var doc: Converter
    /// Converter for PDF.
    public var pdf: Converter

    /// Creates a table.
    public init(doc: Converter, pdf: Converter) {
        self.doc = doc
        self.pdf = pdf
    }

    /// antiword and pdftotext with the options LiaisonTrace expects.
    public static let standard = ConverterTable(
        doc: Converter(command: "antiword", arguments: ["-f", "-w", "0", "-m", "UTF-8.txt", "{input}"],
                       package: "antiword"),
        pdf: Converter(command: "pdftotext", arguments: ["-layout", "-enc", "UTF-8", "{input}", "-"],
                       package: "poppler-utils"))
}
