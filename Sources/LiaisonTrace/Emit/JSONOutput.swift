import Foundation

/// Deterministic JSON: sorted keys, pretty-printed, slashes unescaped, trailing newline.
public enum JSONOutput {
    /// Encodes `value` for a file.
    public static func data<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
        try encoderData(value, pretty: pretty)
    }

    /// Encodes a value that writes its own JSON (the same bytes as JSONEncoder gives, without its cost).
    public static func data<T: JSONWritable>(_ value: T, pretty: Bool = true) throws -> Data {
        Data(bytes(value, pretty: pretty))
    }

    /// The bytes of `value`, as `data` gives them.
    public static func bytes<T: JSONWritable>(_ value: T, pretty: Bool = true, capacity: Int = 4096) -> [UInt8] {
        var writer = JSONWriter(pretty: pretty, capacity: capacity)
        value.writeJSON(to: &writer)
        var bytes = writer.bytes
        if pretty { bytes.append(0x0A) }
        return bytes
    }

    /// Encodes `value` with Foundation's JSONEncoder (the reference that `JSONWritable` types match).
    public static func encoderData<T: Encodable>(_ value: T, pretty: Bool = true) throws -> Data {
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

    /// Encodes a value that writes its own JSON as one line.
    public static func line<T: JSONWritable>(_ value: T) throws -> String {
        String(decoding: bytes(value, pretty: false), as: UTF8.self)
    }
}
