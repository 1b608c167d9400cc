import Foundation

/// One list of the samples most likely mislabelled, from continuous signals.
///
/// Every signal gives each sample a suspicion (higher = more likely wrong) and a reason.
/// Signals computed from one fitted model (PVI and confident learning on one run's
/// probabilities) share a `source`. The fusion is:
///
/// - **calibrated**, when a `dq evaluate` run fitted one on this dataset's planted errors and
///   every signal it used is present: its logistic regression on each signal's rank r and log
///   tail −log(1 − r + 1/n) gives each sample an estimated probability that its label is wrong;
/// - otherwise **the rank average of the dense sources**: within a source, the mean of its
///   signals' ranks; then the mean over sources that score every sample (models). Sparse
///   signals (specification matches, duplicates: zero for most samples) are shown as reasons but
///   not averaged in, because a mostly-zero rank pulls every sample to the middle (on TREC the
///   plain average of all sources found 0.40 of planted errors against 0.74 for confident
///   learning alone, docs/evaluation.md). With no dense source, the sparse ones are averaged.
package enum SuspectScoring {
    package struct Signal: Sendable {
        package var id: SignalID
        package var name: String { id.name }
        /// Signals from one fitted model share a source.
        package var source: String { id.source }
        /// Per sample; higher = more likely wrong.
        package var suspicion: [Double]
        /// Zero for most samples (a match or a duplicate, or not).
        package var sparse: Bool
        /// Per sample: why, for people.
        package var reasons: [String]

        package init(id: SignalID, suspicion: [Double], sparse: Bool, reasons: [String]) {
            (self.id, self.suspicion, self.sparse, self.reasons) = (id, suspicion, sparse, reasons)
        }
    }

    /// A fusion fitted by `dq evaluate`: its features and model.
    package struct Calibration: Sendable {
        package var features: [Feature]
        package var model: LogisticFusion.Model

        /// The signals the features need, each once, in feature order.
        package var signals: [SignalID] {
            features.map(\.signal).reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        }

        package init(features: [Feature], model: LogisticFusion.Model) {
            self.features = features
            self.model = model
        }
    }

    package struct Ranking: Sendable {
        /// Every sample's fused score (the probability when calibrated).
        package var score: [Double]
        /// Estimated probabilities that labels are wrong, when calibrated.
        package var probability: [Double]?
        /// Sample positions, most suspect first (ties by position).
        package var order: [Int]
    }

    /// The calibration's features for these signals; nil when a signal it needs is missing.
    package static func features(_ signals: [Signal], for calibration: Calibration) -> [[Double]]? {
        guard let columns = Feature.columns(calibration.features, suspicion: { id in signals.first { $0.id == id }?.suspicion }) else { return nil }
        let n = signals.first?.suspicion.count ?? 0
        return (0..<n).map { i in columns.map { $0[i] } }
    }

    package static func rank(_ signals: [Signal], calibration: Calibration?) -> Ranking {
        let n = signals.first?.suspicion.count ?? 0
        var score: [Double]
        var probability: [Double]?
        if let calibration, let x = features(signals, for: calibration) {
            probability = x.map(calibration.model.probability)
            score = probability!
        } else {
            var sources: [String: [[Double]]] = [:]
            var order: [String] = []
            let dense = signals.filter { !$0.sparse }
            for signal in dense.isEmpty ? signals : dense {
                if sources[signal.source] == nil { order.append(signal.source) }
                sources[signal.source, default: []].append(DetectionMetrics.rankNormalised(signal.suspicion))
            }
            let fused = order.map { source -> [Double] in
                let list = sources[source]!
                return (0..<n).map { i in list.reduce(0) { $0 + $1[i] } / Double(list.count) }
            }
            score = (0..<n).map { i in fused.reduce(0) { $0 + $1[i] } / Double(max(fused.count, 1)) }
        }
        let order = (0..<n).sorted { score[$0] > score[$1] || (score[$0] == score[$1] && $0 < $1) }
        return Ranking(score: score, probability: probability, order: order)
    }
}
