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
public enum ConfidentLearning {
    public enum Filter: String, CaseIterable, Sendable, Codable {
        case pruneByNoiseRate = "prune_by_noise_rate"
        case pruneByClass = "prune_by_class"
        case both
        case confidentLearning = "confident_learning"
    }

    /// How flagged samples are ordered: by p̂ of the given label (`selfConfidence`), or by
    /// (p̂_given − max_{k ≠ given} p̂_k + 1) / 2 (`normalizedMargin`); lowest first.
    public enum RankBy: String, CaseIterable, Sendable, Codable {
        case selfConfidence = "self_confidence"
        case normalizedMargin = "normalized_margin"
    }

    /// Given labels (0..<K) and row-major n × K probabilities.
    public struct Input: Sendable {
        public var labels: [Int]
        public var probabilities: [Double]
        public var classes: Int

        public init(labels: [Int], probabilities: [Double], classes: Int) {
            precondition(probabilities.count == labels.count * classes)
            self.labels = labels
            self.probabilities = probabilities
            self.classes = classes
        }

        public var count: Int { labels.count }
        func p(_ i: Int, _ k: Int) -> Double { probabilities[i * classes + k] }

        /// First index of the largest probability of row i (numpy's argmax).
        public func argmax(_ i: Int, raising label: Int? = nil, by amount: Double = 0) -> Int {
            var best = 0
            var bestValue = p(i, 0) + (label == 0 ? amount : 0)
            for k in 1..<classes {
                let value = p(i, k) + (label == k ? amount : 0)
                if value > bestValue { best = k; bestValue = value }
            }
            return best
        }

        public var labelCounts: [Int] {
            var counts = [Int](repeating: 0, count: classes)
            for label in labels { counts[label] += 1 }
            return counts
        }
    }

    public struct Result: Sendable {
        /// Whether each sample is flagged.
        public var isIssue: [Bool]
        /// Flagged samples, lowest quality first.
        public var ranked: [Int]
        /// Every sample's label quality (the `RankBy` score).
        public var quality: [Double]
        /// The calibrated confident joint C[given][true].
        public var confidentJoint: [[Int]]
        /// P(given = i | true = j): the calibrated joint normalised by column.
        public var noiseMatrix: [[Double]]
        /// cleanlab's `num_label_issues` (its default `off_diagonal` estimate): the samples off
        /// the confident joint's diagonal whose model prediction is not the given label, the
        /// same count as `filter_by="confident_learning"` flags, whatever `filter` was used.
        public var estimatedIssues: Int
        public var count: Int { isIssue.count }
        /// cleanlab's `overall_label_health_score`: 1 − estimatedIssues / n.
        public var health: Double { count > 0 ? 1 - Double(estimatedIssues) / Double(count) : 1 }
    }

    /// Per-label thresholds t_k.
    public static func thresholds(_ input: Input) -> [Double] {
        var sums = [Double](repeating: 0, count: input.classes)
        let counts = input.labelCounts
        for i in 0..<input.count { sums[input.labels[i]] += input.p(i, input.labels[i]) }
        return (0..<input.classes).map { k in max(counts[k] > 0 ? sums[k] / Double(counts[k]) : 2, 2e-6) }
    }

    /// The confident joint C[given][true] (calibrated or not) and the samples off its diagonal.
    public static func confidentJoint(_ input: Input, calibrate: Bool) -> (joint: [[Int]], offDiagonal: [Int]) {
        let t = thresholds(input)
        let K = input.classes
        var joint = [[Int]](repeating: [Int](repeating: 0, count: K), count: K)
        var offDiagonal: [Int] = []
        for i in 0..<input.count {
            var confident = 0
            var first = -1
            for k in 0..<K where input.p(i, k) >= t[k] - 1e-6 {
                confident += 1
                if first < 0 { first = k }
            }
            guard confident > 0 else { continue }
            let guess = confident > 1 ? input.argmax(i) : first
            joint[input.labels[i]][guess] += 1
            if guess != input.labels[i] { offDiagonal.append(i) }
        }
        for k in 0..<K { joint[k][k] = max(joint[k][k], 1) }
        return (calibrate ? calibrated(joint, labelCounts: input.labelCounts) : joint, offDiagonal)
    }

    /// Rescales each row of `joint` to its label's count and the whole to n, then rounds each
    /// row keeping its total.
    static func calibrated(_ joint: [[Int]], labelCounts: [Int]) -> [[Int]] {
        let n = Double(labelCounts.reduce(0, +))
        var rows = joint.enumerated().map { i, row -> [Double] in
            let total = max(Double(row.reduce(0, +)), 1e-100)
            return row.map { Double($0) / total * Double(labelCounts[i]) }
        }
        let sum = max(rows.reduce(0) { $0 + $1.reduce(0, +) }, 1e-100)
        rows = rows.map { $0.map { $0 / sum * n } }
        return rows.map(roundPreservingSum)
    }

    /// Rounds to integers keeping the rounded total (cleanlab's `round_preserving_sum`): the
    /// entries with the largest rounding loss are moved up (or the largest gain down) first.
    static func roundPreservingSum(_ values: [Double]) -> [Int] {
        var ints = values.map { $0.rounded(.toNearestOrEven) }
        let target = values.reduce(0, +).rounded(.toNearestOrEven)
        var total = ints.reduce(0, +).rounded(.toNearestOrEven)
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
            total = ints.reduce(0, +).rounded(.toNearestOrEven)
        }
        return ints.map { Int($0) }
    }

    /// How many samples to prune per (true j, given k): cleanlab's `_keep_at_least_n_per_class`
    /// on the transposed joint, which raises each diagonal entry to at least `n` and takes the
    /// rise evenly from the column's other non-zero entries (truncated to integers).
    static func pruneCounts(_ joint: [[Int]], keepAtLeast n: Int) -> [[Int]] {
        let K = joint.count
        // prune[j][k] = joint[k][j].
        let prune = (0..<K).map { j in (0..<K).map { k in Double(joint[k][j]) } }
        var out = [[Int]](repeating: [Int](repeating: 0, count: K), count: K)
        for k in 0..<K {
            let diagonal = prune[k][k]
            let raised = max(diagonal, Double(n))
            let nonZero = (0..<K).count { prune[$0][k] != 0 }
            let share = (raised - diagonal) / max(Double(nonZero) - 1, 1)
            for j in 0..<K {
                let value = j == k ? raised : max(prune[j][k] - share, 0)
                out[j][k] = Int(value)
            }
        }
        return out
    }

    /// Every sample's label quality, higher = likelier correct.
    public static func quality(_ input: Input, rankBy: RankBy) -> [Double] {
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
    public static func findLabelIssues(_ input: Input, filter: Filter = .pruneByNoiseRate, rankBy: RankBy = .selfConfidence,
                                       minExamplesPerClass: Int = 1) -> Result {
        precondition(input.classes >= 2)
        let K = input.classes
        let (joint, offDiagonal) = confidentJoint(input, calibrate: true)
        var members = [[Int]](repeating: [], count: K)
        for i in 0..<input.count { members[input.labels[i]].append(i) }

        let prune = pruneCounts(joint, keepAtLeast: minExamplesPerClass)
        func pruneByClass() -> [Bool] {
            var mask = [Bool](repeating: false, count: input.count)
            for k in 0..<K where members[k].count > max(minExamplesPerClass, 1) {
                let issues = members[k].count - prune[k][k]
                guard issues >= 1 else { continue }
                for i in lowest(issues, of: members[k], by: { input.p($0, k) }) { mask[i] = true }
            }
            return mask
        }
        func pruneByNoiseRate() -> [Bool] {
            var mask = [Bool](repeating: false, count: input.count)
            for k in 0..<K where members[k].count > max(minExamplesPerClass, 1) {
                for j in 0..<K where j != k && prune[j][k] > 0 {
                    for i in lowest(prune[j][k], of: members[k], by: { input.p($0, k) - input.p($0, j) }) { mask[i] = true }
                }
            }
            return mask
        }

        func predictsGiven(_ i: Int) -> Bool { input.argmax(i, raising: input.labels[i], by: 1e-6) == input.labels[i] }
        let estimatedIssues = offDiagonal.filter { !predictsGiven($0) }.count
        var mask: [Bool]
        switch filter {
        case .pruneByClass: mask = pruneByClass()
        case .pruneByNoiseRate: mask = pruneByNoiseRate()
        case .both: mask = zip(pruneByClass(), pruneByNoiseRate()).map { $0 && $1 }
        case .confidentLearning:
            mask = [Bool](repeating: false, count: input.count)
            for i in offDiagonal { mask[i] = true }
        }
        for i in 0..<input.count where predictsGiven(i) { mask[i] = false }

        let quality = quality(input, rankBy: rankBy)
        let ranked = (0..<input.count).filter { mask[$0] }.sorted { quality[$0] < quality[$1] || (quality[$0] == quality[$1] && $0 < $1) }
        let columns = (0..<K).map { j in Double(joint.reduce(0) { $0 + $1[j] }) }
        let noise = (0..<K).map { i in (0..<K).map { j in columns[j] > 0 ? Double(joint[i][j]) / columns[j] : (i == j ? 1 : 0) } }
        return Result(isIssue: mask, ranked: ranked, quality: quality, confidentJoint: joint, noiseMatrix: noise,
                      estimatedIssues: estimatedIssues)
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
