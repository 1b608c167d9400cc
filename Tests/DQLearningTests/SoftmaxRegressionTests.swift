import Foundation
import Testing
import DQTestSupport
@testable import DQLearning
import DQText

private struct Golden: Decodable {
    struct Fit: Decodable {
        var C: Double
        var l2: Double
        var objective: Double
        var probabilities_first_20: [[Double]]
        var intercept: [Double]
    }
    struct Binary: Decodable {
        var labels: [String]
        /// Positions among the first `rows` questions.
        var rows: [Int]
        var fits: [Fit]
    }
    var rows: Int
    var dimension: Int
    var labels: [String]
    var fits: [Fit]
    var binary: Binary

    static func load(file: String = #filePath) throws -> Golden {
        let url = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Golden/softmax_regression_golden.json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }
}

/// The first `rows` TREC training questions as (text, label) pairs.
private func trec(_ rows: Int) throws -> [(String, String)] {
    let reader = try LabelledRowReader(path: fixture("demo/trec/train.csv"), columns: ColumnRequest())
    var out: [(String, String)] = []
    while out.count < rows, let outcome = try reader.next() {
        if case .accepted(let row) = outcome { out.append((row.text, row.label)) }
    }
    return out
}

@Test func bowFitReachesScikitLearnsOptimum() throws {
    let golden = try Golden.load()
    let rows = try trec(golden.rows)
    let hashing = HashedNGrams(dimension: golden.dimension, maxN: 2)
    let features = rows.map { hashing.features($0.0) }
    let labels = rows.map { golden.labels.firstIndex(of: $0.1)! }
    for reference in golden.fits {
        var options = SoftmaxRegression.Options(l2: reference.l2)
        options.solver.gradientTolerance = 1e-9
        options.solver.relativeDecreaseTolerance = 0
        let fit = SoftmaxRegression.fit(features: features, labels: labels, classes: golden.labels.count,
                                        dimension: golden.dimension, options: options)
        // Same objective, so the same optimum (the problem is strictly convex in W).
        #expect(abs(fit.objective - reference.objective) <= 1e-6 * reference.objective, "C=\(reference.C): \(fit.objective) vs \(reference.objective)")
        for (i, want) in reference.probabilities_first_20.enumerated() {
            let got = fit.model.probabilities(features[i])
            for (a, b) in zip(got, want) { #expect(abs(a - b) < 1e-5, "C=\(reference.C) row \(i)") }
        }
    }
}

/// Two labels: dq's two penalised weight vectors at l2 equal scikit-learn's one vector at
/// C = 2 / (l2 n): the default l2 = 1/n is C = 2 (docs/methods.md). Same objective, same
/// probabilities.
@Test func binaryBowEqualsScikitLearnAtTwiceC() throws {
    let golden = try Golden.load()
    let rows = try trec(golden.rows)
    let hashing = HashedNGrams(dimension: golden.dimension, maxN: 2)
    let features = golden.binary.rows.map { hashing.features(rows[$0].0) }
    let labels = golden.binary.rows.map { golden.binary.labels.firstIndex(of: rows[$0].1)! }
    #expect(golden.binary.fits.first.map { abs($0.l2 - 1 / Double(features.count)) < 1e-15 } == true, "C = 2 is dq's default λ = 1/n")
    for reference in golden.binary.fits {
        var options = SoftmaxRegression.Options(l2: reference.l2)
        options.solver.gradientTolerance = 1e-9
        options.solver.relativeDecreaseTolerance = 0
        let fit = SoftmaxRegression.fit(features: features, labels: labels, classes: 2, dimension: golden.dimension, options: options)
        #expect(abs(fit.objective - reference.objective) <= 1e-6 * reference.objective, "C=\(reference.C): \(fit.objective) vs \(reference.objective)")
        for (i, want) in reference.probabilities_first_20.enumerated() {
            let got = fit.model.probabilities(features[i])
            for (a, b) in zip(got, want) { #expect(abs(a - b) < 1e-5, "C=\(reference.C) row \(i)") }
        }
    }
}

@Test func theNullModelOfBowIsTheLabelPrior() {
    // Empty inputs: only the bias is free, and its optimum is the label frequencies.
    let labels = [0, 0, 0, 1, 2, 2]
    let fit = SoftmaxRegression.fit(features: Array(repeating: SparseVector(), count: labels.count), labels: labels,
                                    classes: 3, dimension: 16)
    let p = fit.model.probabilities(SparseVector())
    #expect(abs(p[0] - 0.5) < 1e-6 && abs(p[1] - 1.0 / 6) < 1e-6 && abs(p[2] - 1.0 / 3) < 1e-6)
}

@Test func lbfgsMinimisesTheRosenbrockFunction() {
    // f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1).
    let result = LBFGS().minimize(start: [-1.2, 1]) { v, g in
        let (x, y) = (v[0], v[1])
        g[0] = -2 * (1 - x) - 400 * x * (y - x * x)
        g[1] = 200 * (y - x * x)
        return (1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)
    }
    #expect(abs(result.x[0] - 1) < 1e-5 && abs(result.x[1] - 1) < 1e-5)
    #expect(result.stop == .gradient || result.stop == .decrease)
}

@Test func theCompactLBFGSDirectionEqualsTheTwoLoopRecursion() {
    // Pairs from a convex quadratic f(x) = ½ xᵀAx with A diagonal, so every sᵀy > 0.
    let n = 70_000, memory = 4
    var rng = SplitMix64(seed: 8)
    let diagonal = (0..<n).map { _ in 0.5 + rng.nextDouble() }
    let history = CompactLBFGSHistory(size: n, memory: memory)
    var steps: [[Double]] = [], changes: [[Double]] = []
    var x = (0..<n).map { _ in rng.nextDouble() - 0.5 }
    var scratch = [Double](repeating: 0, count: n)
    for step in 0..<6 {
        let xNew = x.map { $0 + 0.1 * (rng.nextDouble() - 0.5) }
        let g = zip(diagonal, x).map { $0 * $1 }, gNew = zip(diagonal, xNew).map { $0 * $1 }
        // As L-BFGS calls it: a direction from g, then the pair (x → xNew, g → gNew); every
        // other step without the direction, which exercises the direct products too.
        if step % 2 == 0 { history.direction(gradient: g, into: &scratch) }
        history.add(x: x, xNew: xNew, g: g, gNew: gNew)
        // The history stores its pairs in Float32; the reference uses the same rounded values.
        steps.append(zip(xNew, x).map { Double(Float($0 - $1)) }); changes.append(zip(gNew, g).map { Double(Float($0 - $1)) })
        if steps.count > memory { steps.removeFirst(); changes.removeFirst() }
        x = xNew
    }
    let g = (0..<n).map { _ in rng.nextDouble() - 0.5 }
    // Two-loop recursion (Nocedal & Wright, Alg. 7.4), written out independently.
    var q = g
    var alphas = [Double](repeating: 0, count: steps.count)
    func dotProduct(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
    for j in stride(from: steps.count - 1, through: 0, by: -1) {
        alphas[j] = dotProduct(steps[j], q) / dotProduct(steps[j], changes[j])
        for i in 0..<n { q[i] -= alphas[j] * changes[j][i] }
    }
    let gamma = dotProduct(steps.last!, changes.last!) / dotProduct(changes.last!, changes.last!)
    var r = q.map { $0 * gamma }
    for j in 0..<steps.count {
        let beta = dotProduct(changes[j], r) / dotProduct(steps[j], changes[j])
        for i in 0..<n { r[i] += (alphas[j] - beta) * steps[j][i] }
    }
    var d = [Double](repeating: 0, count: n)
    let slope = history.direction(gradient: g, into: &d)
    let worst = zip(d, r).map { abs($0 + $1) }.max()!
    // The slope comes back from the same pass: gᵀd = −gᵀHg.
    #expect(abs(slope + dotProduct(g, r)) < 1e-9 * abs(slope), "slope \(slope)")
    #expect(history.count == memory)
    #expect(worst < 1e-10, "largest difference \(worst)")

    // Reusing the products computed by `add` gives the same direction as computing them anew.
    let xNew = x.map { $0 + 0.05 }
    let gOld = zip(diagonal, x).map { $0 * $1 }, gNew = zip(diagonal, xNew).map { $0 * $1 }
    history.direction(gradient: gOld, into: &scratch)
    history.add(x: x, xNew: xNew, g: gOld, gNew: gNew)
    var reused = [Double](repeating: 0, count: n), fresh = reused
    history.direction(gradient: gNew, into: &reused, afterAdd: true)
    history.direction(gradient: gNew, into: &fresh)
    #expect(zip(reused, fresh).map { abs($0 - $1) }.max()! < 1e-10)
}

@Test func blockedStepsAndMagnitudesEqualPlainLoops() {
    var rng = SplitMix64(seed: 21)
    // Short vectors run on one thread, long ones on every core; odd lengths leave SIMD tails.
    for n in [5, 70_003] {
        let x = (0..<n).map { _ in rng.nextDouble() - 0.5 }, d = (0..<n).map { _ in rng.nextDouble() - 0.5 }
        var out = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xp in d.withUnsafeBufferPointer { dp in out.withUnsafeMutableBufferPointer {
            Blocked.step(from: xp.baseAddress!, by: 0.25, along: dp.baseAddress!, into: $0.baseAddress!, count: n)
        } } }
        #expect(out == zip(x, d).map { $0 + 0.25 * $1 })
        for spot in [0, n / 2, n - 1] {
            var v = x
            v[spot] = -3
            #expect(v.withUnsafeBufferPointer { Blocked.largestMagnitude($0.baseAddress!, count: n).largest } == 3)
            v[spot] = .infinity
            #expect(v.withUnsafeBufferPointer { Blocked.largestMagnitude($0.baseAddress!, count: n).largest }.isNaN)
        }
        let plainDot = zip(x, d).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(abs(dot(x, d) - plainDot) < 1e-9)
        let fused = x.withUnsafeBufferPointer { xp in d.withUnsafeBufferPointer { dp in
            Blocked.largestMagnitude(xp.baseAddress!, dotWith: dp.baseAddress!, count: n)
        } }
        #expect(fused.largest == x.map(abs).max()! && abs(fused.dot - plainDot) < 1e-9)
    }
}

@Test func aNonFiniteGradientStopsLBFGSInsteadOfSearching() {
    let result = LBFGS().minimize(start: [1, 2]) { x, g in
        g[0] = .nan
        g[1] = .nan
        return x[0] * x[0]
    }
    #expect(result.stop == .lineSearch && result.iterations == 0)
}

@Test func theObjectivesFeatureSharesHoldEqualWorkAndEveryFeatureOnce() {
    // Feature 0 is in every one of 100 documents, features 1…99 in one each: by count the
    // first of two halves would hold 149 of the 199 nonzeros.
    let n = 100
    var rows = SparseRows()
    for i in 0..<n {
        let indices: [Int32] = i == 0 ? [0] : [0, Int32(i)]
        rows.append(SparseVector(indices: indices, values: [Float](repeating: 1, count: indices.count)))
    }
    let design = Design(rows: rows, labels: [Int](repeating: 0, count: n), groups: [Int](repeating: 0, count: n), dimension: n, classes: 2)
    for parts in [1, 2, 3] {
        let shares = design.featureShares(parts)
        #expect(shares.count == parts && shares.first?.lowerBound == 0 && shares.last?.upperBound == n)
        #expect(zip(shares, shares.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        // Work = nonzeros + 1 per feature: 199 + 100 in all; no share is more than one feature's work off its part.
        let work = shares.map { share in share.reduce(0) { $0 + (design.columnStart($1 + 1) - design.columnStart($1)) + 1 } }
        #expect(work.reduce(0, +) == 299)
        #expect(work.allSatisfy { abs($0 - 299 / parts) <= 101 }, "\(work)")
    }
    // Two parts: feature 0 (101 units of work) alone is about a third, so the first share ends early.
    #expect(design.featureShares(2)[0].count < 50)
}

@Test func aFullHistoryReusesItsOldestPairAndLosesItWhenTheNewPairIsSkipped() {
    // Quadratic pairs (every sᵀy > 0), more than the history holds, then one with sᵀy < 0.
    let n = 1000, memory = 3
    var rng = SplitMix64(seed: 5)
    let diagonal = (0..<n).map { _ in 0.5 + rng.nextDouble() }
    let history = CompactLBFGSHistory(size: n, memory: memory)
    var pairs: [(x: [Double], xNew: [Double])] = []
    var x = (0..<n).map { _ in rng.nextDouble() - 0.5 }
    func gradient(_ v: [Double]) -> [Double] { zip(diagonal, v).map { $0 * $1 } }
    for _ in 0..<5 {
        let xNew = x.map { $0 + 0.1 * (rng.nextDouble() - 0.5) }
        history.add(x: x, xNew: xNew, g: gradient(x), gNew: gradient(xNew))
        pairs.append((x, xNew))
        x = xNew
    }
    #expect(history.count == memory)
    // A step along which the gradient falls: sᵀy < 0, so the pair is skipped; its values were
    // written over the oldest pair's buffers, and that pair goes with it.
    let xNew = x.map { $0 + 0.1 }
    history.add(x: x, xNew: xNew, g: x.map { _ in 1.0 }, gNew: x.map { _ in -1.0 })
    #expect(history.count == memory - 1)
    // What is left is exactly the two newest pairs: the same direction as a history given only them.
    let reference = CompactLBFGSHistory(size: n, memory: memory)
    for pair in pairs.suffix(2) { reference.add(x: pair.x, xNew: pair.xNew, g: gradient(pair.x), gNew: gradient(pair.xNew)) }
    let g = (0..<n).map { _ in rng.nextDouble() - 0.5 }
    var left = [Double](repeating: 0, count: n), expected = left
    history.direction(gradient: g, into: &left)
    reference.direction(gradient: g, into: &expected)
    #expect(zip(left, expected).map { abs($0 - $1) }.max()! < 1e-12)
    // The next accepted pair fills the history again, from the skipped pair's buffers.
    history.add(x: x, xNew: xNew, g: gradient(x), gNew: gradient(xNew))
    #expect(history.count == memory)
}

@Test func lbfgsKeepsFewerPairsOnlyWhenTenWouldPassItsBound() {
    let solver = LBFGS()
    #expect(solver.pairs(variables: 1000) == 10)
    #expect(solver.pairs(variables: 2_300_000) == 10)
    #expect(solver.pairs(variables: 4 << 20) == 5)  // bow's weights at a million rows
    #expect(solver.pairs(variables: 1 << 30) == 3)
}
