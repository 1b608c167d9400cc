import DQAnalyses
import DQReports
import DQStore
import DQText

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
        for name in names { samples += try store.samples(try store.resolve(DatasetSelection(name: name)), allSplits: true).map { (name, $0) } }
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
