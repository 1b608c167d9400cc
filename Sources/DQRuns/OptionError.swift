import DQAnalyses
/// An option value a run cannot work with. The message names each option as `{name}`, the
/// name of its property in the run's `Options`; the command line writes the flag instead
/// (`{trainSplit}` → `--train-split`), and the library writes the property's name.
package struct OptionError: Error, CustomStringConvertible, Equatable {
    package var template: String

    package init(_ template: String) {
        self.template = template
    }

    /// The message, with each `{name}` replaced by `name(name)`. Only a property's name (a
    /// lowercase letter, then letters and digits) is a placeholder: braces inside a quoted
    /// value, such as an escaped invisible character `\u{202E}`, are left as they are.
    package func message(naming name: (String) -> String) -> String {
        var out = "", rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let inner = rest[rest.index(after: open)..<close]
            let isProperty = inner.first.map { $0.isASCII && $0.isLowercase } == true && inner.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
            out += rest[..<open] + (isProperty ? name(String(inner)) : String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    package var description: String { message { "`\($0)`" } }

    /// Throws `{option} must be …` unless `range` holds `value`.
    package static func check<T: Comparable>(_ value: T, in range: ClosedRange<T>, _ option: String) throws(OptionError) {
        guard range.contains(value) else { throw OptionError("{\(option)} must be between \(range.lowerBound) and \(range.upperBound)") }
    }

    /// Throws `{option} must be at least …` (`… 0 or more` for 0) when `value` is below `minimum`.
    package static func check(_ value: Int, atLeast minimum: Int, _ option: String) throws(OptionError) {
        guard value >= minimum else {
            throw OptionError(minimum == 0 ? "{\(option)} must be 0 or more" : "{\(option)} must be at least \(minimum)")
        }
    }
}

/// "Did you mean": the closest of some names to a misspelt one.
package enum Suggestion {
    /// The name nearest `word` by edit distance, when it is near enough to be a slip (at most a
    /// third of its letters, and at least 1, wrong) and `word` is not one of them.
    package static func closest(_ word: String, among names: [String], limit: Int? = nil) -> String? {
        guard !names.contains(word) else { return nil }
        let limit = limit ?? max(1, word.count / 3)
        let scored = names.map { ($0, LabelLookalikes.distance(Array(word.lowercased()), Array($0.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
        return best.0
    }

    /// The message for a misspelt command or option in `words` (the arguments after `dq`):
    /// a first word near one of `commands` but not one of them, or a `--name` that `help` (the
    /// command's help text) does not list but lists one near. nil when nothing is near.
    package static func misspelt(_ words: [String], commands: [String], help: String?) -> String? {
        if let first = words.first, !first.hasPrefix("-"), let near = closest(first, among: commands) {
            return "unknown command '\(first)'; did you mean `dq \(near)`?"
        }
        guard let help else { return nil }
        let known = help.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-") }).filter { $0.hasPrefix("--") && $0.count > 2 }.map(String.init)
        for word in words where word.hasPrefix("--") && word.count > 2 {
            let name = String(word.split(separator: "=", maxSplits: 1)[0])
            // At most two edits: option names are long, and a third of one is a different option.
            if !known.contains(name), let near = closest(name, among: known, limit: 2) { return "unknown option '\(name)'; did you mean \(near)?" }
        }
        return nil
    }
}
