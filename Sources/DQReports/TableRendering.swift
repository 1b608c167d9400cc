import DQText
import Foundation

extension Table {
    /// Renders tables in `format`:
    /// - `table`: aligned columns for a terminal, numbers right-aligned, long text cut at
    ///   `maxCellWidth` characters with `…`, line breaks shown as `⏎`;
    /// - `csv`: RFC 4180, a header line and one line per row, as `pandas.read_csv` and
    ///   spreadsheets read it; text cells that a spreadsheet would run as a formula are
    ///   neutralised (see `CSVCell`). A CSV holds one table: give exactly one (several tables
    ///   are several files);
    /// - `json`: one document, an object from each table's name to its array of row objects.
    /// CSV headers and JSON keys are identifiers (`keys`). `guardFormulas` false writes text and
    /// column names exactly as they are, for files meant to be read back by programs
    /// (`dq export dataset`), not opened in a spreadsheet.
    package static func render(_ tables: [Table], as format: OutputFormat, maxCellWidth: Int = 60, guardFormulas: Bool = true) -> String {
        switch format {
        case .table:
            return tables.map { $0.terminalText(maxCellWidth: maxCellWidth) }.joined(separator: "\n")
        case .csv:
            precondition(tables.count == 1, "a CSV file holds one table")
            return tables[0].csvText(guardFormulas: guardFormulas)
        case .json:
            return JSONValue.object(tables.map { ($0.name, $0.jsonValue) }).prettyText() + "\n"
        }
    }

    // MARK: Terminal

    func terminalText(maxCellWidth: Int) -> String {
        let shown = rows.map { $0.map { Table.terminalCell($0, maxWidth: maxCellWidth) } }
        var widths = columns.map { DisplayWidth.of(Table.visible($0)) }
        for row in shown {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], DisplayWidth.of(cell))
            }
        }
        let numeric = columns.indices.map { i in
            rows.contains { i < $0.count && $0[i].isNumeric } && rows.allSatisfy { i >= $0.count || $0[i].isNumeric || $0[i] == .missing }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: max(0, widths[i] - DisplayWidth.of(cell)))
                return numeric[i] ? pad + cell : cell + pad
            }.joined(separator: "  ").trailingSpacesRemoved()
        }
        var out = Table.visible(title) + "\n"
        if rows.isEmpty {
            out += "  (none)\n"
        } else {
            out += line(columns.map(Table.visible)) + "\n"
            out += widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n"
            for row in shown { out += line(row + Array(repeating: "", count: max(0, columns.count - row.count))) + "\n" }
        }
        if let note { out += Table.visible(note) + "\n" }
        return out
    }

    /// Text safe to print on a terminal: control characters (C0, DEL and C1, which include the
    /// escape sequences that move the cursor, retitle the window or clear the line) become
    /// visible symbols (U+2400…U+2421, or U+FFFD), so a hostile text cannot act on the terminal.
    package static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x0D: out.append(scalar)
            case 0x00..<0x20: out.append(Unicode.Scalar(0x2400 + scalar.value)!)
            case 0x7F: out.append("\u{2421}")
            case 0x80..<0xA0: out.append("\u{FFFD}")
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 && scalar.value != 0x0A && scalar.value != 0x0D || (0x7F..<0xA0).contains(scalar.value)
    }

    static func terminalCell(_ cell: Cell, maxWidth: Int) -> String {
        switch cell {
        case .text(let s):
            var flat = ""
            for ch in s {
                if ch == "\n" || ch == "\r\n" || ch == "\r" { flat += "⏎" } else if ch == "\t" { flat += " " } else { flat.append(ch) }
            }
            flat = visible(flat)
            if flat.count > maxWidth { flat = String(flat.prefix(maxWidth - 1)) + "…" }
            return flat
        case .int(let v): return v.formatted(thousands: true)
        case let .real(v, digits): return v.formatted(digits: digits)
        case .missing: return "–"
        }
    }

    // MARK: CSV

    func csvText(guardFormulas: Bool) -> String {
        // A faithful copy (no formula guard, `dq export dataset`) keeps its names as they are.
        var out = (guardFormulas ? keys : columns).map { CSVCell.escape($0, guardFormulas: guardFormulas) }.joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { cell -> String in
                switch cell {
                case .text(let s): return CSVCell.escape(s, guardFormulas: guardFormulas)
                case .int(let v): return String(v)
                case .real(let v, _): return v.isFinite ? "\(v)" : ""
                case .missing: return ""
                }
            }.joined(separator: ",") + "\n"
        }
        return out
    }

    // MARK: JSON

    var jsonValue: JSONValue {
        let keys = self.keys
        return .array(rows.map { row in
            .object(keys.enumerated().map { i, name in
                let value: JSONValue
                switch i < row.count ? row[i] : .missing {
                case .text(let s): value = .string(s)
                case .int(let v): value = .number(Double(v))
                case .real(let v, _): value = v.isFinite ? .number(v) : .null
                case .missing: value = .null
                }
                return (name, value)
            })
        })
    }
}

extension Table {
    /// The columns' names for programs (CSV headers, JSON keys): a name that is already an
    /// identifier (`text_pair`, a label such as `HUM`) as it is, any other the snake_case
    /// identifier of its words (`consensus ≠ given label` → `consensus_not_given_label`,
    /// `95% low` → `low_95`, `accuracy g′` → `accuracy_g_prime`); a name met twice gets `_2`.
    package var keys: [String] {
        var seen: [String: Int] = [:]
        return columns.map { column in
            let key = Table.identifier(column)
            seen[key, default: 0] += 1
            return seen[key]! == 1 ? key : "\(key)_\(seen[key]!)"
        }
    }

    package static func identifier(_ name: String) -> String {
        let isIdentifier = name.first.map { $0 == "_" || ($0.isASCII && $0.isLetter) } == true
            && name.allSatisfy { $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        if isIdentifier { return name }
        var words = name
        for (symbol, word) in [("≠", " not "), ("′", " prime "), ("Δ", " delta "), ("%", " pct "), ("±", " pm "), ("→", " to "),
                               ("×", " x "), ("#", " rank "), ("≥", " min "), ("≤", " max "), ("+", " plus "),
                               ("α", " alpha "), ("κ", " kappa "), ("ρ", " rho "), ("σ", " sigma "), ("μ", " mu "), ("π", " pi ")] {
            words = words.replacingOccurrences(of: symbol, with: word)
        }
        // "95 pct low" → "low 95": an identifier starts with a letter.
        if let match = words.firstMatch(of: /^\s*(\d+)\s+pct\s+(\w+)\s*$/) { words = "\(match.2) \(match.1)" }
        var out = "", gap = false
        for scalar in words.lowercased().unicodeScalars {
            if scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar)) {
                if gap && !out.isEmpty { out += "_" }
                out.unicodeScalars.append(scalar)
                gap = false
            } else {
                gap = true
            }
        }
        if out.isEmpty { return "column" }
        return out.first!.isNumber ? "n_" + out : out
    }
}

/// Writing one CSV cell safely.
package enum CSVCell {
    /// Quotes a cell when it holds a comma, quote or line break (RFC 4180), and neutralises
    /// text that a spreadsheet would evaluate: a cell starting with `=`, `+`, `-`, `@`, a tab
    /// or a carriage return gets a leading `'` (OWASP, "CSV Injection").
    package static func escape(_ text: String, guardFormulas: Bool = true) -> String {
        var s = text
        if guardFormulas, let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) {
            s = "'" + s
        }
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }
}

/// The number of terminal columns a string takes: East Asian wide and full-width characters
/// take two, combining marks none.
enum DisplayWidth {
    static func of(_ s: String) -> Int {
        var width = 0
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark || v == 0x200D {
                continue
            }
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v)
                || (0xFFE0...0xFFE6).contains(v) || (0x1F300...0x1FAFF).contains(v) || (0x20000...0x3FFFD).contains(v)
            width += wide ? 2 : 1
        }
        return width
    }
}

extension String {
    func trailingSpacesRemoved() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

extension Int {
    /// `1234567` → `1,234,567`.
    package func formatted(thousands: Bool) -> String {
        let digits = String(self.magnitude)
        guard thousands, digits.count > 3 else { return self < 0 ? "-" + digits : digits }
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return self < 0 ? "-" + out : out
    }
}

extension Double {
    /// Fixed-point text with `digits` decimals (`-0.000` shown as `0.000`); `nan`, `inf` as such.
    package func formatted(digits: Int) -> String {
        guard isFinite else { return isNaN ? "nan" : (self < 0 ? "-inf" : "inf") }
        let text = String(format: "%.\(digits)f", self)
        return text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(text.dropFirst()) : text
    }
}
