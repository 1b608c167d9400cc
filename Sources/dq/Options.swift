import ArgumentParser
import DQReports
import DQRuns
import DQStore

/// `--db`, shared by every command that touches the store.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The store file. Default: $DQ_DB, else ./dq.sqlite.", valueName: "path")) var db: String?
    @Flag(name: .shortAndLong, help: "No progress line on standard error (it shows only on a terminal).") var quiet = false
    @Flag(help: "Each fit's detail (folds, solver iterations) on standard error; also $DQ_VERBOSE=1.") var verbose = false

    func validate() throws { if quiet || verbose { Terminal.chatter = quiet ? .quiet : .verbose } }

    func open() throws -> Store { try Store(path: Store.resolvePath(db)) }
}

extension OutputFormat: ExpressibleByArgument {}
extension LabelChoice: ExpressibleByArgument {}
extension AgreementRun.Metric: ExpressibleByArgument {}

/// `--dataset`, `--split` and `--db`, for commands that analyse one dataset of a store.
struct DatasetOptions: ParsableArguments {
    @Option(help: "The dataset. Default: the only one in the store.") var dataset: String?
    @Option(help: ArgumentHelp("Only these splits, comma-separated.", valueName: "split")) var split: CommaList?
    @Option(help: "given (as ingested) or current (with every imported correction).") var labels: LabelChoice = .current
    @OptionGroup var store: StoreOptions
    var selection: DatasetSelection { DatasetSelection(name: dataset, splits: split?.values, labels: labels) }
    func open() throws -> Store { try store.open() }
}

/// `--dataset` alone, for commands whose work is not a selection of splits (corrections name
/// samples by id; artefacts refit a run on the samples it scored).
struct DatasetNameOptions: ParsableArguments {
    @Option(help: "The dataset. Default: the only one in the store.") var dataset: String?
    @OptionGroup var store: StoreOptions
    var selection: DatasetSelection { DatasetSelection(name: dataset) }
    func open() throws -> Store { try store.open() }
}

/// `--format`, `--table` and `--out`, shared by every reporting command.
struct OutputOptions: ParsableArguments {
    @Option(help: "How to print results: table (aligned, for a terminal), csv or json.") var format: OutputFormat = .table
    @Option(help: ArgumentHelp("Only this table (its name is the key in --format json).", valueName: "name")) var table: String?
    @Option(help: ArgumentHelp("Write the results here instead of standard output; with --format csv and several tables, a folder that gets one NAME.csv per table.", valueName: "path")) var out: String?

    func validate() throws { try OutputCheck.check(out, option: "--out", folderAllowed: format == .csv) }

    func emit(_ tables: [Table]) throws {
        try TableOutput(format: format, table: table, out: out).emit(tables).forEach(Terminal.note)
    }
}

/// `--format` and `--table` for the printed summary tables and `--out` for a file of every
/// sample's results, shared by the analyses that score samples (pvi, cartography, label-issues).
struct SampleOutputOptions: ParsableArguments {
    @Option(help: "How to print the summary tables: table, csv or json.") var format: OutputFormat = .table
    @Option(help: ArgumentHelp("Print only this summary table.", valueName: "name")) var table: String?
    @Option(help: ArgumentHelp("Write every sample's results to this file (CSV, or JSON when it ends in .json), with each sample's text.", valueName: "file")) var out: String?
    @Flag(help: "Leave the text and text_pair columns out of --out's file.") var noText = false

    func validate() throws { try OutputCheck.check(out, option: "--out") }

    /// Prints the summary tables, then writes `samples` to `--out`, if given.
    func emit(_ tables: [Table], samples: Table) throws {
        try TableOutput(format: format, table: table).emit(tables).forEach(Terminal.note)
        guard let out else { return }
        try TableOutput(format: out.hasSuffix(".json") ? .json : .csv, out: out).emit([noText ? samples.without(["text", "text_pair"]) : samples]).forEach(Terminal.note)
    }
}

/// Output paths checked before any work, as usage errors naming the option.
enum OutputCheck {
    static func check(_ path: String?, option: String, folderAllowed: Bool = false) throws {
        guard let path else { return }
        do { try OutputFiles.check(path, folderAllowed: folderAllowed) } catch { throw ValidationError("\(option) \(error)") }
    }
}

/// A problem a command meets while running — with the data, the store or a file, not with how
/// it was called — printed as `Error: …` without the usage text; the exit status is 1.
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `--by annotator`: results over each annotator's samples as well.
enum Slices: String, ExpressibleByArgument { case annotator }

/// A comma-separated list of names (`--split train,dev`), blanks around names trimmed and
/// empty names dropped.
struct CommaList: ExpressibleByArgument {
    var values: [String]

    init?(argument: String) {
        values = argument.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Option names as the command line spells them: a run's `Options` property `trainSplit` is
/// the flag `--train-split`, except where a flag is named otherwise.
enum Flags {
    static let renamed = ["importProbabilities": "--import-probs", "probabilities": "--probs", "learningRate": "--lr", "labelsFile": "--given-labels",
                          "byAnnotator": "--by annotator", "specsFile": "--specs", "pviRun": "--run"]

    static func flag(_ property: String) -> String { flag(property, renamed: [:]) }

    static func flag(_ property: String, renamed extra: [String: String]) -> String {
        extra[property] ?? renamed[property] ?? "--" + property.reduce(into: "") { out, c in out += c.isUppercase ? "-" + c.lowercased() : String(c) }
    }

    /// A run's checks of its options, as usage errors that name flags; `renamed`: this
    /// command's flags that are not spelt after their property.
    static func check(renamed: [String: String] = [:], _ validate: () throws -> Void) throws {
        do { try validate() } catch let error as OptionError { throw ValidationError(error.message { flag($0, renamed: renamed) }) }
    }
}
