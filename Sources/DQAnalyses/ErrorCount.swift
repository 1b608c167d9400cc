import DQLearning
import Foundation

/// How many label errors a dataset holds, as `dq suspects` sizes its list.
///
/// The count is confident learning's (cleanlab's `num_label_issues`) on the mean of the usable
/// models' out-of-sample probabilities. Its interval is a percentile bootstrap over samples:
/// the count is recomputed on resamples, so it shows how much the count would move with other
/// samples, not whether the models see the errors. That second question is what
/// `dq evaluate` answers: it plants errors at several rates and measures the share a of the
/// errors the count finds (`Response`). The count is divided by a, and its interval by the
/// extreme repeats' a. When a is below `Response.weakSlope`, the models are too weak to count
/// errors: the count is left as it is and the estimate says so.
package enum ErrorCount {
    /// Confident learning's count on one set of probabilities.
    package static func count(given: [Int], probabilities: [Double], classes: Int) -> Int {
        ConfidentLearning.findLabelIssues(ConfidentLearning.Input(labels: given, probabilities: probabilities, classes: classes),
                                          filter: .confidentLearning).estimatedIssues
    }

    /// The count and its 95% percentile-bootstrap interval over `resamples` resamples of the
    /// samples. Each resample has a seed of its own (from `seed`), so the interval is the same
    /// however many cores draw them; the cores share the resamples. `progress` hears about how
    /// many resamples are done, from one worker.
    package static func bootstrap(given: [Int], probabilities: [Double], classes: Int, resamples: Int = 100,
                                  seed: UInt64 = 0x5EED, progress: (@Sendable (Int) -> Void)? = nil) -> (count: Int, low: Int, high: Int) {
        let n = given.count
        let whole = count(given: given, probabilities: probabilities, classes: classes)
        guard n >= 2, resamples >= 2 else { return (whole, whole, whole) }
        let labelsPresent = Set(given).count
        let workers = max(1, min(Threading.cores, resamples))
        let results = Results(count: resamples)
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            var y = [Int](repeating: 0, count: n), p = [Double](repeating: 0, count: n * classes)
            for r in stride(from: w, to: resamples, by: workers) {
                // Seeds r·γ apart would give SplitMix64 streams that are one stream shifted by r
                // steps (γ is its own increment): each resample's seed is mixed first.
                var seeder = SplitMix64(seed: seed ^ (UInt64(r) &* 0xD1B5_4A32_D192_ED03))
                var rng = SplitMix64(seed: seeder.next())
                for i in 0..<n {
                    let j = Int(rng.next() % UInt64(n))
                    y[i] = given[j]
                    for c in 0..<classes { p[i * classes + c] = probabilities[j * classes + c] }
                }
                // A resample that lost a label altogether has no threshold for it; cleanlab would
                // count its samples differently, so it is skipped.
                if w == 0 { progress?(min(r + workers, resamples)) }
                guard Set(y).count == labelsPresent else { continue }
                results.set(r, count(given: y, probabilities: p, classes: classes))
            }
        }
        let counts = results.values.compactMap { $0 }.sorted()
        guard counts.count >= 2 else { return (whole, whole, whole) }
        let low = counts[Int((0.025 * Double(counts.count - 1)).rounded())]
        let high = counts[Int((0.975 * Double(counts.count - 1)).rounded())]
        return (whole, min(low, whole), max(high, whole))
    }

    /// The resamples' counts, each written by one worker.
    private final class Results: @unchecked Sendable {
        private(set) var values: [Int?]
        private let lock = NSLock()
        init(count: Int) { values = [Int?](repeating: nil, count: count) }
        func set(_ r: Int, _ value: Int) { lock.lock(); values[r] = value; lock.unlock() }
    }

    /// How confident learning's count responded to errors planted by `dq evaluate`: the count
    /// on the given labels, and in each repeat the errors planted and the count after.
    ///
    /// If the count finds a share a of the errors, the given labels' count is c₀ = a·E. A flip
    /// planted on a label that is already wrong adds no error, and sends it back to the true
    /// label with probability 1/(k − 1); so m flips add m·(1 − e·k/(k − 1)) errors, e = E/n.
    /// With E = c₀/a, the count after planting is c = c₀ + a·m − m·(c₀/n)·k/(k − 1), which
    /// gives each repeat's a = (c − c₀)/m + (c₀/n)·k/(k − 1). Without the second term, a
    /// dataset that already holds many errors would look as if its count missed planted ones.
    package struct Response: Sendable, Equatable {
        /// Below this share of the planted errors found, the models are too weak to count them.
        package static let weakSlope = 0.5

        package var clean: Int
        /// The samples judged and the number of labels.
        package var samples: Int
        package var classes: Int
        package var repeats: [(rate: Double, planted: Int, counted: Int)]
        /// The count counts samples of multi-label data, each planted error one flipped membership.
        package var multiLabel: Bool

        package init(clean: Int, samples: Int, classes: Int, repeats: [(rate: Double, planted: Int, counted: Int)], multiLabel: Bool = false) {
            (self.clean, self.samples, self.classes, self.repeats, self.multiLabel) = (clean, samples, classes, repeats, multiLabel)
        }

        /// Each repeat's share a of the errors the count finds. A flip that lands on a sample
        /// already counted adds nothing: on single-label data one that lands on a wrong label
        /// (a share clean/n · K/(K − 1) of flips, since a flip of a wrong label is no new error
        /// and may even right it); on multi-label data one that lands on a sample already
        /// flagged (a share clean/n).
        package var slopes: [Double] {
            let share = samples > 0 ? Double(clean) / Double(samples) : 0
            let alreadyWrong = multiLabel ? share : classes >= 2 ? share * Double(classes) / Double(classes - 1) : 0
            return repeats.filter { $0.planted > 0 }.map { Double($0.counted - clean) / Double($0.planted) + alreadyWrong }
        }

        /// The mean of `slopes`; nil with no repeat.
        package var slope: Double? {
            let s = slopes
            return s.isEmpty ? nil : s.reduce(0, +) / Double(s.count)
        }

        package var rates: [Double] { repeats.map(\.rate).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }.sorted() }

        package static func == (a: Response, b: Response) -> Bool {
            (a.clean, a.samples, a.classes, a.multiLabel) == (b.clean, b.samples, b.classes, b.multiLabel) && a.repeats.count == b.repeats.count
                && zip(a.repeats, b.repeats).allSatisfy { $0.rate == $1.rate && $0.planted == $1.planted && $0.counted == $1.counted }
        }
    }

    /// The number of label errors a list should hold, and why.
    package struct Estimate: Sendable, Equatable {
        /// The estimate and its interval.
        package var count: Int
        package var low: Int
        package var high: Int
        /// Confident learning's count on the probabilities, and its bootstrap interval.
        package var raw: (count: Int, low: Int, high: Int)
        /// The rise per planted error the count was divided by (nil: not corrected).
        package var correction: (slope: Double, low: Double, high: Double)?
        /// The models missed most planted errors: the count is not to be trusted.
        package var tooWeakToCount: Bool

        package static func == (a: Estimate, b: Estimate) -> Bool {
            (a.count, a.low, a.high, a.tooWeakToCount) == (b.count, b.low, b.high, b.tooWeakToCount) && a.raw == b.raw
                && a.correction?.slope == b.correction?.slope
        }
    }

    /// The raw count, corrected by the response to planted errors when there is one and it
    /// shows the models see errors; left as it is, marked too weak, when they do not.
    package static func estimate(raw: (count: Int, low: Int, high: Int), response: Response?) -> Estimate {
        var estimate = Estimate(count: raw.count, low: raw.low, high: raw.high, raw: raw, correction: nil, tooWeakToCount: false)
        guard let response, let slope = response.slope else { return estimate }
        let slopes = response.slopes
        if slope < Response.weakSlope {
            estimate.tooWeakToCount = true
            estimate.correction = (slope, slopes.min()!, slopes.max()!)
            return estimate
        }
        let (low, high) = (max(slopes.min()!, Response.weakSlope), slopes.max()!)
        estimate.correction = (slope, low, high)
        estimate.count = Int((Double(raw.count) / slope).rounded())
        estimate.low = Int((Double(raw.low) / high).rounded(.down))
        estimate.high = Int((Double(raw.high) / low).rounded(.up))
        return estimate
    }
}

/// Whether a model learned anything usable about the labels, from its out-of-sample view.
package struct ModelStrength: Sendable, Equatable {
    /// Out-of-sample accuracy of the model's arg-max, and of always predicting the commonest label.
    package var accuracy: Double
    package var priorAccuracy: Double
    /// V-information (mean PVI, bits) and its 95% normal interval.
    package var vInformation: Double
    package var low: Double
    package var high: Double

    /// The interval of V-information includes 0: the inputs told the model nothing it could
    /// use, so its suspicions are noise.
    package var learnedNothing: Bool { low <= 0 }

    /// It barely beats always predicting the commonest label.
    package var nearPrior: Bool { accuracy <= priorAccuracy + 0.02 }

    package init(given: [Int], probabilities: [Double], classes: Int, pvi: [Double]) {
        let n = given.count
        var counts = [Int](repeating: 0, count: classes), right = 0
        for i in 0..<n {
            counts[given[i]] += 1
            let row = probabilities[i * classes..<(i + 1) * classes]
            if let best = row.indices.max(by: { row[$0] < row[$1] }), best - i * classes == given[i] { right += 1 }
        }
        accuracy = n > 0 ? Double(right) / Double(n) : 0
        priorAccuracy = n > 0 ? Double(counts.max() ?? 0) / Double(n) : 0
        let mean = n > 0 ? pvi.reduce(0, +) / Double(n) : 0
        let variance = n > 1 ? pvi.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1) : 0
        let half = 1.96 * (variance / Double(max(n, 1))).squareRoot()
        (vInformation, low, high) = (mean, mean - half, mean + half)
    }
}
