import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

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
