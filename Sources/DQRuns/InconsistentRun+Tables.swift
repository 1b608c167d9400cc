import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

extension InconsistentRun.Outcome {
    package var table: Table {
        Table(
            name: "inconsistent", title: "Samples matching another label's specifications (\(options.ranking.aggregation.rawValue)), run \(run)",
            columns: ["suggested", "#", "id", "given", "score", "evidence (spec: rank)", "text"],
            rows: suspects.map { s in
                let sample = samples[s.index]
                return [.text(s.suggestedLabel), .int(s.position), .text(sample.displayID), .text(sample.label),
                        .real(s.score, digits: 4), .text(s.evidence.map { "\($0.spec): \($0.rank)" }.joined(separator: ", ")),
                        .text(sample.text)]
            },
            note: (suspects.isEmpty
                ? "No sample outside a label matches its specifications within its depth."
                : "Ranks start at 0 (best); tied samples share the last rank of their tie, so unmatched ones rank last. Review them: dq suspects, then dq export suspects.")
                + " Depth (the rank within which a specification counts as matching): "
                + depths.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                + (options.ranking.depth == nil ? " (each label's size, at least \(SpecificationRanking.Options.minimumDepth))." : "."))
    }
}
