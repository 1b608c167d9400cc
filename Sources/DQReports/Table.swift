/// A result table as every reporting command prints it: a terminal table, CSV or JSON.
public struct Table: Sendable {
    /// A short machine name (`labels`, `conflicts`): the JSON key and CSV section name.
    public var name: String
    /// What the table shows, as a heading for people.
    public var title: String
    public var columns: [String]
    public var rows: [[Cell]]
    /// A line printed under the terminal table (how to read it, what was left out).
    public var note: String?

    public init(name: String, title: String, columns: [String], rows: [[Cell]] = [], note: String? = nil) {
        self.name = name
        self.title = title
        self.columns = columns
        self.rows = rows
        self.note = note
    }
}

/// One value of a table.
public enum Cell: Sendable, Equatable {
    case text(String)
    case int(Int)
    /// A number shown with `digits` decimals in terminal tables; full precision in CSV and JSON.
    case real(Double, digits: Int)
    case missing

    public static func real(_ value: Double) -> Cell { .real(value, digits: 3) }
    public static func optional(_ value: String?) -> Cell { value.map(Cell.text) ?? .missing }

    var isNumeric: Bool {
        switch self {
        case .int, .real: return true
        case .text, .missing: return false
        }
    }
}

/// How a command prints its tables.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, json
}
