/// Confident learning (Northcutt, Jiang & Chuang, "Confident Learning: Estimating Uncertainty in
/// Dataset Labels", JAIR 2021), step for step as cleanlab 2.x implements `find_label_issues` for
/// multi-class data (cleanlab/filter.py, cleanlab/count.py), so that both flag the same samples.
///
/// With n samples, K labels, given labels s and out-of-sample probabilities p̂:
/// - per-label thresholds t_k = mean of p̂_k over the samples labelled k (2 for an absent label),
///   clipped below at 2·10⁻⁶;
/// - a sample is confidently of label j when p̂_j ≥ t_j − 10⁻⁶; with several such labels, the
///   arg-max of p̂; the confident joint C[i][j] counts samples given i and confidently j; its
///   diagonal is clipped below at 1;
/// - calibration: each row of C is rescaled to the count of label i, the whole to n, and rounded
///   keeping row totals (cleanlab's `round_preserving_row_totals`);
/// - `pruneByNoiseRate`: for every off-diagonal C[k][j], the C[k][j] samples labelled k with the
///   largest margin p̂_j − p̂_k; `pruneByClass`: in each label k, the n_k − C[k][k] samples with the
///   smallest p̂_k; `both`: flagged by the two; `confidentLearning`: the off-diagonal samples of C;
///   a label with at most `minExamplesPerClass` samples is not pruned;
/// - last, samples whose arg-max (with p̂ of the given label raised by 10⁻⁶) is the given label are
///   never flagged.
///
/// Ties are broken by sample order (numpy's quicksort leaves them unspecified), the one place
/// where dq and cleanlab can differ: only for exactly equal probabilities.
package enum ConfidentLearning {
    package enum Filter: String, CaseIterable, Sendable, Codable {
        case pruneByNoiseRate = "prune_by_noise_rate"
        case pruneByClass = "prune_by_class"
        case both
        case confidentLearning = "confident_learning"

        /// Whether the filter ranks margins p̂_k − p̂_j (a third pass over the probabilities).
        var usesMargins: Bool { self == .pruneByNoiseRate || self == .both }
    }

    /// How flagged samples are ordered: by p̂ of the given label (`selfConfidence`), or by
    /// (p̂_given − max_{k ≠ given} p̂_k + 1) / 2 (`normalizedMargin`); lowest first.
    package enum RankBy: String, CaseIterable, Sendable, Codable {
        case selfConfidence = "self_confidence"
        case normalizedMargin = "normalized_margin"
    }

    /// Out-of-sample probabilities, n rows of K, read in blocks of whole rows, once per pass.
    package protocol ProbabilityRows {
        var count: Int { get }
        var classes: Int { get }
        /// Calls `body` with each block's first row and its values, row-major, in row order.
        func forEachBlock(_ body: (Int, UnsafeBufferPointer<Double>) throws -> Void) throws
        /// Whether the values are float32 widened to double: cleanlab then computes in float32,
        /// and so does dq (thresholds, the 10⁻⁶ tolerances, margins).
        var singlePrecision: Bool { get }
    }

    /// Given labels (0..<K) and row-major n × K probabilities.
    package struct Input: Sendable, ProbabilityRows {
        package var labels: [Int]
        package var probabilities: [Double]
        package var classes: Int

        package init(labels: [Int], probabilities: [Double], classes: Int) {
            precondition(probabilities.count == labels.count * classes)
            self.labels = labels
            self.probabilities = probabilities
            self.classes = classes
        }

        package var count: Int { labels.count }
        package var singlePrecision: Bool { false }
        func p(_ i: Int, _ k: Int) -> Double { probabilities[i * classes + k] }

        package func forEachBlock(_ body: (Int, UnsafeBufferPointer<Double>) throws -> Void) throws {
            try probabilities.withUnsafeBufferPointer { try body(0, $0) }
        }

        /// First index of the largest probability of row i (numpy's argmax).
        package func argmax(_ i: Int) -> Int {
            probabilities.withUnsafeBufferPointer { ConfidentLearning.argmax($0, row: i * classes, classes: classes) }
        }

        package var labelCounts: [Int] {
            var counts = [Int](repeating: 0, count: classes)
            for label in labels { counts[label] += 1 }
            return counts
        }
    }

    package struct Result: Sendable {
        /// Whether each sample is flagged.
        package var isIssue: [Bool]
        /// Flagged samples, lowest quality first.
        package var ranked: [Int]
        /// Every sample's label quality (the `RankBy` score).
        package var quality: [Double]
        /// The calibrated confident joint C[given][true].
        package var confidentJoint: [[Int]]
        /// P(given = i | true = j): the calibrated joint normalised by column.
        package var noiseMatrix: [[Double]]
        /// cleanlab's `num_label_issues` (its default `off_diagonal` estimate): the samples off
        /// the confident joint's diagonal whose model prediction is not the given label, the
        /// same count as `filter_by="confident_learning"` flags, whatever `filter` was used.
        package var estimatedIssues: Int
        package var count: Int { isIssue.count }
        /// Each sample's most probable label (numpy's arg-max: the first of equals).
        package var suggested: [Int]
        /// cleanlab's `overall_label_health_score`: 1 − estimatedIssues / n.
        package var health: Double { count > 0 ? 1 - Double(estimatedIssues) / Double(count) : 1 }
    }

    /// Per-label thresholds t_k.
    package static func thresholds(_ input: Input) -> [Double] {
        thresholds(selfConfidence: (0..<input.count).map { input.p($0, input.labels[$0]) }, labels: input.labels, classes: input.classes,
                   single: false)
    }

    /// t_k as numpy computes cleanlab's `np.mean(pred_probs[:, k][labels == k])`: a pairwise
    /// sum over the label's samples in order, divided by their count, in the array's precision;
    /// 2 for an absent label; clipped below at 2·10⁻⁶.
    static func thresholds(selfConfidence: [Double], labels: [Int], classes: Int, single: Bool) -> [Double] {
        var members = [[Double]](repeating: [], count: classes)
        for (i, label) in labels.enumerated() { members[label].append(selfConfidence[i]) }
        return members.map { values in
            guard !values.isEmpty else { return 2 }
            if single {
                let floats = values.map { Float($0) }
                return Double(max(floats.withUnsafeBufferPointer(pairwiseSum) / Float(floats.count), Float(2e-6)))
            }
            return max(values.withUnsafeBufferPointer(pairwiseSum) / Double(values.count), 2e-6)
        }
    }

    /// numpy's pairwise summation (`pairwise_sum` in loops_utils.h): below 8 values in order;
    /// up to 128 in eight interleaved partial sums combined as a tree; above, the two halves
    /// (the first a multiple of 8 long) summed apart.
    static func pairwiseSum<T: BinaryFloatingPoint>(_ a: UnsafeBufferPointer<T>) -> T {
        let n = a.count
        if n < 8 {
            var sum: T = 0
            for x in a { sum += x }
            return sum
        }
        if n <= 128 {
            var r = Array(a[0..<8])
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += a[i + j] }
                i += 8
            }
            var sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                sum += a[i]
                i += 1
            }
            return sum
        }
        var half = n / 2
        half -= half % 8
        return pairwiseSum(UnsafeBufferPointer(rebasing: a[0..<half])) + pairwiseSum(UnsafeBufferPointer(rebasing: a[half...]))
    }

    /// p̂ ≥ t − 10⁻⁶ as cleanlab tests it: the subtraction in the array's precision.
    static func cutoffs(_ thresholds: [Double], single: Bool) -> [Double] {
        thresholds.map { single ? Double(Float($0) - Float(1e-6)) : $0 - 1e-6 }
    }

    /// The confident joint C[given][true] (calibrated or not) and the samples off its diagonal.
    package static func confidentJoint(_ input: Input, calibrate: Bool) -> (joint: [[Int]], offDiagonal: [Int]) {
        var tally = JointTally(cutoffs: cutoffs(thresholds(input), single: false), classes: input.classes)
        input.probabilities.withUnsafeBufferPointer { tally.add(rows: $0, first: 0, labels: input.labels) }
        let joint = tally.finished()
        return (calibrate ? calibrated(joint, labelCounts: input.labelCounts) : joint, tally.offDiagonal)
    }

    /// Counts the confident joint a block of rows at a time.
    struct JointTally {
        let cutoffs: [Double]
        let classes: Int
        var joint: [[Int]]
        var offDiagonal: [Int] = []

        init(cutoffs: [Double], classes: Int) {
            (self.cutoffs, self.classes) = (cutoffs, classes)
            joint = [[Int]](repeating: [Int](repeating: 0, count: classes), count: classes)
        }

        mutating func add(rows p: UnsafeBufferPointer<Double>, first: Int, labels: [Int]) {
            let K = classes
            for r in 0..<(p.count / K) {
                let row = r * K
                var confident = 0
                var guess = -1
                for k in 0..<K where p[row + k] >= cutoffs[k] {
                    confident += 1
                    if guess < 0 { guess = k }
                }
                guard confident > 0 else { continue }
                if confident > 1 { guess = ConfidentLearning.argmax(p, row: row, classes: K) }
                let given = labels[first + r]
                joint[given][guess] += 1
                if guess != given { offDiagonal.append(first + r) }
            }
        }

        func finished() -> [[Int]] {
            var out = joint
            for k in 0..<classes { out[k][k] = max(out[k][k], 1) }
            return out
        }
    }

    /// First index of the largest value of a row (numpy's argmax), with the value at `label` replaced.
    static func argmax(_ p: UnsafeBufferPointer<Double>, row: Int, classes: Int, replacing label: Int = -1, with replacement: Double = 0) -> Int {
        var best = 0
        var bestValue = label == 0 ? replacement : p[row]
        for k in 1..<classes {
            let value = label == k ? replacement : p[row + k]
            if value > bestValue { best = k; bestValue = value }
        }
        return best
    }

    /// Rescales each row of `joint` to its label's count and the whole to n, then rounds each
    /// row keeping its total.
    static func calibrated(_ joint: [[Int]], labelCounts: [Int]) -> [[Int]] {
        let n = Double(labelCounts.reduce(0, +))
        var rows = joint.enumerated().map { i, row -> [Double] in
            let total = max(Double(row.reduce(0, +)), 1e-100)
            return row.map { Double($0) / total * Double(labelCounts[i]) }
        }
        // numpy's np.sum of the whole matrix: one pairwise sum over it in row-major order.
        let flat = rows.flatMap { $0 }
        let sum = max(flat.withUnsafeBufferPointer(pairwiseSum), 1e-100)
        rows = rows.map { $0.map { $0 / sum * n } }
        return rows.map(roundPreservingSum)
    }

    /// Rounds to integers keeping the rounded total (cleanlab's `round_preserving_sum`): the
    /// entries with the largest rounding loss are moved up (or the largest gain down) first.
    static func roundPreservingSum(_ values: [Double]) -> [Int] {
        func sum(_ a: [Double]) -> Double { a.withUnsafeBufferPointer(pairwiseSum) }
        var ints = values.map { $0.rounded(.toNearestOrEven) }
        let target = sum(values).rounded(.toNearestOrEven)
        var total = sum(ints).rounded(.toNearestOrEven)
        while abs(total - target) > 1e-6 {
            let diff = (target - total).rounded(.toNearestOrEven)
            let increment: Double = diff < 0 ? -1 : 1
            let changes = min(Int(abs(diff)), values.count)
            var order = values.indices.sorted { a, b in
                let da = values[a] - ints[a], db = values[b] - ints[b]
                return da < db || (da == db && a < b)
            }
            if increment > 0 { order.reverse() }
            for i in order.prefix(changes) { ints[i] += increment }
            total = sum(ints).rounded(.toNearestOrEven)
        }
        return ints.map { Int($0) }
    }

    /// How many samples to prune per (true j, given k): cleanlab's `_keep_at_least_n_per_class`
    /// on the transposed joint, which raises each diagonal entry to at least `n` and takes the
    /// rise evenly from the column's other non-zero entries (truncated to integers).
    static func pruneCounts(_ joint: [[Int]], keepAtLeast n: Int) -> [[Int]] {
        let K = joint.count
        var out = [[Int]](repeating: [Int](repeating: 0, count: K), count: K)
        for k in 0..<K {
            // Column k of the transposed joint is row k of the joint.
            let diagonal = Double(joint[k][k])
            let raised = max(diagonal, Double(n))
            let nonZero = joint[k].count { $0 != 0 }
            let share = (raised - diagonal) / max(Double(nonZero) - 1, 1)
            for j in 0..<K {
                out[j][k] = Int(j == k ? raised : max(Double(joint[k][j]) - share, 0))
            }
        }
        return out
    }

    /// Every sample's label quality, higher = likelier correct.
    package static func quality(_ input: Input, rankBy: RankBy) -> [Double] {
        (0..<input.count).map { i in
            let given = input.labels[i]
            let selfConfidence = input.p(i, given)
            guard rankBy == .normalizedMargin else { return selfConfidence }
            var other = -Double.infinity
            for k in 0..<input.classes where k != given { other = max(other, input.p(i, k)) }
            return (selfConfidence - other + 1) / 2
        }
    }

    /// Finds label issues as cleanlab's `find_label_issues(labels, pred_probs, filter_by:,
    /// min_examples_per_class:)` does, with frac_noise = 1 and no per-class quotas.
    package static func findLabelIssues(_ input: Input, filter: Filter = .pruneByNoiseRate, rankBy: RankBy = .selfConfidence,
                                       minExamplesPerClass: Int = 1) -> Result {
        // An in-memory input is one block; nothing it does can throw.
        try! findLabelIssues(rows: input, labels: input.labels, filter: filter, rankBy: rankBy, minExamplesPerClass: minExamplesPerClass)
    }

    /// Confident learning on probabilities read in blocks of rows, in at most three passes
    /// (sums for the thresholds; the confident joint; for the noise-rate filters, the largest
    /// margins), keeping O(n + K²) numbers: never the n × K probabilities. Identical to the
    /// in-memory result, which is this with one block.
    package static func findLabelIssues<Rows: ProbabilityRows>(rows source: Rows, labels: [Int], filter: Filter = .pruneByNoiseRate,
                                                              rankBy: RankBy = .selfConfidence, minExamplesPerClass: Int = 1,
                                                              progress: (String) throws -> Void = { _ in }) throws -> Result {
        let K = source.classes
        let n = labels.count
        precondition(K >= 2 && source.count == n)
        var counts = [Int](repeating: 0, count: K)
        for label in labels { counts[label] += 1 }

        // Arithmetic in the array's precision, as numpy does it for cleanlab.
        let single = source.singlePrecision
        func plus(_ a: Double, _ b: Double) -> Double { single ? Double(Float(a) + Float(b)) : a + b }
        func minus(_ a: Double, _ b: Double) -> Double { single ? Double(Float(a) - Float(b)) : a - b }
        func half(_ a: Double) -> Double { single ? Double(Float(a) / 2) : a / 2 }

        // Pass 1: each sample's self-confidence, quality, arg-max and whether it predicts its label.
        try progress("pass 1 of \(filter.usesMargins ? 3 : 2): label thresholds")
        var selfConfidence = [Double](repeating: 0, count: n)
        var quality = [Double](repeating: 0, count: n)
        var suggested = [Int](repeating: 0, count: n)
        var predictsGiven = [Bool](repeating: false, count: n)
        try source.forEachBlock { first, p in
            for r in 0..<(p.count / K) {
                let i = first + r, row = r * K, given = labels[i]
                let confidence = p[row + given]
                selfConfidence[i] = confidence
                suggested[i] = argmax(p, row: row, classes: K)
                // cleanlab's _reduce_issues: the given label's p̂ raised by 10⁻⁶ still wins.
                predictsGiven[i] = argmax(p, row: row, classes: K, replacing: given, with: plus(confidence, 1e-6)) == given
                if rankBy == .normalizedMargin {
                    var other = -Double.infinity
                    for k in 0..<K where k != given { other = max(other, p[row + k]) }
                    quality[i] = half(plus(minus(confidence, other), 1))
                } else {
                    quality[i] = confidence
                }
            }
        }

        // Pass 2: the confident joint.
        try progress("pass 2 of \(filter.usesMargins ? 3 : 2): the confident joint")
        let t = thresholds(selfConfidence: selfConfidence, labels: labels, classes: K, single: single)
        var tally = JointTally(cutoffs: cutoffs(t, single: single), classes: K)
        try source.forEachBlock { first, p in tally.add(rows: p, first: first, labels: labels) }
        let joint = calibrated(tally.finished(), labelCounts: counts)
        let prune = pruneCounts(joint, keepAtLeast: minExamplesPerClass)
        let prunable = (0..<K).map { counts[$0] > max(minExamplesPerClass, 1) }

        func pruneByClass() -> [Bool] {
            var members = [[Int]](repeating: [], count: K)
            for i in 0..<n where prunable[labels[i]] { members[labels[i]].append(i) }
            var mask = [Bool](repeating: false, count: n)
            for k in 0..<K where prunable[k] {
                let issues = counts[k] - prune[k][k]
                guard issues >= 1 else { continue }
                for i in lowest(issues, of: members[k], by: { selfConfidence[$0] }) { mask[i] = true }
            }
            return mask
        }
        // Pass 3: for every (true j, given k) to prune, the prune[j][k] samples labelled k with
        // the smallest p̂_k − p̂_j, ties by sample order, kept in a bounded heap each.
        func pruneByNoiseRate() throws -> [Bool] {
            try progress("pass 3 of 3: the largest margins")
            // Per given label k: the labels j to prune towards, and their heaps' places in `heaps`.
            var targets = [[(j: Int, heap: Int)]](repeating: [], count: K)
            var heaps: [BoundedHeap] = []
            for k in 0..<K where prunable[k] {
                for j in 0..<K where j != k && prune[j][k] > 0 {
                    targets[k].append((j, heaps.count))
                    heaps.append(BoundedHeap(capacity: prune[j][k]))
                }
            }
            try source.forEachBlock { first, p in
                for r in 0..<(p.count / K) {
                    let i = first + r, k = labels[i], row = r * K
                    for (j, heap) in targets[k] { heaps[heap].offer(minus(p[row + k], p[row + j]), i) }
                }
            }
            var mask = [Bool](repeating: false, count: n)
            for heap in heaps { for i in heap.members { mask[i] = true } }
            return mask
        }

        var mask: [Bool]
        switch filter {
        case .pruneByClass: mask = pruneByClass()
        case .pruneByNoiseRate: mask = try pruneByNoiseRate()
        case .both: mask = zip(pruneByClass(), try pruneByNoiseRate()).map { $0 && $1 }
        case .confidentLearning:
            mask = [Bool](repeating: false, count: n)
            for i in tally.offDiagonal { mask[i] = true }
        }
        for i in 0..<n where predictsGiven[i] { mask[i] = false }
        let estimatedIssues = tally.offDiagonal.count { !predictsGiven[$0] }

        let ranked = (0..<n).filter { mask[$0] }.sorted { quality[$0] < quality[$1] || (quality[$0] == quality[$1] && $0 < $1) }
        let columns = (0..<K).map { j in Double(joint.reduce(0) { $0 + $1[j] }) }
        let noise = (0..<K).map { i in (0..<K).map { j in columns[j] > 0 ? Double(joint[i][j]) / columns[j] : (i == j ? 1 : 0) } }
        return Result(isIssue: mask, ranked: ranked, quality: quality, confidentJoint: joint, noiseMatrix: noise,
                      estimatedIssues: estimatedIssues, suggested: suggested)
    }

    /// The `capacity` smallest (key, index) pairs offered, as a max-heap: an offer equal to the
    /// largest kept loses (it came later, and ties go by sample order).
    struct BoundedHeap {
        let capacity: Int
        private var keys: [Double] = []
        private var indices: [Int] = []

        init(capacity: Int) { self.capacity = capacity }

        var members: [Int] { indices }

        private func above(_ a: Int, _ b: Int) -> Bool { keys[a] > keys[b] || (keys[a] == keys[b] && indices[a] > indices[b]) }

        mutating func offer(_ key: Double, _ index: Int) {
            if keys.count < capacity {
                keys.append(key)
                indices.append(index)
                var c = keys.count - 1
                while c > 0 {
                    let parent = (c - 1) / 2
                    guard above(c, parent) else { break }
                    keys.swapAt(c, parent)
                    indices.swapAt(c, parent)
                    c = parent
                }
                return
            }
            guard capacity > 0, key < keys[0] || (key == keys[0] && index < indices[0]) else { return }
            keys[0] = key
            indices[0] = index
            var c = 0
            while true {
                let l = 2 * c + 1, r = l + 1
                var top = c
                if l < keys.count && above(l, top) { top = l }
                if r < keys.count && above(r, top) { top = r }
                guard top != c else { break }
                keys.swapAt(c, top)
                indices.swapAt(c, top)
                c = top
            }
        }
    }

    /// The `count` members with the lowest `key`, ties by member order: the same set as a stable
    /// argsort's first `count`, found by selection in linear expected time.
    private static func lowest(_ count: Int, of members: [Int], by key: (Int) -> Double) -> [Int] {
        guard count < members.count else { return members }
        let keys = members.map(key)
        var scratch = keys
        let cut = select(count - 1, in: &scratch)
        var out: [Int] = []
        out.reserveCapacity(count)
        for (m, k) in zip(members, keys) where k < cut { out.append(m) }
        for (m, k) in zip(members, keys) where k == cut && out.count < count { out.append(m) }
        return out
    }

    /// The value that would be at position `n` if `values` were sorted (Hoare's quickselect with
    /// a median-of-three pivot); `values` is reordered.
    static func select(_ n: Int, in values: inout [Double]) -> Double {
        values.withUnsafeMutableBufferPointer { v in
            var low = 0, high = v.count - 1
            while low < high {
                let mid = low + (high - low) / 2
                let pivot = max(min(v[low], v[mid]), min(max(v[low], v[mid]), v[high]))
                var i = low, j = high
                while i <= j {
                    while v[i] < pivot { i += 1 }
                    while v[j] > pivot { j -= 1 }
                    if i <= j {
                        v.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                if n <= j { high = j } else if n >= i { low = i } else { return v[n] }
            }
            return v[n]
        }
    }
}
