import DQLearning
import Dispatch
import Foundation

/// How far annotators agree beyond chance, for nominal labels: Krippendorff's α, Fleiss' κ and
/// Cohen's κ for every pair of annotators, overall, per label and per annotator, with
/// percentile bootstrap intervals over items; and the items with the most disagreement.
///
/// Definitions (n_uc: how many annotators gave item u label c; m_u = Σ_c n_uc; only items with
/// m_u ≥ 2 take part, as in all three sources):
/// - Krippendorff's α (Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011; nominal
///   metric): with n_c = Σ_u n_uc and n = Σ_c n_c,
///   α = 1 − (n − 1) · Σ_u (m_u² − Σ_c n_uc²)/(m_u − 1) / (n² − Σ_c n_c²).
/// - Fleiss' κ (Fleiss, "Measuring nominal scale agreement among many raters", 1971):
///   P_u = Σ_c n_uc(n_uc − 1)/(m_u(m_u − 1)), P̄ = mean P_u, p_c = Σ_u n_uc / Σ_u m_u,
///   P_e = Σ_c p_c², κ = (P̄ − P_e)/(1 − P_e). Fleiss defined it for the same number of
///   raters per item; with varying m_u this is the usual generalisation (each item's pair share
///   weighs the same), and it equals Fleiss's κ when m_u is constant.
/// - Cohen's κ (Cohen, 1960) for annotators a and b over the items both labelled:
///   κ = (p_o − p_e)/(1 − p_e), p_e = Σ_c p_a(c) p_b(c) from each one's label shares there.
///   The overall figure is Light's κ (Light, 1971): the mean of the pairwise κ.
/// - Per label c: α and κ of the data made binary (c against every other label); per-label
///   Fleiss κ is then Fleiss's own category κ_c.
/// A statistic whose chance disagreement is zero (every annotation the same label) is undefined
/// (nil), as the reference implementations give NaN.
package enum InterAnnotatorAgreement {
    package struct Statistic: Sendable, Equatable {
        package var estimate: Double?
        package var low: Double?
        package var high: Double?

        package init(estimate: Double?, low: Double? = nil, high: Double? = nil) {
            self.estimate = estimate
            self.low = low
            self.high = high
        }
    }

    package struct LabelAgreement: Sendable {
        package var label: Int
        package var annotations: Int
        package var alpha: Statistic
        package var fleiss: Statistic
    }

    package struct AnnotatorAgreement: Sendable {
        package var annotator: Int
        package var annotations: Int
        /// Items this annotator shares with at least one other annotator.
        package var sharedItems: Int
        /// The mean of this annotator's Cohen's κ with each other annotator.
        package var meanCohen: Statistic
        /// The share of (this annotator, other annotator) label pairs on shared items that agree.
        package var pairAgreement: Double?
        /// Krippendorff's α of the data without this annotator.
        package var alphaWithout: Double?
    }

    package struct PairAgreement: Sendable {
        package var a: Int
        package var b: Int
        package var overlap: Int
        /// The share of shared items on which a and b gave the same label.
        package var observed: Double
        package var cohen: Statistic
    }

    package struct DisputedItem: Sendable {
        package var item: Int
        /// The share of annotator pairs on this item that disagree: 1 − P_u.
        package var disagreement: Double
        package var counts: [(label: Int, count: Int)]
    }

    package struct Result: Sendable {
        package var items: Int
        /// Items with at least two annotations (the ones agreement is measured on).
        package var pairableItems: Int
        package var annotations: Int
        package var alpha: Statistic
        package var fleiss: Statistic
        /// Light's κ: the mean of the pairwise Cohen's κ.
        package var meanCohen: Statistic
        /// The share of annotator pairs on pairable items that agree (P̄ of Fleiss, unweighted by chance).
        package var observedAgreement: Double?
        package var perLabel: [LabelAgreement]
        package var perAnnotator: [AnnotatorAgreement]
        package var pairs: [PairAgreement]
        /// Items by disagreement, most first (ties: more annotations first, then item order).
        package var disputed: [DisputedItem]
        package var resamples: Int
        package var level: Double
        /// Krippendorff's α at the ordered level asked for (`measure`'s `scale`), else nil.
        package var scaledAlpha: Statistic?
    }

    /// The level of measurement of the labels, which sets how far apart two labels are.
    package enum Metric: String, CaseIterable, Sendable { case nominal, ordinal, interval, ratio }

    /// Everything above; `resamples` 0 gives no intervals. `disputedLimit` caps `disputed`.
    /// `scale`: a level of measurement other than nominal and the number each label stands
    /// for; its α is measured too, on the same resamples. `progress` hears about how many
    /// resamples are done, from one worker.
    package static func measure(_ matrix: AnnotationMatrix, resamples: Int = 1000, level: Double = 0.95,
                               seed: UInt64 = 13, disputedLimit: Int = 50, scale: (metric: Metric, values: [Double])? = nil,
                               progress: (@Sendable (Int) -> Void)? = nil) -> Result {
        let engine = Engine(matrix)
        var point = engine.statistics(weights: nil)
        if let scale { point.scaled = krippendorffAlpha(matrix, metric: scale.metric, values: scale.values) }
        var draws: [Snapshot] = []
        if resamples > 0 && engine.pairable.count > 1 {
            // Each resample draws from its own stream, started at a random point of SplitMix64's
            // cycle (seeds one apart by the generator's increment would be one stream shifted by a
            // step), so the result does not depend on threads.
            var seeder = SplitMix64(seed: seed)
            let seeds = (0..<resamples).map { _ in seeder.next() }
            let threads = min(2, resamples)
            let results = ResultSlots(count: threads)
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var mine: [Snapshot] = []
                for r in stride(from: t, to: resamples, by: threads) {
                    var rng = SplitMix64(seed: seeds[r])
                    var weights = [Double](repeating: 0, count: matrix.itemCount)
                    let n = UInt64(engine.pairable.count)
                    for _ in 0..<engine.pairable.count { weights[engine.pairable[Int(rng.next() % n)]] += 1 }
                    var snapshot = engine.statistics(weights: weights)
                    if let scale { snapshot.scaled = krippendorffAlpha(matrix, metric: scale.metric, values: scale.values, itemWeights: weights) }
                    mine.append(snapshot)
                    if t == 0 { progress?(min(r + threads, resamples)) }
                }
                results.set(t, mine)
            }
            draws = results.all
        }
        func stat(_ value: Double?, _ pick: (Snapshot) -> Double?) -> Statistic {
            guard let value, !draws.isEmpty else { return Statistic(estimate: value) }
            let values = draws.compactMap(pick).filter { $0.isFinite }
            guard values.count * 2 >= draws.count else { return Statistic(estimate: value) }
            let interval = Bootstrap.interval(estimate: value, draws: values, level: level)
            return Statistic(estimate: value, low: interval.low, high: interval.high)
        }

        var labelAnnotations = [Int](repeating: 0, count: matrix.labelCount)
        var annotatorAnnotations = [Int](repeating: 0, count: matrix.annotatorCount)
        for k in matrix.labels.indices {
            labelAnnotations[Int(matrix.labels[k])] += 1
            annotatorAnnotations[Int(matrix.annotators[k])] += 1
        }
        let perLabel = (0..<matrix.labelCount).map { c in
            LabelAgreement(label: c, annotations: labelAnnotations[c],
                           alpha: stat(point.labelAlpha[c]) { $0.labelAlpha[c] },
                           fleiss: stat(point.labelFleiss[c]) { $0.labelFleiss[c] })
        }
        let pairs = engine.pairKeys.indices.map { p in
            PairAgreement(a: engine.pairKeys[p].a, b: engine.pairKeys[p].b, overlap: engine.pairOverlap[p],
                          observed: point.pairObserved[p], cohen: stat(point.pairCohen[p]) { $0.pairCohen[p] })
        }
        // Per annotator: shared items, mean κ with the others, pair agreement, α without them.
        // (An annotator labels an item once, so counting their annotations on pairable items counts items.)
        var shared = [Int](repeating: 0, count: matrix.annotatorCount)
        for u in engine.pairable {
            for k in matrix.offsets[u]..<matrix.offsets[u + 1] { shared[Int(matrix.annotators[k])] += 1 }
        }
        let perAnnotator = (0..<matrix.annotatorCount).map { a in
            AnnotatorAgreement(
                annotator: a, annotations: annotatorAnnotations[a], sharedItems: shared[a],
                meanCohen: stat(point.annotatorCohen[a]) { $0.annotatorCohen[a] },
                pairAgreement: point.annotatorAgreement[a],
                alphaWithout: engine.alphaWithout(annotator: a))
        }
        let disagreement = engine.pairable.indices.map { 1 - engine.pairShare(at: $0) }
        let ranked = engine.pairable.indices.filter { disagreement[$0] > 0 }.sorted {
            if disagreement[$0] != disagreement[$1] { return disagreement[$0] > disagreement[$1] }
            let (m0, m1) = (matrix.count(engine.pairable[$0]), matrix.count(engine.pairable[$1]))
            return m0 != m1 ? m0 > m1 : $0 < $1
        }
        let disputed = ranked.prefix(disputedLimit).map { index in
            DisputedItem(item: engine.pairable[index], disagreement: disagreement[index], counts: matrix.labelCounts(engine.pairable[index]))
        }
        return Result(
            items: (0..<matrix.itemCount).filter { matrix.count($0) > 0 }.count, pairableItems: engine.pairable.count,
            annotations: matrix.labels.count,
            alpha: stat(point.alpha) { $0.alpha }, fleiss: stat(point.fleiss) { $0.fleiss },
            meanCohen: stat(point.meanCohen) { $0.meanCohen }, observedAgreement: point.observed,
            perLabel: perLabel, perAnnotator: perAnnotator, pairs: pairs, disputed: disputed,
            resamples: draws.count, level: level, scaledAlpha: scale.map { _ in stat(point.scaled) { $0.scaled } })
    }

    /// Krippendorff's α with the difference function of `metric`, the labels standing for
    /// `values` (Krippendorff, "Computing Krippendorff's Alpha-Reliability", 2011). From the
    /// coincidence matrix o_ck = Σ_u (ordered pairs of annotations of item u with labels c, k)
    /// / (m_u − 1), over items with m_u ≥ 2, n_c = Σ_k o_ck and n = Σ_c n_c:
    /// α = 1 − (n − 1) Σ_ck o_ck δ²_ck / Σ_ck n_c n_k δ²_ck, where δ²_ck is 1 for c ≠ k (nominal);
    /// (Σ_g n_g − (n_c + n_k)/2)² over the labels g ranked from c to k by value (ordinal);
    /// (v_c − v_k)² (interval); ((v_c − v_k)/(v_c + v_k))² (ratio). `itemWeights`: how often each
    /// item counts (a bootstrap resample).
    package static func krippendorffAlpha(_ matrix: AnnotationMatrix, metric: Metric, values: [Double], itemWeights: [Double]? = nil) -> Double? {
        let K = matrix.labelCount
        precondition(values.count == K)
        var coincidence = [Double](repeating: 0, count: K * K)
        var counts = [Double](repeating: 0, count: K)
        var present: [Int] = []
        for item in 0..<matrix.itemCount {
            let weight = itemWeights?[item] ?? 1
            let slots = matrix.offsets[item]..<matrix.offsets[item + 1]
            guard weight > 0, slots.count >= 2 else { continue }
            for slot in slots {
                let c = Int(matrix.labels[slot])
                if counts[c] == 0 { present.append(c) }
                counts[c] += 1
            }
            let share = weight / Double(slots.count - 1)
            for c in present {
                for k in present { coincidence[c * K + k] += share * (c == k ? counts[c] * (counts[c] - 1) : counts[c] * counts[k]) }
            }
            for c in present { counts[c] = 0 }
            present.removeAll(keepingCapacity: true)
        }
        let marginal = (0..<K).map { c in (0..<K).reduce(0.0) { $0 + coincidence[c * K + $1] } }
        let n = marginal.reduce(0, +)
        guard n > 1 else { return nil }
        // Ordinal: the labels in order of value, each one's rank.
        let order = (0..<K).sorted { values[$0] < values[$1] }
        var rank = [Int](repeating: 0, count: K)
        for (r, c) in order.enumerated() { rank[c] = r }
        func difference(_ c: Int, _ k: Int) -> Double {
            guard c != k else { return 0 }
            switch metric {
            case .nominal: return 1
            case .ordinal:
                let (low, high) = (min(rank[c], rank[k]), max(rank[c], rank[k]))
                let between = order[low...high].reduce(0.0) { $0 + marginal[$1] } - (marginal[c] + marginal[k]) / 2
                return between * between
            case .interval: return (values[c] - values[k]) * (values[c] - values[k])
            case .ratio:
                let sum = values[c] + values[k]
                return sum == 0 ? 0 : ((values[c] - values[k]) / sum) * ((values[c] - values[k]) / sum)
            }
        }
        var observed = 0.0, expected = 0.0
        for c in 0..<K {
            for k in 0..<K where c != k {
                let d = difference(c, k)
                observed += coincidence[c * K + k] * d
                expected += marginal[c] * marginal[k] * d
            }
        }
        guard expected > 1e-12 * n * n else { return nil }
        return 1 - (n - 1) * observed / expected
    }

    /// Krippendorff's α (nominal) alone.
    package static func krippendorffAlpha(_ matrix: AnnotationMatrix) -> Double? { Engine(matrix).statistics(weights: nil).alpha }
    /// Fleiss' κ alone.
    package static func fleissKappa(_ matrix: AnnotationMatrix) -> Double? { Engine(matrix).statistics(weights: nil).fleiss }

    /// Cohen's κ of two label sequences over the same items (`nil` entries: not labelled there).
    package static func cohenKappa(_ a: [Int?], _ b: [Int?], labelCount: Int) -> Double? {
        var n = 0.0, agree = 0.0
        var ma = [Double](repeating: 0, count: labelCount), mb = ma
        for (x, y) in zip(a, b) {
            guard let x, let y else { continue }
            n += 1
            if x == y { agree += 1 }
            ma[x] += 1
            mb[y] += 1
        }
        return kappa(n: n, agree: agree, ma: ma[...], mb: mb[...])
    }

    static func kappa(n: Double, agree: Double, ma: ArraySlice<Double>, mb: ArraySlice<Double>) -> Double? {
        guard n > 0 else { return nil }
        var expected = 0.0
        for (x, y) in zip(ma, mb) { expected += x * y }
        expected /= n * n
        let observed = agree / n
        guard 1 - expected > 1e-15 else { return nil }
        return (observed - expected) / (1 - expected)
    }

    /// One slot per thread, each written by its own thread only.
    final class ResultSlots: @unchecked Sendable {
        private var slots: [[Snapshot]]
        private let lock = NSLock()
        init(count: Int) { slots = Array(repeating: [], count: count) }
        func set(_ index: Int, _ value: [Snapshot]) { lock.lock(); slots[index] = value; lock.unlock() }
        var all: [Snapshot] { slots.flatMap { $0 } }
    }

    /// The statistics of one weighting of the items (nil: every item once).
    struct Snapshot {
        var alpha: Double?
        var fleiss: Double?
        var observed: Double?
        var meanCohen: Double?
        var labelAlpha: [Double?]
        var labelFleiss: [Double?]
        var pairCohen: [Double?]
        var pairObserved: [Double]
        var annotatorCohen: [Double?]
        var annotatorAgreement: [Double?]
        /// Krippendorff's α at an ordered level, when asked for.
        var scaled: Double? = nil
    }

    /// What is fixed across resamples: the pairable items, their label counts and their annotator pairs.
    final class Engine: Sendable {
        let matrix: AnnotationMatrix
        /// Items with m_u ≥ 2.
        let pairable: [Int]
        /// Per pairable item (in `pairable` order): its (label, count) list in `countLabels`/`countValues`.
        let countOffsets: [Int]
        let countLabels: [Int32]
        let countValues: [Double]
        /// The annotator pairs that share an item, and each one's number of shared items.
        let pairKeys: [(a: Int, b: Int)]
        let pairOverlap: [Int]
        /// Per pairable item: its pair visits in `visitPair`, `visitLabelA`, `visitLabelB`.
        let visitOffsets: [Int]
        let visitPair: [Int32]
        let visitLabelA: [Int32]
        let visitLabelB: [Int32]

        init(_ matrix: AnnotationMatrix) {
            self.matrix = matrix
            pairable = (0..<matrix.itemCount).filter { matrix.count($0) >= 2 }
            var countOffsets = [0], countLabels: [Int32] = [], countValues: [Double] = []
            // Pair slots: a dense table for up to 2,048 annotators, else a dictionary.
            let dense = matrix.annotatorCount <= 2048
            var denseSlot = [Int32](repeating: -1, count: dense ? matrix.annotatorCount * matrix.annotatorCount : 0)
            var slot: [Int: Int] = [:]
            var keys: [(a: Int, b: Int)] = [], overlap: [Int] = []
            var visitOffsets = [0], visitPair: [Int32] = [], visitA: [Int32] = [], visitB: [Int32] = []
            var scratch = [Int](repeating: 0, count: matrix.labelCount)
            for u in pairable {
                let range = matrix.offsets[u]..<matrix.offsets[u + 1]
                for k in range { scratch[Int(matrix.labels[k])] += 1 }
                for k in range where scratch[Int(matrix.labels[k])] > 0 {
                    countLabels.append(matrix.labels[k])
                    countValues.append(Double(scratch[Int(matrix.labels[k])]))
                    scratch[Int(matrix.labels[k])] = 0
                }
                countOffsets.append(countLabels.count)
                for i in range {
                    for j in range where j > i {
                        var (a, b) = (Int(matrix.annotators[i]), Int(matrix.annotators[j]))
                        var (la, lb) = (matrix.labels[i], matrix.labels[j])
                        if a > b { swap(&a, &b); swap(&la, &lb) }
                        let key = a * matrix.annotatorCount + b
                        var p = dense ? Int(denseSlot[key]) : slot[key] ?? -1
                        if p < 0 {
                            p = keys.count
                            if dense { denseSlot[key] = Int32(p) } else { slot[key] = p }
                            keys.append((a, b))
                            overlap.append(0)
                        }
                        overlap[p] += 1
                        visitPair.append(Int32(p))
                        visitA.append(la)
                        visitB.append(lb)
                    }
                }
                visitOffsets.append(visitPair.count)
            }
            // Pairs in annotator order, for stable output.
            let order = keys.indices.sorted { keys[$0].a != keys[$1].a ? keys[$0].a < keys[$1].a : keys[$0].b < keys[$1].b }
            var rank = [Int32](repeating: 0, count: keys.count)
            for (r, p) in order.enumerated() { rank[p] = Int32(r) }
            self.countOffsets = countOffsets
            self.countLabels = countLabels
            self.countValues = countValues
            pairKeys = order.map { keys[$0] }
            pairOverlap = order.map { overlap[$0] }
            self.visitOffsets = visitOffsets
            self.visitPair = visitPair.map { rank[Int($0)] }
            visitLabelA = visitA
            visitLabelB = visitB
        }

        /// The share of annotator pairs on pairable item `pairable[index]` that agree: P_u.
        func pairShare(at index: Int) -> Double {
            let m = Double(matrix.count(pairable[index]))
            var same = 0.0
            for k in countOffsets[index]..<countOffsets[index + 1] { same += countValues[k] * (countValues[k] - 1) }
            return same / (m * (m - 1))
        }

        func statistics(weights: [Double]?) -> Snapshot {
            let K = matrix.labelCount
            var totals = [Double](repeating: 0, count: K)   // Σ w n_uc
            var disagreement = 0.0                          // Σ w (m² − Σ n²)/(m − 1)
            var labelDisagreement = [Double](repeating: 0, count: K)  // Σ w 2 n (m − n)/(m − 1)
            var labelPairDisagreement = [Double](repeating: 0, count: K)  // Σ w 2 n (m − n)/(m (m − 1))
            var sumPu = 0.0, sumW = 0.0, sumWm = 0.0
            let P = pairKeys.count
            var pairN = [Double](repeating: 0, count: P), pairAgree = pairN
            var marginA = [Double](repeating: 0, count: P * K), marginB = marginA
            for (index, u) in pairable.enumerated() {
                let w = weights.map { $0[u] } ?? 1
                if w == 0 { continue }
                let m = Double(matrix.count(u))
                var squares = 0.0
                for k in countOffsets[index]..<countOffsets[index + 1] {
                    let c = Int(countLabels[k]), n = countValues[k]
                    totals[c] += w * n
                    squares += n * n
                    labelDisagreement[c] += w * 2 * n * (m - n) / (m - 1)
                    labelPairDisagreement[c] += w * 2 * n * (m - n) / (m * (m - 1))
                }
                disagreement += w * (m * m - squares) / (m - 1)
                sumPu += w * (squares - m) / (m * (m - 1))
                sumW += w
                sumWm += w * m
                for v in visitOffsets[index]..<visitOffsets[index + 1] {
                    let p = Int(visitPair[v]), la = Int(visitLabelA[v]), lb = Int(visitLabelB[v])
                    pairN[p] += w
                    if la == lb { pairAgree[p] += w }
                    marginA[p * K + la] += w
                    marginB[p * K + lb] += w
                }
            }
            let n = totals.reduce(0, +)
            let sumSquares = totals.reduce(0) { $0 + $1 * $1 }
            let alphaDenominator = n * n - sumSquares
            let alpha: Double? = n > 1 && alphaDenominator > 1e-12 * n * n ? 1 - (n - 1) * disagreement / alphaDenominator : nil
            var fleiss: Double?, observed: Double?
            if sumW > 0 {
                let pBar = sumPu / sumW
                let pE = totals.reduce(0) { $0 + ($1 / sumWm) * ($1 / sumWm) }
                observed = pBar
                if 1 - pE > 1e-15 { fleiss = (pBar - pE) / (1 - pE) }
            }
            var labelAlpha = [Double?](repeating: nil, count: K), labelFleiss = labelAlpha
            for c in 0..<K where n > 1 {
                let nc = totals[c]
                let denominator = 2 * nc * (n - nc)
                if denominator > 1e-12 * n * n { labelAlpha[c] = 1 - (n - 1) * labelDisagreement[c] / denominator }
                let p = nc / sumWm
                if p * (1 - p) > 1e-15 && sumW > 0 { labelFleiss[c] = 1 - (labelPairDisagreement[c] / sumW) / (2 * p * (1 - p)) }
            }
            var pairCohen = [Double?](repeating: nil, count: P), pairObserved = [Double](repeating: .nan, count: P)
            var annotatorSum = [Double](repeating: 0, count: matrix.annotatorCount), annotatorCount = annotatorSum
            var annotatorAgree = annotatorSum, annotatorPairs = annotatorSum
            for p in 0..<P {
                guard pairN[p] > 0 else { continue }
                pairObserved[p] = pairAgree[p] / pairN[p]
                let (a, b) = pairKeys[p]
                annotatorAgree[a] += pairAgree[p]; annotatorAgree[b] += pairAgree[p]
                annotatorPairs[a] += pairN[p]; annotatorPairs[b] += pairN[p]
                pairCohen[p] = InterAnnotatorAgreement.kappa(
                    n: pairN[p], agree: pairAgree[p], ma: marginA[(p * K)..<(p * K + K)], mb: marginB[(p * K)..<(p * K + K)])
                if let kappa = pairCohen[p] {
                    annotatorSum[a] += kappa; annotatorCount[a] += 1
                    annotatorSum[b] += kappa; annotatorCount[b] += 1
                }
            }
            let defined = pairCohen.compactMap { $0 }
            return Snapshot(
                alpha: alpha, fleiss: fleiss, observed: observed,
                meanCohen: defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count),
                labelAlpha: labelAlpha, labelFleiss: labelFleiss, pairCohen: pairCohen, pairObserved: pairObserved,
                annotatorCohen: (0..<matrix.annotatorCount).map { annotatorCount[$0] > 0 ? annotatorSum[$0] / annotatorCount[$0] : nil },
                annotatorAgreement: (0..<matrix.annotatorCount).map { annotatorPairs[$0] > 0 ? annotatorAgree[$0] / annotatorPairs[$0] : nil })
        }

        /// Krippendorff's α with annotator `a`'s annotations left out, from the kept counts.
        func alphaWithout(annotator a: Int) -> Double? {
            let K = matrix.labelCount
            var totals = [Double](repeating: 0, count: K)
            var disagreement = 0.0
            for (index, u) in pairable.enumerated() {
                var removed = -1
                for k in matrix.offsets[u]..<matrix.offsets[u + 1] where Int(matrix.annotators[k]) == a { removed = Int(matrix.labels[k]) }
                let m = Double(matrix.count(u) - (removed >= 0 ? 1 : 0))
                if m < 2 { continue }
                var squares = 0.0
                for k in countOffsets[index]..<countOffsets[index + 1] {
                    let c = Int(countLabels[k])
                    let n = countValues[k] - (c == removed ? 1 : 0)
                    totals[c] += n
                    squares += n * n
                }
                disagreement += (m * m - squares) / (m - 1)
            }
            let n = totals.reduce(0, +)
            let denominator = n * n - totals.reduce(0) { $0 + $1 * $1 }
            return n > 1 && denominator > 1e-12 * n * n ? 1 - (n - 1) * disagreement / denominator : nil
        }
    }
}
