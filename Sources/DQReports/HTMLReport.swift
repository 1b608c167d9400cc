/// A self-contained HTML report: inline CSS and SVG, no script, no external assets. Every piece
/// of text handed in is escaped here or by `HTML`; only SVG made by `Charts` and `DataMapSVG`
/// is inserted as markup.
package struct HTMLReport {
    /// A run behind a section: the run in words (kind, id, model, splits, start), and its
    /// parameters as stored, shown folded.
    package struct Provenance {
        package var run: String
        package var parameters: String

        package init(run: String, parameters: String) { (self.run, self.parameters) = (run, parameters) }
    }

    package struct Section {
        package var title: String
        /// The runs that produced it, none for a section without one.
        package var provenance: [Provenance]
        /// The section's markup, or nil when the analysis has not been run.
        package var body: String?
        /// The one-line note shown when `body` is nil.
        package var missing: String

        package init(title: String, provenance: [Provenance] = [], body: String?, missing: String = "") {
            self.title = title
            self.provenance = provenance
            self.body = body
            self.missing = missing
        }
    }

    package var title: String
    package var subtitle: String
    package var sections: [Section]

    package init(title: String, subtitle: String, sections: [Section]) {
        self.title = title
        self.subtitle = subtitle
        self.sections = sections
    }

    static let style = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
        h1 { margin-bottom: 0.1em; } .subtitle { color: #555; margin-top: 0; }
        section { border-top: 1px solid #ddd; margin-top: 1.5em; padding-top: 0.5em; }
        .provenance { color: #555; font-size: 0.85em; } .provenance code { display: block; overflow-wrap: anywhere; margin: 0.3em 0 0.5em 1em; }
        .missing { color: #8a6d00; background: #fff8e1; padding: 0.4em 0.8em; border-radius: 4px; }
        table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
        th, td { border-bottom: 1px solid #e5e5e5; padding: 3px 8px; text-align: left; vertical-align: top; }
        th { background: #f5f5f5; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .note { color: #555; font-size: 0.85em; } nav a { margin-right: 1em; }
        """

    /// What a command prints once the report is written to `path`: the sections it holds and
    /// the runs behind each.
    package func written(to path: String) -> [String] {
        ["wrote \(path) (\(sections.filter { $0.body != nil }.count) of \(sections.count) sections; open it in a browser), from:"]
            + sections.filter { $0.body != nil }.flatMap { section in section.provenance.map { "  \(section.title): \($0.run)" } }
    }

    /// The whole document.
    package func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title))</title>
            <style>
            \(HTMLReport.style)
            </style>
            </head>
            <body>
            <h1>\(HTML.escape(title))</h1>
            <p class="subtitle">\(HTML.escape(subtitle))</p>
            <nav>
            """
        for (i, section) in sections.enumerated() { html += "<a href=\"#s\(i)\">\(HTML.escape(section.title))</a>" }
        html += "</nav>\n"
        for (i, section) in sections.enumerated() {
            html += "<section id=\"s\(i)\">\n<h2>\(HTML.escape(section.title))</h2>\n"
            if let body = section.body {
                for source in section.provenance {
                    html += "<details class=\"provenance\"><summary>\(HTML.escape(source.run))</summary><code>\(HTML.escape(source.parameters))</code></details>\n"
                }
                html += body
            } else {
                html += "<p class=\"missing\">\(HTML.escape(section.missing))</p>\n"
            }
            html += "</section>\n"
        }
        return html + "</body>\n</html>\n"
    }
}
