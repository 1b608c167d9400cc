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
    package static func table(_ rows: [EvaluationMetricRow], run: Int64, title: String, multiLabel: Bool = false) -> Table {
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
            note: multiLabel ? multiLabelNote : "k = the number of planted errors; mean ± sd over the repeats. Errors already in the data count against precision here: "
                + "a signal that finds a real mislabel scores it as a false alarm. The merged list is dq suspects' default without calibration: "
                + "the rank average of the model sources (each model's PVI and confident learning count as one); its seconds are the whole "
                + "repeat's. The calibrated list is a logistic regression on every signal's rank and log tail, fitted on the other repeats' "
                + "planted errors and scored on this one's; dq suspects uses the one fitted on all repeats, but only when its average precision "
                + "here is at least the rank average's. With several models, confident learning on the mean of their probabilities is the plain "
                + "baseline. A model's first repeat includes "
                + "embedding the texts, which later repeats reuse.")
    }

    static let multiLabelNote = "Each planted error flips one label membership of a sample (a label removed or added, even odds); k = the "
        + "number of changed samples; mean ± sd over the repeats. Confident learning (model): 1 − cleanlab's multi-label quality score on "
        + "every label's one-vs-rest model (dq label-issues' order). PVI (lowest label): the sample's lowest per-label PVI (dq suspects' order). Per label "
        + "membership: every sample × label pair ranked by 1 − its label's self-confidence, against the flipped pairs (k = their number), "
        + "whether the list points at the right label. Errors already in the data count against precision here."
}

extension EvaluateRun {
    /// How confident learning's count followed the errors planted, from a run's stored counts
    /// (repeat 0: the given labels); nil without the given labels' count or a repeat.
    package static func response(_ counts: [EvaluationCountRow], classes: Int, multiLabel: Bool = false) -> ErrorCount.Response? {
        guard let clean = counts.first(where: { $0.repeatIndex == 0 }), counts.contains(where: { $0.repeatIndex > 0 }) else { return nil }
        return ErrorCount.Response(clean: clean.counted, samples: clean.samples, classes: classes,
                                   repeats: counts.filter { $0.repeatIndex > 0 }.map { ($0.rate, $0.planted, $0.counted) }, multiLabel: multiLabel)
    }

    /// How confident learning's count of label errors rose with the errors planted, per repeat.
    package static func countTable(_ counts: [EvaluationCountRow], classes: Int, run: Int64, multiLabel: Bool = false) -> Table {
        let response = Self.response(counts, classes: classes, multiLabel: multiLabel)
        let slopes = response?.slopes ?? []
        // Multi-label: a count that flags a third of the samples before any flip is mostly the
        // models' confusion, and its share found mostly the correction for flips on flagged samples.
        let swamped = multiLabel ? counts.first { $0.repeatIndex == 0 && 3 * $0.counted > $0.samples } : nil
        let found = response?.slope.map { a in
            a < ErrorCount.Response.weakSlope
                ? "The count found \(a.formatted(digits: 2)) of the errors planted: the models miss most errors they are shown, too weak to "
                    + "count them; dq suspects says so, and --top N sets a list's length."
                : "The count found \(a.formatted(digits: 2)) of the errors planted, on average"
                    + (multiLabel ? "." : "; dq suspects divides its count by this.")
        } ?? ""
        let counted = multiLabel
            ? "The count is the number of samples cleanlab's multi-label find_label_issues flags on the mean of the cross-fitted "
                + "one-vs-rest models' probabilities. "
            : "The count is cleanlab's num_label_issues on the mean of the cross-fitted models' probabilities. "
        let share = swamped.map { clean in
            "Warning: it flags \(clean.counted.formatted(thousands: true)) of the \(clean.samples.formatted(thousands: true)) samples before "
                + "any flip; unless the data is that noisy, that is mostly the models' confusion, and the share of planted errors found would be "
                + "mostly the correction for flips that land on flagged samples, so it is left out. The rankings' AUROC above says how well these "
                + "models tell a flipped label at all."
        } ?? (multiLabel
            ? "Share found: the rise of the count per planted error, plus the share of flips that land on samples already flagged (they add "
                + "none; docs/methods.md). "
            : "Share found: the rise of the count per planted error, plus the share of flips that land on labels already wrong (they add no "
                + "error; docs/methods.md). ") + found
        return Table(
            name: "error_counts", title: "Confident learning's count of label errors, run \(run)",
            columns: ["repeat", "rate", "planted", "counted"] + (swamped == nil ? ["share found"] : []),
            rows: counts.map { c in
                [c.repeatIndex == 0 ? .text("given labels") : .int(c.repeatIndex), .real(c.rate, digits: 3), .int(c.planted), .int(c.counted)]
                    + (swamped != nil ? [] : [c.repeatIndex > 0 && c.repeatIndex <= slopes.count ? .real(slopes[c.repeatIndex - 1], digits: 2) : .missing])
            },
            note: counted + share)
    }
}

extension EvaluateRun.Outcome {
    package var tables: [Table] {
        let rates = options.rates.map { rate in
            let percent = rate * 100
            return percent == percent.rounded() ? "\(Int(percent))%" : "\(percent.formatted(digits: 1))%"
        }.joined(separator: ", ")
        let what = multiLabel ? "flipped label memberships" : "\(options.mode.rawValue) label errors"
        return [EvaluateRun.table(metrics, run: run, title: "Finding planted \(what) at \(rates) of \(sampleCount) "
                                    + "(in turn) in \(datasetName), \(options.repeats) repeats, run \(run)", multiLabel: multiLabel),
                EvaluateRun.countTable(counts, classes: classes, run: run, multiLabel: multiLabel)]
    }

    /// Every planted error of every repeat, as `--out` writes them.
    package var plantedTable: Table {
        Table(name: "planted", title: "Planted label errors", columns: ["repeat", "id", "given_label", "planted_label"],
              rows: planted.enumerated().flatMap { r, list in
                  list.map { [.int(r + 1), .text($0.sample.displayID), .text($0.sample.label), .text($0.label)] }
              })
    }
}
