import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

extension EvaluateRun {
    /// Mean ± sample standard deviation, as text.
    static func meanSD(_ values: [Double], digits: Int = 3) -> String {
        let mean = values.reduce(0, +) / Double(max(values.count, 1))
        guard values.count > 1 else { return mean.formatted(digits: digits) }
        let sd = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot()
        return "\(mean.formatted(digits: digits)) ± \(sd.formatted(digits: digits))"
    }

    /// The figures of stored runs' rows, per signal in first-seen order.
    package static func table(_ rows: [EvaluationMetricRow], run: Int64, title: String) -> Table {
        var order: [String] = []
        var bySignal: [String: [EvaluationMetricRow]] = [:]
        for row in rows {
            if bySignal[row.signal] == nil { order.append(row.signal) }
            bySignal[row.signal, default: []].append(row)
        }
        return Table(
            name: "evaluation", title: title,
            columns: ["signal", "precision@k", "recall@k", "average precision", "AUROC", "seconds"],
            rows: order.map { signal in
                let list = bySignal[signal]!
                return [.text(signal), .text(meanSD(list.map(\.precisionAtK))), .text(meanSD(list.map(\.recallAtK))),
                        .text(meanSD(list.map(\.averagePrecision))), .text(meanSD(list.map(\.auroc))), .text(meanSD(list.map(\.seconds), digits: 1))]
            },
            note: "k = the number of planted errors; mean ± sd over the repeats. Errors already in the data count against precision here: "
                + "a signal that finds a real mislabel scores it as a false alarm. The merged list is dq suspects' default without calibration: "
                + "the rank average of the model sources (each model's PVI and confident learning count as one); its seconds are the whole "
                + "repeat's. The calibrated list is a logistic regression on every signal's rank and log tail, fitted on the other repeats' "
                + "planted errors and scored on this one's; dq suspects uses the one fitted on all repeats. A model's first repeat includes "
                + "embedding the texts, which later repeats reuse.")
    }
}

extension EvaluateRun.Outcome {
    package var tables: [Table] {
        let planted = planted.first?.count ?? 0
        return [EvaluateRun.table(metrics, run: run, title: "Finding \(planted) planted \(options.mode.rawValue) label errors "
                                    + "(\(Int((options.rate * 100).rounded()))% of \(sampleCount)) in \(datasetName), \(options.repeats) repeats, run \(run)")]
    }

    /// Every planted error of every repeat, as `--out` writes them.
    package var plantedTable: Table {
        Table(name: "planted", title: "Planted label errors", columns: ["repeat", "id", "given_label", "planted_label"],
              rows: planted.enumerated().flatMap { r, list in
                  list.map { [.int(r + 1), .text($0.sample.displayID), .text($0.sample.label), .text($0.label)] }
              })
    }
}
