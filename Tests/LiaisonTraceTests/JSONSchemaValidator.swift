import Foundation
@testable import LiaisonTrace

/// A small JSON Schema validator for the keywords the JGF and record schemas use: type, required, properties,
/// additionalProperties (boolean or schema), items, minItems, maxItems, oneOf, $ref to local definitions, enum,
/// const, pattern, minimum.
struct JSONSchemaValidator {
    let root: JSONValue

    /// Problems found in `value` (empty when valid), each with its JSON path.
    func validate(_ value: JSONValue) -> [String] {
        validate(value, against: root, path: "$")
    }

    private func validate(_ value: JSONValue, against schema: JSONValue, path: String) -> [String] {
        if let reference = schema["$ref"]?.string {
            guard reference.hasPrefix("#/") else { return ["\(path): unsupported $ref \(reference)"] }
            var target: JSONValue? = root
            for part in reference.dropFirst(2).split(separator: "/") { target = target?[String(part)] }
            guard let resolved = target else { return ["\(path): unresolved $ref \(reference)"] }
            return validate(value, against: resolved, path: path)
        }
        var problems: [String] = []
        if let alternatives = schema["oneOf"]?.array {
            let passing = alternatives.filter { validate(value, against: $0, path: path).isEmpty }.count
            if passing != 1 { problems.append("\(path): matches \(passing) of the oneOf alternatives, not exactly 1") }
        }
        if let type = schema["type"] {
            let allowed = type.array?.compactMap(\.string) ?? [type.string].compactMap { $0 }
            if !allowed.contains(where: { Self.has(value, type: $0) }) {
                problems.append("\(path): expected \(allowed.joined(separator: " or "))")
                return problems
            }
        }
        if let options = schema["enum"]?.array, !options.contains(value) {
            problems.append("\(path): not one of the allowed values")
        }
        if let constant = schema["const"], constant != value {
            problems.append("\(path): not the constant value")
        }
        if let pattern = schema["pattern"]?.string, let text = value.string,
           text.range(of: pattern, options: .regularExpression) == nil {
            problems.append("\(path): '\(text)' does not match \(pattern)")
        }
        if let minimum = schema["minimum"]?.int, let number = value.int, number < minimum {
            problems.append("\(path): below the minimum \(minimum)")
        }
        if let items = value.array {
            if let least = schema["minItems"]?.int, items.count < least {
                problems.append("\(path): fewer than \(least) items")
            }
            if let most = schema["maxItems"]?.int, items.count > most {
                problems.append("\(path): more than \(most) items")
            }
        }
        if let object = value.object {
            for name in schema["required"]?.array?.compactMap(\.string) ?? [] where object[name] == nil {
                problems.append("\(path): missing required '\(name)'")
            }
            let properties = schema["properties"]?.object ?? [:]
            for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[key] {
                    problems += validate(member, against: propertySchema, path: "\(path).\(key)")
                } else if let additional = schema["additionalProperties"] {
                    if additional.bool == false {
                        problems.append("\(path): unexpected property '\(key)'")
                    } else if additional.object != nil {
                        problems += validate(member, against: additional, path: "\(path).\(key)")
                    }
                }
            }
        }
        if let items = value.array, let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() {
                problems += validate(item, against: itemSchema, path: "\(path)[\(index)]")
            }
        }
        return problems
    }

    private static func has(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("null", .null),
             ("number", .number): return true
        case ("integer", .number(let number)): return number.rounded() == number
        default: return false
        }
    }
}
