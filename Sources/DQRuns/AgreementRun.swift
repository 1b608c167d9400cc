import DQAnalyses
import DQReports
import DQStore
import DQText

/// The parameters of a `dq agreement` run.
package struct AgreementParameters: RunParameters {
    package static let kind = RunKind.agreement
    package var splits: [String]?
    package var resamples: Int
    package var level: Double
    package var seed: UInt64
}

/// A dataset's annotations as a matrix, with the samples they belong to.
struct AnnotatedSamples {
    var stored: StoredAnnotations
    var matrix: AnnotationMatrix
    /// The samples of `stored.sampleIDs`, in that order.
    var samples: [Sample]

    /// `withSamples` false leaves `samples` empty (fetch the few shown with `Store.samples(ids:)`).
    init(store: Store, dataset: Int64, name: String, splits: [String]?, withSamples: Bool = true) throws {
        stored = try store.annotations(dataset: dataset, splits: splits)
        guard !stored.sampleIDs.isEmpty else { throw RunError.noAnnotations(dataset: name) }
        matrix = AnnotationMatrix(itemCount: stored.sampleIDs.count, annotatorCount: stored.annotators.count,
                                  labelCount: stored.labels.count, item: stored.item, annotator: stored.annotator, label: stored.label)
        samples = []
        guard withSamples else { return }
        // The annotated samples are the dataset's (or its splits') samples in store order, or some of them.
        samples.reserveCapacity(stored.sampleIDs.count)
        var next = 0
        try store.forEachSample(dataset: dataset, splits: splits) { sample in
            if next < stored.sampleIDs.count && sample.id == stored.sampleIDs[next] {
                samples.append(sample)
                next += 1
            }
        }
        if samples.count != stored.sampleIDs.count { samples = try store.samples(ids: stored.sampleIDs) }
    }

    /// "pos ×2, neg ×1": an item's labels with how many annotators gave each, most first.
    func describeCounts(_ counts: [(label: Int, count: Int)]) -> String {
        counts.sorted { $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label }
            .map { "\(stored.labels[$0.label]) ×\($0.count)" }.joined(separator: ", ")
    }
}

/// `dq agreement`: how far the annotators of a dataset agree beyond chance.
package enum AgreementRun {
    package struct Options: Sendable {
        package var dataset: String?
        package var splits: [String]?
        package var resamples = 1000
        package var level = 0.95
        package var seed: UInt64 = 13
        /// Rows in the table of most disputed items.
        package var top = 20

        package init() {}

        package init(dataset: String?, splits: [String]?, resamples: Int, level: Double, seed: UInt64, top: Int) {
            (self.dataset, self.splits, self.resamples, self.level, self.seed, self.top) = (dataset, splits, resamples, level, seed, top)
        }

        package func validate() throws(OptionError) {
            try OptionError.check(resamples, atLeast: 0, "resamples")
            if !(level > 0 && level < 1) { throw OptionError("{level} must be between 0 and 1, e.g. 0.95") }
            try OptionError.check(top, atLeast: 0, "top")
        }
    }

    package struct Outcome {
        package var run: Int64
        package var dataset: String
        package var result: InterAnnotatorAgreement.Result
        package var annotators: [String]
        package var labels: [String]
        /// The disputed items' samples and label counts, in `result.disputed` order.
        package var disputed: [(sample: Sample, labels: String)]
    }

    package static func run(store: Store, options: Options, observer: RunObserver = .silent) throws -> Outcome {
        try options.validate()
        let dataset = try store.resolve(DatasetSelection(name: options.dataset, splits: options.splits))
        let (datasetID, name) = (dataset.id, dataset.name)
        let data = try AnnotatedSamples(store: store, dataset: datasetID, name: name, splits: dataset.splits, withSamples: false)
        let parameters = AgreementParameters(splits: options.splits, resamples: options.resamples, level: options.level, seed: options.seed)
        observer.progress("agreement: \(data.matrix.labels.count) annotations of \(data.matrix.itemCount) items, \(options.resamples) resamples")
        defer { observer.endProgress() }
        let (run, result) = try store.recordRun(
            parameters, dataset: datasetID, seed: Int64(bitPattern: options.seed),
            compute: { _ in
                InterAnnotatorAgreement.measure(data.matrix, resamples: options.resamples, level: options.level,
                                                seed: options.seed, disputedLimit: options.top)
            },
            write: { run, result in try store.writeSummary(run: run, summaryJSON(result, data: data)) })
        let shown = try store.samples(ids: result.disputed.map { data.stored.sampleIDs[$0.item] })
        return Outcome(run: run, dataset: name, result: result, annotators: data.stored.annotators, labels: data.stored.labels,
                       disputed: zip(shown, result.disputed).map { ($0, data.describeCounts($1.counts)) })
    }

    static func summaryJSON(_ result: InterAnnotatorAgreement.Result, data: AnnotatedSamples) -> JSONValue {
        func stat(_ s: InterAnnotatorAgreement.Statistic) -> JSONValue {
            .object([("estimate", s.estimate.map { .number($0) } ?? .null), ("low", s.low.map { .number($0) } ?? .null),
                     ("high", s.high.map { .number($0) } ?? .null)])
        }
        return .object([
            ("items", .number(Double(result.items))), ("pairable_items", .number(Double(result.pairableItems))),
            ("annotations", .number(Double(result.annotations))),
            ("krippendorff_alpha", stat(result.alpha)), ("fleiss_kappa", stat(result.fleiss)), ("light_kappa", stat(result.meanCohen)),
            ("per_label", .array(result.perLabel.map {
                .object([("label", .string(data.stored.labels[$0.label])), ("alpha", stat($0.alpha)), ("fleiss", stat($0.fleiss))])
            })),
            ("pairs", .array(result.pairs.map {
                .object([("a", .string(data.stored.annotators[$0.a])), ("b", .string(data.stored.annotators[$0.b])),
                         ("overlap", .number(Double($0.overlap))), ("cohen", stat($0.cohen))])
            })),
        ])
    }
}

extension AgreementRun.Outcome {
    private func interval(_ s: InterAnnotatorAgreement.Statistic) -> [Cell] {
        [s.estimate.map { .real($0) } ?? .missing, s.low.map { .real($0) } ?? .missing, s.high.map { .real($0) } ?? .missing]
    }

    package var tables: [Table] {
        let level = Int((result.level * 100).rounded())
        let intervalColumns = ["estimate", "\(level)% low", "\(level)% high"]
        let summary = Table(
            name: "agreement", title: "Agreement of \(annotators.count) annotators on \(dataset), run \(run)",
            columns: ["statistic"] + intervalColumns,
            rows: [
                [.text("Krippendorff's α (nominal)")] + interval(result.alpha),
                [.text("Fleiss' κ")] + interval(result.fleiss),
                [.text("Light's κ (mean pairwise Cohen's κ)")] + interval(result.meanCohen),
                [.text("observed pair agreement"), result.observedAgreement.map { .real($0) } ?? .missing, .missing, .missing],
            ],
            note: "\(result.annotations.formatted(thousands: true)) annotations of \(result.items.formatted(thousands: true)) items; "
                + "\(result.pairableItems.formatted(thousands: true)) items have two or more and are measured. "
                + (result.resamples > 0 ? "Intervals: percentile bootstrap over items, \(result.resamples) resamples. " : "")
                + "1 is perfect agreement, 0 what chance gives; α ≥ 0.8 is Krippendorff's bar for relying on the labels, 0.667 for tentative conclusions.")
        let perLabel = Table(
            name: "agreement_labels", title: "Agreement per label (that label against the rest)",
            columns: ["label", "annotations", "α", "α low", "α high", "Fleiss κ", "κ low", "κ high"],
            rows: result.perLabel.map { [.text(labels[$0.label]), .int($0.annotations)] + interval($0.alpha) + interval($0.fleiss) })
        let perAnnotator = Table(
            name: "agreement_annotators", title: "Agreement per annotator",
            columns: ["annotator", "annotations", "shared items", "mean Cohen κ", "κ low", "κ high", "pair agreement", "α without"],
            rows: result.perAnnotator.map {
                [.text(annotators[$0.annotator]), .int($0.annotations), .int($0.sharedItems)] + interval($0.meanCohen)
                    + [$0.pairAgreement.map { .real($0) } ?? .missing, $0.alphaWithout.map { .real($0) } ?? .missing]
            },
            note: "α without: Krippendorff's α of the rest; above the overall α, this annotator lowers agreement.")
        let pairs = Table(
            name: "agreement_pairs", title: "Cohen's κ of each pair of annotators",
            columns: ["annotator A", "annotator B", "shared items", "observed", "Cohen κ", "κ low", "κ high"],
            rows: result.pairs.map {
                [.text(annotators[$0.a]), .text(annotators[$0.b]), .int($0.overlap), .real($0.observed)] + interval($0.cohen)
            })
        var tables = [summary, perLabel, perAnnotator, pairs]
        if annotators.count <= 12 && annotators.count > 1 {
            var kappa: [Int: Double] = [:]
            for pair in result.pairs { if let k = pair.cohen.estimate { kappa[pair.a * annotators.count + pair.b] = k } }
            tables.append(Table(
                name: "agreement_matrix", title: "Annotator × annotator Cohen's κ",
                columns: [""] + annotators,
                rows: annotators.indices.map { a in
                    [.text(annotators[a])] + annotators.indices.map { b in
                        if a == b { return .text("–") }
                        return kappa[min(a, b) * annotators.count + max(a, b)].map { .real($0) } ?? .missing
                    }
                }))
        }
        tables.append(Table(
            name: "agreement_disputed", title: "Most disputed items",
            columns: ["id", "disagreement", "labels given", "label", "text"],
            rows: zip(result.disputed, disputed).map { item, shown in
                [.text(shown.sample.displayID), .real(item.disagreement), .text(shown.labels), .text(shown.sample.label),
                 .text(shown.sample.text + (shown.sample.textPair.map { " ‖ " + $0 } ?? ""))]
            },
            note: result.disputed.isEmpty ? "Every annotator agrees on every item." : "Disagreement: the share of annotator pairs on the item that gave different labels."))
        return tables
    }
}
