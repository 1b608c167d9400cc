/// Writing HTML and SVG safely.
package enum HTML {
    /// Escapes text for HTML and SVG element content and quoted attributes: &, <, >, " and '.
    package static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// A `Table` as an HTML table, every cell escaped; numbers right-aligned.
    package static func table(_ table: Table) -> String {
        var out = "<table>\n<thead><tr>"
        for column in table.columns { out += "<th>\(escape(column))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            out += "<tr>"
            for cell in row {
                let text = Table.terminalCell(cell, maxWidth: 400)
                out += cell.isNumeric ? "<td class=\"n\">\(escape(text))</td>" : "<td>\(escape(text))</td>"
            }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
        if let note = table.note { out += "<p class=\"note\">\(escape(note))</p>\n" }
        return out
    }
}
