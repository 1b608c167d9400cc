import ArgumentParser
import DQReports
import DQStore
import DQText
import Foundation

struct Corrections: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring annotators' corrections back into the store, with an audit trail.",
        subcommands: [CorrectionsImport.self, CorrectionsList.self]
    )
}

struct CorrectionsImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Apply the labels annotators chose: a filled CSV from `dq export suspects` or a Label Studio export.",
        discussion: """
            CSV: columns id and corrected_label (an optional annotator column names who); rows \
            with an empty corrected_label are skipped. Label Studio (.json): the export of tasks \
            made by `dq export suspects --format labelstudio`; each task's latest non-cancelled \
            annotation is taken. doccano (.jsonl): the export of a project imported from \
            `dq export suspects --format doccano`; each line's first label is taken.

            Every id must be a sample of the dataset and every label one of its labels; \
            otherwise the problems are listed and nothing is applied. Ingested labels are never \
            overwritten: each change is recorded with the old label, the new one, who, when and \
            from which file (see `dq corrections list`), and `dq export dataset --labels corrected` \
            writes the result.

            Examples:
              dq corrections import review.csv --annotator alice
              dq corrections import label-studio-export.json
            """
    )

    @Argument(help: ArgumentHelp("The filled CSV or Label Studio JSON export.", valueName: "file"))
    var file: String

    @Option(help: "Who made the corrections (when the file does not say).")
    var annotator: String?

    @OptionGroup var selection: DatasetOptions
    @OptionGroup var store: StoreOptions

    /// One correction as read, before it is checked against the store.
    struct Entry {
        var location: String
        var id: String
        var label: String
        var annotator: String?
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        let lowercased = file.lowercased()
        let entries = lowercased.hasSuffix(".json") ? try readLabelStudio()
            : lowercased.hasSuffix(".jsonl") ? try readDoccano() : try readCSV()
        let samples = try store.samples(dataset: datasetID)
        var byID: [String: Int64] = [:]
        for sample in samples {
            byID[sample.displayID] = sample.id
            byID["#\(sample.id)"] = sample.id
        }
        let labels = Set(try store.labels(dataset: datasetID))
        var problems: [String] = []
        var corrections: [Correction] = []
        for entry in entries {
            guard let id = byID[entry.id] else {
                problems.append("\(entry.location): id \(entry.id) is not a sample of \(datasetName)")
                continue
            }
            guard labels.contains(entry.label) else {
                problems.append("\(entry.location): '\(entry.label)' is not a label of \(datasetName) (\(labels.sorted().joined(separator: ", ")))")
                continue
            }
            corrections.append(Correction(sampleID: id, newLabel: entry.label, annotator: entry.annotator))
        }
        guard problems.isEmpty else {
            throw InputError(file: file, message: "\(problems.count) problem\(problems.count == 1 ? "" : "s"); nothing was applied:\n  "
                             + problems.prefix(20).joined(separator: "\n  ") + (problems.count > 20 ? "\n  …" : ""))
        }
        let applied = try store.importCorrections(corrections, dataset: datasetID, file: file, annotator: annotator)
        Terminal.note("\(file): \(entries.count) corrections read, \(applied) applied (\(entries.count - applied) already had that label)")
        print("next: dq export dataset --dataset \(datasetName) --labels corrected --out clean.csv")
    }

    func readDoccano() throws -> [Entry] {
        guard let data = FileManager.default.contents(atPath: file) else { throw InputError(file: file, message: "cannot read the file") }
        var entries: [Entry] = []
        for (i, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { continue }
            let object: JSONValue
            do {
                object = try JSONValue.parse(bytes: [UInt8](line))
            } catch {
                throw InputError(file: file, line: i + 1, column: error.column, message: error.message)
            }
            let id: String
            if case .number(let sample)? = object["dq_sample"] {
                id = "#\(Int64(sample))"
            } else {
                throw InputError(file: file, line: i + 1, message: "expected dq_sample (lines from `dq export suspects --format doccano`)")
            }
            guard let label = object["label"]?[0]?.scalarText ?? object["label"]?.scalarText else { continue }
            entries.append(Entry(location: "line \(i + 1)", id: id, label: label, annotator: nil))
        }
        return entries
    }

    /// Undoes the formula neutralisation of `CSVCell.escape`, which spreadsheets may or may not
    /// have kept.
    static func restore(_ cell: String) -> String {
        guard cell.hasPrefix("'"), let next = cell.unicodeScalars.dropFirst().first, "=+-@\t\r".unicodeScalars.contains(next) else { return cell }
        return String(cell.dropFirst())
    }

    func readCSV() throws -> [Entry] {
        let reader = try CSVReader(path: file)
        var record = CSVRecord()
        guard try reader.read(into: &record) else { throw InputError(file: file, line: 1, message: "the file is empty; expected a header") }
        let header = (0..<record.count).map { record.field($0)?.trimmingWhitespace() ?? "" }
        guard let idColumn = header.firstIndex(of: "id"), let labelColumn = header.firstIndex(of: "corrected_label") else {
            throw InputError(file: file, line: 1, message: "expected columns id and corrected_label; the header has: \(header.joined(separator: ", "))")
        }
        let annotatorColumn = header.firstIndex(of: "annotator")
        var entries: [Entry] = []
        while try reader.read(into: &record) {
            let label = CorrectionsImport.restore(record.field(labelColumn)?.trimmingWhitespace() ?? "")
            guard !label.isEmpty else { continue }
            guard let id = record.field(idColumn).map({ CorrectionsImport.restore($0.trimmingWhitespace()) }), !id.isEmpty else {
                throw InputError(file: file, line: record.line, column: idColumn + 1, message: "empty id")
            }
            let who = annotatorColumn.flatMap { record.field($0)?.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
            entries.append(Entry(location: "line \(record.line)", id: id, label: label, annotator: who))
        }
        return entries
    }

    func readLabelStudio() throws -> [Entry] {
        guard let data = FileManager.default.contents(atPath: file) else { throw InputError(file: file, message: "cannot read the file") }
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes: [UInt8](data))
        } catch {
            throw InputError(file: file, line: error.line, column: error.column, message: error.message)
        }
        guard case .array(let tasks) = root else { throw InputError(file: file, message: "$: expected a Label Studio export (an array of tasks)") }
        var entries: [Entry] = []
        for (i, task) in tasks.enumerated() {
            let path = "$[\(i)]"
            let id: String
            if case .number(let sample)? = task["data"]?["dq_sample"] {
                id = "#\(Int64(sample))"
            } else if let external = task["data"]?["id"]?.scalarText {
                id = external
            } else {
                throw InputError(file: file, message: "\(path).data: expected dq_sample or id (tasks from `dq export suspects --format labelstudio`)")
            }
            guard case .array(let annotations)? = task["annotations"] else { continue }
            guard let (a, annotation) = annotations.enumerated().reversed().first(where: { $0.element["was_cancelled"] != .bool(true) }) else { continue }
            guard case .array(let results)? = annotation["result"],
                  let choice = results.lazy.compactMap({ $0["value"]?["choices"]?[0]?.scalarText }).first else { continue }
            var who: String?
            if let by = annotation["completed_by"] { who = by["email"]?.scalarText ?? by.scalarText }
            entries.append(Entry(location: "\(path).annotations[\(a)]", id: id, label: choice, annotator: who))
        }
        return entries
    }
}

struct CorrectionsList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "The audit trail: every label change, with the old and new label, who, when and from which file."
    )

    @OptionGroup var selection: DatasetOptions
    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        let names = Dictionary(uniqueKeysWithValues: try store.samples(dataset: datasetID).map { ($0.id, $0.displayID) })
        let history = try store.correctionHistory(dataset: datasetID)
        try output.emit([Table(
            name: "corrections", title: "Label corrections of \(datasetName), oldest first",
            columns: ["id", "old label", "new label", "annotator", "file", "imported at"],
            rows: history.map { [.text(names[$0.sampleID] ?? "#\($0.sampleID)"), .text($0.oldLabel), .text($0.newLabel),
                                 .optional($0.annotator), .text($0.file), .text($0.importedAt)] },
            note: history.isEmpty ? "No corrections yet: dq corrections import FILE." : nil)])
    }
}
