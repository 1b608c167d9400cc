/// What a name of dq's (a dataset, a split, an annotator) must be to be shown and typed back:
/// visible text (no control or format character: an escape, a zero-width space or a bidi
/// override would make two names print alike, or a terminal misbehave), without a comma
/// (names are given in comma-separated lists), and not blank.
package enum Names {
    /// Why `name` cannot be a name, or nil when it can.
    package static func problem(_ name: String) -> String? {
        if name.trimmingWhitespace().isEmpty { return "it is empty" }
        if !name.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }),
           let hidden = name.unicodeScalars.first(where: { [.control, .format, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory) }) {
            return "it holds the invisible character U+" + String(hidden.value, radix: 16, uppercase: true).leftPadded(to: 4)
        }
        if name.contains(",") { return "it holds a comma, which separates names in lists" }
        return nil
    }

    /// `problem`, and for a name that is also a path component (a split folder of a Hugging
    /// Face dataset): no `/`, and not `.` or `..`.
    package static func componentProblem(_ name: String) -> String? {
        if name.contains("/") || name == "." || name == ".." { return "it is a path, not a name" }
        return problem(name)
    }
}

extension String {
    /// The string with every control and format character written as `\u{XXXX}`, safe to put
    /// in a message (no escape sequence or bidi override reaches the terminal).
    package var visibleEscaped: String {
        unicodeScalars.map { scalar in
            [.control, .format, .lineSeparator, .paragraphSeparator].contains(scalar.properties.generalCategory)
                ? "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}" : String(scalar)
        }.joined()
    }
}
