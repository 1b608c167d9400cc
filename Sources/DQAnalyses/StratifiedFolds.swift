/// Stratified K-fold assignment for cross-fitting: each label's samples are shuffled with a
/// seeded generator and dealt to the folds in turn, so every fold has (within one sample) the
/// same label proportions, and the same seed gives the same folds.
public enum StratifiedFolds {
    public static func assign<G: RandomNumberGenerator>(labels: [Int], folds: Int, using rng: inout G) -> [Int] {
        precondition(folds >= 2)
        var fold = [Int](repeating: 0, count: labels.count)
        var byLabel: [Int: [Int]] = [:]
        for (i, label) in labels.enumerated() { byLabel[label, default: []].append(i) }
        var next = 0
        for label in byLabel.keys.sorted() {
            var members = byLabel[label]!
            members.shuffle(using: &rng)
            for i in members {
                fold[i] = next
                next = (next + 1) % folds
            }
        }
        return fold
    }
}
