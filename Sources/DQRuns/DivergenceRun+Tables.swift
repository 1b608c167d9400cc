import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

extension DivergenceRun.Outcome {
    /// The pairs, hardest to tell apart first, with the words that pull toward each side.
    package var pairTable: Table {
        func words(_ list: [(token: String, contribution: Double)]) -> String { list.map(\.token).joined(separator: " ") }
        let baselines = pairs.first?.baseline != nil
        var note = "JSD 0: identical word distributions; 1 bit: no word in common."
        if let permutations = pairs.first?.baseline?.permutations {
            note += " baseline: the mean JSD with the pair's labels shuffled among its samples (sizes kept; \(permutations) permutations, "
                + "or every split when there are fewer); excess = JSD − baseline, the divergence beyond what the labels' sizes give. "
                + "Pairs are ordered by excess."
        }
        for (label, samples) in smallLabels {
            note += " Warning: \(label) has only \(samples) samples; the JSD of its pairs is inflated by its size and moves with --alpha"
                + (baselines ? " (the excess corrects for size)." : ".")
        }
        return Table(
            name: "divergence", title: "Label pairs, hardest to tell apart first (JSD in \(unit)), run \(run)",
            columns: ["label A", "label B", "JSD"] + (baselines ? ["baseline", "excess"] : [])
                + ["samples A", "samples B", "tokens A", "tokens B", "more in A", "more in B"],
            rows: pairs.map { p in
                [.text(p.a), .text(p.b), .real(p.divergence, digits: 4)]
                    + (baselines ? [.real(p.baseline?.mean ?? .nan, digits: 4), .real(p.excess ?? .nan, digits: 4)] : [])
                    + [.int(p.samplesA), .int(p.samplesB), .int(p.tokensA), .int(p.tokensB), .text(words(p.towardA)), .text(words(p.towardB))]
            },
            note: note)
    }

    /// The divergences as a label × label matrix.
    package var matrixTable: Table {
        let rows: [[Cell]] = labels.map { a in
            [.text(a)] + labels.map { b -> Cell in
                if a == b { return .real(0, digits: 3) }
                let pair = pairs.first { ($0.a == a && $0.b == b) || ($0.a == b && $0.b == a) }
                return pair.map { .real($0.divergence, digits: 3) } ?? .missing
            }
        }
        return Table(name: "divergence_matrix", title: "Jensen–Shannon divergence (\(unit)), run \(run)",
                     columns: ["label"] + labels, rows: rows)
    }
}
