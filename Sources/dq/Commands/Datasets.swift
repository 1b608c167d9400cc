import ArgumentParser
import DQRuns

struct Datasets: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the datasets in the store with their splits, row counts and labels.",
                                                    discussion: "Example:\n  dq datasets --format json")

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try output.emit([try SummaryTables.datasets(try store.open())])
    }
}
