import DQAnalyses
import DQReports
import DQStore
import DQText

extension ConflictsRun.Outcome {
    package var table: Table {
        let many = datasets.count > 1
        func who(_ i: Int) -> String { many ? "\(samples[i].dataset):\(samples[i].sample.displayID)" : samples[i].sample.displayID }
        return Table(
            name: "conflicts", title: "Near-duplicate texts with different labels, run \(run) (\(pairs.count) pairs)",
            columns: ["kind", "similarity", "id A", "label A", "id B", "label B", "text A", "text B"],
            rows: pairs.map { p in
                [.text(p.exact ? "exact" : "near"), .real(p.similarity), .text(who(p.a)), .text(samples[p.a].sample.label),
                 .text(who(p.b)), .text(samples[p.b].sample.label), .text(samples[p.a].sample.text), .text(samples[p.b].sample.text)]
            },
            note: pairs.isEmpty ? "No conflicting duplicates." : "Similarity: Jaccard of word bigrams (1 for exact duplicates after folding case, punctuation and spacing).")
    }
}
