import DQLearning
import DQText
import Foundation

/// A permutation baseline for label-pair JSD. Plug-in JSD between two smoothed word
/// distributions grows as the labels' samples get fewer (a small label's distribution is noisy,
/// and noise looks like divergence) and depends on α, so raw values rank pairs partly by size.
/// The baseline is what the same estimator gives when the pair's labels carry no information:
/// the samples of the two labels pooled and split again at random into groups of the same sizes
/// (a permutation of the labels within the pair). Excess = observed − mean of the permuted.
extension LabelDivergence {
    /// Every sample's tokens (interned ids) with its label, filtered as `pairs` filters counts
    /// (stopwords dropped before counting, then tokens seen fewer than `minCount` times in all).
    package struct Bags: Sendable {
        package var labels: [String] = []
        /// For each label, its samples' token ids.
        package var samples: [String: [[Int32]]] = [:]
        /// How many distinct tokens survive the filters (the global vocabulary).
        package var vocabularySize = 0
    }

    package static func bags(_ samples: any SampleSource, options: Options,
                            tokenize: ((String) -> [String])? = nil) throws -> Bags {
        let interner = TokenInterner()
        var raw: [(label: String, ids: [Int32])] = []
        try samples.forEachSample { sample in
            var parts: [String] = []
            if options.field != .textPair { parts.append(sample.text) }
            if options.field != .text, let pair = sample.textPair { parts.append(pair) }
            var ids: [Int32] = []
            for part in parts {
                if let tokenize {
                    for token in tokenize(part) { var t = token; t.withUTF8 { ids.append(interner.intern($0)) } }
                } else {
                    interner.appendIDs(of: part, to: &ids)
                }
            }
            raw.append((sample.label, ids))
        }
        let stop = (0..<interner.count).map { options.stopwords.contains(interner.token(Int32($0))) }
        var totals = [Int](repeating: 0, count: interner.count)
        for sample in raw { for id in sample.ids where !stop[Int(id)] { totals[Int(id)] += 1 } }
        let kept = totals.map { $0 >= max(options.minCount, 1) }
        var bags = Bags()
        for sample in raw {
            if bags.samples[sample.label] == nil {
                bags.labels.append(sample.label)
                bags.samples[sample.label] = []
            }
            bags.samples[sample.label]!.append(sample.ids.filter { kept[Int($0)] })
        }
        bags.vocabularySize = kept.filter { $0 }.count
        return bags
    }

    package struct Baseline: Sendable, Equatable {
        /// Mean JSD over the permutations.
        package var mean: Double
        /// Permutations evaluated (every distinct split when there are no more than asked for).
        package var permutations: Int
        package var exact: Bool
    }

    /// The pair's JSD from the bags as labelled: the same value `pairs` computes from counts.
    package static func divergence(_ bags: Bags, a: String, b: String, options: Options) -> Double {
        var index: [Int32: Int] = [:]
        var countsA: [Int] = [], countsB: [Int] = []
        var totals = (0, 0)
        for (label, isA) in [(a, true), (b, false)] {
            for ids in bags.samples[label]! {
                for id in ids {
                    let k = index[id] ?? { index[id] = countsA.count; countsA.append(0); countsB.append(0); return countsA.count - 1 }()
                    if isA { countsA[k] += 1 } else { countsB[k] += 1 }
                }
                if isA { totals.0 += ids.count } else { totals.1 += ids.count }
            }
        }
        let absent = options.vocabulary == .global ? bags.vocabularySize - countsA.count : 0
        return divergence(countsA: countsA, countsB: countsB, totalA: totals.0, totalB: totals.1, absent: absent, options: options)
    }

    /// The permutation baseline of the pair (a, b): the mean JSD, with the same α, base and
    /// vocabulary rule, over `permutations` random splits of the pooled samples into groups of
    /// the two labels' sizes; when there are no more distinct splits than that, over all of them.
    package static func baseline(_ bags: Bags, a: String, b: String, options: Options, permutations: Int, seed: UInt64) -> Baseline {
        let pooled = bags.samples[a]! + bags.samples[b]!
        let na = bags.samples[a]!.count
        // Local dense ids for the pair's tokens; the pair vocabulary is the same for every split.
        var local: [Int32: Int32] = [:]
        let samples = pooled.map { ids in ids.map { id -> Int32 in
            if let l = local[id] { return l }
            let l = Int32(local.count)
            local[id] = l
            return l
        } }
        let present = local.count
        let absent = options.vocabulary == .global ? bags.vocabularySize - present : 0
        var countsA = [Int](repeating: 0, count: present), countsB = countsA
        func jsd(_ inA: [Bool]) -> Double {
            for k in 0..<present { countsA[k] = 0; countsB[k] = 0 }
            var totalA = 0, totalB = 0
            for (i, ids) in samples.enumerated() {
                if inA[i] {
                    for id in ids { countsA[Int(id)] += 1 }
                    totalA += ids.count
                } else {
                    for id in ids { countsB[Int(id)] += 1 }
                    totalB += ids.count
                }
            }
            return divergence(countsA: countsA, countsB: countsB, totalA: totalA, totalB: totalB, absent: absent, options: options)
        }
        let n = pooled.count
        var sum = 0.0
        if let all = binomial(n, na, atMost: permutations) {
            // Every split: combinations of na of the n samples, in lexicographic order.
            var chosen = Array(0..<na)
            for _ in 0..<all {
                var inA = [Bool](repeating: false, count: n)
                for i in chosen { inA[i] = true }
                sum += jsd(inA)
                var k = na - 1
                while k >= 0 && chosen[k] == n - na + k { k -= 1 }
                if k < 0 { break }
                chosen[k] += 1
                for j in (k + 1)..<na { chosen[j] = chosen[j - 1] + 1 }
            }
            return Baseline(mean: sum / Double(all), permutations: all, exact: true)
        }
        var rng = SplitMix64(seed: seed)
        var order = Array(0..<n)
        for _ in 0..<permutations {
            order.shufflePrefix(na, using: &rng)
            var inA = [Bool](repeating: false, count: n)
            for i in order.prefix(na) { inA[i] = true }
            sum += jsd(inA)
        }
        return Baseline(mean: sum / Double(permutations), permutations: permutations, exact: false)
    }

    /// C(n, k) if it is at most `limit`, else nil.
    static func binomial(_ n: Int, _ k: Int, atMost limit: Int) -> Int? {
        let k = min(k, n - k)
        var value = 1.0
        for i in 0..<k {
            value = value * Double(n - i) / Double(i + 1)
            if value > Double(limit) + 0.5 { return nil }
        }
        return Int(value.rounded())
    }

    /// JSD of two smoothed count vectors over `counts.count + absent` tokens, as `divergence`
    /// computes it from dictionaries.
    static func divergence(countsA: [Int], countsB: [Int], totalA: Int, totalB: Int, absent: Int, options: Options) -> Double {
        let alpha = options.alpha, v = Double(countsA.count + absent)
        let logScale = 1 / log(options.logBase)
        let da = Double(totalA) + alpha * v, db = Double(totalB) + alpha * v
        func term(_ p: Double, _ q: Double) -> Double {
            let m = (p + q) / 2
            var t = 0.0
            if p > 0 { t += 0.5 * p * log(p / m) * logScale }
            if q > 0 { t += 0.5 * q * log(q / m) * logScale }
            return t
        }
        var total = 0.0
        for k in 0..<countsA.count { total += term((Double(countsA[k]) + alpha) / da, (Double(countsB[k]) + alpha) / db) }
        if absent > 0 { total += Double(absent) * term(alpha / da, alpha / db) }
        return total
    }
}
