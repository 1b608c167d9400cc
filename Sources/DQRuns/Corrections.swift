import DQReports
import DQStore
import DQText
import Foundation

/// Annotators' corrections: read from the files annotation tools write, checked against the
/// store, and applied in one transaction with an audit trail (`dq corrections import`).
package enum CorrectionsRun {
    /// One correction as read, before it is checked against the store.
    /// One correction as the file gives it.
    package typealias Entry = ReviewedLabel

    package struct Outcome: Sendable, Equatable {
        package var read: Int
        package var applied: Int
        /// Decisions to keep the label a sample already had.
        package var kept: Int
        package var dataset: String
        /// Samples an earlier review had decided on: the latest review now stands (both are kept
        /// in the audit trail).
        package var reviewedBefore = 0

        /// Samples another reviewer had decided otherwise: "train-12 (bob: Business; alice: Sci/Tech)".
        package var disagreements: [String] = []

        /// What was done to `file`, and what to run next.
        package func summary(file: String) -> [String] {
            ["\(file): \(read) corrections read, \(applied) applied, \(kept) kept (the sample already had that label; recorded as a decision)"
                + (reviewedBefore > 0 ? "; \(reviewedBefore) had been reviewed before: the latest review stands (dq corrections list shows every one)" : "")]
            + (disagreements.isEmpty ? [] : ["\(disagreements.count) of them another reviewer had decided otherwise: "
                + disagreements.prefix(5).joined(separator: ", ") + (disagreements.count > 5 ? ", …" : "")
                + ". Both decisions are kept; dq agreement --reviews measures how far the reviewers agree."]) + [
             "next: analyses now read the corrected labels (dq pvi --dataset \(dataset.shellQuoted) --model bow, then dq suspects); the file: dq export dataset --out clean.csv"]
        }
    }

    /// Reads `file` (CSV, Label Studio .json or doccano .jsonl, by extension), checks every
    /// entry, and applies them all or, when any id or label is wrong, none: the error lists the
    /// problems.
    package static func run(store: Store, file: String, dataset selection: DatasetSelection, annotator: String?) throws -> Outcome {
        let dataset = try store.resolve(DatasetSelection(name: selection.name))
        let lowercased = file.lowercased()
        let entries = lowercased.hasSuffix(".json") ? try readJSON(file)
            : lowercased.hasSuffix(".jsonl") ? try Doccano.readReviews(path: file) : try readCSV(file)
        // A display id may name several samples (a file that repeats an id with another text);
        // `#` and the store id always names one.
        var byID: [String: [Int64]] = [:]
        for sample in try store.samples(dataset: dataset.id) {
            byID[sample.displayID, default: []].append(sample.id)
            if sample.externalID != nil { byID["#\(sample.id)"] = [sample.id] }
        }
        var seen: [String: String] = [:]  // sample and reviewer → where
        let labels = Set(try store.labels(dataset: dataset.id))
        // Multi-label data: a corrected label is a list, a;b, stored as ingest stores lists (sorted).
        let multiLabel = try store.isMultiLabel(dataset: dataset.id)
        var problems: [String] = []
        var corrections: [Correction] = []
        for entry in entries {
            guard let ids = byID[entry.id] else {
                problems.append("\(entry.location): id \(entry.id) is not a sample of \(dataset.name)")
                continue
            }
            guard ids.count == 1, let id = ids.first else {
                problems.append("\(entry.location): id \(entry.id) names \(ids.count) samples of \(dataset.name) (\(ids.map { "#\($0)" }.joined(separator: ", "))); write one of those ids instead")
                continue
            }
            // Several reviewers of a sample may share a file (an Argilla export); one reviewer, once.
            if let earlier = seen.updateValue(entry.location, forKey: "\(id)\u{0}\(entry.annotator ?? annotator ?? "")") {
                problems.append("\(entry.location): sample \(entry.id) is corrected twice in this file (also at \(earlier))")
                continue
            }
            let parts = multiLabel ? Set(entry.label.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
                : [entry.label]
            if let unknown = parts.sorted().first(where: { !labels.contains($0) }) {
                problems.append("\(entry.location): '\(unknown)' is not a label of \(dataset.name) (\(labels.sorted().joined(separator: ", ")))"
                                + (multiLabel ? "; write a sample's labels as a;b" : ""))
                continue
            }
            corrections.append(Correction(sampleID: id, newLabel: parts.sorted().joined(separator: ";"), annotator: entry.annotator))
        }
        guard problems.isEmpty else {
            throw InputError(file: file, message: "\(problems.count) problem\(problems.count == 1 ? "" : "s"); nothing was applied:\n  "
                             + problems.prefix(20).joined(separator: "\n  ") + (problems.count > 20 ? "\n  …" : ""))
        }
        let earlier = try store.reviewedSamples(dataset: dataset.id)
        // Each sample's latest decision by each reviewer, to show where this file's reviewer differs.
        var decided = try store.latestReviews(dataset: dataset.id)
        let names = Dictionary(byID.compactMap { key, ids in ids.count == 1 && !key.hasPrefix("#") ? (ids[0], key) : nil }, uniquingKeysWith: { a, _ in a })
        let disagreements = corrections.compactMap { c -> String? in
            let reviewer = c.annotator ?? annotator ?? Store.unnamedReviewer
            let others = (decided[c.sampleID] ?? [:]).filter { $0.key != reviewer && $0.value != c.newLabel }.sorted { $0.key < $1.key }
            decided[c.sampleID, default: [:]][reviewer] = c.newLabel  // reviewers later in this file see this one
            guard !others.isEmpty else { return nil }
            return "\(names[c.sampleID] ?? "#\(c.sampleID)") (" + (others.map { "\($0.key): \($0.value)" } + ["\(reviewer): \(c.newLabel)"]).joined(separator: "; ") + ")"
        }
        let (applied, kept) = try store.importCorrections(corrections, dataset: dataset.id, file: file, annotator: annotator)
        return Outcome(read: entries.count, applied: applied, kept: kept, dataset: dataset.name,
                       reviewedBefore: corrections.count { earlier.contains($0.sampleID) }, disagreements: disagreements)
    }

    /// A JSON export: Argilla's records, or Label Studio's tasks.
    static func readJSON(_ file: String) throws -> [ReviewedLabel] {
        let root = try Argilla.parse(file)
        return Argilla.isExport(root) ? try Argilla.readReviews(path: file, root: root) : try LabelStudio.readReviews(path: file)
    }

    /// Undoes the formula neutralisation of `CSVCell.escape`, which spreadsheets may or may not
    /// have kept.
    package static func restore(_ cell: String) -> String {
        guard cell.hasPrefix("'"), let next = cell.unicodeScalars.dropFirst().first, "=+-@\t\r".unicodeScalars.contains(next) else { return cell }
        return String(cell.dropFirst())
    }

    /// A filled CSV: columns id and corrected_label, optionally annotator; rows with an empty
    /// corrected_label are skipped.
    package static func readCSV(_ file: String) throws -> [Entry] {
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
            let label = restore(record.field(labelColumn)?.trimmingWhitespace() ?? "")
            guard !label.isEmpty else { continue }
            guard let id = record.field(idColumn).map({ restore($0.trimmingWhitespace()) }), !id.isEmpty else {
                throw InputError(file: file, line: record.line, column: idColumn + 1, message: "empty id")
            }
            let who = annotatorColumn.flatMap { record.field($0)?.trimmingWhitespace() }.flatMap { $0.isEmpty ? nil : $0 }
            entries.append(Entry(location: "line \(record.line)", id: id, label: label, annotator: who))
        }
        return entries
    }

    /// The audit trail of a dataset, oldest first.
    package static func list(store: Store, dataset selection: DatasetSelection) throws -> Table {
        let dataset = try store.resolve(DatasetSelection(name: selection.name))
        let names = Dictionary(uniqueKeysWithValues: try store.samples(dataset: dataset.id).map { ($0.id, $0.displayID) })
        let history = try store.correctionHistory(dataset: dataset.id)
        return Table(
            name: "corrections", title: "Label corrections of \(dataset.name), oldest first",
            columns: ["id", "old label", "new label", "annotator", "file", "imported at"],
            rows: history.map { [.text(names[$0.sampleID] ?? "#\($0.sampleID)"), .text($0.oldLabel), .text($0.newLabel),
                                 .optional($0.annotator), .text($0.file), .text($0.importedAt)] },
            note: history.isEmpty ? "No corrections yet: dq corrections import FILE."
                : "A row whose old and new labels are equal is a reviewer's decision to keep the label.")
    }
}
