import ArgumentParser

@main
struct DQ: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dq",
        abstract: "Find what is wrong with a labelled text dataset before you train on it or relabel it.",
        discussion: """
            dq keeps your labelled texts and every analysis of them in one SQLite store \
            (./dq.sqlite, or --db PATH, or DQ_DB).

            Start with:
              dq ingest reviews.csv --text review --label stars
              dq datasets
              dq stats --dataset reviews
            """,
        version: "dq 0.1.0",
        subcommands: [Ingest.self, Datasets.self, Stats.self, PVI.self, Cartography.self, Divergence.self, Inconsistent.self, LabelIssues.self, Conflicts.self, Suspects.self, Export.self, Corrections.self, Report.self, VInfo.self, Bias.self, Select.self, Artefacts.self, Models.self]
    )
}
