import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

/// `dq pvi`: pointwise V-information of every sample, cross-fitted or train/evaluate, on
/// original or transformed inputs, or from imported probabilities.
package enum PVIRun {
    package typealias NullModel = PVIEstimation.NullModel
    package typealias Scheme = PVIEstimation.Scheme

    /// Transformations of the input that measure what one attribute of it carries.
    package enum Transform: String, CaseIterable, Sendable, Codable {
        case shuffle, textOnly = "text-only", pairOnly = "pair-only", length, dropTokens = "drop-tokens", lowercase
    }

    package struct Options: Sendable {
        package var scheme: PVIEstimation.Scheme = .crossFit(folds: Options.folds)
        package var null: PVIEstimation.NullModel = .trained
        /// text (the same text up to case and punctuation; for pairs, the same premise), none, or a metadata column.
        package var groupBy = "text"
        package var transform: Transform?
        /// For `dropTokens`: the file of words to drop.
        package var tokensFile: String?
        /// Checked before any work: the column `tables(by:)` will summarise by.
        package var by: String?
        /// Probabilities made elsewhere instead of training (see docs/scale-out.md).
        package var importProbabilities: String?
        package var model = ModelSettings(model: .bow)

        package init() {}

        /// The default number of cross-fitting folds.
        package static let folds = 5

        /// Cross-fitting in `folds` folds, or, with both splits named, fitting on `trainSplit`
        /// and scoring `evalSplit` (one without the other is an error).
        package static func scheme(folds: Int, trainSplit: String?, evalSplit: String?) throws(OptionError) -> Scheme {
            switch (trainSplit, evalSplit) {
            case (nil, nil): return .crossFit(folds: folds)
            case let (train?, evaluate?): return .split(train: [train], evaluate: [evaluate])
            default: throw OptionError("give both {trainSplit} and {evalSplit}, or neither")
            }
        }

        /// `splits`: the samples cross-fitting selects, which a train/evaluate scheme names itself.
        package func validate(splits: [String]? = nil) throws(OptionError) {
            switch scheme {
            case .crossFit(let folds): try OptionError.check(folds, in: 2...1000, "folds")
            case .split: if splits != nil { throw OptionError("{split} selects samples for cross-fitting; with {trainSplit}/{evalSplit} leave it out") }
            }
            if (transform == .dropTokens) != (tokensFile != nil) { throw OptionError("{transform} drop-tokens needs {tokensFile} FILE (and {tokensFile} needs it)") }
            if transform != nil && importProbabilities != nil { throw OptionError("{transform} applies to models dq trains, not to {importProbabilities}") }
            try model.validate()
        }

        package init(scheme: PVIEstimation.Scheme, null: PVIEstimation.NullModel, groupBy: String, transform: Transform?, tokensFile: String?,
                    by: String?, importProbabilities: String?, model: ModelSettings) {
            (self.scheme, self.null, self.groupBy, self.transform, self.tokensFile) = (scheme, null, groupBy, transform, tokensFile)
            (self.by, self.importProbabilities, self.model) = (by, importProbabilities, model)
        }
    }

    package struct Outcome {
        package var run: Int64
        package var results: [PVIEstimation.Result]
        package var labels: [String]
        /// The family as tables name it ("bow", "tiny-bert, shuffle inputs", "imported probabilities").
        package var familyDescription: String
        /// With `--by annotator`: the annotators of each annotated sample.
        package var annotatorsOf: [Int64: [String]]?
        /// Multi-label data: one binary run per label (has it, has it not).
        package var perLabel: [LabelPart]?
    }

    /// One label's binary PVI run on multi-label data.
    package struct LabelPart {
        package var label: String
        package var run: Int64
        package var results: [PVIEstimation.Result]
    }

    package static func run(store: Store, dataset selection: DatasetSelection, options: Options,
                           observer: RunObserver = .silent) throws -> Outcome {
        try options.validate(splits: selection.splits)
        var outcome = try runUnsliced(store: store, dataset: selection, options: options, observer: observer)
        let dataset = try store.resolve(DatasetSelection(name: selection.name, labels: selection.labels))
        if options.by == "annotator", try store.annotationCount(dataset: dataset.id) > 0 {
            // A sample is in the slice of every annotator who labelled it.
            let stored = try store.annotations(dataset: dataset.id)
            var members: [Int64: [String]] = [:]
            for k in stored.item.indices {
                members[stored.sampleIDs[Int(stored.item[k])], default: []].append(stored.annotators[Int(stored.annotator[k])])
            }
            outcome.annotatorsOf = members
        }
        return outcome
    }

    private static func runUnsliced(store: Store, dataset selection: DatasetSelection, options: Options,
                                    observer: RunObserver) throws -> Outcome {
        var splits = selection.splits
        if case let .split(train, evaluate) = options.scheme {
            // PVI is defined out of sample; in-sample probabilities would also mislead label-issues and suspects.
            if let shared = train.first(where: evaluate.contains) { throw RunError.inSample(split: shared) }
            splits = train + evaluate
        }
        let dataset = try store.resolve(DatasetSelection(name: selection.name, splits: splits, labels: selection.labels))
        var samples = try store.samples(dataset)
        let groups = try groupKeys(samples, by: options.groupBy)
        let transform = try inputTransform(options)
        if let transform {
            if (transform.transform == .textOnly || transform.transform == .pairOnly) && !samples.contains(where: { $0.textPair != nil }) {
                throw RunError.needsTextPairs(transform: transform.transform.name, dataset: dataset.name)
            }
            samples = samples.map(transform.transform.apply)
        }
        guard !samples.isEmpty else { throw RunError.noSamples(dataset: dataset.name, splits: dataset.splits) }
        // Checked before a run is recorded: a fold without a group of samples would be empty.
        if case .crossFit(let k) = options.scheme, options.importProbabilities == nil, let groups {
            try PVIEstimation.checkGroups(groups, folds: k)
        }
        if case let .split(train, evaluate) = options.scheme {
            let shared = sharedTexts(samples, train: train, evaluate: evaluate)
            if shared > 0 {
                let evaluated = samples.filter { evaluate.contains($0.split) }.count
                observer.note("\(shared) of the \(evaluated) samples of \(evaluate.joined(separator: ",")) have the text (up to case and punctuation) "
                              + "of a sample of \(train.joined(separator: ",")): their PVI is partly in sample")
            }
        }
        // `--by annotator` slices by the annotations when the dataset has some, else by a metadata column of that name.
        if options.by == "annotator", try store.annotationCount(dataset: dataset.id) > 0 {
        } else if let by = options.by {
            _ = try samples.map { try sliceKey($0, column: by) }
        }
        let labels = try store.labels(dataset: dataset.id)
        if try store.isMultiLabel(dataset: dataset.id) {
            guard options.importProbabilities == nil && options.transform == nil else { throw RunError.notForMultiLabel(dataset: dataset.name) }
            return try runOneVsRest(store: store, dataset: dataset, samples: samples, labels: labels, groups: groups, options: options, observer: observer)
        }
        // One label leaves nothing to tell apart: PVI would be 0 for every sample.
        guard Set(samples.map(\.label)).count >= 2 else { throw RunError.tooFewLabels(dataset: dataset.name) }
        if let file = options.importProbabilities {
            return try runImported(file, store: store, dataset: dataset, samples: samples, labels: labels, observer: observer)
        }
        let trainings: Int
        if case .crossFit(let k) = options.scheme { trainings = k } else { trainings = 1 }
        let progress = TrainingProgress(fits: trainings * (options.null == .trained ? 2 : 1), observer: observer)
        let (family, modelParameters) = try options.model.family(observer: observer, store: store, onStep: progress.step)
        var parameters = trainedParameters(labels: labels, model: modelParameters, options: options, dataset: dataset, groups: groups)
        parameters.transform = options.transform
        if case .dropTokens(let tokens)? = transform?.transform {
            parameters.tokensFile = options.tokensFile
            parameters.tokens = tokens.sorted()
        }
        let seed = options.model.seed
        let (run, results) = try store.recordRun(
            parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: Int64(bitPattern: seed),
            compute: { _ in
                defer { observer.endProgress() }
                return try PVIEstimation.run(
                    samples: samples, labels: labels, family: family, scheme: options.scheme, null: options.null, seed: seed,
                    groups: groups,
                    progress: { message in
                        try observer.checkInterrupt()
                        if message.contains(": fitting") { progress.begin(message) }
                        // Each fit's solver detail only for whoever asked (DQ_VERBOSE); the line shows where the run is.
                        observer.detail(message)
                        progress.show(message)
                    },
                    interrupt: observer.checkInterrupt)
            },
            write: { run, results in try write(results, labels: labels, run: run, in: store, parameters: parameters) })
        let described = transform.map { "\(family.name), \($0.transform.name) inputs" } ?? family.name
        return Outcome(run: run, results: results, labels: labels, familyDescription: described)
    }

    /// Multi-label data: for each label, PVI of "has it" against "has it not" (`not` + the label),
    /// each a run of its own. With bow these are the independent sigmoid heads of a multi-label
    /// model: a linear model with one sigmoid per label and no shared weights has an objective
    /// that separates by label, so each head is exactly a binary logistic regression.
    static func runOneVsRest(store: Store, dataset: ResolvedDataset, samples: [Sample], labels: [String], groups: [String]?,
                             options: Options, observer: RunObserver) throws -> Outcome {
        var parts: [LabelPart] = []
        let trainings: Int
        if case .crossFit(let k) = options.scheme { trainings = k } else { trainings = 1 }
        let progress = TrainingProgress(fits: labels.count * trainings * (options.null == .trained ? 2 : 1), observer: observer)
        let (family, modelParameters) = try options.model.family(observer: observer, store: store, onStep: progress.step)
        let members = samples.map { Set($0.label.split(separator: ";").map(String.init)) }
        // BERT: one model with a sigmoid per label, trained once per fold for all labels.
        if let bert = family as? BertFamily, case .crossFit(let k) = options.scheme {
            progress.fits = k
            let seed = options.model.seed
            let parameters = labels.map { label in
                var parameters = trainedParameters(labels: ["not " + label, label], model: modelParameters, options: options,
                                                   dataset: dataset, groups: groups)
                parameters.null = PVIEstimation.NullModel.prior.rawValue  // the training folds' label frequencies
                parameters.oneVsRest = label
                return parameters
            }
            // Every label's run is recorded before the one training they share.
            let (runs, perLabel) = try store.recordRuns(
                parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: Int64(bitPattern: seed),
                compute: { _ in
                    try MultiLabelPVIEstimation.run(
                        samples: samples, labels: labels, family: bert, folds: k, seed: seed, groups: groups,
                        progress: { message in
                            try observer.checkInterrupt()
                            progress.begin(message)
                            observer.endProgress()
                            observer.note(message)
                        })
                },
                write: { run, position, perLabel in try write(perLabel[position], labels: ["not " + labels[position], labels[position]], run: run, in: store) })
            for (position, label) in labels.enumerated() { parts.append(LabelPart(label: label, run: runs[position], results: perLabel[position])) }
            var outcome = Outcome(run: parts.last?.run ?? 0, results: [], labels: labels, familyDescription: family.name + ", one sigmoid per label")
            outcome.perLabel = parts
            return outcome
        }
        for label in labels {
            let (binaryLabels, binary) = oneVsRest(samples, label: label) { members[$0].contains(label) }
            var parameters = trainedParameters(labels: binaryLabels, model: modelParameters, options: options, dataset: dataset, groups: groups)
            parameters.oneVsRest = label
            let seed = options.model.seed
            observer.note("label \(label): \(members.filter { $0.contains(label) }.count) of \(samples.count) samples have it")
        let (run, results) = try store.recordRun(
                parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: Int64(bitPattern: seed),
                compute: { _ in
                    defer { observer.endProgress() }
                    return try PVIEstimation.run(
                        samples: binary, labels: binaryLabels, family: family, scheme: options.scheme, null: options.null, seed: seed,
                        groups: groups,
                        progress: { message in
                            try observer.checkInterrupt()
                            if message.contains(": fitting") { progress.begin(message) }
                            observer.endProgress()
                        },
                        interrupt: observer.checkInterrupt)
                },
                write: { run, results in try write(results, labels: binaryLabels, run: run, in: store, parameters: parameters) })
            parts.append(LabelPart(label: label, run: run, results: results))
        }
        var outcome = Outcome(run: parts.last?.run ?? 0, results: [], labels: labels, familyDescription: family.name + ", one label at a time")
        outcome.perLabel = parts
        return outcome
    }

    /// One label of multi-label samples as a binary problem: the labels ["not " + label, label]
    /// and the samples relabelled by whether sample i has the label (`has(i)`).
    static func oneVsRest(_ samples: [Sample], label: String, has: (Int) -> Bool) -> (labels: [String], samples: [Sample]) {
        let labels = ["not " + label, label]
        return (labels, samples.enumerated().map { i, sample in
            var copy = sample
            copy.label = labels[has(i) ? 1 : 0]
            return copy
        })
    }

    /// The parameters of a run that trains its models: labels, model, null model, scheme, grouping, splits.
    static func trainedParameters(labels: [String], model: ModelParameters, options: Options, dataset: ResolvedDataset,
                                  groups: [String]?) -> PVIParameters {
        var parameters = PVIParameters(labels: labels, model: model)
        parameters.null = options.null.rawValue
        switch options.scheme {
        case .crossFit(let k): parameters.folds = k
        case let .split(train, evaluate):
            parameters.trainSplit = train.first
            parameters.evalSplit = evaluate.first
        }
        parameters.groupBy = groups == nil ? nil : options.groupBy
        parameters.splits = dataset.splits
        return parameters
    }

    /// PVI of the samples listed in a file of imported probabilities.
    static func runImported(_ path: String, store: Store, dataset: ResolvedDataset, samples: [Sample], labels: [String],
                            observer: RunObserver) throws -> Outcome {
        let results = try ImportedProbabilities.score(
            try ImportedProbabilities.read(path: path, labels: labels), samples: samples, labels: labels, path: path)
        guard !results.isEmpty else { throw RunError.noSamplesInFile(file: path, dataset: dataset.name) }
        if results.count < samples.count {
            observer.note("\(path) covers \(results.count) of the \(samples.count) samples; only those are scored")
        }
        var parameters = PVIParameters(labels: labels, model: .imported)
        parameters.file = path
        let (run, _) = try store.recordRun(parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: nil,
                                           compute: { _ in results }, write: { run, results in try write(results, labels: labels, run: run, in: store) })
        return Outcome(run: run, results: results, labels: labels, familyDescription: "imported probabilities")
    }

    static func write(_ results: [PVIEstimation.Result], labels: [String], run: Int64, in store: Store, parameters: PVIParameters? = nil) throws {
        // With --l2 auto, the λ each fold's g′ chose is kept with the run.
        if var parameters, results.contains(where: { $0.chosenL2 != nil }) {
            let byFold = Dictionary(results.compactMap { r in r.chosenL2.map { (r.fold, $0) } }, uniquingKeysWith: { a, _ in a })
            parameters.model.l2Chosen = byFold.keys.sorted().map { byFold[$0]! }
            let factors = Dictionary(results.compactMap { r in r.chosenNamespaceFactors.map { (r.fold, $0) } }, uniquingKeysWith: { a, _ in a })
            if !factors.isEmpty { parameters.model.l2NamespaceFactors = factors.keys.sorted().map { factors[$0]! } }
            try store.updateParameters(run: run, parameters)
        }
        try store.writePVI(run: run, rows: results.map { r in
            PVIRow(sampleID: r.sample.id, fold: r.fold, label: r.sample.label, predicted: labels[r.score.predicted],
                   pInput: r.score.inputProbability, pNull: r.score.nullProbability, hNull: r.score.hNull,
                   hInput: r.score.hInput, pvi: r.score.pvi, correct: r.score.correct, probabilities: r.probabilities)
        })
    }

    /// The transformation asked for, built (reading the tokens file for `dropTokens`).
    static func inputTransform(_ options: Options) throws -> (transform: InputTransform, name: Transform)? {
        guard let transform = options.transform else { return nil }
        switch transform {
        case .shuffle: return (.shuffle(seed: options.model.seed), transform)
        case .textOnly: return (.textOnly, transform)
        case .pairOnly: return (.pairOnly, transform)
        case .length: return (.length, transform)
        case .lowercase: return (.lowercase, transform)
        case .dropTokens:
            let file = options.tokensFile ?? ""
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw RunError.cannotRead(file: file, what: "tokens file") }
            let tokens = Set(text.split(whereSeparator: \.isNewline).flatMap { WordTokens.split(String($0)) })
            guard !tokens.isEmpty else { throw RunError.emptyList(file: file, what: "words") }
            return (.dropTokens(tokens), transform)
        }
    }

    /// How many evaluation samples repeat a training sample's text (and pair), up to case and punctuation.
    static func sharedTexts(_ samples: [Sample], train: [String], evaluate: [String]) -> Int {
        func key(_ s: Sample) -> String { TextNormalisation.duplicateKey(s.text) + "\u{0}" + TextNormalisation.duplicateKey(s.textPair ?? "") }
        let trained = Set(samples.filter { train.contains($0.split) }.map(key))
        return samples.filter { evaluate.contains($0.split) && trained.contains(key($0)) }.count
    }

    /// Each sample's fold group for `groupBy`, in the samples' order (computed on the samples as
    /// stored, before any transformation), or nil for none.
    static func groupKeys(_ samples: [Sample], by: String) throws -> [String]? {
        switch by {
        case "none": return nil
        case "text":
            // A 64-bit hash of the normalised text, as a short (inline, unallocated) string: a
            // million texts' keys then cost no copy of the texts. Two texts whose hashes
            // collide would only share a fold.
            return samples.map { sample in
                var hash = StableHash()
                hash.combine(TextNormalisation.duplicateKey(sample.text))
                return String(hash.finalize(), radix: 36)
            }
        default: return try samples.map { try sliceKey($0, column: by) }
        }
    }

    /// The value of `column` for a sample: its label, split, or a metadata field.
    package static func sliceKey(_ sample: Sample, column: String) throws -> String {
        switch column {
        case "label": return sample.label
        case "split": return sample.split
        default:
            guard let metadata = sample.metadata, let value = try? JSONValue.parse(metadata)[column] else {
                throw RunError.noMetadata(column: column, sample: sample.displayID)
            }
            return value.scalarText ?? value.jsonText
        }
    }
}

extension PVIRun {
    /// Summaries as table rows: group, samples, V-information, mean H(y|∅), mean H(y|x), accuracy.
    static func summaryRows(_ summaries: [PointwiseVInformation.Summary]) -> [[Cell]] {
        summaries.map {
            [.text($0.group), .int($0.count), .real($0.vInformation, digits: 3), .real($0.meanHNull, digits: 3),
             .real($0.meanHInput, digits: 3), .real($0.accuracy, digits: 3)]
        }
    }
}

extension Sample {
    /// The text as tables show it: a pair joined by ⟂.
    package var displayText: String { textPair.map { text + " ⟂ " + $0 } ?? text }
}
