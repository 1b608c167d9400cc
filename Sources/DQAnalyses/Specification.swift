import DQText
import Foundation

/// Something known to hold for one label's texts, used by `SpecificationRanking` to find
/// samples that match a label but carry another. Read from a specs file (docs/specs.schema.json):
///
///     { "specs": [
///       { "name": "praise", "label": "positive", "query": "great wonderful loved it" },
///       { "name": "refund", "label": "negative", "examples": ["I want my money back"] },
///       { "name": "no-recommend", "label": "negative", "pattern": "(?i)\\bwould not recommend" } ] }
package struct Specification: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        /// Ranks by BM25 of the query.
        case query(String)
        /// Ranks by similarity to the examples.
        case examples([String])
        /// Ranks matches of a regular expression first.
        case pattern(String)

        package var name: String {
            switch self {
            case .query: "query"
            case .examples: "examples"
            case .pattern: "pattern"
            }
        }
    }

    package var name: String
    package var label: String
    package var kind: Kind

    package init(name: String, label: String, kind: Kind) {
        self.name = name
        self.label = label
        self.kind = kind
    }
}

/// A specs file that cannot be used, with where: the file, and the line and column or the JSON
/// path of the problem.
package struct SpecificationError: Error, CustomStringConvertible, Equatable {
    package var file: String
    package var location: String
    package var message: String
    package var description: String { "\(file): \(location): \(message)" }
}

extension Specification {
    private static let keys = ["name", "label", "query", "examples", "pattern"]

    /// Reads specifications from the text of a specs file. Every problem is an error naming
    /// `file` and the spec's JSON path: malformed JSON, a missing or misspelt key, a label the
    /// dataset does not have (`labels`), an empty query, example or name, a repeated name, an
    /// invalid regular expression, or not exactly one of query, examples and pattern.
    package static func parse(_ text: String, file: String, labels: [String]) throws(SpecificationError) -> [Specification] {
        let root: JSONValue
        do {
            root = try JSONValue.parse(text)
        } catch {
            throw SpecificationError(file: file, location: "line \(error.line), column \(error.column)", message: error.message)
        }
        func fail(_ path: String, _ message: String) -> SpecificationError {
            SpecificationError(file: file, location: path, message: message)
        }
        guard case .object = root else { throw fail("$", "expected an object with a \"specs\" array, found \(root.kindName)") }
        guard let list = root["specs"] else { throw fail("$", "expected a \"specs\" array") }
        guard case .array(let items) = list, !items.isEmpty else {
            throw fail("$.specs", "expected a non-empty array of specifications, found \(list.kindName)")
        }
        var specs: [Specification] = []
        var names: Set<String> = []
        for (i, item) in items.enumerated() {
            let path = "$.specs[\(i)]"
            guard case .object(let members) = item else { throw fail(path, "expected an object, found \(item.kindName)") }
            for member in members where !keys.contains(member.key) {
                throw fail("\(path).\(member.key)", "unknown key; a specification has \(keys.joined(separator: ", "))")
            }
            func string(_ key: String) throws(SpecificationError) -> String? {
                guard let value = item[key] else { return nil }
                guard case .string(let s) = value else { throw fail("\(path).\(key)", "expected a string, found \(value.kindName)") }
                guard !s.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw fail("\(path).\(key)", "is empty") }
                return s
            }
            guard let name = try string("name") else { throw fail(path, "missing \"name\"") }
            guard names.insert(name).inserted else { throw fail("\(path).name", "spec \"\(name)\" is named twice") }
            guard let label = try string("label") else { throw fail(path, "spec \"\(name)\": missing \"label\"") }
            guard labels.contains(label) else {
                throw fail("\(path).label", "spec \"\(name)\": the dataset has no label \"\(label)\" (its labels: \(labels.joined(separator: ", ")))")
            }
            let given = ["query", "examples", "pattern"].filter { item[$0] != nil }
            guard given.count == 1 else {
                throw fail(path, "spec \"\(name)\": give exactly one of query, examples or pattern (found \(given.isEmpty ? "none" : given.joined(separator: ", ")))")
            }
            let kind: Kind
            switch given[0] {
            case "query":
                let query = try string("query")!
                guard !WordTokens.split(query).isEmpty else {
                    throw fail("\(path).query", "spec \"\(name)\": the query has no words to search for")
                }
                kind = .query(query)
            case "examples":
                guard case .array(let values) = item["examples"]!, !values.isEmpty else {
                    throw fail("\(path).examples", "spec \"\(name)\": expected a non-empty array of strings")
                }
                var examples: [String] = []
                for (j, value) in values.enumerated() {
                    guard case .string(let s) = value, !WordTokens.split(s).isEmpty else {
                        throw fail("\(path).examples[\(j)]", "spec \"\(name)\": expected a text with words, found \(value.kindName == "a string" ? "none" : value.kindName)")
                    }
                    examples.append(s)
                }
                kind = .examples(examples)
            default:
                let pattern = try string("pattern")!
                do {
                    _ = try NSRegularExpression(pattern: pattern)
                } catch {
                    throw fail("\(path).pattern", "spec \"\(name)\": not a valid regular expression: \(pattern)")
                }
                kind = .pattern(pattern)
            }
            specs.append(Specification(name: name, label: label, kind: kind))
        }
        return specs
    }
}
