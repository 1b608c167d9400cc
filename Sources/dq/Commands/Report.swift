import ArgumentParser
import DQReports
import DQRuns

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write one self-contained HTML report of everything dq knows about a dataset.", discussion: """
        The latest run of each analysis, each section naming the run and parameters behind it; an analysis not run yet is a line saying \
        which command to run. One file: inline CSS and SVG, no script, every text escaped. More: docs/commands/report.md.

        Examples:
          dq report --dataset trec --out report.html
          dq report --dataset cola --out cola.html --top 100
        """)

    @OptionGroup var selection: DatasetOptions
    @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file")) var out: String
    @Option(help: "Suspects shown in the table.") var top = 50

    func validate() throws { try OutputCheck.check(out, option: "--out") }

    func run() throws {
        let report = try ReportRun.run(store: try selection.open(), dataset: selection.selection, top: top)
        try OutputFiles.write(report.render(), to: out)
        report.written(to: out).forEach(Terminal.note)
    }
}
