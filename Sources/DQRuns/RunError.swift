import DQStore

/// What stops a run, with the data to say why. The descriptions speak of datasets, runs and
/// files; the command line adds which command or flag fixes it.
package enum RunError: Error, Equatable, CustomStringConvertible {
    case unknownSplit(String, dataset: String, known: [String])
    case noSamples(dataset: String, splits: [String]?)
    /// The run whose samples an analysis judges scored none of the splits asked for.
    case splitNotScored(splits: [String], dataset: String, kind: RunKind, run: Int64)
    /// A selection asked for some splits, but the run it would build on also scored other splits'
    /// samples (their PVI or data map was fitted with those samples).
    case runCoversOtherSplits(run: String, splits: [String], others: [String])
    case tooFewSamples(dataset: String, count: Int)
    /// `dq check` cross-fits in five folds, and the data cannot be split so (the cause, in words).
    case tooSmallToCheck(dataset: String, cause: String)
    case tooFewLabels(dataset: String)
    /// The dataset has no finished run of this kind to build on.
    case noRun(RunKind, dataset: String)
    /// The run named is not a finished run of this kind and dataset.
    case notAFinishedRun(Int64, RunKind, dataset: String)
    case cannotRead(file: String, what: String)
    case emptyList(file: String, what: String)
    case unknownLabel(String, dataset: String, known: [String])
    /// A sample lacks the metadata column a run groups or slices by.
    case noMetadata(column: String, sample: String)
    case needsTextPairs(transform: String, dataset: String)
    case notRefittable(run: Int64, reason: String)
    case irreproducible(run: Int64, largestDifference: Double)
    case differentLabels(String, String, [String], [String])
    case nothingToMerge(dataset: String)
    case noSamplesInFile(file: String, dataset: String)
    case needsEpochs(model: String)
    case nothingStored(file: String, rows: Int)
    /// Training and evaluation on the same split: PVI would be in sample.
    case inSample(split: String)
    /// A planting rate outside (0, 0.5].
    case evaluateNeedsBow(model: String)
    case noAnnotations(dataset: String)
    case notForMultiLabel(dataset: String)
    case needsMultiLabel(dataset: String)
    /// A kind of run that does not take multi-label data (yet).
    case singleLabelOnly(RunKind, dataset: String)
    /// A planting rate that changes no label of the samples.
    case plantsNothing(rate: Double, samples: Int)
    /// Every annotated item has a single annotation: nothing to weigh annotators by.
    case oneAnnotationPerItem(dataset: String, method: String)

    package var description: String {
        switch self {
        case let .unknownSplit(split, dataset, known):
            return "dataset \(dataset) has no split '\(split)' (its splits: \(known.joined(separator: ", ")))"
        case let .noSamples(dataset, splits):
            return "dataset \(dataset) has no samples" + (splits.map { " in split \($0.joined(separator: ","))" } ?? "")
        case let .splitNotScored(splits, dataset, kind, run):
            return "run \(run) (\(kind.command)) scored no sample of split \(splits.joined(separator: ",")) of dataset \(dataset)"
        case let .runCoversOtherSplits(run, splits, others):
            return "\(run) also scored split \(others.joined(separator: ",")), so its scores of split \(splits.joined(separator: ",")) were fitted "
                + "with those samples; make a run on split \(splits.joined(separator: ",")) alone (--split) and pass it with --run"
        case let .tooFewSamples(dataset, count):
            return "dataset \(dataset) has too few samples (\(count))"
        case let .tooSmallToCheck(dataset, cause):
            return "dq check cross-fits in 5 folds, and dataset \(dataset) is too small for that (\(cause)); run its steps with fewer folds "
                + "instead, e.g. dq pvi --dataset \(dataset) --folds 2, then dq suspects --dataset \(dataset)"
        case let .tooFewLabels(dataset):
            return "dataset \(dataset) has fewer than two labels"
        case let .noRun(kind, dataset):
            return "dataset \(dataset) has no finished `\(kind.command)` run"
        case let .notAFinishedRun(id, kind, dataset):
            return "run \(id) is not a finished `\(kind.command)` run of \(dataset)"
        case let .cannotRead(file, what):
            return "cannot read the \(what) \(file)"
        case let .emptyList(file, what):
            return "\(file) lists no \(what)"
        case let .unknownLabel(label, dataset, known):
            return "dataset \(dataset) has no label '\(label)' (its labels: \(known.joined(separator: ", ")))"
        case let .noMetadata(column, sample):
            return "sample \(sample) has no metadata column '\(column)'"
        case let .needsTextPairs(transform, dataset):
            return "the \(transform) transformation needs text pairs; dataset \(dataset) has single texts"
        case let .notRefittable(run, reason):
            return "run \(run) cannot be refitted: \(reason)"
        case let .irreproducible(run, difference):
            return "could not reproduce run \(run) (probabilities differ by up to \(difference)); was the dataset changed since?"
        case let .differentLabels(a, b, labelsA, labelsB):
            return "datasets \(a) and \(b) have different labels (\(labelsA.joined(separator: ", ")) vs \(labelsB.joined(separator: ", "))): conflicts compare datasets with the same label space"
        case let .nothingToMerge(dataset):
            return "dataset \(dataset) has no analysis to merge yet"
        case let .noSamplesInFile(file, dataset):
            return "\(file) holds no sample of \(dataset)"
        case let .nothingStored(file, rows):
            return "\(file): none of its \(rows) rows could be stored (each was rejected; the reasons are above and in the store's rejected_rows)"
        case let .needsMultiLabel(dataset):
            return "dataset \(dataset) is multi-label: its label issues are judged one label at a time"
        case let .notForMultiLabel(dataset):
            return "dataset \(dataset) is multi-label: PVI runs one label at a time there, on the stored texts (no --import-probs or --transform yet)"
        case let .oneAnnotationPerItem(dataset, method):
            return "every item of dataset \(dataset) has one annotation, so \(method) has no agreement to weigh annotators by (cleanlab refuses "
                + "the same); judge the labels with a model instead: dq label-issues"
        case let .plantsNothing(rate, samples):
            return "a rate of \(rate) changes no label of \(samples) samples, so there would be no planted error to find"
        case let .singleLabelOnly(kind, dataset):
            return "\(kind.command) does not take multi-label data yet, and dataset \(dataset) is multi-label"
        case let .noAnnotations(dataset):
            return "dataset \(dataset) has no annotations by named annotators"
        case let .evaluateNeedsBow(model):
            return "evaluate refits its models once per repeat and uses the bow family; \(model) is not supported yet"
        case let .inSample(split):
            return "training and evaluating on the same split (\(split)) would score PVI in sample, where the model has seen each label; "
                + "PVI, label-issues and suspects need out-of-sample probabilities"
        case let .needsEpochs(model):
            return "cartography needs a model trained in epochs, and \(model) is not one"
        }
    }
}
