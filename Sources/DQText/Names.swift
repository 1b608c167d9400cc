/// What a name of dq's (a dataset, a split, an annotator) must be to be shown and typed back:
/// visible text (no control or format character: an escape, a zero-width space or a bidi
/// override would make two names print alike, or a terminal misbehave), without a comma
/// (names are given in comma-separated lists), and not blank.
package enum Names {
    /// Characters that print as nothing, or as something else than themselves: controls
    /// (escapes), format characters (zero-width, bidi overrides); `breaking` adds the line and
    /// paragraph separators.
    package static let invisible: Set<Unicode.GeneralCategory> = [.control, .format]
    package static let breaking = invisible.union([.lineSeparator, .paragraphSeparator])

    /// The first character of `text` of one of `categories`, as `U+XXXX`; nil when there is none
    /// (printable ASCII is not looked at further).
    package static func hiddenCharacter(in text: String, _ categories: Set<Unicode.GeneralCategory>) -> String? {
        guard !text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }),
              let hidden = text.unicodeScalars.first(where: { categories.contains($0.properties.generalCategory) }) else { return nil }
        return "U+" + String(hidden.value, radix: 16, uppercase: true).leftPadded(to: 4)
    }

    /// Why `name` cannot be a name, or nil when it can.
    package static func problem(_ name: String) -> String? {
        if name.trimmingWhitespace().isEmpty { return "it is empty" }
        if let hidden = hiddenCharacter(in: name, breaking) { return "it holds the invisible character \(hidden)" }
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
            Names.breaking.contains(scalar.properties.generalCategory)
                ? "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}" : String(scalar)
        }.joined()
    }
}
