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
        /// Samples chosen with probability rising with their ambiguity (`plantHard`), the way
        /// real errors fall on hard texts; new labels in proportion to the labels' frequencies.
        case hard
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
        var out = Planted(labels: labels, planted: [Bool](repeating: false, count: labels.count))
        for i in uniformlyChosen(labels.count, rate: rate, using: &rng) {
            let y = labels[i]
            var weights = (0..<classes).map { k -> Double in k == y ? 0 : 1 }
            if mode == .confusable, let row = confusion?[y] {
                let off = (0..<classes).map { $0 == y ? 0 : max(row[$0], 0) }
                if off.reduce(0, +) > 0 { weights = off }
            }
            out.labels[i] = draw(weights, using: &rng)
            out.planted[i] = true
        }
        return out
    }

    /// `hard` planting: round(rate · n) samples drawn without replacement with probability in
    /// proportion to 0.05 + `ambiguity` (Efraimidis and Spirakis's keys u^(1/w)), so a sample
    /// the models split over is about 20 times likelier to be flipped than one they are sure
    /// of; each gets another label in proportion to the labels' frequencies among the given
    /// labels, from no model that `dq evaluate` scores.
    package static func plantHard(labels: [Int], classes: Int, rate: Double, ambiguity: [Double], seed: UInt64) -> Planted {
        precondition(classes >= 2 && rate > 0 && rate <= 1 && ambiguity.count == labels.count)
        var rng = SplitMix64(seed: seed)
        let n = labels.count, count = plantedCount(n, rate: rate)
        let keys = (0..<n).map { i -> Double in
            let u = (Double(rng.next() >> 11) + 1) * 0x1p-53
            return log(u) / (0.05 + max(0, ambiguity[i]))
        }
        let chosen = (0..<n).sorted { keys[$0] > keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }.prefix(count)
        var frequency = [Double](repeating: 0, count: classes)
        for y in labels { frequency[y] += 1 }
        var out = Planted(labels: labels, planted: [Bool](repeating: false, count: n))
        for i in chosen {
            let y = labels[i]
            var weights = (0..<classes).map { $0 == y ? 0 : frequency[$0] }
            if weights.reduce(0, +) == 0 { weights = (0..<classes).map { $0 == y ? 0 : 1 } }
            out.labels[i] = draw(weights, using: &rng)
            out.planted[i] = true
        }
        return out
    }

    /// Planted errors of multi-label data: which samples were changed, and the label whose
    /// membership each changed sample had flipped.
    package struct PlantedMemberships: Sendable, Equatable {
        /// Per sample, its labels after planting (sorted).
        package var labels: [[Int]]
        /// Per sample, the label added or removed; nil when the sample was not changed.
        package var flipped: [Int?]
        package var planted: [Bool] { flipped.map { $0 != nil } }
        package var count: Int { flipped.count { $0 != nil } }
    }

    /// Multi-label planting: round(rate · n) samples chosen uniformly (seeded), each with one
    /// label membership flipped. A sample with labels loses one of them (chosen uniformly) or
    /// gains one it lacks, with equal chance: a missed label and a wrong extra one are the two
    /// ways an annotator errs. A sample with no label gains one; one with every label loses one.
    package static func plant(memberships labels: [[Int]], classes: Int, rate: Double, seed: UInt64) -> PlantedMemberships {
        precondition(classes >= 2 && rate > 0 && rate <= 1)
        var rng = SplitMix64(seed: seed)
        var out = PlantedMemberships(labels: labels, flipped: [Int?](repeating: nil, count: labels.count))
        for i in uniformlyChosen(labels.count, rate: rate, using: &rng) {
            let present = Set(labels[i])
            let absent = (0..<classes).filter { !present.contains($0) }
            let remove = absent.isEmpty || (!present.isEmpty && rng.next() >> 63 == 0)
            let pool = remove ? present.sorted() : absent
            let k = pool[draw(pool.map { _ in 1 }, using: &rng)]
            out.labels[i] = remove ? labels[i].filter { $0 != k } : (labels[i] + [k]).sorted()
            out.flipped[i] = k
        }
        return out
    }

    /// round(rate · n) of the positions 0..<n, chosen uniformly (a partial Fisher–Yates shuffle).
    static func uniformlyChosen(_ n: Int, rate: Double, using rng: inout SplitMix64) -> ArraySlice<Int> {
        let count = plantedCount(n, rate: rate)
        var order = Array(0..<n)
        order.shufflePrefix(count, using: &rng)
        return order.prefix(count)
    }

    /// A class drawn in proportion to `weights` (some positive), with one draw of `rng`.
    static func draw(_ weights: [Double], using rng: inout SplitMix64) -> Int {
        var u = Double(rng.next() >> 11) * 0x1p-53 * weights.reduce(0, +)
        var pick = weights.indices.last { weights[$0] > 0 }!
        for k in weights.indices where weights[k] > 0 {
            if u < weights[k] { pick = k; break }
            u -= weights[k]
        }
        return pick
    }
}
