import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText

/// The parameters of a `dq cartography` run.
package struct CartographyParameters: RunParameters {
    package static let kind = RunKind.cartography
    /// Share of samples in each region.
    package var share: Double
    /// Dynamics recorded every this many epochs (nil: imported).
    package var every: Double?
    package var labels: [String]?
    package var splits: [String]?
    /// For imported dynamics: the folder of allenai-format files.
    package var directory: String?
    package var model: ModelParameters

    private enum CodingKeys: String, CodingKey { case share, every, labels, splits, directory }

    init(share: Double, model: ModelParameters) {
        self.share = share
        self.model = model
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        share = try c.decode(Double.self, forKey: .share)
        every = try c.decodeIfPresent(Double.self, forKey: .every)
        labels = try c.decodeIfPresent([String].self, forKey: .labels)
        splits = try c.decodeIfPresent([String].self, forKey: .splits)
        directory = try c.decodeIfPresent(String.self, forKey: .directory)
        model = try ModelParameters(from: decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(share, forKey: .share)
        try c.encodeIfPresent(every, forKey: .every)
        try c.encodeIfPresent(labels, forKey: .labels)
        try c.encodeIfPresent(splits, forKey: .splits)
        try c.encodeIfPresent(directory, forKey: .directory)
        try model.encode(to: encoder)
    }
}

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
        let samples = try store.samples(dataset: dataset.id, splits: dataset.splits)
        guard samples.count >= 2 else { throw RunError.tooFewSamples(dataset: dataset.name, count: samples.count) }
        let labels = try store.labels(dataset: dataset.id)
        if let directory = options.importDirectory {
            let results = try ImportedDynamics.map(try ImportedDynamics.read(directory: directory), samples: samples,
                                                   share: options.share, directory: directory)
            var parameters = CartographyParameters(share: options.share, model: .imported)
            parameters.directory = directory
            let (run, _) = try store.recordRun(parameters, dataset: dataset.id, seed: nil,
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
            parameters, dataset: dataset.id, seed: Int64(bitPattern: options.model.seed),
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

extension CartographyRun.Outcome {
    /// Region counts per label (regions overlap: ambiguous samples are often hard-to-learn too),
    /// then the `top` hardest and most ambiguous samples.
    /// With `--by annotator`: the regions over each annotator's samples.
    var annotatorTable: Table? {
        guard let annotatorsOf else { return nil }
        let slices = AnnotatorSlices.slices(results.map { Optional($0.sample.id) }, members: annotatorsOf)
        return Table(
            name: "regions_by_annotator", title: "Cartography regions by annotator (the samples each annotator labelled)",
            columns: ["annotator", "samples", "easy-to-learn", "ambiguous", "hard-to-learn", "mean confidence"],
            rows: slices.map { slice in
                let members = slice.positions.map { results[$0] }
                return [.text(slice.annotator), .int(members.count)]
                    + CartographyRegion.allCases.map { region in .int(members.filter { $0.point.regions.contains(region) }.count) }
                    + [.real(members.map(\.point.confidence).reduce(0, +) / Double(members.count), digits: 3)]
            },
            note: "A sample is in the slice of every annotator who labelled it; confidence is the model's in the sample's given label.")
    }

    package func tables(top: Int) -> [Table] {
        var rows: [[Cell]] = []
        for label in labels + ["(all)"] {
            let members = results.filter { label == "(all)" || $0.sample.label == label }
            guard !members.isEmpty else { continue }
            var row: [Cell] = [.text(label), .int(members.count)]
            for region in CartographyRegion.allCases {
                row.append(.int(members.filter { $0.point.regions.contains(region) }.count))
            }
            row.append(.int(members.filter { $0.point.regions.isSuperset(of: [.ambiguous, .hard]) }.count))
            row.append(.int(members.filter { $0.point.regions.isEmpty }.count))
            let meanConfidence = members.map(\.point.confidence).reduce(0, +) / Double(members.count)
            row.append(.real(meanConfidence, digits: 3))
            rows.append(row)
        }
        var tables = [Table(name: "regions", title: "Cartography regions per label, run \(run)",
                            columns: ["label", "samples", "easy-to-learn", "ambiguous", "hard-to-learn", "ambiguous and hard", "in none",
                                      "mean confidence"],
                            rows: rows,
                            note: "Each region is selected on its own (allenai/cartography): a sample can be in two, or in none.")]
        let hardest = results.filter { $0.point.regions.contains(.hard) }.sorted { $0.point.confidence < $1.point.confidence }
        let mostVariable = results.filter { $0.point.regions.contains(.ambiguous) }.sorted { $0.point.variability > $1.point.variability }
        tables.append(Self.sampleTable(Array(hardest.prefix(top)), name: "hard_to_learn",
                                       title: "Hard-to-learn (lowest confidence: likeliest mislabels)"))
        tables.append(Self.sampleTable(Array(mostVariable.prefix(top)), name: "ambiguous", title: "Ambiguous (most variable)"))
        if let annotatorTable { tables.insert(annotatorTable, at: 1) }
        return tables
    }

    static func sampleTable(_ members: [CartographyEstimation.Result], name: String, title: String) -> Table {
        Table(name: name, title: title, columns: ["id", "label", "confidence", "variability", "correctness", "text"],
              rows: members.map { r in
                  [.text(r.sample.displayID), .text(r.sample.label), .real(r.point.confidence, digits: 3),
                   .real(r.point.variability, digits: 3), .real(r.point.correctness, digits: 2), .text(r.sample.displayText)]
              })
    }

    /// Every sample's point, as `--out` writes them.
    package var sampleTable: Table {
        Table(
            name: "samples", title: "Cartography per sample",
            columns: ["id", "label", "confidence", "variability", "correctness", "forgetting", "easy_to_learn", "ambiguous",
                      "hard_to_learn"],
            rows: results.map { r in
                [.text(r.sample.displayID), .text(r.sample.label), .real(r.point.confidence), .real(r.point.variability),
                 .real(r.point.correctness), .int(r.point.forgettingEvents)]
                    + CartographyRegion.allCases.map { .int(r.point.regions.contains($0) ? 1 : 0) }
            })
    }

    /// The data map as an SVG document.
    package var dataMapSVG: String {
        DataMapSVG.render(
            results.map { DataMapSVG.Point(variability: $0.point.variability, confidence: $0.point.confidence, correctness: $0.point.correctness) },
            title: "Data map: \(datasetName), \(modelName), run \(run)")
    }
}
