import ArgumentParser
import DQRuns
import DQStore

@main
struct DQ: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dq",
        abstract: "Find what is wrong with a labelled text dataset before you train on it or relabel it.",
        discussion: """
            dq keeps your labelled texts and every analysis of them in one SQLite store (./dq.sqlite, or --db PATH, or DQ_DB).

            Start with (reviews.csv has the columns review and stars):
              dq ingest reviews.csv --text review --label stars
              dq datasets
              dq stats --dataset reviews

            Then find what is hard and what is wrong (V-information, the data map, labels that look alike, confident learning, specifications), \
            merge it into one list, and measure how well each signal finds errors planted into a copy of the labels:
              dq pvi --dataset reviews --model bow
              dq cartography --dataset reviews --epochs 3
              dq divergence --dataset reviews
              dq label-issues --dataset reviews
              dq inconsistent --dataset reviews --specs specs.json
              dq suspects --dataset reviews
              dq evaluate --dataset reviews --folds 3

            And act on it:
              dq export suspects --format csv --out review.csv
              dq corrections import review.csv --annotator alice
              dq report --dataset reviews --out report.html
            """,
        version: "dq \(dqVersion)",
        groupedSubcommands: [
            CommandGroup(name: "Load and look", subcommands: [Check.self, Ingest.self, Datasets.self, Stats.self, Runs.self, Models.self]),
            CommandGroup(name: "Analyse", subcommands: [PVI.self, Cartography.self, Divergence.self, Inconsistent.self, LabelIssues.self,
                                                        Conflicts.self, Suspects.self, Evaluate.self, VInfo.self, Artefacts.self, Bias.self,
                                                        Agreement.self, ConsensusCommand.self]),
            CommandGroup(name: "Act", subcommands: [Export.self, Corrections.self, Select.self, Report.self]),
        ]
    )

    static func main() {
        var command: any ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: misspelt() ?? Hints.explain(error)) }
        do { try command.run() } catch { exit(withError: Hints.explain(error)) }
    }

    /// When the arguments do not parse: the nearest command or option to a misspelt one.
    static func misspelt() -> ValidationError? {
        let commands = configuration.groupedSubcommands.flatMap(\.subcommands), words = Array(CommandLine.arguments.dropFirst())
        let command = commands.first { $0._commandName == words.first }
        let nested = command?.configuration.subcommands.first { words.count > 1 && $0._commandName == words[1] }
        return Suggestion.misspelt(words, commands: commands.map { $0._commandName }, help: (nested ?? command)?.helpMessage()).map(ValidationError.init)
    }
}

/// Library errors say what is wrong; here they gain the command or flag that fixes it.
enum Hints {
    static func explain(_ error: any Error) -> any Error {
        if let error = error as? OptionError { return ValidationError(error.message(naming: Flags.flag)) }
        if case RunError.needsEpochs = error { return ValidationError("\(error): use --model tiny-bert or a BERT directory") }
        return hint(for: error).map { CommandError("\(error)\($0)") } ?? error
    }

    static func hint(for error: any Error) -> String? {
        switch error {
        case StoreError.unknownDataset(_, let known) where known.isEmpty, StoreError.noDatasetChosen(let known) where known.isEmpty:
            return "; add one with `dq ingest FILE`"
        case StoreError.noDatasetChosen: return "; choose one with --dataset NAME"
        case StoreError.fromNewerVersion: return ". Upgrade dq, or use another store with --db."
        case RunError.noRun(let kind, let dataset), RunError.splitNotScored(_, let dataset, let kind, _):
            var split = ""
            if case RunError.splitNotScored(let splits, _, _, _) = error { split = " --split \(splits.joined(separator: ",").shellQuoted)" }
            let extra = kind == .pvi ? " --model bow" : kind == .inconsistent ? " --specs FILE" : ""
            return "; run `\(kind.command) --dataset \(dataset.shellQuoted)\(split)\(extra)` \(split.isEmpty ? "" : "(or on every split) ")first"
        case RunError.noMetadata(let column, _): return "; ingest it with --meta \(column.shellQuoted)"
        case RunError.needsMultiLabel: return "; add --multi-label (after dq pvi on it)"
        case RunError.singleLabelOnly: return "; dq pvi and dq label-issues --multi-label judge it one label at a time"
        case RunError.noAnnotations: return "; ingest a file with --annotator COLUMN (one row per annotation), --annotators a,b,c (one column per annotator) or --input-format label-studio"
        case RunError.nothingToMerge: return ": run dq pvi, dq cartography, dq label-issues, dq inconsistent or dq conflicts first"
        case RunError.inSample: return ". Cross-fit instead (leave out --train-split and --eval-split), or evaluate on a held-out split."
        case let error as SQLiteError where error.isBusy: return " (another dq process is writing to this store; try again when it has finished)"
        default: break
        }
        switch Remedy(error) {
        case .fewerFolds(let grouped)?: return "; use fewer --folds" + (grouped ? ", or group otherwise (--group-by none or a column)" : "")
        case .gentlerTraining?: return "; lower --lr or raise --batch-size"
        case .nameColumn(let column)?:
            return column == .annotator ? "; name the annotators' columns with --annotators a,b,c or --annotator-prefix PREFIX"
                : "; name it with \(Flags.flag(column.rawValue)) COLUMN"
        case .nameFormat?: return "; use --input-format csv, tsv, jsonl, parquet, arrow, label-studio or doccano"
        case .nameColumns?: return "; name the columns to ingest with --text, --label and --meta"
        case .nameDataset?: return "; name the dataset with --dataset NAME"
        case .multiLabel(let on)?: return on ? "; add --multi-label" : "; leave out --multi-label"
        case nil: return nil
        }
    }
}
