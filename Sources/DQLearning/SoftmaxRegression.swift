import Dispatch
import DQText
import Foundation

/// Multinomial logistic regression on sparse features: the `bow` model family.
///
///     p(y | x) = softmax(W·x + b)_y
///
/// fitted by minimising the mean negative log-likelihood plus an L2 penalty on W (not b):
///
///     L(W, b) = (1/n) Σᵢ −log p(yᵢ | xᵢ) + (λ/2) ‖W‖²
///
/// with L-BFGS, in diagonally rescaled weights (`Options.precondition`: same optimum, far
/// fewer iterations), to convergence or, when cross-fitting, until the held-out predictions
/// settle (`Options.heldOutTolerance`). This is scikit-learn's `LogisticRegression(penalty="l2",
/// C=1/(λ·n), solver="lbfgs")` objective (its multinomial loss over all classes, intercept not
/// penalised); the default λ = 1/n is its default C = 1. Features that no row has get no
/// weights, so memory follows the features seen (a feature seen only in held-out rows keeps
/// weight 0: its gradient is λ·0).
///
/// The null-input model of the family is this model fitted on empty feature vectors: then only
/// b is free and the optimum is softmax(b) = the training label frequencies.
package struct SoftmaxRegression: Sendable {
    package let classes: Int
    /// Column of each hashed feature index in `weights`, or −1 for features no row had.
    let columns: [Int32]
    /// Feature-major weights: the weight of column j for class c is `weights[j · classes + c]`.
    let weights: [Double]
    package let bias: [Double]

    package struct Options: Sendable {
        /// λ; nil means 1/n, or, with `selectL2`, chosen per fit.
        package var l2: Double?
        /// With `l2` nil: `crossFit` chooses λ for each fit on held-out data (`L2Selection`).
        package var selectL2 = false
        package var solver = LBFGS()
        /// The held-out stopping rule of `crossFit`, in bits: stop once the watched rows' log₂
        /// p(y|x) have moved by less than this on average (mean absolute change per row) in each
        /// of the last `heldOutWindow` iterations. nil: solve to the solver's own tolerances.
        /// PVI needs about a thousandth of a bit; see docs/methods.md for how 10⁻³ over 5
        /// iterations was chosen.
        package var heldOutTolerance: Double?
        package var heldOutWindow = 5
        /// The held-out rule's tolerance, in bits, for the fits of `selectL2`'s path, which only
        /// rank the c's: held-out fits of adjacent c's differ by more. 0.02 bits cut `--l2 auto`'s
        /// time by 26–61% and moved no V-information by more than 0.001 bits (docs/methods.md).
        /// The fit that scores is stopped at `heldOutTolerance`.
        package var selectionTolerance = 0.02
        /// Solve in rescaled weights uⱼ = Wⱼ/sⱼ, sⱼ = 1/√(λ + ¼·mean of feature j's squared
        /// values over the training rows): a diagonal estimate of the Hessian, so frequent and
        /// rare features move on one scale. The optimum is the same; only the path differs.
        package var precondition = true

        package init(l2: Double? = nil) {
            self.l2 = l2
        }
    }

    package struct Fit: Sendable {
        package var model: SoftmaxRegression
        /// The objective at the solution.
        package var objective: Double
        package var iterations: Int
        /// Objective evaluations (one per iteration, more when the line search backtracks).
        package var evaluations: Int
        package var stop: LBFGS.Stop
        package var l2: Double
        /// How λ was chosen, when `Options.selectL2` chose it.
        package var selection: L2Selection?
    }

    /// λ chosen per fit (`Options.selectL2`): λ = c/n over c = 4ᵏ, by the mean log-likelihood of
    /// one training group held out from a fit on the rest. The path starts at c = 4 and walks
    /// towards weaker penalties while they help, each fit warm-started from the last (a strong
    /// penalty's fit is quick, and a weaker one started from it needs few iterations; a weak one
    /// started from zero needed up to 180); when c = 4 is the best, it walks on towards stronger
    /// ones. The fit itself then starts from the held-out fit at the chosen c.
    package struct L2Selection: Sendable, Equatable {
        package static let step = 4.0
        /// Weaker penalties than 1/64 were tried on AG News: the held-out fit hardly moved, and
        /// each fit took four times the iterations (docs/methods.md).
        package static let range = (1.0 / 64)...256.0
        /// How far one namespace's penalty may move from the others': 4⁷ is enough to leave a
        /// text's features near zero weight.
        package static let namespaceRange = (1.0 / 64)...16384.0
        /// The chosen c (λ = c/n of the fit's training rows).
        package var multiplier: Double
        /// With feature namespaces (a text pair's two texts), each namespace's penalty as a
        /// multiple of λ, chosen after c: [first text, second text]; empty without namespaces.
        package var namespaceFactors: [Double] = []
        package var validationGroup: Int
        /// Each c tried, its held-out mean natural log-likelihood and its fit's iterations, in the order tried.
        package var path: [(c: Double, logLikelihood: Double, iterations: Int)]
        /// Then each namespace factors tried at the chosen c, likewise.
        package var namespacePath: [(factors: [Double], logLikelihood: Double, iterations: Int)] = []

        /// The training group held out to choose λ: the one after the scored group (cyclically),
        /// so every fold's held-out group differs; nil when the job trains on one group.
        static func validationGroup(_ job: Job, groups: Int) -> Int? {
            guard job.train.count >= 2 else { return nil }
            let scored = job.score ?? -1
            return (1...groups).lazy.map { (scored + $0) % groups }.first { job.train.contains($0) }
        }

        package static func == (a: L2Selection, b: L2Selection) -> Bool {
            a.multiplier == b.multiplier && a.namespaceFactors == b.namespaceFactors && a.validationGroup == b.validationGroup
                && a.path.count == b.path.count && a.namespacePath.map(\.factors) == b.namespacePath.map(\.factors)
                && zip(a.path, b.path).allSatisfy { $0.c == $1.c && $0.logLikelihood == $1.logLikelihood }
        }
    }

    /// Fits the model to `features` (vectors over `dimension` hashed indices) with labels in `0..<classes`.
    package static func fit(features: [SparseVector], labels: [Int], classes: Int, dimension: Int,
                           options: Options = Options()) -> Fit {
        fit(rows: SparseRows(features), labels: labels, classes: classes, dimension: dimension, options: options)
    }

    /// Fits the model to every row of `rows`.
    package static func fit(rows: SparseRows, labels: [Int], classes: Int, dimension: Int, options: Options = Options()) -> Fit {
        let job = Job(train: [0], score: nil)
        return crossFit(rows: rows, labels: labels, groups: [Int](repeating: 0, count: rows.count), jobs: [job],
                        classes: classes, dimension: dimension, options: options, willFit: { _ in }, observe: nil)[0]
    }

    /// One fit of `crossFit`: trained on the rows of the `train` groups; the rows of the `score`
    /// group are the held-out rows its stopping rule watches (`Options.heldOutTolerance`).
    package struct Job: Sendable, Equatable {
        package var train: Set<Int>
        package var score: Int?

        package init(train: Set<Int>, score: Int?) {
            self.train = train
            self.score = score
        }
    }

    /// Fits one model per job over one shared by-feature copy of `rows`: the rows are numbered by
    /// `groups` (a group per row, −1 for rows no job uses), and a job trains on some groups and
    /// may watch another. This is cross-fitting's shape: group k is fold k, job k trains on the
    /// other folds and watches fold k.
    package static func crossFit(
        rows: SparseRows, labels: [Int], groups: [Int], jobs: [Job], classes: Int, dimension: Int,
        options: Options = Options(), willFit: (Int) throws -> Void = { _ in },
        observe: ((_ job: Int, _ iteration: Int, _ heldOut: UnsafeBufferPointer<Double>) -> Void)? = nil
    ) rethrows -> [Fit] {
        var fits: [Fit] = []
        try crossFit(GroupedRows(rows: rows, labels: labels, groups: groups, dimension: dimension, classes: classes), jobs: jobs,
                     options: options, willFit: willFit, interrupt: {}, observe: observe) { _, fit in fits.append(fit) }
        return fits
    }

    /// `crossFit` over rows already laid out, handing each job's fit to `didFit` as it is made
    /// (so that no more than one model need be held at a time). `willFit(job)` is called before
    /// each fit and may throw to stop (Ctrl-C), as may `interrupt()` after every iteration.
    /// `observe(job, iteration, log p(y|x) of the watched rows)` sees each iteration's held-out fit.
    package static func crossFit(
        _ data: GroupedRows, jobs: [Job], options: Options = Options(), willFit: (Int) throws -> Void,
        interrupt: () throws -> Void = {},
        observe: ((_ job: Int, _ iteration: Int, _ heldOut: UnsafeBufferPointer<Double>) -> Void)? = nil,
        didFit: (Int, Fit) throws -> Void
    ) rethrows {
        let design = data.design, classes = design.classes
        let scratch = GradientScratch(parts: design.n >= 2048 ? max(1, Threading.cores) : 1, rows: design.n, classes: classes,
                                      heldOut: design.groupRows.map(\.count).max() ?? 0)
        defer { scratch.release() }
        let split = design.width * classes
        /// One minimisation: trained on the `train` groups at `lambda`, from zero or from `warm`
        /// (natural weights and biases of an earlier solution), stopped by the held-out rule on
        /// `score`. Returns the natural weights and biases.
        func solve(train: Set<Int>, score: Int?, lambda: Double, factors: [Double] = [], from warm: [Double]?, observing number: Int?,
                   tolerance: Double? = options.heldOutTolerance) throws
            -> (x: [Double], result: LBFGS.Result) {
            var context = Design.Context(design: design, train: train,
                                         score: options.heldOutTolerance == nil && (observe == nil || number == nil) ? nil : score)
            context.factors = factors
            if options.precondition { context.precondition(design, lambda: lambda) }
            var start = [Double](repeating: 0, count: split + classes)
            if let warm {
                for k in 0..<split { start[k] = warm[k] / context.scale[k / classes] }
                for c in 0..<classes { start[split + c] = warm[split + c] }
            }
            var watch = HeldOutWatch(tolerance: tolerance, window: options.heldOutWindow)
            let result = try options.solver.minimize(start: consume start, evaluate: { theta, gradient in
                design.objective(theta, lambda: lambda, context: context, scratch: scratch, gradient: &gradient)
            }, settled: { iteration in
                try interrupt()
                guard let group = context.score else { return false }
                let heldOut = UnsafeBufferPointer(rebasing: scratch.heldOut[0..<design.groupRows[group].count])
                if let number { observe?(number, iteration, heldOut) }
                return watch.settled(heldOut)
            })
            var x = result.x
            for k in 0..<split { x[k] *= context.scale[k / classes] }
            return (x, result)
        }
        func model(_ x: [Double]) -> SoftmaxRegression {
            SoftmaxRegression(classes: classes, columns: design.columnOfIndex, weights: Array(x[..<split]), bias: Array(x[split...]))
        }
        for (number, job) in jobs.enumerated() {
            try willFit(number)
            let trainCount = job.train.filter { $0 >= 0 && $0 < design.groups }.reduce(0) { $0 + design.groupRows[$1].count }
            var lambda = options.l2 ?? 1 / Double(max(trainCount, 1))
            var warm: [Double]?
            var selection: L2Selection?
            if options.l2 == nil, options.selectL2, let validation = L2Selection.validationGroup(job, groups: design.groups) {
                // λ = c/n: c chosen by the log-likelihood of one training group held out, fitted on
                // the others along a warm-started path, so the scored group never chooses the λ
                // that scores it. Every job's path starts at the same c: a start taken from the job
                // before would carry that job's validation group, this job's scored one, into it.
                let inner = job.train.subtracting([validation])
                let innerCount = inner.reduce(0) { $0 + design.groupRows[$1].count }
                var path: [(c: Double, logLikelihood: Double, iterations: Int)] = []
                var namespacePath: [(factors: [Double], logLikelihood: Double, iterations: Int)] = []
                var best: (c: Double, logLikelihood: Double, x: [Double])?
                func attempt(_ c: Double, factors: [Double] = [], from start: [Double]?) throws -> (logLikelihood: Double, x: [Double]) {
                    let (x, fitted) = try solve(train: inner, score: validation, lambda: c / Double(max(innerCount, 1)), factors: factors,
                                                from: start, observing: nil,
                                                tolerance: options.heldOutTolerance.map { max($0, options.selectionTolerance) })
                    let p = data.probabilities(model(x), group: validation)
                    let rows = design.groupRows[validation]
                    var sum = 0.0
                    for (k, d) in rows.enumerated() { sum += log(max(p[k][design.labels[d]], .leastNormalMagnitude)) }
                    let logLikelihood = sum / Double(max(rows.count, 1))
                    if factors.isEmpty { path.append((c, logLikelihood, fitted.iterations)) } else { namespacePath.append((factors, logLikelihood, fitted.iterations)) }
                    if best == nil || logLikelihood > best!.logLikelihood { best = (c, logLikelihood, x) }
                    return (logLikelihood, x)
                }
                // Strong to weak, where warm starts are cheap: from c = 4 towards weaker penalties
                // while the held-out fit improves; only if c = 4 is the best, on towards stronger ones.
                let first = L2Selection.step
                var last = try attempt(first, from: nil)
                var c = first / L2Selection.step
                while L2Selection.range.contains(c) {
                    let next = try attempt(c, from: last.x)
                    guard next.logLikelihood > last.logLikelihood else { break }
                    (last, c) = (next, c / L2Selection.step)
                }
                if best!.c == first {  // then `last` is still the first fit
                    c = first * L2Selection.step
                    while L2Selection.range.contains(c) {
                        let next = try attempt(c, from: last.x)
                        guard next.logLikelihood > last.logLikelihood else { break }
                        (last, c) = (next, c * L2Selection.step)
                    }
                }
                // With namespaces (a pair's two texts), each namespace in turn: a stronger penalty on
                // it (×4 at a time) while the held-out fit improves, else a weaker one. The pair
                // family can then come near ignoring a text that only adds noise, as one
                // penalty for all features cannot (docs/methods.md).
                var factors = [Double](repeating: 1, count: design.namespaces)
                if design.namespaces > 1 {
                    let c = best!.c
                    var current = (logLikelihood: best!.logLikelihood, x: best!.x)
                    for space in 0..<design.namespaces {
                        for step in [L2Selection.step, 1 / L2Selection.step] {
                            var moved = false
                            while true {
                                var next = factors
                                next[space] *= step
                                guard next[space] <= L2Selection.namespaceRange.upperBound, c * next[space] >= L2Selection.range.lowerBound else { break }
                                let tried = try attempt(c, factors: next, from: current.x)
                                guard tried.logLikelihood > current.logLikelihood else { break }
                                (factors, current, moved) = (next, tried, true)
                            }
                            if moved { break }
                        }
                    }
                    best = (c, current.logLikelihood, current.x)
                }
                lambda = best!.c / Double(max(trainCount, 1))
                warm = best!.x
                selection = L2Selection(multiplier: best!.c, namespaceFactors: design.namespaces > 1 ? factors : [],
                                        validationGroup: validation, path: path, namespacePath: namespacePath)
            }
            let (x, result) = try solve(train: job.train, score: job.score, lambda: lambda, factors: selection?.namespaceFactors ?? [],
                                        from: warm, observing: number)
            try didFit(number, Fit(model: model(x), objective: result.value, iterations: result.iterations, evaluations: result.evaluations,
                                   stop: result.stop, l2: lambda, selection: selection))
        }
    }

    /// W·x + b.
    package func logits(_ x: SparseVector) -> [Double] {
        var z = bias
        for (index, value) in zip(x.indices, x.values) where Int(index) < columns.count {
            let column = Int(columns[Int(index)])
            guard column >= 0 else { continue }
            for c in 0..<classes { z[c] += weights[column * classes + c] * Double(value) }
        }
        return z
    }

    /// p(· | x).
    package func probabilities(_ x: SparseVector) -> [Double] {
        Softmax.softmax(logits(x))
    }
}

/// Labelled rows laid out by feature and grouped (by cross-fitting fold) for
/// `SoftmaxRegression.crossFit`: made once, shared by every fit. The source rows are not
/// needed afterwards.
package struct GroupedRows: Sendable {
    let design: Design

    /// `groups` gives each row's group, −1 for rows no fit uses.
    /// `namespaceOfIndex` (0, 1, … per hashed index) gives features penalty namespaces whose
    /// strengths `Options.selectL2` chooses apart (`L2Selection.namespaceFactors`).
    package init(rows: some SparseRowSource, labels: [Int], groups: [Int], dimension: Int, classes: Int, namespaceOfIndex: [UInt8]? = nil) {
        precondition(rows.count == labels.count && rows.count == groups.count && classes >= 2)
        design = Design(rows: rows, labels: labels, groups: groups, dimension: dimension, classes: classes, namespaceOfIndex: namespaceOfIndex)
    }

    /// p(· | x) under `model` (fitted on these rows) of the rows of `group`, in their order.
    package func probabilities(_ model: SoftmaxRegression, group: Int) -> [[Double]] {
        let classes = design.classes, range = design.groupRows[group]
        var z = [Double](repeating: 0, count: range.count * classes)
        for j in 0..<design.width {
            let w = j * classes
            for e in design.segment[j * design.groups + group]..<design.segment[j * design.groups + group + 1] {
                let d = (Int(design.rowIndex[e]) - range.lowerBound) * classes
                let v = Double(design.values[e])
                for c in 0..<classes { z[d + c] += model.weights[w + c] * v }
            }
        }
        return (0..<range.count).map { d in
            Softmax.softmax((0..<classes).map { z[d * classes + $0] + model.bias[$0] })
        }
    }
}

/// The rows by feature (compressed sparse columns), and the objective over them.
///
/// Both passes run feature by feature: the forward pass adds W[j]·v to the scores of the
/// documents that have feature j, and the backward pass gathers ∇W[j] = Σ v·(p − y) from them.
/// So the weights and their gradient (tens of megabytes) stream through memory once, in order,
/// and the random accesses fall on the n × classes scores, which stay in cache. (Going document
/// by document instead reads and scatters W at random: three times slower at 2²⁰ features.)
/// The cores split the features; each writes only its own part of the gradient.
///
/// The rows are numbered group by group (cross-fitting's folds), so each feature's entries fall
/// into one segment per group: a fit trains on some groups' segments and scores another's,
/// and all fits share this one copy.
struct Design: @unchecked Sendable {
    var n: Int
    var classes: Int
    var width: Int
    var groups: Int
    /// Feature j's entries in group g: `segment[j·groups + g] ..< segment[j·groups + g + 1]`.
    var segment: [Int]
    var rowIndex: [Int32]
    /// The feature values, kept in Float as `SparseVector` holds them (exact), which halves
    /// their share of each pass's memory traffic.
    var values: [Float]
    /// Per design row.
    var labels: [Int]
    /// The design rows of each group (contiguous).
    var groupRows: [Range<Int>]
    /// The column of each hashed feature index, or −1 for features no row has.
    var columnOfIndex: [Int32]
    /// Each column's penalty namespace (`Context.factors`), when the rows have more than one.
    var columnNamespace: [UInt8] = []
    var namespaces: Int { columnNamespace.isEmpty ? 1 : Int(columnNamespace.max()!) + 1 }

    func columnStart(_ j: Int) -> Int { segment[j * groups] }

    /// Lays `rows` out by feature in two readings, each split between the cores by contiguous
    /// ranges of source rows: the first counts each (hashed index, group)'s entries and finds where
    /// each index first occurs in design order, the second writes the entries at their places.
    /// Within a (feature, group) segment, rows come in source order, which is their design order,
    /// so the layout is the same however the rows are split.
    init(rows: some SparseRowSource, labels sourceLabels: [Int], groups sourceGroups: [Int], dimension: Int, classes: Int,
         namespaceOfIndex: [UInt8]? = nil, cores: Int = Threading.cores) {
        self.classes = classes
        let groupCount = max((sourceGroups.max() ?? -1) + 1, 1)
        self.groups = groupCount
        // Design rows: the source rows of group 0, then group 1, … (stable).
        var counts = [Int](repeating: 0, count: groupCount)
        for g in sourceGroups where g >= 0 { counts[g] += 1 }
        var groupRows: [Range<Int>] = []
        var first = 0
        for c in counts {
            groupRows.append(first..<(first + c))
            first += c
        }
        self.groupRows = groupRows
        n = first
        precondition(n < Int(Int32.max), "more rows than Int32 row numbers hold")
        var designRow = [Int32](repeating: -1, count: sourceGroups.count)
        var labels = [Int](repeating: 0, count: n)
        var next = groupRows.map(\.lowerBound)
        for (i, g) in sourceGroups.enumerated() where g >= 0 {
            designRow[i] = Int32(next[g])
            labels[next[g]] = sourceLabels[i]
            next[g] += 1
        }
        self.labels = labels
        let placeOf = designRow
        let parts = rows.count >= 4096 ? max(1, cores) : 1
        let bounds = (0...parts).map { rows.count * $0 / parts }
        // First reading: per part, each (index, group)'s entries and each index's first design row.
        let tallies = ConcurrentSlots<(entries: [Int32], first: [Int32])>(count: parts)
        ForkJoin.perform(iterations: parts) { part in
            var entries = [Int32](repeating: 0, count: dimension * groupCount)
            var first = [Int32](repeating: .max, count: dimension)
            rows.forEachRow(in: bounds[part]..<bounds[part + 1]) { i, indices, _ in
                let d = placeOf[i], g = sourceGroups[i]
                guard d >= 0 else { return }
                for index in indices {
                    let x = Int(index)
                    entries[x * groupCount + g] += 1
                    if d < first[x] { first[x] = d }
                }
            }
            tallies.store(part, (entries, first))
        }
        var tallied = (0..<parts).map { tallies.take($0) }
        // Columns by first occurrence in design order (within a row, by index, as rows hold them).
        var firstRow = tallied[0].first
        for part in tallied.dropFirst() {
            for x in 0..<dimension where part.first[x] < firstRow[x] { firstRow[x] = part.first[x] }
        }
        for p in tallied.indices { tallied[p].first = [] }
        var seen = (0..<dimension).filter { firstRow[$0] != .max }
        seen.sort { (firstRow[$0], $0) < (firstRow[$1], $1) }
        firstRow = []
        width = seen.count
        var columnOf = [Int32](repeating: -1, count: dimension)
        for (column, index) in seen.enumerated() { columnOf[index] = Int32(column) }
        columnOfIndex = columnOf
        if let namespaceOfIndex { columnNamespace = seen.map { namespaceOfIndex[$0] } }
        let column = columnOf
        // Segments in column order; each part writes its entries of a segment after those of the parts before it.
        var segment = [Int](repeating: 0, count: width * groupCount + 1)
        let cursors = ConcurrentSlots<[Int]>(count: parts)
        let segments = seen.count * groupCount
        var starts = (0..<parts).map { _ in [Int](repeating: 0, count: segments) }
        for (column, index) in seen.enumerated() {
            for g in 0..<groupCount {
                let k = column * groupCount + g
                var at = segment[k]
                for p in 0..<parts {
                    starts[p][k] = at
                    at += Int(tallied[p].entries[index * groupCount + g])
                }
                segment[k + 1] = at
            }
        }
        tallied = []
        seen = []
        for p in (0..<parts).reversed() { cursors.store(p, starts.removeLast()) }
        let total = segment[width * groupCount]
        // Second reading: every entry to its place.
        var values: [Float] = []
        rowIndex = [Int32](unsafeUninitializedCapacity: total) { rowBuffer, rowCount in
            values = [Float](unsafeUninitializedCapacity: total) { valueBuffer, valueCount in
                let out = LayoutBuffers(rows: rowBuffer, values: valueBuffer)
                ForkJoin.perform(iterations: parts) { part in
                    var cursor = cursors.take(part)
                    rows.forEachRow(in: bounds[part]..<bounds[part + 1]) { i, indices, entryValues in
                        let d = placeOf[i], g = sourceGroups[i]
                        guard d >= 0 else { return }
                        for e in 0..<indices.count {
                            let k = Int(column[Int(indices[e])]) * groupCount + g
                            out.rows[cursor[k]] = d
                            out.values[cursor[k]] = entryValues[e]
                            cursor[k] += 1
                        }
                    }
                }
                valueCount = total
            }
            rowCount = total
        }
        self.segment = segment
        self.values = values
    }

    /// The layout's arrays while the parts write their disjoint places.
    private struct LayoutBuffers: @unchecked Sendable {
        let rows: UnsafeMutableBufferPointer<Int32>
        let values: UnsafeMutableBufferPointer<Float>
    }

    /// Each part's features: contiguous ranges of about equal work, counted as the feature's
    /// nonzeros plus one for its own weights. (Equal numbers of features would not do: columns
    /// are numbered by first occurrence, so the frequent features crowd the first part, which
    /// then took most of every pass while the other core waited.)
    func featureShares(_ parts: Int) -> [Range<Int>] {
        let total = columnStart(width) + width
        var bounds = [0]
        for part in 1..<max(parts, 1) {
            let target = total * part / parts
            // The first j with columnStart(j) + j ≥ target (the cost is increasing in j).
            var low = bounds[bounds.count - 1], high = width
            while low < high {
                let mid = (low + high) / 2
                if columnStart(mid) + mid < target { low = mid + 1 } else { high = mid }
            }
            bounds.append(low)
        }
        bounds.append(width)
        return (0..<max(parts, 1)).map { bounds[$0]..<bounds[$0 + 1] }
    }

    /// Which groups one evaluation trains on, and which it scores for the held-out watch.
    struct Context {
        /// Runs of consecutive groups whose segments the forward pass reads (training groups
        /// and the scored one), and those the backward pass reads (training groups).
        var forward: [Range<Int>]
        var backward: [Range<Int>]
        var score: Int?
        var trainRows: [Range<Int>]
        var trainCount: Int
        /// sⱼ of each feature: θ holds uⱼ = Wⱼ/sⱼ (all 1 without preconditioning).
        var scale: [Double]
        /// Each namespace's penalty as a multiple of λ: feature j's is λ·factors[namespace(j)]
        /// (`Design.columnNamespace`); empty: λ for every feature.
        var factors: [Double] = []

        /// Feature j's multiple of λ.
        func factor(_ design: Design, _ j: Int) -> Double {
            factors.isEmpty || design.columnNamespace.isEmpty ? 1 : factors[Int(design.columnNamespace[j])]
        }

        init(design: Design, train: Set<Int>, score: Int?) {
            self.score = score
            let valid = train.filter { $0 >= 0 && $0 < design.groups }
            backward = Context.runs(valid)
            forward = Context.runs(valid.union(score.map { [$0] } ?? []))
            trainRows = backward.map { design.groupRows[$0.lowerBound].lowerBound..<design.groupRows[$0.upperBound - 1].upperBound }
            trainCount = trainRows.reduce(0) { $0 + $1.count }
            scale = [Double](repeating: 1, count: design.width)
        }

        /// Sets sⱼ = 1/√(λ + ¼·mean of feature j's squared values over the training rows)
        /// (`SoftmaxRegression.Options.precondition`); without λ > 0 the scale stays 1.
        mutating func precondition(_ design: Design, lambda: Double) {
            guard lambda > 0 else { return }
            let n = Double(max(trainCount, 1))
            for j in 0..<design.width {
                var squares = 0.0
                for run in backward {
                    for e in design.segment[j * design.groups + run.lowerBound]..<design.segment[j * design.groups + run.upperBound] {
                        let v = Double(design.values[e])
                        squares += v * v
                    }
                }
                scale[j] = 1 / (lambda * factor(design, j) + 0.25 * squares / n).squareRoot()
            }
        }

        static func runs(_ groups: Set<Int>) -> [Range<Int>] {
            var out: [Range<Int>] = []
            for g in groups.sorted() {
                if let last = out.last, last.upperBound == g { out[out.count - 1] = last.lowerBound..<(g + 1) } else { out.append(g..<(g + 1)) }
            }
            return out
        }
    }

    /// L(θ) over the training rows of `context`, and ∇L(θ), θ = [W (feature-major), b].
    /// ∂/∂z_c of −log p(y|x) is p_c − [c = y]. The scored group's log p(y|x) go to
    /// `scratch.heldOut`.
    func objective(_ theta: [Double], lambda: Double, context: Context, scratch: GradientScratch, gradient: inout [Double]) -> Double {
        let parts = scratch.parts, classes = self.classes, groups = self.groups, stride = scratch.stride
        let shares = featureShares(parts)
        let bOffset = width * classes
        let data = UncheckedSendable(self)
        let forward = context.forward, backward = context.backward
        // Scores: each part adds its features' contributions into its own n × classes buffer.
        theta.withUnsafeBufferPointer { wb in context.scale.withUnsafeBufferPointer { sb in
            let w = UncheckedSendable(wb.baseAddress!), scales = UncheckedSendable(sb.baseAddress!)
            ForkJoin.perform(iterations: parts) { part in
                let z = scratch.scores(part)
                z.update(repeating: 0)
                data.value.segment.withUnsafeBufferPointer { segments in
                data.value.rowIndex.withUnsafeBufferPointer { rows in
                data.value.values.withUnsafeBufferPointer { vals in
                    let pass = Pass(segments: segments.baseAddress!, rows: rows.baseAddress!, values: vals.baseAddress!,
                                    scales: scales.value, groups: groups, classes: classes, stride: stride)
                    switch stride {
                    case 2: pass.forward(SIMD2<Double>.self, features: shares[part], runs: forward, w: w.value, z: z.baseAddress!)
                    case 4: pass.forward(SIMD4<Double>.self, features: shares[part], runs: forward, w: w.value, z: z.baseAddress!)
                    case 8: pass.forward(SIMD8<Double>.self, features: shares[part], runs: forward, w: w.value, z: z.baseAddress!)
                    default: pass.forward(features: shares[part], runs: forward, w: w.value, z: z.baseAddress!)
                    }
                } } }
            }
        } }
        // Softmax per document: loss, and the residual p − onehot(y) in the first buffer.
        let z = scratch.scores(0)
        var loss = 0.0
        var biasGradient = [Double](repeating: 0, count: classes)
        theta.withUnsafeBufferPointer { t in
            func softmax(_ d: Int) -> UnsafeMutablePointer<Double> {
                let row = z.baseAddress! + d * stride
                for part in 1..<parts {
                    let other = scratch.scores(part).baseAddress! + d * stride
                    for c in 0..<classes { row[c] += other[c] }
                }
                var maximum = -Double.infinity
                for c in 0..<classes {
                    row[c] += t[bOffset + c]
                    maximum = max(maximum, row[c])
                }
                var sum = 0.0
                for c in 0..<classes {
                    row[c] = exp(row[c] - maximum)
                    sum += row[c]
                }
                let inverse = 1 / sum
                for c in 0..<classes { row[c] *= inverse }
                return row
            }
            for range in context.trainRows {
                for d in range {
                    let row = softmax(d)
                    let y = labels[d]
                    loss -= log(row[y])
                    row[y] -= 1
                    for c in 0..<classes { biasGradient[c] += row[c] }
                }
            }
            if let group = context.score {
                let first = groupRows[group].lowerBound
                for d in groupRows[group] {
                    scratch.heldOut[d - first] = log(softmax(d)[labels[d]])
                }
            }
        }
        // ∇W, feature by feature, each part writing its own features; and ‖W‖².
        let scale = 1 / Double(context.trainCount)
        let factors = context.factors
        theta.withUnsafeBufferPointer { wb in context.scale.withUnsafeBufferPointer { sb in
            gradient.withUnsafeMutableBufferPointer { gb in
                let pointers = UncheckedSendable((wb.baseAddress!, gb.baseAddress!, UnsafePointer(z.baseAddress!), sb.baseAddress!))
                ForkJoin.perform(iterations: parts) { part in
                    let (w, g, r, scales) = pointers.value
                    var penalty = 0.0
                    data.value.segment.withUnsafeBufferPointer { segments in
                    data.value.rowIndex.withUnsafeBufferPointer { rows in
                    data.value.values.withUnsafeBufferPointer { vals in
                        let pass = Pass(segments: segments.baseAddress!, rows: rows.baseAddress!, values: vals.baseAddress!,
                                        scales: scales, groups: groups, classes: classes, stride: stride)
                        switch stride {
                        case 2: pass.backward(SIMD2<Double>.self, features: shares[part], runs: backward, residuals: r, into: g)
                        case 4: pass.backward(SIMD4<Double>.self, features: shares[part], runs: backward, residuals: r, into: g)
                        case 8: pass.backward(SIMD8<Double>.self, features: shares[part], runs: backward, residuals: r, into: g)
                        default: pass.backward(features: shares[part], runs: backward, residuals: r, into: g)
                        }
                        // In u = W/s: ∂/∂uⱼ = sⱼ·∂/∂Wⱼ, and (λ/2)‖W‖² = (λ/2) Σ sⱼ²‖uⱼ‖²; with
                        // namespaces, feature j's λ is λ·factors[namespace(j)].
                        data.value.columnNamespace.withUnsafeBufferPointer { namespace in
                            let namespaced = !factors.isEmpty && !namespace.isEmpty
                            for j in shares[part] {
                                let gj = g + j * classes, wj = w + j * classes
                                let sj = scales[j], weight = namespaced ? sj * sj * factors[Int(namespace[j])] : sj * sj
                                for c in 0..<classes {
                                    gj[c] = gj[c] * sj * scale + lambda * weight * wj[c]
                                    penalty += weight * wj[c] * wj[c]
                                }
                            }
                        }
                    } } }
                    scratch.losses[part] = penalty
                }
            }
        } }
        var penalty = 0.0
        for part in 0..<parts { penalty += scratch.losses[part] }
        for c in 0..<classes { gradient[bOffset + c] = biasGradient[c] * scale }
        return loss * scale + lambda / 2 * penalty
    }
}

/// The inner loops of the objective's two passes over one part's features, with each row's
/// scores as one SIMD vector `V` of `stride` lanes (the lanes past `classes` carry junk that is
/// never read), or lane by lane when there are more than 8 classes.
struct Pass {
    let segments: UnsafePointer<Int>
    let rows: UnsafePointer<Int32>
    let values: UnsafePointer<Float>
    /// sⱼ: the pass reads uⱼ and uses Wⱼ = sⱼ·uⱼ.
    let scales: UnsafePointer<Double>
    let groups: Int
    let classes: Int
    let stride: Int

    /// z[row] += W[j]·v over the entries of `features` in the groups of `runs`. W[j] is loaded as
    /// `stride` values, so it may take the next feature's first weights (or the bias, after the
    /// last feature) into the junk lanes.
    @inline(__always)
    func forward<V: SIMD>(_: V.Type, features: Range<Int>, runs: [Range<Int>], w: UnsafePointer<Double>, z: UnsafeMutablePointer<Double>)
        where V.Scalar == Double {
        let raw = UnsafeMutableRawPointer(z)
        for j in features {
            let wj = UnsafeRawPointer(w + j * classes).loadUnaligned(as: V.self) * V(repeating: scales[j])
            for run in runs {
                for e in segments[j * groups + run.lowerBound]..<segments[j * groups + run.upperBound] {
                    let offset = Int(rows[e]) * stride * MemoryLayout<Double>.stride
                    let zd = raw.loadUnaligned(fromByteOffset: offset, as: V.self)
                    raw.storeBytes(of: zd + wj * V(repeating: Double(values[e])), toByteOffset: offset, as: V.self)
                }
            }
        }
    }

    func forward(features: Range<Int>, runs: [Range<Int>], w: UnsafePointer<Double>, z: UnsafeMutablePointer<Double>) {
        for j in features {
            let wj = w + j * classes, sj = scales[j]
            for run in runs {
                for e in segments[j * groups + run.lowerBound]..<segments[j * groups + run.upperBound] {
                    let zd = z + Int(rows[e]) * stride
                    let v = Double(values[e]) * sj
                    for c in 0..<classes { zd[c] += wj[c] * v }
                }
            }
        }
    }

    /// g[j] = Σ v·r[row] over the entries of `features` in the groups of `runs` (the first
    /// `classes` lanes only are written).
    @inline(__always)
    func backward<V: SIMD>(_: V.Type, features: Range<Int>, runs: [Range<Int>], residuals r: UnsafePointer<Double>,
                           into g: UnsafeMutablePointer<Double>) where V.Scalar == Double {
        let raw = UnsafeRawPointer(r)
        for j in features {
            var sum = V()
            for run in runs {
                for e in segments[j * groups + run.lowerBound]..<segments[j * groups + run.upperBound] {
                    let rd = raw.loadUnaligned(fromByteOffset: Int(rows[e]) * stride * MemoryLayout<Double>.stride, as: V.self)
                    sum += rd * V(repeating: Double(values[e]))
                }
            }
            let gj = g + j * classes
            for c in 0..<classes { gj[c] = sum[c] }
        }
    }

    func backward(features: Range<Int>, runs: [Range<Int>], residuals r: UnsafePointer<Double>, into g: UnsafeMutablePointer<Double>) {
        for j in features {
            let gj = g + j * classes
            for c in 0..<classes { gj[c] = 0 }
            for run in runs {
                for e in segments[j * groups + run.lowerBound]..<segments[j * groups + run.upperBound] {
                    let rd = r + Int(rows[e]) * stride
                    let v = Double(values[e])
                    for c in 0..<classes { gj[c] += rd[c] * v }
                }
            }
        }
    }
}

/// The held-out stopping rule (`SoftmaxRegression.Options.heldOutTolerance`): each watched
/// row's log₂ p(y|x) after each iteration, and whether they have settled. The rule looks only
/// at how far the values move, never at how good they are, so it cannot pick an iterate for
/// scoring well on the held-out rows.
struct HeldOutWatch {
    var tolerance: Double?
    var window: Int
    private var previous: [Double] = []
    private var calm = 0

    init(tolerance: Double?, window: Int) {
        self.tolerance = tolerance
        self.window = max(window, 1)
    }

    /// Records this iteration's held-out natural-log likelihoods; true once the mean absolute
    /// change per row has stayed below the tolerance (in bits) for `window` iterations running.
    mutating func settled(_ heldOut: UnsafeBufferPointer<Double>) -> Bool {
        guard let tolerance, !heldOut.isEmpty else { return false }
        defer { previous = Array(heldOut) }
        guard previous.count == heldOut.count else { return false }
        var moved = 0.0
        for i in 0..<heldOut.count { moved += abs(heldOut[i] - previous[i]) }
        moved /= Double(heldOut.count) * log(2.0)
        calm = moved < tolerance ? calm + 1 : 0
        return calm >= window
    }
}

/// Per-thread score buffers (n × classes) and partial sums, reused across evaluations.
final class GradientScratch: @unchecked Sendable {
    let parts: Int
    /// Each row's scores start `stride` values after the previous row's: the classes rounded
    /// up to a vector width (2, 4 or 8 lanes) when that is at most 8, so that one vector holds them.
    let stride: Int
    let size: Int
    let losses: UnsafeMutableBufferPointer<Double>
    /// log p(y|x) of the scored group's rows at the last evaluation.
    let heldOut: UnsafeMutableBufferPointer<Double>
    private let buffer: UnsafeMutableBufferPointer<Double>

    init(parts: Int, rows: Int, classes: Int, heldOut: Int = 0) {
        self.parts = parts
        stride = classes <= 2 ? 2 : classes <= 4 ? 4 : classes <= 8 ? 8 : classes
        size = rows * stride
        losses = .allocate(capacity: parts)
        self.heldOut = .allocate(capacity: max(heldOut, 1))
        buffer = .allocate(capacity: parts * size)
    }

    func scores(_ part: Int) -> UnsafeMutableBufferPointer<Double> {
        UnsafeMutableBufferPointer(rebasing: buffer[(part * size)..<((part + 1) * size)])
    }

    func release() {
        losses.deallocate()
        heldOut.deallocate()
        buffer.deallocate()
    }
}
