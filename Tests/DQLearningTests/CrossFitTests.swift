import Foundation
import Testing
@testable import DQLearning
import DQText

/// Random sparse rows over `dimension` features, with labels that depend on them.
private func randomRows(_ n: Int, classes: Int, dimension: Int, seed: UInt64) -> (SparseRows, [Int]) {
    var rng = SplitMix64(seed: seed)
    var rows = SparseRows(), labels: [Int] = []
    for _ in 0..<n {
        let count = 1 + Int(rng.next() % 6)
        let indices = Set((0..<count).map { _ in Int32(rng.next() % UInt64(dimension)) }).sorted()
        rows.append(SparseVector(indices: indices, values: indices.map { _ in Float(rng.nextDouble() * 2 - 1) }))
        labels.append(Int((UInt64(indices[0]) &+ rng.next() % 2) % UInt64(classes)))
    }
    return (rows, labels)
}

/// The objective written out plainly, row by row over dense weights: (1/n) Σ −log softmax(Wx + b)_y + (λ/2)‖W‖².
private func plainObjective(_ theta: [Double], rows: SparseRows, labels: [Int], members: [Int], classes: Int,
                            column: [Int32], lambda: Double) -> Double {
    let width = (theta.count - classes) / classes
    var loss = 0.0
    for i in members {
        var z = Array(theta[(width * classes)...])
        let x = rows[i]
        for (index, value) in zip(x.indices, x.values) {
            let j = Int(column[Int(index)])
            for c in 0..<classes { z[c] += theta[j * classes + c] * Double(value) }
        }
        let m = z.max()!
        let logSum = m + log(z.reduce(0) { $0 + exp($1 - m) })
        loss += logSum - z[labels[i]]
    }
    let penalty = theta[..<(width * classes)].reduce(0) { $0 + $1 * $1 }
    return loss / Double(members.count) + lambda / 2 * penalty
}

@Test(arguments: [2, 3, 4, 5, 9])
func theGroupedObjectiveAndGradientMatchAPlainLoopAndFiniteDifferences(classes: Int) {
    // 3,000 rows: enough for the passes to split between two cores; three groups, training on
    // 0 and 2 and scoring 1. 2, 4 and 8 lanes run SIMD paths (3 and 5 with junk lanes), 9 the plain loops.
    let n = 3000, dimension = 400
    let (rows, labels) = randomRows(n, classes: classes, dimension: dimension, seed: UInt64(classes))
    let groups = (0..<n).map { $0 % 3 }
    let design = Design(rows: rows, labels: labels, groups: groups, dimension: dimension, classes: classes)
    let scratch = GradientScratch(parts: 2, rows: design.n, classes: classes, heldOut: n)
    defer { scratch.release() }
    let context = Design.Context(design: design, train: [0, 2], score: 1)
    var rng = SplitMix64(seed: 99)
    let theta = (0..<(design.width * classes + classes)).map { _ in rng.nextDouble() - 0.5 }
    let lambda = 0.01
    var gradient = [Double](repeating: 0, count: theta.count)
    let value = design.objective(theta, lambda: lambda, context: context, scratch: scratch, gradient: &gradient)
    let members = (0..<n).filter { groups[$0] != 1 }
    let plain = plainObjective(theta, rows: rows, labels: labels, members: members, classes: classes,
                               column: design.columnOfIndex, lambda: lambda)
    #expect(abs(value - plain) < 1e-10 * abs(plain), "\(value) vs \(plain)")
    // Central differences on weights of frequent and rare features and on the bias.
    for k in [0, 1, classes + 1, theta.count / 2, theta.count - classes - 1, theta.count - 1] {
        let h = 1e-5
        var up = theta, down = theta
        up[k] += h
        down[k] -= h
        let numeric = (plainObjective(up, rows: rows, labels: labels, members: members, classes: classes, column: design.columnOfIndex, lambda: lambda)
            - plainObjective(down, rows: rows, labels: labels, members: members, classes: classes, column: design.columnOfIndex, lambda: lambda)) / (2 * h)
        #expect(abs(gradient[k] - numeric) < 1e-7, "coordinate \(k): \(gradient[k]) vs \(numeric)")
    }
    // Preconditioned: θ holds u = W/s per feature; same objective, gradient sⱼ·∂L/∂Wⱼ.
    var scaled = Design.Context(design: design, train: [0, 2], score: 1)
    scaled.precondition(design, lambda: lambda)
    #expect(Set(scaled.scale).count > 1)
    let u = theta.indices.map { $0 < design.width * classes ? theta[$0] / scaled.scale[$0 / classes] : theta[$0] }
    var gradientU = [Double](repeating: 0, count: theta.count)
    let valueU = design.objective(u, lambda: lambda, context: scaled, scratch: scratch, gradient: &gradientU)
    #expect(abs(valueU - plain) < 1e-10 * abs(plain))
    for k in [0, classes + 1, theta.count / 2, theta.count - 1] {
        let s = k < design.width * classes ? scaled.scale[k / classes] : 1
        #expect(abs(gradientU[k] - s * gradient[k]) < 1e-9 * max(1, abs(gradientU[k])), "coordinate \(k)")
    }
    // The scored group's log p(y|x), in its rows' order.
    let model = SoftmaxRegression(classes: classes, columns: design.columnOfIndex, weights: Array(theta[..<(design.width * classes)]),
                                  bias: Array(theta[(design.width * classes)...]))
    for (k, i) in (0..<n).filter({ groups[$0] == 1 }).enumerated().prefix(50) {
        #expect(abs(scratch.heldOut[k] - log(model.probabilities(rows[i])[labels[i]])) < 1e-12)
    }
}

@Test func eachCrossFittedModelIsTheFitOnItsTrainingRowsAlone() {
    let n = 2500, classes = 3, dimension = 300
    let (rows, labels) = randomRows(n, classes: classes, dimension: dimension, seed: 5)
    let groups = (0..<n).map { ($0 * 7) % 4 - ($0 % 50 == 0 ? 4 : 0) }   // four folds, and some rows in none (−1…−4 → unused)
        .map { $0 < 0 ? -1 : $0 }
    var options = SoftmaxRegression.Options()
    options.solver.gradientTolerance = 1e-9
    options.solver.relativeDecreaseTolerance = 0
    let jobs = (0..<4).map { SoftmaxRegression.Job(train: Set(0..<4).subtracting([$0]), score: $0) }
    var started: [Int] = []
    let fits = SoftmaxRegression.crossFit(rows: rows, labels: labels, groups: groups, jobs: jobs, classes: classes, dimension: dimension,
                                          options: options, willFit: { started.append($0) })
    #expect(started == [0, 1, 2, 3])
    for (k, fit) in fits.enumerated() {
        let members = (0..<n).filter { groups[$0] >= 0 && groups[$0] != k }
        let alone = SoftmaxRegression.fit(features: members.map { rows[$0] }, labels: members.map { labels[$0] }, classes: classes,
                                          dimension: dimension, options: options)
        #expect(abs(fit.objective - alone.objective) < 1e-9, "fold \(k)")
        #expect(fit.l2 == 1 / Double(members.count))
        for i in stride(from: k, to: n, by: 97) {
            for (a, b) in zip(fit.model.probabilities(rows[i]), alone.model.probabilities(rows[i])) { #expect(abs(a - b) < 1e-6) }
        }
    }
}

@Test func theHeldOutRuleStopsEarlyAndNearTheConvergedPredictions() {
    let n = 4000, classes = 4, dimension = 2000
    let (rows, labels) = randomRows(n, classes: classes, dimension: dimension, seed: 11)
    let groups = (0..<n).map { $0 % 5 }
    let job = [SoftmaxRegression.Job(train: [1, 2, 3, 4], score: 0)]
    var tight = SoftmaxRegression.Options()
    tight.solver.gradientTolerance = 1e-9
    tight.solver.relativeDecreaseTolerance = 0
    var ruled = tight
    ruled.heldOutTolerance = 1e-3
    var path: [Double] = []
    let converged = SoftmaxRegression.crossFit(rows: rows, labels: labels, groups: groups, jobs: job, classes: classes, dimension: dimension,
                                               options: tight, willFit: { _ in })[0]
    let early = SoftmaxRegression.crossFit(rows: rows, labels: labels, groups: groups, jobs: job, classes: classes, dimension: dimension,
                                           options: ruled, willFit: { _ in },
                                           observe: { _, _, heldOut in path.append(heldOut.reduce(0, +)) })[0]
    #expect(early.stop == .settled && early.iterations < converged.iterations, "\(early.iterations) vs \(converged.iterations)")
    #expect(path.count == early.iterations)
    let scored = (0..<n).filter { groups[$0] == 0 }
    let moved = scored.map { i in abs(log2(early.model.probabilities(rows[i])[labels[i]]) - log2(converged.model.probabilities(rows[i])[labels[i]])) }
    #expect(moved.reduce(0, +) / Double(moved.count) < 0.01)
}

@Test func theHeldOutWatchWantsEveryIterationOfTheWindowCalm() {
    var watch = HeldOutWatch(tolerance: 0.1, window: 2)
    func see(_ values: [Double]) -> Bool {
        values.map { $0 * log(2.0) }.withUnsafeBufferPointer { watch.settled($0) }
    }
    #expect(!see([0, 0]))          // nothing to compare with yet
    #expect(!see([0.05, 0.05]))    // moved 0.05 bits: calm 1
    #expect(!see([0.5, 0.05]))     // moved 0.225 on average: not calm
    #expect(!see([0.5, 0.1]))      // calm 1
    #expect(see([0.45, 0.15]))     // calm 2: settled
    var off = HeldOutWatch(tolerance: nil, window: 1)
    #expect(![0.0].withUnsafeBufferPointer { off.settled($0) } && ![0.0].withUnsafeBufferPointer { off.settled($0) })
}

/// `selectL2` (`--l2 auto`): each job's λ = c/n is chosen on one of its own training groups held
/// out, so the scored group's labels never touch the choice; a weak penalty is chosen where
/// many rows pin a clean signal down, a strong one where the features are noise.
@Test func aChosenPenaltyFollowsTheHeldOutFitAndNeverSeesTheScoredGroup() throws {
    #expect(SoftmaxRegression.L2Selection.validationGroup(.init(train: [1, 2, 3, 4], score: 0), groups: 5) == 1)
    #expect(SoftmaxRegression.L2Selection.validationGroup(.init(train: [0, 1, 2, 3], score: 4), groups: 5) == 0)
    #expect(SoftmaxRegression.L2Selection.validationGroup(.init(train: [0], score: 1), groups: 2) == nil)
    let classes = 3, dimension = 600, n = 5000
    var options = SoftmaxRegression.Options()
    options.heldOutTolerance = 1e-3
    options.selectL2 = true
    let groups = (0..<n).map { $0 % 5 }
    let jobs = (0..<5).map { SoftmaxRegression.Job(train: Set(0..<5).subtracting([$0]), score: $0) }
    // A clean signal: the label is a function of the row's first feature.
    var rng = SplitMix64(seed: 3)
    var clean = SparseRows(), cleanLabels: [Int] = []
    for _ in 0..<n {
        let indices = Set((0..<4).map { _ in Int32(rng.next() % UInt64(dimension)) }).sorted()
        clean.append(SparseVector(indices: indices, values: indices.map { _ in 1 }))
        cleanLabels.append(Int(indices[0]) % classes)
    }
    let sharp = try SoftmaxRegression.crossFit(rows: clean, labels: cleanLabels, groups: groups, jobs: jobs, classes: classes,
                                           dimension: dimension, options: options)
    #expect(sharp.allSatisfy { ($0.selection?.multiplier ?? 1) < 1 }, "\(sharp.map { $0.selection?.multiplier ?? .nan })")
    // Noise: labels that no feature predicts.
    let (noise, _) = randomRows(n, classes: classes, dimension: dimension, seed: 4)
    let noiseLabels = (0..<n).map { _ in Int(rng.next() % UInt64(classes)) }
    let flat = try SoftmaxRegression.crossFit(rows: noise, labels: noiseLabels, groups: groups, jobs: jobs, classes: classes,
                                          dimension: dimension, options: options)
    #expect(flat.allSatisfy { ($0.selection?.multiplier ?? 1) > 1 }, "\(flat.map { $0.selection?.multiplier ?? .nan })")
    for (k, fit) in flat.enumerated() {
        let selection = try #require(fit.selection)
        #expect(selection.validationGroup != k && fit.l2 == selection.multiplier / Double(4 * n / 5))
        // The chosen c has the best held-out log-likelihood of those tried, each c once.
        #expect(selection.path.allSatisfy { $0.logLikelihood <= selection.path.first { $0.c == selection.multiplier }!.logLikelihood })
        #expect(Set(selection.path.map(\.c)).count == selection.path.count)
    }
    // The scored group's labels changed: every job's choice for that group is the same.
    var shuffled = noiseLabels
    for i in 0..<n where groups[i] == 0 { shuffled[i] = (shuffled[i] + 1) % classes }
    let again = try SoftmaxRegression.crossFit(rows: noise, labels: shuffled, groups: groups, jobs: [jobs[0]], classes: classes,
                                           dimension: dimension, options: options)
    #expect(again[0].selection == flat[0].selection)
    // Every job's path starts at c = 4 and walks weaker first.
    #expect((flat + sharp).allSatisfy { $0.selection?.path.first?.c == 4 })
    #expect(sharp.allSatisfy { $0.selection!.path.count >= 2 && $0.selection!.path[1].c == 1 })
    // The choice of job 1 in a run of all five is the choice of job 1 alone: no job's choice
    // leans on another's, whose held-out group may be this one's scored group.
    let alone = try SoftmaxRegression.crossFit(rows: noise, labels: noiseLabels, groups: groups, jobs: [jobs[1]], classes: classes,
                                               dimension: dimension, options: options)
    #expect(alone[0].selection == flat[1].selection)
}

@Test func theLayoutByFeatureIsTheSameFromEveryPartitionOfTheRowsAndEqualsAPlainOne() {
    // 9,000 rows: the readings split between parts; rows of group −1 are in no fit.
    let n = 9000, classes = 3, dimension = 500
    let (rows, labels) = randomRows(n, classes: classes, dimension: dimension, seed: 31)
    let groups = (0..<n).map { $0 % 7 == 6 ? -1 : $0 % 4 }
    let one = Design(rows: rows, labels: labels, groups: groups, dimension: dimension, classes: classes, cores: 1)
    // Written out plainly: design rows group by group in source order; columns by first
    // occurrence in design order; each (column, group) segment in design-row order.
    let order = (0..<4).flatMap { g in (0..<n).filter { groups[$0] == g } }
    var column = [Int32](repeating: -1, count: dimension), width = 0
    for i in order { for index in rows[i].indices where column[Int(index)] < 0 { column[Int(index)] = Int32(width); width += 1 } }
    var segment = [0], rowIndex: [Int32] = [], values: [Float] = []
    for j in 0..<width {
        for g in 0..<4 {
            for (d, i) in order.enumerated() where groups[i] == g {
                let x = rows[i]
                if let e = x.indices.firstIndex(where: { column[Int($0)] == Int32(j) }) {
                    rowIndex.append(Int32(d))
                    values.append(x.values[e])
                }
            }
            segment.append(rowIndex.count)
        }
    }
    #expect(one.columnOfIndex == column && one.width == width && one.segment == segment)
    #expect(one.rowIndex == rowIndex && one.values == values && one.labels == order.map { labels[$0] })
    for cores in [2, 3] {
        let split = Design(rows: rows, labels: labels, groups: groups, dimension: dimension, classes: classes, cores: cores)
        #expect(split.columnOfIndex == one.columnOfIndex && split.segment == one.segment, "\(cores) parts")
        #expect(split.rowIndex == one.rowIndex && split.values == one.values && split.groupRows == one.groupRows, "\(cores) parts")
    }
}

@Test func textsHashedAtEachReadingAreLaidOutAsTheirHeldRows() {
    let hashing = HashedNGrams(dimension: 1 << 12)
    let inputs: [(text: String, pair: String?)] = (0..<6000).map { i in
        (text: "row \(i) says w\(i % 97) and W\(i % 13) ümlaut\(i % 5)", pair: i % 3 == 0 ? "pair \(i % 7)" : nil)
    }
    let labels = (0..<inputs.count).map { $0 % 3 }, groups = (0..<inputs.count).map { $0 % 5 }
    let held = Design(rows: hashing.rows(inputs), labels: labels, groups: groups, dimension: hashing.dimension, classes: 3, cores: 2)
    let rehashed = Design(rows: HashedInputs(hashing, count: inputs.count) { inputs[$0] }, labels: labels, groups: groups,
                          dimension: hashing.dimension, classes: 3, cores: 2)
    #expect(rehashed.columnOfIndex == held.columnOfIndex && rehashed.segment == held.segment)
    #expect(rehashed.rowIndex == held.rowIndex && rehashed.values == held.values)
}

@Test func aNamespaceThatOnlyAddsNoiseIsPenalisedApartFromTheOneThatCarriesTheLabel() throws {
    // Features 0..<300 ("the first text") are noise; 300..<600 ("the second") carry the label.
    let classes = 3, dimension = 600, n = 4000
    var rng = SplitMix64(seed: 12)
    var rows = SparseRows(), labels: [Int] = []
    for _ in 0..<n {
        let signal = Int32(300 + Int(rng.next() % 300))
        let noise = Set((0..<12).map { _ in Int32(rng.next() % 300) }).sorted()
        let indices = noise + [signal]
        rows.append(SparseVector(indices: indices, values: indices.map { _ in 1 }))
        labels.append(rng.nextDouble() < 0.8 ? Int(signal) % classes : Int(rng.next() % UInt64(classes)))
    }
    let namespace = (0..<dimension).map { UInt8($0 < 300 ? 0 : 1) }
    var options = SoftmaxRegression.Options()
    options.heldOutTolerance = 1e-3
    options.selectL2 = true
    let groups = (0..<n).map { $0 % 5 }
    let jobs = (0..<5).map { SoftmaxRegression.Job(train: Set(0..<5).subtracting([$0]), score: $0) }
    var fits: [SoftmaxRegression.Fit] = []
    try SoftmaxRegression.crossFit(GroupedRows(rows: rows, labels: labels, groups: groups, dimension: dimension, classes: classes,
                                               namespaceOfIndex: namespace), jobs: jobs, options: options, willFit: { _ in }) { _, fit in fits.append(fit) }
    for fit in fits {
        let selection = try #require(fit.selection)
        #expect(selection.namespaceFactors.count == 2)
        // The noise gets a stronger penalty than the signal, and the held-out fit of each step taken improved.
        #expect(selection.namespaceFactors[0] > selection.namespaceFactors[1], "\(selection.namespaceFactors)")
        let kept = selection.namespacePath.filter { $0.factors == selection.namespaceFactors }
        #expect(kept.count <= 1 && selection.namespacePath.allSatisfy { $0.logLikelihood <= (kept.first?.logLikelihood ?? .infinity) })
    }
    // Out of sample, the model with namespaces fits the scored folds better than one penalty for all.
    var single: [SoftmaxRegression.Fit] = []
    let shared = GroupedRows(rows: rows, labels: labels, groups: groups, dimension: dimension, classes: classes)
    try SoftmaxRegression.crossFit(shared, jobs: jobs, options: options, willFit: { _ in }) { _, fit in single.append(fit) }
    func heldOut(_ fits: [SoftmaxRegression.Fit]) -> Double {
        (0..<5).reduce(0.0) { sum, k in
            let p = shared.probabilities(fits[k].model, group: k)
            let members = (0..<n).filter { groups[$0] == k }
            return sum + zip(p, members).reduce(0.0) { $0 + log($1.0[labels[$1.1]]) }
        } / Double(n)
    }
    #expect(heldOut(fits) > heldOut(single), "\(heldOut(fits)) vs \(heldOut(single))")
    #expect(single.allSatisfy { $0.selection!.namespaceFactors.isEmpty })
}

@Test func theObjectiveWithANamespacesPenaltiesMatchesAPlainLoopAndFiniteDifferences() {
    // Features below 200 in namespace 0, the rest in 1, penalised at 3λ and λ/2.
    let n = 600, classes = 3, dimension = 400, lambda = 0.02, factors = [3.0, 0.5]
    let (rows, labels) = randomRows(n, classes: classes, dimension: dimension, seed: 44)
    let groups = (0..<n).map { $0 % 3 }
    let namespace = (0..<dimension).map { UInt8($0 < 200 ? 0 : 1) }
    let design = Design(rows: rows, labels: labels, groups: groups, dimension: dimension, classes: classes, namespaceOfIndex: namespace)
    #expect(design.namespaces == 2)
    let scratch = GradientScratch(parts: 2, rows: design.n, classes: classes, heldOut: n)
    defer { scratch.release() }
    var context = Design.Context(design: design, train: [0, 2], score: 1)
    context.factors = factors
    var rng = SplitMix64(seed: 5)
    let theta = (0..<(design.width * classes + classes)).map { _ in rng.nextDouble() - 0.5 }
    let members = (0..<n).filter { groups[$0] != 1 }
    // The plain objective: the loss of `plainObjective` without its penalty, plus (1/2) Σⱼ λⱼ‖Wⱼ‖².
    let indexOfColumn = Dictionary(uniqueKeysWithValues: design.columnOfIndex.enumerated().filter { $0.element >= 0 }.map { (Int($0.element), $0.offset) })
    func plain(_ t: [Double]) -> Double {
        var penalty = 0.0
        for j in 0..<design.width {
            let l = lambda * factors[Int(namespace[indexOfColumn[j]!])]
            for c in 0..<classes { penalty += l * t[j * classes + c] * t[j * classes + c] }
        }
        return plainObjective(t, rows: rows, labels: labels, members: members, classes: classes, column: design.columnOfIndex, lambda: 0) + penalty / 2
    }
    var gradient = [Double](repeating: 0, count: theta.count)
    let value = design.objective(theta, lambda: lambda, context: context, scratch: scratch, gradient: &gradient)
    #expect(abs(value - plain(theta)) < 1e-10 * abs(value), "\(value) vs \(plain(theta))")
    for k in [0, 1, classes * 7 + 2, theta.count / 2, theta.count - classes - 1] {
        var up = theta, down = theta
        up[k] += 1e-5
        down[k] -= 1e-5
        #expect(abs(gradient[k] - (plain(up) - plain(down)) / 2e-5) < 1e-7, "coordinate \(k)")
    }
}

@Test func thePathThatChoosesThePenaltyStopsAtItsOwnLooserTolerance() throws {
    // The same clean problem, its path stopped at 0.02 bits (the default) and at the fit's own 10⁻³.
    let classes = 3, dimension = 600, n = 5000
    var rng = SplitMix64(seed: 3)
    var rows = SparseRows(), labels: [Int] = []
    for _ in 0..<n {
        let indices = Set((0..<4).map { _ in Int32(rng.next() % UInt64(dimension)) }).sorted()
        rows.append(SparseVector(indices: indices, values: indices.map { _ in 1 }))
        labels.append(rng.nextDouble() < 0.9 ? Int(indices[0]) % classes : Int(rng.next() % UInt64(classes)))
    }
    let groups = (0..<n).map { $0 % 5 }, job = SoftmaxRegression.Job(train: [1, 2, 3, 4], score: 0)
    var options = SoftmaxRegression.Options()
    options.heldOutTolerance = 1e-3
    options.selectL2 = true
    let loose = try #require(try SoftmaxRegression.crossFit(rows: rows, labels: labels, groups: groups, jobs: [job], classes: classes,
                                                            dimension: dimension, options: options)[0].selection)
    options.selectionTolerance = 1e-3
    let tight = try #require(try SoftmaxRegression.crossFit(rows: rows, labels: labels, groups: groups, jobs: [job], classes: classes,
                                                            dimension: dimension, options: options)[0].selection)
    #expect(loose.multiplier == tight.multiplier)
    #expect(loose.path.map(\.iterations).reduce(0, +) < tight.path.map(\.iterations).reduce(0, +),
            "\(loose.path.map(\.iterations)) vs \(tight.path.map(\.iterations))")
}
