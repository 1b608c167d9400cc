import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText

/// The tables of the commands that only read: `dq datasets`, `dq stats`, `dq ingest`'s summary
/// and `dq models list`.
package enum SummaryTables {
    package static func datasets(_ store: Store) throws -> Table {
        let summaries = try store.datasetSummaries()
        return Table(
            name: "datasets", title: "Datasets",
            columns: ["dataset", "rows", "splits", "labels", "last ingest"],
            rows: summaries.map { d in
                [.text(d.name), .int(d.rowCount),
                 .text(d.splits.map { "\($0.name) \($0.count)" }.joined(separator: ", ")),
                 .text("\(d.labels.count)\(d.multiLabel ? " (multi-label)" : ""): " + d.labels.joined(separator: ", ")),
                 .optional(d.lastIngestAt)]
            },
            note: summaries.isEmpty ? "The store is empty: add data with `dq ingest FILE`." : nil)
    }

    /// With annotated files, three more columns: annotators, new and duplicate annotations
    /// (`new` and `duplicate` then count samples).
    package static func ingest(_ summaries: [IngestSummary]) -> Table {
        let annotated = summaries.contains { $0.annotators > 0 }
        return Table(
            name: "ingest", title: "Ingested",
            columns: ["file", "dataset", "split", "format", "read", "new", "duplicate", "rejected"]
                + (annotated ? ["annotators", "annotations new", "annotations duplicate"] : []) + ["seconds"],
            rows: summaries.map {
                [.text($0.file), .text($0.dataset), .text($0.split), .text($0.format.rawValue), .int($0.rowsRead),
                 .int($0.rowsNew), .int($0.rowsDuplicate), .int($0.rowsRejected)]
                    + (annotated ? [.int($0.annotators), .int($0.annotationsNew), .int($0.annotationsDuplicate)] : [])
                    + [.real($0.seconds, digits: 2)]
            })
    }

    /// The tables of `dq stats`; with `complete` false at most `top` groups are listed.
    package static func stats(_ stats: DatasetStats, datasets: [String], top: Int, complete: Bool) -> [Table] {
        let scope = datasets.joined(separator: " + ")
        let labels = Table(
            name: "labels", title: "Labels of \(scope) (\(stats.sampleCount.formatted(thousands: true)) samples)",
            columns: ["label", "count", "share"],
            rows: stats.labels.sorted { ($0.label == "(no label)" ? -1 : $0.count, $1.label) > ($1.label == "(no label)" ? -1 : $1.count, $0.label) }
                .map { [.text($0.label), .int($0.count), .real($0.share, digits: 3)] },
            note: (stats.multiLabel ? "Multi-label: each label counted in every sample that carries it; share = the share of samples with it. " : "")
                + "Most frequent first.")
        let lengths = Table(
            name: "lengths", title: "Text length in tokens",
            columns: ["label", "min", "median", "p95", "max"],
            rows: stats.lengths.map {
                [.text($0.label ?? "(all)"), .int($0.min), .real($0.median, digits: 1), .real($0.p95, digits: 1), .int($0.max)]
            })
        let multi = datasets.count > 1
        let hasPairs = (stats.exactDuplicates + stats.conflicts).contains { $0.textPair != nil }
        func groupRows(_ groups: [DatasetStats.DuplicateGroup]) -> [[Cell]] {
            (complete ? groups : Array(groups.prefix(top))).map { group in
                var row: [Cell] = [.text(group.text)]
                if hasPairs { row.append(.optional(group.textPair)) }
                row.append(.int(group.members.count))
                row.append(.text(group.members.map { (multi ? "\($0.dataset):" : "") + $0.id }.joined(separator: " ")))
                row.append(.text(group.members.map(\.label).joined(separator: " ")))
                return row
            }
        }
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

    /// The runs of a dataset (nil: every run), newest first.
    package static func runs(_ store: Store, dataset: String?) throws -> Table {
        let names = Dictionary(uniqueKeysWithValues: try store.datasetNames().map { (try store.requireDataset($0), $0) })
        let runs = try store.runs(dataset: try dataset.map { try store.requireDataset($0) })
        return Table(
            name: "runs", title: "Runs" + (dataset.map { " of \($0)" } ?? ""),
            columns: ["run", "kind", "dataset", "model", "splits", "transform", "labels", "status", "started", "finished", "message"],
            rows: runs.map { run in
                let made = run.made
                return [.int(Int(run.id)), .text(run.kind.rawValue), .optional(run.datasetID.flatMap { names[$0] }), .optional(made.model),
                        .text(made.splits?.joined(separator: ",") ?? "all"), .optional(made.transform),
                        .text(run.labelVersion.map { "import \($0)" } ?? "given"), .text(run.status.rawValue),
                        .text(run.startedAt), .optional(run.finishedAt), .optional(run.message)]
            },
            note: runs.isEmpty ? "No runs yet."
                : "labels: the labels a run read, as ingested (given) or with every correction import up to the one named (dq corrections list). "
                + "A run whose process ended before it finished is marked failed when the store is next opened.")
    }

    package static func models() throws -> Table {
        let rows: [[Cell]] = try PretrainedModels.known.keys.sorted().map { name in
            let repository = PretrainedModels.known[name]!
            switch try PretrainedModels.resolve(model: name, weights: nil) {
            case let .checkpoint(directory, origin):
                return [.text(name), .text(repository), .text("\(origin): \(directory)")]
            case .randomInitialisation:
                return [.text(name), .text(repository), .text("not downloaded (dq models fetch \(name))")]
            }
        }
        return Table(name: "models", title: "Models", columns: ["model", "repository", "weights"], rows: rows)
    }
}

extension Table {
    /// The table with each row's sample text appended (and its text pair, when some sample has
    /// one): a per-sample file carries what was judged. `samples` align with `rows`; nil: none.
    /// Appended in place, each row grown once to its final size: a million rows are not
    /// copied, nor their samples gathered into an array of their own.
    consuming func withTexts(_ samples: some Collection<Sample?>) -> Table {
        guard samples.contains(where: { $0 != nil }) else { return self }
        let pairs = samples.contains { $0?.textPair != nil }
        columns += ["text"] + (pairs ? ["text_pair"] : [])
        for (i, sample) in zip(rows.indices, samples) {
            rows[i].reserveCapacity(rows[i].count + (pairs ? 2 : 1))
            rows[i].append(sample.map { .text($0.text) } ?? .missing)
            if pairs { rows[i].append(.optional(sample?.textPair)) }
        }
        return self
    }
}
