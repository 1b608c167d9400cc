/// An option value a run cannot work with. The message names each option as `{name}`, the
/// name of its property in the run's `Options`; the command line writes the flag instead
/// (`{trainSplit}` → `--train-split`), and the library writes the property's name.
package struct OptionError: Error, CustomStringConvertible, Equatable {
    package var template: String

    package init(_ template: String) {
        self.template = template
    }

    /// The message, with each `{name}` replaced by `name(name)`.
    package func message(naming name: (String) -> String) -> String {
        var out = "", rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            out += rest[..<open] + name(String(rest[rest.index(after: open)..<close]))
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
