import ArgumentParser
import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

struct LabelIssues: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label-issues",
        abstract: "Confident learning: the samples whose given label the out-of-sample model confidently contradicts.",
        discussion: """
            Confident learning (Northcutt, Jiang & Chuang, JAIR 2021), flagging exactly what \
            cleanlab's find_label_issues flags with the same settings. It needs out-of-sample \
            probabilities: those a `dq pvi` run stored (every sample scored by a model that never \
            saw it), or a CSV from elsewhere with columns id, label and one per label.

            Printed: each label's estimated noise, the noise matrix P(given | true), and the \
            flagged samples, least likely correct first, with the label the model prefers.

            Examples:
              dq pvi --model bow --dataset trec && dq label-issues --dataset trec
              dq label-issues --run 3 --filter both --rank-by normalized_margin --out issues.csv
              dq label-issues --probs cross_val_probs.csv --dataset reviews
            """
    )

    @OptionGroup var selection: DatasetOptions

    @Option(name: .customLong("run"), help: "The `dq pvi` run whose out-of-sample probabilities to use. Default: the dataset's latest on untransformed inputs.")
    var pviRun: Int64?

    @Option(help: ArgumentHelp("Read probabilities from this CSV instead (columns: id, label, one per label).", valueName: "file"))
    var probs: String?

    @Option(help: "prune_by_noise_rate, prune_by_class, both or confident_learning (cleanlab's filter_by).")
    var filter: ConfidentLearning.Filter = .pruneByNoiseRate

    @Option(name: .customLong("rank-by"), help: "Order of the flagged samples: self_confidence or normalized_margin.")
    var rankBy: ConfidentLearning.RankBy = .selfConfidence

    @Option(name: .customLong("min-examples-per-class"), help: "Labels with this many samples or fewer are not pruned.")
    var minExamplesPerClass = 1

    @Option(help: "How many flagged samples to print.")
    var top = 20

    @OptionGroup var output: SampleOutputOptions
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if pviRun != nil && probs != nil { throw ValidationError("give --run or --probs, not both") }
        if minExamplesPerClass < 0 { throw ValidationError("--min-examples-per-class must be 0 or more") }
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        let samples = Dictionary(uniqueKeysWithValues: try store.samples(dataset: datasetID).map { ($0.id, $0) })
        var labels = try store.labels(dataset: datasetID)
        var ids: [Int64] = []
        var given: [Int] = []
        var probabilities: [Double] = []
        let source: JSONValue
        if let probs {
            let rows = try ImportedProbabilities.readGiven(path: probs, labels: labels)
            let byDisplayID = Dictionary(samples.values.map { ($0.displayID, $0.id) }) { a, _ in a }
            let unknown = rows.keys.filter { byDisplayID[$0] == nil }.sorted()
            guard unknown.isEmpty else {
                throw InputError(file: probs, message: "\(unknown.count) ids are not samples of \(datasetName) (first: \(unknown.prefix(5).joined(separator: ", ")))")
            }
            for (id, row) in rows.sorted(by: { byDisplayID[$0.key]! < byDisplayID[$1.key]! }) {
                ids.append(byDisplayID[id]!)
                given.append(labels.firstIndex(of: row.label)!)
                probabilities += row.probabilities
            }
            source = .object([("probs", .string(probs))])
        } else {
            guard let record = try store.chosenRun(pviRun, kind: "pvi", dataset: datasetID, datasetName: datasetName) else {
                throw CommandError("dataset \(datasetName) has no `dq pvi` run to take probabilities from; run `dq pvi --dataset \(datasetName)` first, or give --probs FILE")
            }
            labels = record.labelOrder ?? labels
            for row in try store.pviRows(run: record.id) {
                guard let y = labels.firstIndex(of: row.label), row.probabilities.count == labels.count else {
                    throw StoreError.inconsistent("run \(record.id): sample \(row.sampleID) has label \(row.label) or probabilities outside the run's labels")
                }
                ids.append(row.sampleID)
                given.append(y)
                probabilities += row.probabilities
            }
            source = .object([("pvi_run", .number(Double(record.id)))])
        }
        guard labels.count >= 2, !ids.isEmpty else { throw CommandError("confident learning needs samples of at least two labels") }
        let input = ConfidentLearning.Input(labels: given, probabilities: probabilities, classes: labels.count)
        let parameters: JSONValue = .object([
            ("source", source), ("filter_by", .string(filter.rawValue)), ("rank_by", .string(rankBy.rawValue)),
            ("min_examples_per_class", .number(Double(minExamplesPerClass))), ("labels", .array(labels.map { .string($0) })),
        ])
        let (runID, result) = try store.recordRun(
            kind: "label-issues", dataset: datasetID, parameters: parameters, seed: nil,
            compute: { _ in ConfidentLearning.findLabelIssues(input, filter: filter, rankBy: rankBy, minExamplesPerClass: minExamplesPerClass) },
            write: { run, result in
                try store.writeLabelIssues(run: run, result.ranked.enumerated().map { position, i in
                    FlaggedSample(sampleID: ids[i], position: position + 1, score: result.quality[i],
                                  suggestedLabel: labels[input.argmax(i)], evidence: labels[given[i]])
                })
                try store.writeSummary(run: run, .object([
                    ("confident_joint", .array(result.confidentJoint.map { .array($0.map { .number(Double($0)) }) })),
                    ("noise_matrix", .array(result.noiseMatrix.map { .array($0.map { .number($0) }) })),
                    ("issues", .number(Double(result.ranked.count))), ("samples", .number(Double(ids.count))),
                ]))
            })
        output.print(LabelIssues.tables(result, input: input, ids: ids, labels: labels, samples: samples, top: top, run: runID))
        try output.writeSamples(Table(
            name: "label_issues", title: "Label issues", columns: ["rank", "id", "given", "suggested", "quality"],
            rows: result.ranked.enumerated().map { position, i in
                [.int(position + 1), .text(samples[ids[i]]?.displayID ?? "#\(ids[i])"), .text(labels[given[i]]),
                 .text(labels[input.argmax(i)]), .real(result.quality[i])]
            }))
    }

    static func tables(_ result: ConfidentLearning.Result, input: ConfidentLearning.Input, ids: [Int64], labels: [String],
                       samples: [Int64: Sample], top: Int, run: Int64) -> [Table] {
        let counts = input.labelCounts
        var flagged = [Int](repeating: 0, count: labels.count)
        for i in result.ranked { flagged[input.labels[i]] += 1 }
        let health = 1 - Double(result.ranked.count) / Double(input.count)
        let summary = Table(
            name: "label_health", title: "Label health, run \(run): \(result.ranked.count) of \(input.count) samples flagged (health \(String(format: "%.3f", health)))",
            columns: ["label", "samples", "flagged", "flagged share", "est. noise rate"],
            rows: labels.indices.map { k in
                let row = result.confidentJoint[k]
                let total = row.reduce(0, +)
                return [.text(labels[k]), .int(counts[k]), .int(flagged[k]), .real(counts[k] > 0 ? Double(flagged[k]) / Double(counts[k]) : 0),
                        .real(total > 0 ? 1 - Double(row[k]) / Double(total) : 0)]
            },
            note: "est. noise rate: the share of a label's samples whose true label the calibrated confident joint puts elsewhere.")
        let noise = Table(
            name: "noise_matrix", title: "Noise matrix P(given label | true label): columns are true labels",
            columns: ["given \\ true"] + labels,
            rows: labels.indices.map { i in [.text(labels[i])] + labels.indices.map { j in .real(result.noiseMatrix[i][j]) } })
        let issues = Table(
            name: "issues", title: "Flagged samples, least likely correct first (\(result.ranked.count) in all)",
            columns: ["#", "id", "given", "model prefers", "quality", "text"],
            rows: result.ranked.prefix(top).enumerated().map { position, i in
                let sample = samples[ids[i]]
                return [.int(position + 1), .text(sample?.displayID ?? "#\(ids[i])"), .text(labels[input.labels[i]]),
                        .text(labels[input.argmax(i)]), .real(result.quality[i]), .text(sample?.text ?? "")]
            },
            note: result.ranked.isEmpty ? "No sample flagged." : "Every flagged sample: --out FILE. Merge with other signals: dq suspects.")
        return [summary, noise, issues]
    }
}

extension ConfidentLearning.Filter: ExpressibleByArgument {}
extension ConfidentLearning.RankBy: ExpressibleByArgument {}
