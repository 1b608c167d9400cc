import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText

/// `dq artefacts`: refits the g′ models of a `dq pvi` run exactly and measures, for every
/// scored sample and every word in it, how much PVI drops when the word is removed.
package enum ArtefactsRun {
    package struct Options: Sendable {
        /// The `dq pvi` run; nil: the dataset's latest on untransformed inputs.
        package var pviRun: Int64?
        /// Only this label.
        package var label: String?
        /// Only tokens occurring more than this many times in all labels (the reference's min_freq).
        package var minCount = 5

        package init() {}
    }

    package struct Outcome {
        package var pviRun: Int64
        /// Per label (in the run's label order), its tokens, largest mean contribution first.
        package var ranked: [(label: String, tokens: [TokenArtefacts.Token])]
        package var minCount: Int
    }

    package static func run(store: Store, dataset selection: DatasetSelection, options: Options,
                           observer: RunObserver = .silent) throws -> Outcome {
        let dataset = try store.resolve(DatasetSelection(name: selection.name))
        let run = try store.requiredRun(options.pviRun, kind: .pvi, dataset: dataset)
        let parameters = try run.parameters(PVIParameters.self)
        guard parameters.transform == nil, let seed = run.seed else {
            throw RunError.notRefittable(run: run.id, reason: "it is not a run that dq trained on untransformed inputs")
        }
        let labels = parameters.labels
        if let label = options.label, !labels.contains(label) {
            throw RunError.unknownLabel(label, dataset: dataset.name, known: labels)
        }
        let scheme = try parameters.scheme(run: run.id)
        observer.note("refitting the g′ models of \(run.described)")
        var family = try parameters.model.family(seed: UInt64(bitPattern: seed), run: run.id)
        let samples = try store.samples(dataset: dataset.id, splits: parameters.splits, labelVersion: run.labelVersion)
        let groups = try PVIRun.groupKeys(samples, by: parameters.groupBy ?? "none")
        let stored = Dictionary(uniqueKeysWithValues: try store.pviRows(run: run.id).map { ($0.sampleID, $0.probabilities) })
        var accumulator = TokenArtefacts.Accumulator()
        var largestDifference = 0.0
        let progress = TrainingProgress(fits: { if case .crossFit(let k) = scheme { k } else { 1 } }(), observer: observer)
        if var bert = family as? BertFamily {
            bert.onStep = progress.step
            family = bert
        }
        _ = try PVIEstimation.run(
            samples: samples, labels: labels, family: family, scheme: scheme, null: .prior, seed: UInt64(bitPattern: seed),
            groups: groups,
            progress: { message in
                try observer.checkInterrupt()
                if message.contains(": fitting") { progress.begin(message) }
            },
            interrupt: observer.checkInterrupt,
            inspect: { model, scored in
                observer.progress("measuring each word's contribution in \(scored.count) samples")
                let refitted = accumulator.add(model: model, samples: scored, labels: labels)
                for (sample, probabilities) in zip(scored, refitted) {
                    guard let before = stored[sample.id] else { continue }
                    for (a, b) in zip(before, probabilities) { largestDifference = max(largestDifference, abs(a - b)) }
                }
                try observer.checkInterrupt()
            })
        observer.endProgress()
        guard largestDifference <= (family is BowFamily ? 1e-6 : 1e-4) else {
            throw RunError.irreproducible(run: run.id, largestDifference: largestDifference)
        }
        let ranked = accumulator.ranked(minCount: options.minCount)
        let shown = (options.label.map { [$0] } ?? labels).compactMap { label in ranked[label].map { (label: label, tokens: $0) } }
        return Outcome(pviRun: run.id, ranked: shown, minCount: options.minCount)
    }
}
