import DQLearning
import Foundation

/// Known label errors planted into a copy of a dataset's labels, to measure how well each
/// signal finds them (`dq evaluate`). The setting follows the label-noise literature: a share
/// of the samples, chosen uniformly, get another label, either any other label at random
/// (`uniform`) or one the data makes plausible (`confusable`: drawn in proportion to how much an
/// out-of-sample model's probability mass for the true label's samples goes to each other label).
package enum LabelNoise {
    package enum Mode: String, Sendable, Codable, CaseIterable {
        case uniform, confusable
    }

    /// The noisy labels and which samples were changed.
    package struct Planted: Sendable, Equatable {
        package var labels: [Int]
        package var planted: [Bool]
        package var count: Int { planted.filter { $0 }.count }
    }

    /// The soft confusion of out-of-sample probabilities: row y sums p̂(· | x) over the samples
    /// labelled y.
    package static func confusion(labels: [Int], probabilities: [[Double]], classes: Int) -> [[Double]] {
        var out = [[Double]](repeating: [Double](repeating: 0, count: classes), count: classes)
        for (y, p) in zip(labels, probabilities) { for k in 0..<classes { out[y][k] += p[k] } }
        return out
    }

    /// Changes round(rate · n) labels, chosen uniformly (seeded). `confusion` is needed for
    /// `confusable`; a label whose row has no mass off its diagonal falls back to uniform.
    /// How many labels `plant` changes among `n` at `rate`.
    package static func plantedCount(_ n: Int, rate: Double) -> Int { min(n, Int((rate * Double(n)).rounded())) }

    package static func plant(labels: [Int], classes: Int, rate: Double, mode: Mode, confusion: [[Double]]? = nil, seed: UInt64) -> Planted {
        precondition(classes >= 2 && rate > 0 && rate <= 1)
        var rng = SplitMix64(seed: seed)
        let n = labels.count
        let count = plantedCount(n, rate: rate)
        var order = Array(0..<n)
        order.shufflePrefix(count, using: &rng)
        var out = Planted(labels: labels, planted: [Bool](repeating: false, count: n))
        for i in order.prefix(count) {
            let y = labels[i]
            var weights = (0..<classes).map { k -> Double in k == y ? 0 : 1 }
            if mode == .confusable, let row = confusion?[y] {
                let off = (0..<classes).map { $0 == y ? 0 : max(row[$0], 0) }
                if off.reduce(0, +) > 0 { weights = off }
            }
            let total = weights.reduce(0, +)
            var u = Double(rng.next() >> 11) * 0x1p-53 * total
            var pick = (0..<classes).last { weights[$0] > 0 }!
            for k in 0..<classes where weights[k] > 0 {
                if u < weights[k] { pick = k; break }
                u -= weights[k]
            }
            out.labels[i] = pick
            out.planted[i] = true
        }
        return out
    }
}
