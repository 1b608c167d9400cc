import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

/// `dq evaluate`: how well can dq find label errors in this dataset, and which signal should be
/// trusted? Known errors are planted into a copy of the labels (the store's labels are not
/// touched), the analyses are rerun on the noisy copy, and each signal's ranking of the samples
/// is scored against the planted errors, over several seeds.
///
/// Signals, each a continuous suspicion (higher = more likely wrong): bow PVI (−PVI) and
/// confident learning's self-confidence (1 − p̂(given label)), both from one cross-fitted bow g′;
/// with `embedModel`, the same two from a cross-fitted linear probe on sentence embeddings;
/// with `cartography`, 1 − the data-map confidence of a BERT family trained on the noisy copy;
/// specifications (the best fused score of another label's specifications; 0 when none
/// matches); conflicting near-duplicates (the similarity of the closest differently labelled
/// duplicate). The merged list is what `dq suspects` does without a calibration
/// (`SuspectScoring.rank`); the calibrated one is a logistic regression on every signal's rank,
/// fitted on the other repeats' planted errors.
package enum EvaluateRun {
    /// How planted errors pick their new labels.
    package typealias PlantingMode = LabelNoise.Mode

    package struct Options: Sendable {
        package var mode: LabelNoise.Mode = .uniform
        package var rate = 0.1
        package var repeats = 3
        package var folds = 5
        package var specsFile: String?
        /// A BERT checkpoint (e.g. all-MiniLM-L6-v2): a linear probe on its sentence embeddings
        /// is cross-fitted too, an independent second model source.
        package var embedModel: String?
        /// A BERT family (tiny-bert, a checkpoint) trained on each noisy copy: 1 − its
        /// cartography confidence is one more signal, as `dq cartography` gives `dq suspects`.
        package var cartography: ModelSettings?
        package var model = ModelSettings(model: .bow)

        package init() {}

        /// The planting rates the repeats take in turn: `rate`, half of it and twice it (at
        /// most 0.5), so that how confident learning's count rises with planted errors is
        /// measured at several rates, and no figure echoes one rate.
        package var rates: [Double] {
            [rate, rate / 2, min(2 * rate, 0.5)].reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        }

        /// The rate of repeat `r` (from 0).
        package func rate(ofRepeat r: Int) -> Double { rates[r % rates.count] }

        package func validate() throws(OptionError) {
            if !(rate > 0 && rate <= 0.5) { throw OptionError("{rate} must be in (0, 0.5]") }
            if !(1...100).contains(repeats) || !(2...100).contains(folds) { throw OptionError("{repeats} must be 1 to 100 and {folds} 2 to 100") }
            if let cartography {
                guard cartography.model.trainsInEpochs else {
                    throw OptionError("{cartography} needs a model trained in epochs: tiny-bert or a BERT checkpoint directory, not \(cartography.model)")
                }
                try cartography.validate()
            }
        }
    }

    package struct Outcome {
        package var run: Int64
        package var datasetName: String
        /// Each signal's figures in each repeat, as stored.
        package var metrics: [EvaluationMetricRow]
        /// Planted errors of each repeat: the sample and the label it was given.
        package var planted: [[(sample: Sample, label: String)]]
        package var options: Options
        package var sampleCount: Int
        /// Confident learning's count on the given labels and on each noisy copy.
        package var counts: [EvaluationCountRow]
        package var classes: Int
        /// Multi-label data: memberships were flipped, and the signals are each label's one-vs-rest models'.
        package var multiLabel = false
    }

    /// The progress of one cross-fit of the repeats (`what` names it): each fit begins a step of
    /// `fits` on the progress line, and its solver detail goes to whoever asked for it.
    static func fitProgress(_ what: String, fits: TrainingProgress, observer: RunObserver) -> (String) throws -> Void {
        { message in
            try observer.checkInterrupt()
            if message.contains(": fitting") { fits.begin("\(what): \(message)") }
            observer.detail("\(what): \(message)")
            fits.show(fits.label)
        }
    }

    package static let merged = "merged (rank average)"
    package static let calibrated = "merged (calibrated)"
    package static let ensemble = "confident learning (mean of models)"

    package static func run(store: Store, dataset selection: DatasetSelection, options: Options,
                           observer: RunObserver = .silent) throws -> Outcome {
        try options.validate()
        let dataset = try store.resolve(selection)
        if try store.isMultiLabel(dataset: dataset.id) { return try multiLabel(store: store, dataset: dataset, options: options, observer: observer) }
        let setup = try Setup(store: store, dataset: dataset, options: options, observer: observer)
        var parameters = EvaluateParameters(mode: options.mode, rate: options.rate, repeats: options.repeats, folds: options.folds,
                                            specsFile: options.specsFile, embedModel: options.embedModel, labels: setup.labels,
                                            splits: dataset.splits, model: setup.modelParameters)
        parameters.cartography = setup.cartographyParameters
        // Recorded before the repeats: `dq runs` shows it running, and a killed one is marked failed.
        let (run, result) = try store.recordRun(
            parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: Int64(bitPattern: options.model.seed),
            compute: { _ in try setup.evaluate() },
            write: { run, result in
                try store.writeEvaluation(run: run, metrics: result.metrics, planted: result.plantedRows)
                try store.writeEvaluationCounts(run: run, result.counts)
                try store.writeFusion(run: run, [FusionWeightRow(feature: "intercept", signal: nil, model: nil, weight: result.fusion.weights[0])]
                    + zip(result.features, result.fusion.weights.dropFirst()).map { feature, weight in
                        let (kind, model) = feature.signal.stored
                        return FusionWeightRow(feature: { if case .rank = feature { "rank" } else { "tail" } }(), signal: kind, model: model, weight: weight)
                    })
            })
        return Outcome(run: run, datasetName: dataset.name, metrics: result.metrics, planted: result.planted, options: options,
                       sampleCount: setup.samples.count, counts: result.counts,
                       classes: setup.labels.count)
    }

    /// What every repeat works from, prepared (and checked) before the run is recorded.
    struct Setup {
        let options: Options
        let observer: RunObserver
        let samples: [Sample]
        let labels: [String]
        let given: [Int]
        let documents: [String]
        let specifications: [Specification]?
        let family: any ModelFamily
        let modelParameters: ModelParameters
        let probe: EmbeddingProbeFamily?
        let cartographyParameters: ModelParameters?
        let groups: [String]?
        /// Every cross-fit's fits (the given labels, then each repeat; g′ and g per fold), for the progress line.
        let fits: TrainingProgress

        init(store: Store, dataset: ResolvedDataset, options: Options, observer: RunObserver) throws {
            (self.options, self.observer) = (options, observer)
            samples = try store.samples(dataset)
            guard samples.count >= 2 * options.folds else { throw RunError.tooFewSamples(dataset: dataset.name, count: samples.count) }
            let lowest = options.rates.min()!
            guard LabelNoise.plantedCount(samples.count, rate: lowest) > 0 else { throw RunError.plantsNothing(rate: lowest, samples: samples.count) }
            labels = try store.labels(dataset: dataset.id)
            guard labels.count >= 2 else { throw RunError.tooFewLabels(dataset: dataset.name) }
            guard options.model.model == .bow else { throw RunError.evaluateNeedsBow(model: options.model.model.description) }
            let labels = labels
            let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
            given = samples.map { index[$0.label]! }
            documents = samples.map { [$0.text, $0.textPair].compactMap { $0 }.joined(separator: "\n") }
            specifications = try options.specsFile.map { file -> [Specification] in
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw RunError.cannotRead(file: file, what: "specifications file") }
                return try Specification.parse(text, file: file, labels: labels)
            }
            (family, modelParameters) = try options.model.family(observer: observer, onStep: nil)
            fits = TrainingProgress(fits: (options.repeats + 1) * (options.embedModel == nil ? 1 : 2) * options.folds * 2, observer: observer)
            groups = try PVIRun.groupKeys(samples, by: "text")
            if let groups { try PVIEstimation.checkGroups(groups, folds: options.folds) }
            probe = try options.embedModel.map { try options.model.probe(directory: $0, observer: observer, store: store) }
            if let cartography = options.cartography, !cartography.model.trainsInEpochs {
                throw RunError.needsEpochs(model: cartography.model.description)
            }
            // The family made once for its recorded parameters (and to fail early on a bad checkpoint).
            cartographyParameters = try options.cartography.map { try $0.family(observer: observer, onStep: nil).1 }
        }

        struct Result {
            var metrics: [EvaluationMetricRow] = []
            var planted: [[(sample: Sample, label: String)]] = []
            var plantedRows: [PlantedErrorRow] = []
            var features: [Feature] = []
            var fusion = LogisticFusion.Model(weights: [0])
            var counts: [EvaluationCountRow] = []
        }

        /// The model families cross-fitted in every repeat, by name: bow, and the embeddings probe.
        var families: [(name: String, family: any ModelFamily)] { [("bow", family)] + (probe.map { [("embeddings", $0)] } ?? []) }

        /// One family's out-of-sample view of `labelIndex`, from its cross-fit.
        func view(_ model: String, _ results: [PVIEstimation.Result], labels labelIndex: [Int]) -> SuspectScoring.Signal.ModelView {
            SuspectScoring.Signal.ModelView(model: model, labels: labels, given: labelIndex, probabilities: results.flatMap(\.probabilities),
                                            pvi: results.map(\.score.pvi))
        }

        func crossFit(_ noisy: [Sample], seed: UInt64, what: String, family: any ModelFamily) throws -> [PVIEstimation.Result] {
            try PVIEstimation.run(samples: noisy, labels: labels, family: family, scheme: .crossFit(folds: options.folds), null: .trained,
                                  seed: seed, groups: groups,
                                  progress: EvaluateRun.fitProgress(what, fits: fits, observer: observer), interrupt: observer.checkInterrupt)
        }

        /// Every repeat: plant errors, score each signal's ranking of them, then the calibrated
        /// fusion on each repeat by a model fitted on the others (so never on its own planted
        /// errors), and the fusion fitted on all of them for `dq suspects`.
        func evaluate() throws -> Result {
            // Every family on the given labels: the count the planted errors' counts are compared
            // with, and the confusions `confusable` planting draws from.
            var clean: [SuspectScoring.Signal.ModelView] = []
            var confusion: [[Double]]?
            for (name, fitting) in families {
                let results = try crossFit(samples, seed: options.model.seed, what: "the given labels, \(name)", family: fitting)
                observer.endProgress()
                if name == "bow" && options.mode == .confusable {
                    confusion = LabelNoise.confusion(labels: given, probabilities: results.map(\.probabilities), classes: labels.count)
                }
                clean.append(view(name, results, labels: given))
            }
            let cleanMean = SuspectScoring.Signal.ModelView.meanProbabilities(clean)
            // `hard`: flips fall where the models split between the given label and another.
            let ambiguity = options.mode == .hard ? Ambiguity.models(probabilities: cleanMean, given: given, classes: labels.count) : []
            // With an encoder: each text's nearest neighbours, found once; their labels change per repeat.
            let nearest = try probe.map { try Neighbours.nearest($0.vectors(samples.map { ($0.text, $0.textPair) }), k: Neighbours.defaultK) }
            var result = Result()
            result.counts = [EvaluationCountRow(repeatIndex: 0, samples: samples.count, rate: 0, planted: 0,
                                                counted: ErrorCount.count(given: given, probabilities: cleanMean, classes: labels.count))]
            var features: [[[Double]]] = [], targets: [[Bool]] = []
            for r in 0..<options.repeats {
                // Folds and planting have seeds of their own: the errors planted do not follow the folds.
                let seed = options.model.seed &+ UInt64(r) &* 0x9E37_79B9
                let rate = options.rate(ofRepeat: r)
                let noise = options.mode == .hard
                    ? LabelNoise.plantHard(labels: given, classes: labels.count, rate: rate, ambiguity: ambiguity, seed: seed ^ 0xD1B5_4A32_D192_ED03)
                    : LabelNoise.plant(labels: given, classes: labels.count, rate: rate, mode: options.mode, confusion: confusion,
                                       seed: seed ^ 0xD1B5_4A32_D192_ED03)
                let noisy = zip(samples, noise.labels).map { s, y -> Sample in var s = s; s.label = labels[y]; return s }
                let start = Date()
                let (signals, views) = try self.signals(noisy, noisy: noise.labels, seed: seed, repeat: r, nearest: nearest)
                let mean = SuspectScoring.Signal.ModelView.meanProbabilities(views)
                result.counts.append(EvaluationCountRow(repeatIndex: r + 1, samples: samples.count, rate: rate, planted: noise.count,
                                                        counted: ErrorCount.count(given: noise.labels, probabilities: mean, classes: labels.count)))
                for (signal, seconds) in signals {
                    result.metrics.append(Self.metrics(signal.name, repeat: r, suspicion: signal.suspicion, planted: noise.planted, seconds: seconds))
                }
                // What `dq suspects` does without a calibration.
                result.metrics.append(Self.metrics(merged, repeat: r, suspicion: SuspectScoring.rank(signals.map(\.signal), calibration: nil).score,
                                                   planted: noise.planted, seconds: Date().timeIntervalSince(start)))
                // The plain baseline of several models: confident learning's self-confidence on their mean.
                if views.count > 1 {
                    let k = labels.count
                    let suspicion = noise.labels.indices.map { i in 1 - mean[i * k + noise.labels[i]] }
                    result.metrics.append(Self.metrics(EvaluateRun.ensemble, repeat: r, suspicion: suspicion, planted: noise.planted, seconds: 0))
                }
                if r == 0 { result.features = signals.flatMap { Feature.both($0.signal.id) } }
                let columns = Feature.columns(signals.flatMap { Feature.both($0.signal.id) }, suspicion: { id in
                    signals.first { $0.signal.id == id }?.signal.suspicion
                })!
                features.append((0..<samples.count).map { i in columns.map { $0[i] } })
                targets.append(noise.planted)
                let planted = samples.indices.filter { noise.planted[$0] }
                result.planted.append(planted.map { (samples[$0], labels[noise.labels[$0]]) })
                result.plantedRows += planted.map { PlantedErrorRow(repeatIndex: r + 1, sampleID: samples[$0].id, plantedLabel: labels[noise.labels[$0]]) }
            }
            if options.repeats >= 2 {
                for r in 0..<options.repeats {
                    let start = Date()
                    let others = (0..<options.repeats).filter { $0 != r }
                    let model = LogisticFusion.fit(features: others.flatMap { features[$0] }, targets: others.flatMap { targets[$0] })
                    result.metrics.append(Self.metrics(calibrated, repeat: r, suspicion: features[r].map(model.probability), planted: targets[r],
                                                       seconds: Date().timeIntervalSince(start)))
                }
            }
            result.fusion = LogisticFusion.fit(features: features.flatMap { $0 }, targets: targets.flatMap { $0 })
            return result
        }

        /// One repeat's signals on the noisy copy, each with the seconds it took: PVI and
        /// confident learning from each cross-fitted model family (one source per model), the
        /// cartography of a BERT family trained on the copy, specifications, conflicting duplicates.
        /// Also returns each family's view of the noisy labels.
        func signals(_ noisy: [Sample], noisy labelIndex: [Int], seed: UInt64, repeat r: Int,
                     nearest: [[(index: Int, similarity: Float)]]?) throws
            -> (signals: [(signal: SuspectScoring.Signal, seconds: Double)], views: [SuspectScoring.Signal.ModelView]) {
            var out: [(signal: SuspectScoring.Signal, seconds: Double)] = []
            var views: [SuspectScoring.Signal.ModelView] = []
            for (model, fitting) in families {
                let start = Date()
                let results = try crossFit(noisy, seed: seed, what: "repeat \(r + 1) of \(options.repeats), \(model)", family: fitting)
                observer.endProgress()
                let fitted = Date().timeIntervalSince(start)
                let view = self.view(model, results, labels: labelIndex)
                let pair = SuspectScoring.Signal.model(view, runnerUp: nil)
                out += [(pair[0], fitted), (pair[1], Date().timeIntervalSince(start))]
                views.append(view)
            }
            if let nearest {
                let start = Date()
                let disagreement = Neighbours.disagreement(nearest, labels: labelIndex, classes: labels.count)
                out.append((.neighbours(suspicion: disagreement.suspicion, reasons: [], explain: false), Date().timeIntervalSince(start)))
            }
            if var cartography = options.cartography {
                let start = Date()
                cartography.seed = seed
                let progress = TrainingProgress(fits: 1, observer: observer)
                progress.begin("repeat \(r + 1) of \(options.repeats), cartography")
                // The family's notes (where its weights came from) were said once, before the repeats.
                var quiet = observer
                quiet.note = { _ in }
                guard let bert = try cartography.family(observer: quiet, onStep: progress.step).0 as? BertFamily else {
                    throw RunError.needsEpochs(model: cartography.model.description)
                }
                let results = try CartographyEstimation.run(samples: noisy, labels: labels, family: bert, share: 0.33)
                observer.endProgress()
                out.append((.cartography(confidence: results.map(\.point.confidence), regions: [], explain: false), Date().timeIntervalSince(start)))
            }
            if let specifications {
                let start = Date()
                var score = [Double](repeating: 0, count: samples.count)
                var ranking = SpecificationRanking.Options()
                ranking.top = samples.count
                for s in try SpecificationRanking.suspects(documents: documents, labels: noisy.map(\.label), specs: specifications, options: ranking) {
                    score[s.index] = max(score[s.index], s.score)
                }
                out.append((.specifications(score: score, reasons: [], explain: false), Date().timeIntervalSince(start)))
            }
            let start = Date()
            var similarity = [Double](repeating: 0, count: samples.count)
            for pair in NearDuplicates.conflicts(zip(documents, noisy).map { NearDuplicates.Item(text: $0, label: $1.label) }) {
                similarity[pair.a] = max(similarity[pair.a], pair.similarity)
                similarity[pair.b] = max(similarity[pair.b], pair.similarity)
            }
            out.append((.conflicts(similarity: similarity, reasons: [], explain: false), Date().timeIntervalSince(start)))
            return (out, views)
        }

        static func metrics(_ signal: String, repeat r: Int, suspicion: [Double], planted: [Bool], seconds: Double) -> EvaluationMetricRow {
            let scores = DetectionMetrics.evaluate(suspicion: suspicion, planted: planted, k: planted.filter { $0 }.count)
            return EvaluationMetricRow(repeatIndex: r + 1, signal: signal, precisionAtK: scores.precisionAtK, recallAtK: scores.recallAtK,
                                       averagePrecision: scores.averagePrecision, auroc: scores.auroc, seconds: seconds)
        }
    }
}
