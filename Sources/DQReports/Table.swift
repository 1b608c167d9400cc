/// A result table as every reporting command prints it: a terminal table, CSV or JSON.
package struct Table: Sendable {
    /// A short machine name (`labels`, `conflicts`): the JSON key and CSV section name.
    package var name: String
    /// What the table shows, as a heading for people.
    package var title: String
    package var columns: [String]
    package var rows: [[Cell]]
    /// A line printed under the terminal table (how to read it, what was left out).
    package var note: String?

    package init(name: String, title: String, columns: [String], rows: [[Cell]] = [], note: String? = nil) {
        self.name = name
        self.title = title
        self.columns = columns
        self.rows = rows
        self.note = note
    }

    /// The table without the columns named `names`.
    package func without(_ names: Set<String>) -> Table {
        let kept = columns.indices.filter { !names.contains(columns[$0]) }
        var table = self
        table.columns = kept.map { columns[$0] }
        table.rows = rows.map { row in kept.map { row[$0] } }
        return table
    }
}

/// One value of a table.
package enum Cell: Sendable, Equatable {
    case text(String)
    case int(Int)
    /// A number shown with `digits` decimals in terminal tables; full precision in CSV and JSON.
    case real(Double, digits: Int)
    case missing

    package static func real(_ value: Double) -> Cell { .real(value, digits: 3) }
    package static func optional(_ value: String?) -> Cell { value.map(Cell.text) ?? .missing }

    var isNumeric: Bool {
        switch self {
        case .int, .real: return true
        case .text, .missing: return false
        }
    }
}

/// How a command prints its tables.
package enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, json
}
