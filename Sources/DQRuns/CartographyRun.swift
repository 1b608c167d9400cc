import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText

/// `dq cartography`: training dynamics of a BERT-family g′, or imported ones, mapped into regions.
package enum CartographyRun {
    package struct Options: Sendable {
        package var share = 0.33
        package var every = 1.0
        /// Also summarise over each annotator's samples (`--by annotator`).
        package var byAnnotator = false
        /// allenai/cartography dynamics files to map instead of training.
        package var importDirectory: String?
        package var model = ModelSettings(model: .tinyBert)

        package init(share: Double = 0.33, every: Double = 1, importDirectory: String? = nil, model: ModelSettings = ModelSettings(model: .tinyBert)) {
            (self.share, self.every, self.importDirectory, self.model) = (share, every, importDirectory, model)
        }

        package func validate() throws(OptionError) {
            if !(share > 0 && share <= 0.5) { throw OptionError("{share} must be in (0, 0.5]") }
            if !(every > 0 && every <= 1) { throw OptionError("{every} must be in (0, 1] epochs") }
            if !model.model.trainsInEpochs && importDirectory == nil {
                throw OptionError("cartography needs a model trained in epochs: use {model} tiny-bert (the default) or a BERT directory")
            }
            try model.validate()
        }
    }

    package struct Outcome {
        package var run: Int64
        package var results: [CartographyEstimation.Result]
        package var labels: [String]
        package var datasetName: String
        /// The family's name, or "imported dynamics".
        package var modelName: String
        /// With `byAnnotator`: the annotators of each annotated sample.
        package var annotatorsOf: [Int64: [String]]? = nil
    }

    package static func run(store: Store, dataset selection: DatasetSelection, options: Options,
                           observer: RunObserver = .silent) throws -> Outcome {
        try options.validate()
        let dataset = try store.resolve(selection)
        // Checked before any training.
        let annotatorsOf = options.byAnnotator ? try AnnotatorSlices.members(store: store, dataset: dataset.id, name: dataset.name) : nil
        var outcome = try runUnsliced(store: store, dataset: dataset, options: options, observer: observer)
        outcome.annotatorsOf = annotatorsOf
        return outcome
    }

    private static func runUnsliced(store: Store, dataset: ResolvedDataset, options: Options, observer: RunObserver) throws -> Outcome {
        let samples = try store.samples(dataset)
        guard samples.count >= 2 else { throw RunError.tooFewSamples(dataset: dataset.name, count: samples.count) }
        guard Set(samples.map(\.label)).count >= 2 else { throw RunError.tooFewLabels(dataset: dataset.name) }
        let labels = try store.labels(dataset: dataset.id)
        if let directory = options.importDirectory {
            let results = try ImportedDynamics.map(try ImportedDynamics.read(directory: directory), samples: samples,
                                                   share: options.share, directory: directory)
            var parameters = CartographyParameters(share: options.share, model: .imported)
            parameters.directory = directory
            let (run, _) = try store.recordRun(parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: nil,
                                               compute: { _ in results }, write: { run, results in try write(results, run: run, in: store) })
            return Outcome(run: run, results: results, labels: labels, datasetName: dataset.name, modelName: "imported dynamics")
        }
        guard options.model.model.trainsInEpochs else { throw RunError.needsEpochs(model: options.model.model.description) }
        let progress = TrainingProgress(fits: 1, observer: observer)
        progress.begin("g′")
        let (made, modelParameters) = try options.model.family(observer: observer, onStep: progress.step)
        guard let family = made as? BertFamily else { throw RunError.needsEpochs(model: options.model.model.description) }
        var parameters = CartographyParameters(share: options.share, model: modelParameters)
        parameters.every = options.every
        parameters.labels = labels
        parameters.splits = dataset.splits
        let (run, results) = try store.recordRun(
            parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: Int64(bitPattern: options.model.seed),
            compute: { _ in
                defer { observer.endProgress() }
                return try CartographyEstimation.run(samples: samples, labels: labels, family: family, share: options.share,
                                                     every: options.every) { _ in }
            },
            write: { run, results in try write(results, run: run, in: store) })
        return Outcome(run: run, results: results, labels: labels, datasetName: dataset.name, modelName: family.name)
    }

    static func write(_ results: [CartographyEstimation.Result], run: Int64, in store: Store) throws {
        try store.writeCartography(run: run, rows: results.map { r in
            CartographyRow(sampleID: r.sample.id, goldProbabilities: r.goldProbabilities, correct: r.correct,
                           confidence: r.point.confidence, variability: r.point.variability,
                           correctness: r.point.correctness, forgettingEvents: r.point.forgettingEvents,
                           neverLearned: r.point.neverLearned, regions: r.point.regions)
        })
    }
}
