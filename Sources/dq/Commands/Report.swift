import ArgumentParser
import DQReports
import DQRuns

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one self-contained HTML report of everything dq knows about a dataset.",
        discussion: """
            The report gathers the latest run of each analysis: the dataset summary and label distribution, V-information per label with a PVI \
            histogram per label (`dq pvi`), the data map (`dq cartography`), the label-pair JSD heatmap (`dq divergence`) and the suspects table \
            (`dq suspects`). Each section names the run and parameters that produced it; an analysis not run yet is a one-line note saying which \
            command to run. One file: inline CSS and SVG, no script, no external assets; every text is escaped.

            Examples:
              dq report --dataset trec --out report.html
              dq report --dataset cola --out cola.html --top 100
            """
    )

    @OptionGroup var selection: DatasetOptions
    @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file")) var out: String
    @Option(help: "Suspects shown in the table.") var top = 50
    @OptionGroup var store: StoreOptions

    func validate() throws { try OutputCheck.check(out, option: "--out") }

    func run() throws {
        let report = try ReportRun.build(store: try store.open(), dataset: selection.selection, top: top)
        try OutputFiles.write(report.render(), to: out)
        Terminal.note("wrote \(out) (\(report.sections.filter { $0.body != nil }.count) of \(report.sections.count) sections; open it in a browser)")
    }
}
