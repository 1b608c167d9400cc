import DQLearning
import DQText
import Foundation

/// Estimating PVI for every sample of a dataset: cross-fitted, so that each sample is scored by
/// models that never saw it, or with the paper's protocol of one training split scored on another.
package enum PVIEstimation {
    /// How g, the null-input model, is made.
    package enum NullModel: String, Sendable, CaseIterable, Codable {
        /// The family fitted on (∅, y): empty texts, as in the paper.
        case trained
        /// The training label frequencies (exactly what `bow`'s trained null model converges to).
        case prior
    }

    package enum Scheme: Sendable, Equatable {
        /// K stratified folds; each is scored by models fitted on the other K − 1.
        case crossFit(folds: Int)
        /// Models fitted on samples of `train`, scoring samples of `evaluate`.
        case split(train: [String], evaluate: [String])
    }

    package struct Result: Sendable {
        package var sample: Sample
        /// The fold that scored the sample (−1 under the train/evaluate protocol).
        package var fold: Int
        package var score: PointwiseVInformation.Score
        /// p′(· | x) over all labels, out of sample.
        package var probabilities: [Double]
        /// The λ g′ chose on held-out data (`--l2 auto`); nil when it was given.
        package var chosenL2: Double? = nil
        /// With it on text pairs, the penalty multiples [first text, second text] g′ chose.
        package var chosenNamespaceFactors: [Double]? = nil
    }

    /// Each sample's group as a number, groups numbered in order of first appearance (for
    /// `StratifiedFolds`, which keeps a group in one fold).
    /// An error unless there are at least `folds` groups: a fold without a group would be empty.
    package static func checkGroups<Key: Hashable>(_ groupKeys: some Collection<Key>, folds: Int) throws(EstimationError) {
        let groups = Set(groupKeys).count
        guard groups >= folds else { throw EstimationError.tooFewGroups(groups, folds: folds) }
    }

    static func groupIDs(_ keys: [String]) -> [Int] {
        var ids: [String: Int] = [:]
        return keys.map { key in
            if let id = ids[key] { return id }
            ids[key] = ids.count
            return ids.count - 1
        }
    }

    package enum EstimationError: Error, CustomStringConvertible, Equatable {
        case tooFewSamples(Int, folds: Int)
        /// Samples that share a group stay in one fold, so there must be a group per fold.
        case tooFewGroups(Int, folds: Int)
        case emptySplit(String)
        case unknownLabel(String, sample: String)

        package var description: String {
            switch self {
            case let .tooFewSamples(n, folds): return "\(n) samples cannot be split into \(folds) folds"
            case let .tooFewGroups(n, folds):
                return "the samples fall into \(n) group\(n == 1 ? "" : "s") of samples that must share a fold (the same text, or the same grouping value), "
                    + "fewer than the \(folds) folds"
            case let .emptySplit(what): return "no samples in \(what)"
            case let .unknownLabel(label, sample): return "sample \(sample) has label '\(label)', which the training samples never have"
            }
        }
    }

    /// Runs the estimation. `labels` fixes the label order of probability vectors. With
    /// cross-fitting, samples with the same key in `groups` (one per sample, in their order)
    /// share a fold (see `StratifiedFolds`).
    /// `inspect`, if given, sees each fitted g′ with the samples it scores (as `dq artefacts` does).
    /// `progress` hears of each fit as it starts and may throw to stop the run there (Ctrl-C);
    /// `interrupt` is asked during fits that can stop part-way (bow's iterations) and may throw too.
    package static func run(
        samples: [Sample], labels: [String], family: any ModelFamily, scheme: Scheme,
        null: NullModel, seed: UInt64, groups: [String]? = nil, progress: (String) throws -> Void = { _ in },
        interrupt: () throws -> Void = {},
        inspect: ((_ inputModel: any Classifier, _ scored: [Sample]) throws -> Void)? = nil
    ) throws -> [Result] {
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        func example(_ s: Sample, empty: Bool = false) throws -> TextExample {
            guard let y = index[s.label] else { throw EstimationError.unknownLabel(s.label, sample: s.displayID) }
            return empty ? TextExample(text: "", pair: nil, label: y) : TextExample(text: s.text, pair: s.textPair, label: y)
        }
        // Each job's samples as indices into `samples` (copies of a million samples per fold
        // would cost hundreds of megabytes). A cross-fit's training samples, every fold but the
        // scored one, are listed from the folds when they are needed, not held for every fold.
        var jobs: [Job] = []
        var foldOf: [Int] = []
        func train(_ job: Job) -> [Int] { job.train ?? samples.indices.filter { foldOf[$0] != job.fold } }
        switch scheme {
        case .crossFit(let k):
            guard samples.count >= 2 * k else { throw EstimationError.tooFewSamples(samples.count, folds: k) }
            var rng = SplitMix64(seed: seed)
            let groupIDs = groups.map { precondition($0.count == samples.count); return Self.groupIDs($0) }
            if let groupIDs { try Self.checkGroups(groupIDs, folds: k) }
            foldOf = StratifiedFolds.assign(labels: try samples.map { try example($0).label }, groups: groupIDs, folds: k, using: &rng)
            for f in 0..<k {
                let score = samples.indices.filter { foldOf[$0] == f }
                jobs.append(Job(train: nil, trainCount: samples.count - score.count, score: score, fold: f))
            }
        case let .split(train, evaluate):
            let trainSet = samples.indices.filter { train.contains(samples[$0].split) }
            let scoreSet = samples.indices.filter { evaluate.contains(samples[$0].split) }
            guard !trainSet.isEmpty else { throw EstimationError.emptySplit("split \(train.joined(separator: ","))") }
            guard !scoreSet.isEmpty else { throw EstimationError.emptySplit("split \(evaluate.joined(separator: ","))") }
            jobs.append(Job(train: trainSet, trainCount: trainSet.count, score: scoreSet, fold: -1))
        }
        func tag(_ number: Int) -> String { jobs.count > 1 ? "fold \(number + 1)/\(jobs.count)" : "train/evaluate" }
        func jobSeed(_ number: Int) -> UInt64 { seed &+ UInt64(number) &* 0x9E37_79B9 }
        var results: [Result] = []
        results.reserveCapacity(jobs.reduce(0) { $0 + $1.score.count })
        /// The null model, the scores and the results of a job whose g′ is fitted.
        func finish(_ number: Int, inputModel: any Classifier, scored: [[Double]]?) throws {
            let job = jobs[number]
            try inspect?(inputModel, job.score.map { samples[$0] })
            let trainLabels = try train(job).map { try example(samples[$0]).label }
            let nullModel: any Classifier
            switch null {
            case .prior:
                nullModel = PriorClassifier(labels: trainLabels, classes: labels.count)
            case .trained:
                try progress("\(tag(number)): fitting g on the same labels with empty inputs")
                nullModel = try family.fit(try train(job).map { try example(samples[$0], empty: true) }, classes: labels.count,
                                           seed: jobSeed(number) &+ 1) { try? progress("\(tag(number)): g \($0)") }
            }
            let pInput = scored ?? inputModel.probabilities(job.score.map { (text: samples[$0].text, pair: samples[$0].textPair) })
            let pNull = nullModel.probabilities([(text: "", pair: nil)])[0]
            for (i, member) in job.score.enumerated() {
                let sample = samples[member]
                let y = index[sample.label]!
                results.append(Result(
                    sample: sample, fold: job.fold,
                    score: PointwiseVInformation.score(label: y, inputProbabilities: pInput[i], nullProbabilities: pNull),
                    probabilities: pInput[i], chosenL2: inputModel.chosenL2,
                    chosenNamespaceFactors: inputModel.chosenNamespaceFactors))
            }
        }
        // g′ of every job: over features computed once when the family can (bow), else one fit each.
        if let shared = family as? CrossFittingFamily, let (members, groups) = groupsOfJobs(jobs, count: samples.count) {
            let specs = jobs.count == 1 ? [SoftmaxRegression.Job(train: [0], score: 1)]
                : jobs.indices.map { SoftmaxRegression.Job(train: Set(jobs.indices).subtracting([$0]), score: $0) }
            try shared.crossFit(
                try members.map { try example(samples[$0]) }, groups: groups, jobs: specs, classes: labels.count, seed: seed,
                willFit: { number in try progress("\(tag(number)): fitting g′ on \(jobs[number].trainCount) samples") },
                interrupt: interrupt
            ) { number, model, scored, summary in
                try? progress("\(tag(number)): g′ \(summary)")
                try finish(number, inputModel: model, scored: scored)
            }
        } else {
            for (number, job) in jobs.enumerated() {
                let trainExamples = try train(job).map { try example(samples[$0]) }
                try progress("\(tag(number)): fitting g′ on \(trainExamples.count) samples")
                let model = try family.fit(trainExamples, classes: labels.count, seed: jobSeed(number)) { try? progress("\(tag(number)): g′ \($0)") }
                try finish(number, inputModel: model, scored: nil)
            }
        }
        results.sort { $0.sample.id < $1.sample.id }
        return results
    }

    /// One fit's samples, as indices into the samples; `train` is nil for a cross-fit's, which
    /// are all the samples outside the scored fold.
    struct Job {
        var train: [Int]?
        var trainCount: Int
        var score: [Int]
        var fold: Int
    }

    /// The samples the jobs use (indices into `samples`) and each one's group, numbered so that
    /// job k scores group k and trains on the others (cross-fitting), or, for one train/evaluate
    /// job, trains on group 0 and scores group 1. nil when a sample would be in two groups.
    static func groupsOfJobs(_ jobs: [Job], count: Int) -> (members: [Int], groups: [Int])? {
        var group = [Int](repeating: -1, count: count)
        func assign(_ members: [Int], to g: Int) -> Bool {
            for i in members {
                guard group[i] == -1 || group[i] == g else { return false }
                group[i] = g
            }
            return true
        }
        if jobs.count == 1 {
            guard let train = jobs[0].train, assign(train, to: 0), assign(jobs[0].score, to: 1) else { return nil }
        } else {
            for (k, job) in jobs.enumerated() where !assign(job.score, to: k) { return nil }
        }
        let members = group.indices.filter { group[$0] >= 0 }
        return (members, members.map { group[$0] })
    }
}
