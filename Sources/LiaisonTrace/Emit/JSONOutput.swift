import Foundation

/// Deterministic JSON: sorted keys, pretty-printed, slashes unescaped, trailing newline.
public enum JSONOutput {
    /// Encodes `value` for a file.
    public static func data<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            : [.sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        if pretty { data.append(0x0A) }
        return data
    }

    /// Encodes `value` as one line (JSON Lines, NDJSON).
    public static func line<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try data(value, pretty: false), as: UTF8.self)
    }
}
