import ArgumentParser
import DQReports
import DQStore

struct Datasets: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the datasets in the store with their splits, row counts and labels.",
        discussion: "Example:\n  dq datasets --format json"
    )

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let summaries = try store.open().datasetSummaries()
        let table = Table(
            name: "datasets", title: "Datasets",
            columns: ["dataset", "rows", "splits", "labels", "last ingest"],
            rows: summaries.map { d in
                [.text(d.name), .int(d.rowCount),
                 .text(d.splits.map { "\($0.name) \($0.count)" }.joined(separator: ", ")),
                 .text("\(d.labels.count): " + d.labels.joined(separator: ", ")),
                 .optional(d.lastIngestAt)]
            },
            note: summaries.isEmpty ? "The store is empty: add data with `dq ingest FILE`." : nil)
        try output.emit([table])
    }
}
