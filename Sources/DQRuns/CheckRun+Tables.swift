import DQReports

extension CheckRun.Outcome {
    package var tables: [Table] {
        let steps = Table(
            name: "check_steps", title: "dq check of \(dataset): \(samples) samples",
            columns: ["step", "run", "status", "seconds"],
            rows: steps.map { [.text($0.name), $0.run.map { .int(Int($0)) } ?? .missing, .text($0.reused ? "reused" : "ran"), .real($0.seconds, digits: 1)] },
            note: steps.contains { $0.reused } ? "Reused: the store had the run and the ingest added no row." : nil)
        var rows: [[Cell]] = []
        if let suspects, let estimate = suspects.estimate {
            rows.append([.text("likely wrong labels"), .text("\(estimate.count) (95% interval \(estimate.low)–\(estimate.high))"
                                                          + (estimate.tooWeakToCount ? "; the models are too weak to count them" : ""))])
        }
        if let suspects {
            rows.append([.text("listed for review"), .text("\(suspects.suspects.count), \(suspects.suspects.filter { $0.group == .ambiguous }.count) of them ambiguous")])
            rows += (suspects.weakModels + suspects.warnings).map { [.text("warning"), .text($0)] }
        }
        if let flagged = multiLabelFlagged {
            rows.append([.text("samples with a label in doubt"), .text("\(flagged.flagged) of \(flagged.of) (multi-label confident learning)")])
        }
        if !hardestPairs.isEmpty {
            rows.append([.text("hardest label pairs"), .text(hardestPairs.map { p in
                "\(p.labelA)–\(p.labelB) (JSD \(p.divergence.formatted(digits: 3))" + (p.excess.map { ", \($0.formatted(digits: 3)) beyond size" } ?? "") + ")"
            }.joined(separator: "; "))])
        }
        if !weakestAnnotators.isEmpty {
            rows.append([.text("weakest annotators"), .text(weakestAnnotators.map { "\($0.name) (mean Cohen's κ \($0.kappa.formatted(digits: 2)))" }
                .joined(separator: "; "))])
        }
        rows.append([.text("report"), .text(reportPath)])
        if let reviewPath { rows.append([.text("review file"), .text(reviewPath)]) }
        let summary = Table(
            name: "check", title: "What is wrong with \(dataset)", columns: ["finding", "detail"], rows: rows,
            note: "Open the report in a browser. " + (reviewPath.map { "Fill corrected_label in \($0) (keep a label by writing it again), then: "
                + "dq corrections import \($0.shellQuoted)."
                + (multiLabelFlagged == nil ? " To measure the error rate instead of estimating it: dq suspects --audit 100." : "") } ?? ""))
        return [steps, summary]
    }
}
