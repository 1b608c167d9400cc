import DQAnalyses
import DQReports
import DQStore
import DQText

/// The parameters of a `dq conflicts` run.
package struct ConflictsParameters: RunParameters {
    package static let kind = RunKind.conflicts
    package var datasets: [String]
    package var threshold: Double
    package var exactOnly: Bool
    package var shingles: String
    package var minhash: String
}

/// `dq conflicts`: (nearly) identical texts with different labels, within and across datasets.
package enum ConflictsRun {
    package struct Options: Sendable {
        /// The datasets compared (nil: the store's only one); they must share their labels.
        package var datasets: [String]?
        /// Word-bigram Jaccard similarity from which two texts are near-duplicates.
        package var threshold = 0.8
        package var exactOnly = false

        package init() {}

        package init(datasets: [String]?, threshold: Double, exactOnly: Bool) {
            (self.datasets, self.threshold, self.exactOnly) = (datasets, threshold, exactOnly)
        }

        package func validate() throws(OptionError) {
            if !(threshold > 0 && threshold <= 1) { throw OptionError("{threshold} must be in (0, 1]") }
        }
    }

    package struct Outcome {
        package var run: Int64
        package var pairs: [NearDuplicates.Pair]
        package var samples: [(dataset: String, sample: Sample)]
        package var datasets: [String]
    }

    package static func run(store: Store, options: Options) throws -> Outcome {
        try options.validate()
        let names = try options.datasets ?? [store.defaultDataset(nil).name]
        let ids = try names.map { try store.requireDataset($0) }
        let labelSets = try ids.map { Set(try store.labels(dataset: $0)) }
        for (name, labels) in zip(names, labelSets).dropFirst() where labels != labelSets[0] {
            throw RunError.differentLabels(names[0], name, labelSets[0].sorted(), labels.sorted())
        }
        var samples: [(dataset: String, sample: Sample)] = []
        for (name, id) in zip(names, ids) { samples += try store.samples(dataset: id).map { (name, $0) } }
        let items = samples.map { NearDuplicates.Item(text: [$0.sample.text, $0.sample.textPair].compactMap { $0 }.joined(separator: "\n"), label: $0.sample.label) }
        let parameters = ConflictsParameters(datasets: names, threshold: options.threshold, exactOnly: options.exactOnly,
                                             shingles: "word bigrams", minhash: "32 bands x 4 rows")
        let (run, pairs) = try store.recordRun(
            parameters, dataset: ids[0], seed: nil,
            compute: { _ in NearDuplicates.conflicts(items, threshold: options.threshold, nearDuplicates: !options.exactOnly) },
            write: { run, pairs in
                try store.writeConflicts(run: run, pairs.map {
                    ConflictRow(sampleA: samples[$0.a].sample.id, sampleB: samples[$0.b].sample.id, kind: $0.exact ? .exact : .near,
                                similarity: $0.similarity)
                })
            })
        return Outcome(run: run, pairs: pairs, samples: samples, datasets: names)
    }
}

extension ConflictsRun.Outcome {
    package var table: Table {
        let many = datasets.count > 1
        func who(_ i: Int) -> String { many ? "\(samples[i].dataset):\(samples[i].sample.displayID)" : samples[i].sample.displayID }
        return Table(
            name: "conflicts", title: "Near-duplicate texts with different labels, run \(run) (\(pairs.count) pairs)",
            columns: ["kind", "similarity", "id A", "label A", "id B", "label B", "text A", "text B"],
            rows: pairs.map { p in
                [.text(p.exact ? "exact" : "near"), .real(p.similarity), .text(who(p.a)), .text(samples[p.a].sample.label),
                 .text(who(p.b)), .text(samples[p.b].sample.label), .text(samples[p.a].sample.text), .text(samples[p.b].sample.text)]
            },
            note: pairs.isEmpty ? "No conflicting duplicates." : "Similarity: Jaccard of word bigrams (1 for exact duplicates after folding case, punctuation and spacing).")
    }
}
