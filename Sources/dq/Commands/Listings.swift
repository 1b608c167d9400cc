import ArgumentParser
import DQRuns

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the recorded runs: kind, dataset, status, when, and why a run failed.",
                                                    discussion: "Examples:\n  dq runs\n  dq runs --dataset trec --format csv")

    @Option(help: "Only the runs of this dataset.") var dataset: String?
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try output.emit([try SummaryTables.runs(try store.open(), dataset: dataset)])
    }
}

struct Datasets: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the datasets in the store with their splits, row counts and labels.",
                                                    discussion: "Example:\n  dq datasets --format json")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try output.emit([try SummaryTables.datasets(try store.open())])
    }
}
