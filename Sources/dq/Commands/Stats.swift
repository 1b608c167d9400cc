import ArgumentParser
import DQAnalyses
import DQReports
import DQStore

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Label distribution, text lengths, exact duplicates and conflicting duplicates.",
        discussion: """
            Conflicting duplicates are texts that are the same after folding case, whitespace \
            and punctuation but carry different labels: either a labelling mistake or a genuinely \
            ambiguous input. With --datasets a,b the datasets are pooled (they must share labels) \
            and conflicts across them are found too.

            Lengths count whitespace-separated tokens (text and text pair together); median and \
            p95 interpolate linearly, as numpy does.

            Examples:
              dq stats --dataset cola
              dq stats --dataset cola --split dev --format json
              dq stats --datasets cola,cola_extra
            """
    )

    @Option(help: "The dataset. Default: the only one in the store.")
    var dataset: String?

    @Option(help: ArgumentHelp("Several datasets with the same labels, comma-separated, pooled.", valueName: "a,b"))
    var datasets: String?

    @Option(help: ArgumentHelp("Only these splits, comma-separated.", valueName: "split"))
    var split: String?

    @Option(help: "How many duplicate and conflict groups to list.")
    var top = 20

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if dataset != nil && datasets != nil { throw ValidationError("give --dataset or --datasets, not both") }
        if top < 0 { throw ValidationError("--top must be 0 or more") }
    }

    func run() throws {
        let store = try store.open()
        let names: [String]
        if let datasets {
            names = datasets.split(separator: ",").map(String.init)
        } else {
            names = [try store.defaultDataset(dataset).name]
        }
        let splits = split.map { $0.split(separator: ",").map(String.init) }
        let stats = try DatasetStats.compute(store: store, datasets: names, splits: splits)
        try output.emit(Stats.tables(stats, datasets: names, top: top, complete: output.format != .table))
    }

    /// The tables of `dq stats`; terminal tables list at most `top` groups, files all of them.
    static func tables(_ stats: DatasetStats, datasets: [String], top: Int, complete: Bool) -> [Table] {
        let scope = datasets.joined(separator: " + ")
        let labels = Table(
            name: "labels", title: "Labels of \(scope) (\(stats.sampleCount.formatted(thousands: true)) samples)",
            columns: ["label", "count", "share"],
            rows: stats.labels.map { [.text($0.label), .int($0.count), .real($0.share, digits: 3)] })
        let lengths = Table(
            name: "lengths", title: "Text length in tokens",
            columns: ["label", "min", "median", "p95", "max"],
            rows: stats.lengths.map {
                [.text($0.label ?? "(all)"), .int($0.min), .real($0.median, digits: 1), .real($0.p95, digits: 1), .int($0.max)]
            })
        let multi = datasets.count > 1
        func groupRows(_ groups: [DatasetStats.DuplicateGroup]) -> [[Cell]] {
            (complete ? groups : Array(groups.prefix(top))).map { group in
                var row: [Cell] = [.text(group.text)]
                if group.textPair != nil || groups.contains(where: { $0.textPair != nil }) { row.append(.optional(group.textPair)) }
                row.append(.int(group.members.count))
                row.append(.text(group.members.map { (multi ? "\($0.dataset):" : "") + $0.id }.joined(separator: " ")))
                row.append(.text(group.members.map(\.label).joined(separator: " ")))
                return row
            }
        }
        let hasPairs = (stats.exactDuplicates + stats.conflicts).contains { $0.textPair != nil }
        let groupColumns = ["text"] + (hasPairs ? ["text_pair"] : []) + ["rows", "ids", "labels"]
        func shownNote(_ count: Int) -> String? {
            !complete && count > top ? "… \(count - top) more; --top N or --format csv/json lists them" : nil
        }
        let duplicateRows = stats.exactDuplicates.reduce(0) { $0 + $1.members.count }
        let duplicates = Table(
            name: "duplicates",
            title: "Exact duplicate texts: \(stats.exactDuplicates.count) texts on \(duplicateRows) rows",
            columns: groupColumns, rows: groupRows(stats.exactDuplicates),
            note: shownNote(stats.exactDuplicates.count))
        let conflicts = Table(
            name: "conflicts",
            title: "Conflicting duplicates (same text up to case, spacing and punctuation; different labels): \(stats.conflicts.count)",
            columns: groupColumns, rows: groupRows(stats.conflicts),
            note: shownNote(stats.conflicts.count))
        return [labels, lengths, duplicates, conflicts]
    }
}
