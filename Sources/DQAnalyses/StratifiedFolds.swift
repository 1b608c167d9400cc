/// Stratified K-fold assignment for cross-fitting: each label's samples are shuffled with a
/// seeded generator and dealt to the folds in turn, so every fold has (within one sample) the
/// same label proportions, and the same seed gives the same folds.
///
/// With `groups`, samples of the same group always share a fold (as scikit-learn's
/// `StratifiedGroupKFold` intends): groups, not samples, are shuffled within the label of their
/// first member and dealt in turn. Without this, cross-fitting leaks: MultiNLI pairs each premise
/// with three hypotheses, one per label, so a held-out pair's siblings in the training folds
/// teach g′ its premise with the two other labels, and g′ scores below chance. When every group
/// has one sample, the folds are the ungrouped ones.
package enum StratifiedFolds {
    package static func assign<G: RandomNumberGenerator>(labels: [Int], groups: [Int]? = nil, folds: Int, using rng: inout G) -> [Int] {
        precondition(folds >= 2 && (groups?.count ?? labels.count) == labels.count)
        // Units: one per group (or per sample), in order of first appearance.
        var unitOf: [Int: Int] = [:]
        var units: [[Int]] = []
        for i in labels.indices {
            let key = groups?[i] ?? i
            if let u = unitOf[key] {
                units[u].append(i)
            } else {
                unitOf[key] = units.count
                units.append([i])
            }
        }
        var byLabel: [Int: [Int]] = [:]
        for (u, members) in units.enumerated() { byLabel[labels[members[0]], default: []].append(u) }
        var fold = [Int](repeating: 0, count: labels.count)
        var next = 0
        for label in byLabel.keys.sorted() {
            var members = byLabel[label]!
            members.shuffle(using: &rng)
            for u in members {
                for i in units[u] { fold[i] = next }
                next = (next + 1) % folds
            }
        }
        return fold
    }
}
