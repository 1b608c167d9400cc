import DQAnalyses
import DQLearning
import DQText
import Foundation

/// How the held-out fit of one cross-fitting fold converges: `dq-bench bow-path CSV [ROWS
/// [TOLERANCE]]` fits fold 1 of 5 to a tight gradient tolerance (default 10⁻⁸, "fully
/// converged"), records log₂ p(y|x) of the held-out fold after every iteration, and prints for
/// each iteration the mean held-out PVI's distance from the converged fit's, the Spearman
/// correlation of per-sample values with it, and the step in the mean: what a stopping rule
/// on the held-out log-loss would have seen. Used to choose `heldOutTolerance`.
func bowPathBenchmark(path: String, rows: Int?, tolerance: Double) throws {
    let (texts, labels, classes) = try readLabelledCSV(path: path, rows: rows)
    let hashing = HashedNGrams()
    let start = Date()
    let matrix = hashing.rows(texts.map { (text: $0, pair: nil) })
    let featureSeconds = Date().timeIntervalSince(start)
    var rng = SplitMix64(seed: 7)
    let groups = labels.map { _ in Int(rng.next() % 5) }
    var options = SoftmaxRegression.Options()
    options.solver.gradientTolerance = tolerance
    options.solver.maxIterations = 5000
    options.solver.relativeDecreaseTolerance = 0
    var path: [[Double]] = []
    let fitStart = Date()
    let fit = SoftmaxRegression.crossFit(
        rows: matrix, labels: labels, groups: groups, jobs: [.init(train: [1, 2, 3, 4], score: 0)], classes: classes,
        dimension: hashing.dimension, options: options, willFit: { _ in },
        observe: { _, _, heldOut in path.append(heldOut.map { $0 / log(2.0) }) })[0]
    let fitSeconds = Date().timeIntervalSince(fitStart)
    let final = path.last!
    let finalRanks = DetectionMetrics.rankNormalised(final)
    let finalMean = final.reduce(0, +) / Double(final.count)
    print("{\"rows\": \(texts.count), \"feature_seconds\": \(featureSeconds), \"fit_seconds\": \(fitSeconds), \"iterations\": \(fit.iterations), \"stop\": \"\(fit.stop.rawValue)\", \"final_mean_log2p\": \(finalMean)}")
    print("iteration  mean-final(bits)  spearman  step(bits)")
    var previous = Double.nan
    for (t, values) in path.enumerated() {
        let mean = values.reduce(0, +) / Double(values.count)
        let rho = pearson(DetectionMetrics.rankNormalised(values), finalRanks)
        if t < 60 || t % 10 == 0 || t == path.count - 1 {
            print(String(format: "%5d  %+.6f  %.6f  %.2e", t + 1, mean - finalMean, rho, abs(mean - previous)))
        }
        previous = mean
    }
    // Where each candidate rule (each of the last `window` steps below `tolerance`) stops.
    let means = path.map { $0.reduce(0, +) / Double($0.count) }
    let moves = path.indices.map { t in
        t == 0 ? Double.infinity : zip(path[t], path[t - 1]).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(path[t].count)
    }
    for tolerance in [1e-2, 3e-3, 1e-3, 3e-4] {
        for window in [1, 3, 5] {
            guard let stop = (window..<moves.count).first(where: { t in ((t - window + 1)...t).allSatisfy { moves[$0] < tolerance } }) else { continue }
            print(String(format: "rule mean|move|<%.0e over %2d iterations: stops at %4d, mean-final %+.6f, spearman %.6f",
                         tolerance, window, stop + 1, means[stop] - finalMean, pearson(DetectionMetrics.rankNormalised(path[stop]), finalRanks)))
        }
    }
    for tolerance in [1e-3, 3e-4, 1e-4, 3e-5, 1e-5] {
        for window in [1, 3, 5, 10] {
            guard let stop = (window..<means.count).first(where: { t in
                ((t - window + 1)...t).allSatisfy { abs(means[$0] - means[$0 - 1]) < tolerance }
            }) else { continue }
            print(String(format: "rule step<%.0e over %2d iterations: stops at %4d, mean-final %+.6f, spearman %.6f",
                         tolerance, window, stop + 1, means[stop] - finalMean, pearson(DetectionMetrics.rankNormalised(path[stop]), finalRanks)))
        }
    }
}

func readLabelledCSV(path: String, rows: Int?) throws -> (texts: [String], labels: [Int], classes: Int) {
    let reader = try LabelledRowReader(path: path, columns: ColumnRequest())
    var texts: [String] = [], names: [String] = []
    while let outcome = try reader.next() {
        if case .accepted(let row) = outcome {
            texts.append(row.text)
            names.append(row.label)
            if let rows, texts.count >= rows { break }
        }
    }
    let classes = Array(Set(names)).sorted()
    let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    return (texts, names.map { index[$0]! }, classes.count)
}

/// Pearson's correlation; of rank-normalised values (`DetectionMetrics.rankNormalised`, ties
/// averaged), Spearman's.
func pearson(_ a: [Double], _ b: [Double]) -> Double {
    let n = Double(a.count)
    let ma = a.reduce(0, +) / n, mb = b.reduce(0, +) / n
    var sab = 0.0, saa = 0.0, sbb = 0.0
    for (x, y) in zip(a, b) {
        sab += (x - ma) * (y - mb)
        saa += (x - ma) * (x - ma)
        sbb += (y - mb) * (y - mb)
    }
    return sab / (saa * sbb).squareRoot()
}
