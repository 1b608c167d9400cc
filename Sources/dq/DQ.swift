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

            Then find what is hard and what is wrong:
              dq pvi --dataset reviews --model bow          # V-information, per sample and per label
              dq cartography --dataset reviews              # easy / ambiguous / hard-to-learn
              dq divergence --dataset reviews               # which labels look alike
              dq label-issues --dataset reviews             # confident learning
              dq inconsistent --dataset reviews --specs specs.json
              dq suspects --dataset reviews                 # every signal in one list

            And act on it:
              dq export suspects --format csv --out review.csv
              dq corrections import review.csv --annotator alice
              dq report --dataset reviews --out report.html
            """,
        version: "dq 0.1.0",
        subcommands: [Ingest.self, Datasets.self, Stats.self, PVI.self, Cartography.self, Divergence.self, Inconsistent.self, LabelIssues.self, Conflicts.self, Suspects.self, Export.self, Corrections.self, Report.self, VInfo.self, Bias.self, Select.self, Artefacts.self, Models.self]
    )
}
