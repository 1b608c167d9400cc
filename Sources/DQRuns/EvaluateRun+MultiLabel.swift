import DQAnalyses
import DQLearning
import DQStore
import DQText
import Foundation

extension EvaluateRun {
    /// Signal names of multi-label evaluation.
    static func lowestPVI(_ model: String) -> String { "\(model) PVI (lowest label)" }
    static func memberships(_ model: String) -> String { "confident learning (\(model)), per label membership" }

    /// `dq evaluate` on multi-label data: in each repeat a share of the samples get one label
    /// membership flipped (`LabelNoise.plant(memberships:)`), every label's one-vs-rest model is
    /// cross-fitted on the noisy copy (as `dq pvi` does on multi-label data), and each signal's
    /// ranking of the samples is scored against the changed samples:
    /// - confident learning (model): 1 − cleanlab's multi-label quality score, `dq label-issues`' order;
    /// - model PVI (lowest label): −(the lowest of the sample's per-label PVI), `dq suspects`' order;
    /// - with two models, confident learning on the mean of their probabilities;
    /// - conflicting duplicates (near-duplicate texts with other label sets);
    /// and, per label, confident learning's ranking of the n × K memberships against the flipped
    /// ones. The count is the number of samples multi-label confident learning flags.
    static func multiLabel(store: Store, dataset: ResolvedDataset, options: Options, observer: RunObserver) throws -> Outcome {
        guard options.mode == .uniform else {
            throw OptionError("{mode} \(options.mode.rawValue) is for single-label data: multi-label planting flips one label membership of uniformly chosen samples")
        }
        guard options.specsFile == nil, options.cartography == nil else {
            throw OptionError("{specs} and {cartography} are for single-label data; multi-label evaluation scores each label's one-vs-rest models")
        }
        guard options.model.model == .bow else { throw RunError.evaluateNeedsBow(model: options.model.model.description) }
        let samples = try store.samples(dataset)
        guard samples.count >= 2 * options.folds else { throw RunError.tooFewSamples(dataset: dataset.name, count: samples.count) }
        let lowest = options.rates.min()!
        guard LabelNoise.plantedCount(samples.count, rate: lowest) > 0 else { throw RunError.plantsNothing(rate: lowest, samples: samples.count) }
        let labels = try store.labels(dataset: dataset.id)
        guard labels.count >= 2 else { throw RunError.tooFewLabels(dataset: dataset.name) }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let given = samples.map { $0.label.split(separator: ";").compactMap { index[String($0)] }.sorted() }
        let (bow, modelParameters) = try options.model.family(observer: observer, onStep: nil)
        let probe = try options.embedModel.map { try options.model.probe(directory: $0, observer: observer, store: store) }
        let families: [(name: String, family: any ModelFamily)] = [("bow", bow)] + (probe.map { [("embeddings", $0)] } ?? [])
        let groups = try PVIRun.groupKeys(samples, by: "text")
        if let groups { try PVIEstimation.checkGroups(groups, folds: options.folds) }
        let K = labels.count
        let fits = TrainingProgress(fits: (options.repeats + 1) * families.count * K * options.folds, observer: observer)

        /// One family's out-of-sample P(has label) and binary PVI, n × K row-major, every label cross-fitted.
        func crossFit(_ memberships: [[Int]], seed: UInt64, what: String, family: any ModelFamily) throws -> (p: [Double], pvi: [Double]) {
            var p = [Double](repeating: 0, count: samples.count * K), pvi = p
            for k in 0..<K {
                let binary = PVIRun.oneVsRest(samples, label: labels[k]) { memberships[$0].contains(k) }
                let results = try PVIEstimation.run(
                    samples: binary.samples, labels: binary.labels, family: family, scheme: .crossFit(folds: options.folds), null: .prior,
                    seed: seed, groups: groups,
                    progress: fitProgress("\(what), \(labels[k])", fits: fits, observer: observer), interrupt: observer.checkInterrupt)
                for (i, result) in results.enumerated() {
                    (p[i * K + k], pvi[i * K + k]) = (result.probabilities[1], result.score.pvi)
                }
            }
            observer.endProgress()
            return (p, pvi)
        }
        func mean(_ views: [[Double]]) -> [Double] {
            views.count == 1 ? views[0] : views[0].indices.map { j in views.reduce(0) { $0 + $1[j] } / Double(views.count) }
        }
        func flagged(_ memberships: [[Int]], _ probabilities: [Double]) -> Int {
            MultiLabelConfidentLearning.findLabelIssues(.init(labels: memberships, probabilities: probabilities, classes: K)).ranked.count
        }

        var parameters = EvaluateParameters(mode: options.mode, rate: options.rate, repeats: options.repeats, folds: options.folds,
                                            specsFile: nil, embedModel: options.embedModel, labels: labels, splits: dataset.splits,
                                            model: modelParameters)
        parameters.multiLabel = true
        struct Result {
            var metrics: [EvaluationMetricRow] = []
            var planted: [[(sample: Sample, label: String)]] = []
            var plantedRows: [PlantedErrorRow] = []
            var counts: [EvaluationCountRow] = []
        }
        let joined = { (set: [Int]) in set.map { labels[$0] }.sorted().joined(separator: ";") }
        let (run, result) = try store.recordRun(
            parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: Int64(bitPattern: options.model.seed),
            compute: { _ -> Result in
                var result = Result()
                let clean = try families.map { try crossFit(given, seed: options.model.seed, what: "the given labels, \($0.name)", family: $0.family).p }
                result.counts.append(EvaluationCountRow(repeatIndex: 0, samples: samples.count, rate: 0, planted: 0, counted: flagged(given, mean(clean))))
                for r in 0..<options.repeats {
                    let seed = options.model.seed &+ UInt64(r) &* 0x9E37_79B9
                    let rate = options.rate(ofRepeat: r)
                    let noise = LabelNoise.plant(memberships: given, classes: K, rate: rate, seed: seed ^ 0xD1B5_4A32_D192_ED03)
                    let planted = noise.planted
                    var views: [[Double]] = []
                    for (name, family) in families {
                        let start = Date()
                        let (p, pvi) = try crossFit(noise.labels, seed: seed, what: "repeat \(r + 1) of \(options.repeats), \(name)", family: family)
                        let fitted = Date().timeIntervalSince(start)
                        views.append(p)
                        let input = MultiLabelConfidentLearning.Input(labels: noise.labels, probabilities: p, classes: K)
                        let quality = MultiLabelConfidentLearning.quality(input)
                        result.metrics.append(Setup.metrics(SignalID.confidentLearning(model: name).name, repeat: r, suspicion: quality.map { 1 - $0 },
                                                            planted: planted, seconds: Date().timeIntervalSince(start)))
                        result.metrics.append(Setup.metrics(lowestPVI(name), repeat: r,
                                                            suspicion: (0..<samples.count).map { i in -pvi[(i * K)..<((i + 1) * K)].min()! },
                                                            planted: planted, seconds: fitted))
                        // Per membership: each label's binary self-confidence against the flipped memberships.
                        let scores = MultiLabelConfidentLearning.classQuality(input)
                        result.metrics.append(Setup.metrics(memberships(name), repeat: r, suspicion: scores.flatMap { $0.map { 1 - $0 } },
                                                            planted: noise.flipped.flatMap { f in (0..<K).map { $0 == f } }, seconds: 0))
                    }
                    let both = mean(views)
                    if views.count > 1 {
                        let quality = MultiLabelConfidentLearning.quality(.init(labels: noise.labels, probabilities: both, classes: K))
                        result.metrics.append(Setup.metrics(EvaluateRun.ensemble, repeat: r, suspicion: quality.map { 1 - $0 }, planted: planted, seconds: 0))
                    }
                    let start = Date()
                    var similarity = [Double](repeating: 0, count: samples.count)
                    let items = samples.indices.map { NearDuplicates.Item(text: [samples[$0].text, samples[$0].textPair].compactMap { $0 }.joined(separator: "\n"),
                                                                          label: joined(noise.labels[$0])) }
                    for pair in NearDuplicates.conflicts(items) {
                        similarity[pair.a] = max(similarity[pair.a], pair.similarity)
                        similarity[pair.b] = max(similarity[pair.b], pair.similarity)
                    }
                    result.metrics.append(Setup.metrics(SignalID.conflicts.name, repeat: r, suspicion: similarity, planted: planted,
                                                        seconds: Date().timeIntervalSince(start)))
                    result.counts.append(EvaluationCountRow(repeatIndex: r + 1, samples: samples.count, rate: rate, planted: noise.count,
                                                            counted: flagged(noise.labels, both)))
                    let changed = samples.indices.filter { planted[$0] }
                    result.planted.append(changed.map { (samples[$0], joined(noise.labels[$0])) })
                    result.plantedRows += changed.map { PlantedErrorRow(repeatIndex: r + 1, sampleID: samples[$0].id, plantedLabel: joined(noise.labels[$0])) }
                }
                return result
            },
            write: { run, result in
                try store.writeEvaluation(run: run, metrics: result.metrics, planted: result.plantedRows)
                try store.writeEvaluationCounts(run: run, result.counts)
            })
        var outcome = Outcome(run: run, datasetName: dataset.name, metrics: result.metrics, planted: result.planted, options: options,
                              sampleCount: samples.count, counts: result.counts, classes: K)
        outcome.multiLabel = true
        return outcome
    }
}
