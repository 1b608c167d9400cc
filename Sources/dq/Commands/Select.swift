import ArgumentParser
import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

struct Select: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a training subset chosen by PVI or by cartography region, and record the rule.",
        discussion: """
            The two papers' data-selection uses: drop the lowest-PVI samples (likely mislabels; \
            Ethayarajh et al. 2022), keep the hardest by PVI, or keep a cartography region \
            (Swayamdipta et al. 2020 train on the ambiguous third). The subset is written as CSV \
            (id, split, text, text_pair, label) to retrain on, and stored as a run with its rule \
            and the ids it kept.

            Examples:
              dq select --drop-lowest 10% --out clean.csv
              dq select --run 3 --keep-hardest 1000 --out hard.csv
              dq select --region ambiguous --out ambiguous.csv
            """
    )

    @OptionGroup var selection: DatasetOptions

    @Option(name: .customLong("run"), help: "The `dq pvi` or `dq cartography` run to select by. Default: the dataset's latest of the kind the rule needs.")
    var sourceRun: Int64?

    @Option(name: .customLong("drop-lowest"), help: ArgumentHelp("Drop this share (10%) or number (500) of the lowest-PVI samples; keep the rest.", valueName: "p%|n"))
    var dropLowest: String?

    @Option(name: .customLong("keep-hardest"), help: ArgumentHelp("Keep only this number (or share) of the lowest-PVI samples.", valueName: "n|p%"))
    var keepHardest: String?

    @Option(help: "Keep one cartography region: easy-to-learn, ambiguous or hard-to-learn.")
    var region: String?

    @Option(help: ArgumentHelp("The CSV file to write.", valueName: "file"))
    var out: String

    @OptionGroup var store: StoreOptions

    func validate() throws {
        try AtomicFile.checkFolder(of: out, option: "--out")
        let rules = [dropLowest, keepHardest, region].compactMap { $0 }
        if rules.count != 1 { throw ValidationError("give exactly one rule: --drop-lowest, --keep-hardest or --region") }
        if let region, !["easy-to-learn", "ambiguous", "hard-to-learn"].contains(region) {
            throw ValidationError("--region must be easy-to-learn, ambiguous or hard-to-learn")
        }
    }

    /// "10%" of `total` or "500": a count, checked.
    static func count(_ text: String, of total: Int, option: String) throws -> Int {
        if text.hasSuffix("%"), let p = Double(text.dropLast()), p >= 0, p <= 100 { return Int((p / 100 * Double(total)).rounded()) }
        if let n = Int(text), n >= 0 { return min(n, total) }
        throw ValidationError("\(option) takes a percentage such as 10% or a count such as 500, not '\(text)'")
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        let kind = region == nil ? "pvi" : "cartography"
        guard let source = try store.chosenRun(sourceRun, kind: kind, dataset: datasetID, datasetName: datasetName) else {
            throw CommandError("dataset \(datasetName) has no `dq \(kind)` run to select by; run it first")
        }
        let kept: [Int64]
        let rule: String
        if let region {
            kept = try store.cartographyPoints(run: source.id).filter { $0.region == region }.map(\.sampleID)
            rule = "region \(region)"
        } else {
            let rows = try store.pviRows(run: source.id).sorted { ($0.pvi, $0.sampleID) < ($1.pvi, $1.sampleID) }
            if let dropLowest {
                let n = try Select.count(dropLowest, of: rows.count, option: "--drop-lowest")
                kept = rows.dropFirst(n).map(\.sampleID)
                rule = "drop the \(n) lowest-PVI samples (\(dropLowest))"
            } else {
                let n = try Select.count(keepHardest!, of: rows.count, option: "--keep-hardest")
                kept = rows.prefix(n).map(\.sampleID)
                rule = "keep the \(n) lowest-PVI samples (\(keepHardest!))"
            }
        }
        let keep = Set(kept)
        let samples = try store.samples(dataset: datasetID).filter { keep.contains($0.id) }
        let parameters: JSONValue = .object([
            ("source_run", .number(Double(source.id))), ("source_kind", .string(kind)), ("rule", .string(rule)),
            ("kept", .number(Double(samples.count))), ("out", .string(out)),
        ])
        let (run, _) = try store.recordRun(
            kind: "select", dataset: datasetID, parameters: parameters, seed: nil, compute: { _ in samples },
            write: { run, samples in
                try store.writeSelection(run: run, samples: samples.map(\.id))
                try AtomicFile.write(Table.render([ExportDataset.table(samples, corrected: nil)], as: .csv), to: out)
            })
        Terminal.note("run \(run): \(rule) of \(kind) run \(source.id): kept \(samples.count) samples, wrote \(out)")
    }
}
