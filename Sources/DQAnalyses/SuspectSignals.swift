import Foundation

/// Which analysis a suspicion comes from. Model-based signals name their model family (bow,
/// embeddings, tiny-bert, a checkpoint): each model is a source of its own.
package enum SignalID: Hashable, Sendable {
    case pvi(model: String)
    case confidentLearning(model: String)
    case cartography
    case specifications
    case conflicts
    case annotators
    /// The labels of a sample's nearest neighbours in a sentence encoder's space (`Neighbours`).
    case neighbours

    /// How tables, reasons and `dq evaluate`'s figures name the signal.
    package var name: String {
        switch self {
        case .pvi(let model): "\(model) PVI"
        case .confidentLearning(let model): "confident learning (\(model))"
        case .cartography: "cartography"
        case .specifications: "specifications"
        case .conflicts: "conflicting duplicates"
        case .annotators: "annotator disagreement"
        case .neighbours: "embedding neighbours"
        }
    }

    /// Signals from one fitted model share a source: the rank average counts a source once.
    package var source: String {
        switch self {
        case .pvi(let model), .confidentLearning(let model): model
        case .cartography: "cartography"
        case .specifications: "specifications"
        case .conflicts: "conflicts"
        case .annotators: "annotators"
        case .neighbours: "neighbours"
        }
    }

    /// The kind as the store records it, and the model when the signal has one.
    package var stored: (kind: String, model: String?) {
        switch self {
        case .pvi(let model): ("pvi", model)
        case .confidentLearning(let model): ("confident-learning", model)
        case .cartography: ("cartography", nil)
        case .specifications: ("specifications", nil)
        case .conflicts: ("conflicts", nil)
        case .annotators: ("annotators", nil)
        case .neighbours: ("neighbours", nil)
        }
    }

    /// The signal a stored kind and model name; nil for a kind this dq does not know.
    package init?(kind: String, model: String?) {
        switch (kind, model) {
        case ("pvi", let model?): self = .pvi(model: model)
        case ("confident-learning", let model?): self = .confidentLearning(model: model)
        case ("cartography", nil): self = .cartography
        case ("specifications", nil): self = .specifications
        case ("conflicts", nil): self = .conflicts
        case ("annotators", nil): self = .annotators
        case ("neighbours", nil): self = .neighbours
        default: return nil
        }
    }
}

/// A feature of the calibrated fusion: a signal's rank r among the samples (0 to 1), or how
/// far into the suspect tail it is, −log(1 − r + 1/n).
package enum Feature: Hashable, Sendable {
    case rank(SignalID)
    case tail(SignalID)

    package var signal: SignalID {
        switch self { case .rank(let s), .tail(let s): s }
    }

    /// The feature of every sample, from its signal's suspicions.
    package func values(_ suspicion: [Double]) -> [Double] {
        Self.columns([self], suspicion: { _ in suspicion })![0]
    }

    /// Each feature's values, each signal ranked once however many of its features there are;
    /// nil when `suspicion` has no values for a signal a feature needs.
    package static func columns(_ features: [Feature], suspicion: (SignalID) -> [Double]?) -> [[Double]]? {
        var ranks: [SignalID: [Double]] = [:]
        var out: [[Double]] = []
        for feature in features {
            if ranks[feature.signal] == nil {
                guard let values = suspicion(feature.signal) else { return nil }
                ranks[feature.signal] = DetectionMetrics.rankNormalised(values)
            }
            let r = ranks[feature.signal]!
            switch feature {
            case .rank: out.append(r)
            case .tail: out.append(r.map { -log(1 - $0 + 1 / Double(r.count)) })
            }
        }
        return out
    }

    /// Both features of a signal, in the order the fusion uses them.
    package static func both(_ signal: SignalID) -> [Feature] { [.rank(signal), .tail(signal)] }
}

/// Signals built from per-sample values aligned to the samples judged (position i is the
/// i-th sample), shared by `dq suspects` and `dq evaluate`. With `explain`, each sample gets
/// a reason for people; without, reasons are empty (evaluate scores rankings only).
extension SuspectScoring.Signal {
    /// One model's out-of-sample view of the labels: its labels, each sample's given label (an
    /// index into `labels`), its probabilities (n × labels, row-major) and PVI.
    package struct ModelView: Sendable {
        package var model: String
        package var labels: [String]
        package var given: [Int]
        package var probabilities: [Double]
        package var pvi: [Double]

        package init(model: String, labels: [String], given: [Int], probabilities: [Double], pvi: [Double]) {
            (self.model, self.labels, self.given, self.probabilities, self.pvi) = (model, labels, given, probabilities, pvi)
        }

        /// The likeliest label other than the given one, for each sample.
        package var runnerUp: [Int] {
            let k = labels.count
            return given.indices.map { i in
                (0..<k).filter { $0 != given[i] }.max { probabilities[i * k + $0] < probabilities[i * k + $1] } ?? given[i]
            }
        }

        /// How much the model learned about the labels.
        package var strength: ModelStrength { ModelStrength(given: given, probabilities: probabilities, classes: labels.count, pvi: pvi) }

        /// The mean of several models' probabilities, in the first model's label order.
        package static func meanProbabilities(_ views: [ModelView]) -> [Double] {
            let first = views[0], k = first.labels.count, n = first.given.count
            var mean = [Double](repeating: 0, count: n * k)
            for view in views {
                let column = view.labels.map { first.labels.firstIndex(of: $0) }
                for i in 0..<n {
                    for (j, c) in column.enumerated() {
                        if let c { mean[i * k + c] += view.probabilities[i * view.labels.count + j] / Double(views.count) }
                    }
                }
            }
            return mean
        }
    }

    /// −PVI and confident learning's self-confidence (1 − p̂(given label)) from one model. With
    /// `runnerUp` (each sample's likeliest other label, `ModelView.runnerUp`), each sample gets
    /// reasons that name it.
    package static func model(_ view: ModelView, runnerUp: [Int]?) -> [SuspectScoring.Signal] {
        let k = view.labels.count, n = view.given.count
        let confidence = (0..<n).map { 1 - view.probabilities[$0 * k + view.given[$0]] }
        var pviReasons: [String] = [], clReasons: [String] = []
        if let other = runnerUp {
            for i in 0..<n {
                let (y, o) = (view.given[i], other[i])
                pviReasons.append(String(format: "%@ PVI %.2f bits", view.model, view.pvi[i]))
                clReasons.append(String(format: "%@: p(%@) %.3f, p(%@) %.3f", view.model, view.labels[y], view.probabilities[i * k + y],
                                        view.labels[o], view.probabilities[i * k + o]))
            }
        }
        return [.init(id: .pvi(model: view.model), suspicion: view.pvi.map { -$0 }, sparse: false, reasons: pviReasons),
                .init(id: .confidentLearning(model: view.model), suspicion: confidence, sparse: false, reasons: clReasons)]
    }

    /// 1 − the data-map confidence; samples not in the map get 0. `regions`: each sample's
    /// region names, shown in the reason.
    package static func cartography(confidence: [Double?], regions: [String?], explain: Bool) -> SuspectScoring.Signal {
        .init(id: .cartography, suspicion: confidence.map { $0.map { 1 - $0 } ?? 0 }, sparse: false,
              reasons: !explain ? [] : zip(confidence, regions).map { c, r in
                  c.map { String(format: "cartography confidence %.2f", $0) + (r.map { " (\($0))" } ?? "") } ?? "not in the data map"
              })
    }

    /// The best fused score of another label's specifications (0 when none matches).
    package static func specifications(score: [Double], reasons: [String?], explain: Bool) -> SuspectScoring.Signal {
        .init(id: .specifications, suspicion: score, sparse: true,
              reasons: explain ? reasons.map { $0 ?? "no other label's specifications match" } : [])
    }

    /// The similarity-weighted share of the nearest neighbours with another label (`Neighbours.disagreement`).
    package static func neighbours(suspicion: [Double], reasons: [String], explain: Bool) -> SuspectScoring.Signal {
        .init(id: .neighbours, suspicion: suspicion, sparse: false, reasons: explain ? reasons : [])
    }

    /// The similarity of the closest differently labelled near-duplicate (0 when none).
    package static func conflicts(similarity: [Double], reasons: [String?], explain: Bool) -> SuspectScoring.Signal {
        .init(id: .conflicts, suspicion: similarity, sparse: true, reasons: explain ? reasons.map { $0 ?? "no conflicting duplicate" } : [])
    }
}
