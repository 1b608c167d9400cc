import DQAnalyses
import DQLearning
import DQText

/// What the person running dq can change to get past an error thrown below DQRuns, so that
/// the command line can name the flag that does it without knowing the lower layers' errors.
package enum Remedy: Equatable, Sendable {
    /// Fewer cross-fitting folds (a fold would be too small), or, when `grouped`, another
    /// grouping of the samples (a fold would get no group).
    case fewerFolds(grouped: Bool)
    /// A smaller learning rate or larger batches (training diverged).
    case gentlerTraining
    /// Name the column that plays this part in the input file.
    case nameColumn(Column)
    /// Name the input file's format.
    case nameFormat
    /// Name the columns to keep instead of keeping every column.
    case nameColumns
    /// Read the file as multi-label data (true) or as single labels (false), or into another dataset.
    case multiLabel(Bool)
    /// Name the dataset to ingest into.
    case nameDataset

    /// Named as the ingest option's property (`textPair` is `--text-pair`).
    package enum Column: String, Sendable, Hashable { case text, textPair, label, id, meta, annotator, annotationTime, splitColumn, labelColumns }

    package init?(_ error: any Error) {
        switch error {
        case PVIEstimation.EstimationError.tooFewSamples: self = .fewerFolds(grouped: false)
        case PVIEstimation.EstimationError.tooFewGroups: self = .fewerFolds(grouped: true)
        case TrainingError.nonFiniteLoss: self = .gentlerTraining
        case let error as InputError:
            switch error.remedy {
            case .nameColumn(let role)?:
                switch role {
                case .text: self = .nameColumn(.text)
                case .textPair: self = .nameColumn(.textPair)
                case .label: self = .nameColumn(.label)
                case .id: self = .nameColumn(.id)
                case .meta: self = .nameColumn(.meta)
                case .annotator: self = .nameColumn(.annotator)
                case .annotationTime: self = .nameColumn(.annotationTime)
                case .split: self = .nameColumn(.splitColumn)
                case .labelColumns: self = .nameColumn(.labelColumns)
                }
            case .nameFormat?: self = .nameFormat
            case .nameColumns?: self = .nameColumns
            case .multiLabel(let on)?: self = .multiLabel(on)
            case .nameDataset?: self = .nameDataset
            case nil: return nil
            }
        default: return nil
        }
    }
}
