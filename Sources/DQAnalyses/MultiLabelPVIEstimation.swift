import DQText
import DQLearning

/// PVI of every label of multi-label data from one model with a sigmoid per label (a BERT
/// trained with binary cross-entropy), cross-fitted: for each fold, g′ is trained on the other
/// folds and gives σ_k(x) for the fold's samples; g, the null model, is each label's frequency
/// in the training folds (what a sigmoid head on an empty input learns). Then, for label k and
/// sample i with y_ik ∈ {0, 1}:
///
///     PVI_k(i) = −log₂ g(y_ik | ∅) + log₂ g′(y_ik | x_i)
///
/// with g′(1 | x) = σ_k(x), g′(0 | x) = 1 − σ_k(x), and the same for g. Folds are stratified by
/// each sample's label set (and kept whole by `group`, as single-label cross-fitting does).
package enum MultiLabelPVIEstimation {
    /// Per label (in `labels` order), every sample's binary PVI result; the binary label names
    /// are ["not " + label, label], as the one-vs-rest runs store them.
    package static func run(
        samples: [Sample], labels: [String], family: BertFamily, folds: Int, seed: UInt64,
        groups: [String]? = nil, progress: (String) throws -> Void = { _ in }
    ) throws -> [[PVIEstimation.Result]] {
        guard samples.count >= 2 * folds else { throw PVIEstimation.EstimationError.tooFewSamples(samples.count, folds: folds) }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let given: [[Int]] = samples.map { sample in sample.label.split(separator: ";").compactMap { index[String($0)] }.sorted() }
        var strata: [String: Int] = [:]
        let stratum = given.map { set -> Int in
            let key = set.map(String.init).joined(separator: ",")
            if let known = strata[key] { return known }
            strata[key] = strata.count
            return strata.count - 1
        }
        var rng = SplitMix64(seed: seed)
        let groupIDs = groups.map { precondition($0.count == samples.count); return PVIEstimation.groupIDs($0) }
        if let groupIDs { try PVIEstimation.checkGroups(groupIDs, folds: folds) }
        let fold = StratifiedFolds.assign(labels: stratum, groups: groupIDs, folds: folds, using: &rng)
        let K = labels.count
        var results = [[PVIEstimation.Result?]](repeating: [PVIEstimation.Result?](repeating: nil, count: samples.count), count: K)
        for f in 0..<folds {
            let train = samples.indices.filter { fold[$0] != f }, score = samples.indices.filter { fold[$0] == f }
            try progress("fold \(f + 1)/\(folds): fitting g′ with \(K) sigmoid heads on \(train.count) samples")
            let texts = train.flatMap { [samples[$0].text] + (samples[$0].textPair.map { [$0] } ?? []) }
            let trainer = try family.makeTrainer(texts: texts, classes: K, seed: seed &+ UInt64(f))
            var options = family.training
            options.seed = seed &+ UInt64(f)
            try trainer.trainMultiLabel(train.map { (samples[$0].text, samples[$0].textPair) }, labels: train.map { given[$0] },
                                        options: options, progress: family.onStep)
            let sigmoid = trainer.sigmoidProbabilities(score.map { (samples[$0].text, samples[$0].textPair) }, maxLength: family.training.maxLength)
            for k in 0..<K {
                let frequency = Double(train.filter { given[$0].contains(k) }.count) / Double(train.count)
                for (row, i) in score.enumerated() {
                    let p = Double(sigmoid[row][k])
                    let y = given[i].contains(k) ? 1 : 0
                    var sample = samples[i]
                    sample.label = y == 1 ? labels[k] : "not " + labels[k]
                    results[k][i] = PVIEstimation.Result(
                        sample: sample, fold: f,
                        score: PointwiseVInformation.score(label: y, inputProbabilities: [1 - p, p], nullProbabilities: [1 - frequency, frequency]),
                        probabilities: [1 - p, p])
                }
            }
        }
        return results.map { $0.map { $0! } }
    }
}
