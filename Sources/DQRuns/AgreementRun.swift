import DQAnalyses
import DQReports
import DQStore
import DQText

/// A dataset's annotations as a matrix, with the samples they belong to.
struct AnnotatedSamples {
    var stored: StoredAnnotations
    var matrix: AnnotationMatrix
    /// The samples of `stored.sampleIDs`, in that order.
    var samples: [Sample]

    /// `withSamples` false leaves `samples` empty (fetch the few shown with `Store.samples(ids:)`).
    /// `reviews`: the review decisions of `dq corrections import` as the annotations, each
    /// reviewer an annotator.
    init(store: Store, dataset: Int64, name: String, splits: [String]?, withSamples: Bool = true, reviews: Bool = false) throws {
        stored = reviews ? try store.reviewAnnotations(dataset: dataset, splits: splits) : try store.annotations(dataset: dataset, splits: splits)
        if reviews && stored.sampleIDs.isEmpty { throw OptionError("{reviews}: \(name) has no review decisions yet; import them with dq corrections import FILE") }
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
    /// The labels' level of measurement (`--metric`).
    package typealias Metric = InterAnnotatorAgreement.Metric

    package struct Options: Sendable {
        package var dataset: String?
        package var splits: [String]?
        package var resamples = 1000
        package var level = 0.95
        package var seed: UInt64 = 13
        /// Rows in the table of most disputed items.
        package var top = 20
        /// The labels' level of measurement: beyond nominal, Krippendorff's α is also measured
        /// with the labels as numbers (ordinal, interval or ratio).
        package var metric = InterAnnotatorAgreement.Metric.nominal
        /// An annotator attribute (`dq ingest --annotator-meta`) to group the annotators by.
        package var by: String?
        /// Measure the reviewers of `dq corrections import` instead of the ingested annotators.
        package var reviews = false

        package init() {}

        package init(dataset: String?, splits: [String]?, resamples: Int, level: Double, seed: UInt64, top: Int,
                     metric: InterAnnotatorAgreement.Metric = .nominal, by: String? = nil, reviews: Bool = false) {
            (self.dataset, self.splits, self.resamples, self.level, self.seed, self.top, self.metric, self.by) = (dataset, splits, resamples, level, seed, top, metric, by)
            self.reviews = reviews
        }

        package func validate() throws(OptionError) {
            if reviews && by != nil { throw OptionError("{by} groups ingested annotators; reviewers have no attributes") }
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
        /// The ordered level α was also measured at ("ordinal"), when it was.
        package var metric = "nominal"
        /// How many times each annotator gave each label: `labelCounts[annotator][label]`.
        package var labelCounts: [[Int]] = []
        /// With `by`: the attribute, and each annotator's value of it (nil: none recorded).
        package var groups: (attribute: String, values: [String?])?
        /// With `by`: Krippendorff's α (nominal) among each group's annotators, by value.
        package var groupAlpha: [String: Double?] = [:]
    }

    package static func run(store: Store, options: Options, observer: RunObserver = .silent) throws -> Outcome {
        try options.validate()
        let dataset = try store.resolve(DatasetSelection(name: options.dataset, splits: options.splits))
        let (datasetID, name) = (dataset.id, dataset.name)
        let data = try AnnotatedSamples(store: store, dataset: datasetID, name: name, splits: dataset.splits, withSamples: false, reviews: options.reviews)
        var groups: (attribute: String, values: [String?])?
        if let by = options.by {
            groups = (by, try annotatorGroups(store: store, dataset: datasetID, name: name, annotators: data.stored.annotators, by: by))
        }
        // Ordered levels read each label as the number it stands for (ConvAbuse's severities 1 … −3).
        var scale: (metric: InterAnnotatorAgreement.Metric, values: [Double])?
        if options.metric != .nominal {
            let values = data.stored.labels.map { Double($0.trimmingWhitespace()) }
            if let bad = zip(data.stored.labels, values).first(where: { $0.1 == nil || !$0.1!.isFinite }) {
                throw OptionError("{metric} \(options.metric.rawValue) reads the labels as numbers, and '\(bad.0.visibleEscaped)' is not one; use nominal")
            }
            if options.metric == .ratio, values.contains(where: { $0! < 0 }) { throw OptionError("{metric} ratio needs labels of 0 or more; use interval") }
            scale = (options.metric, values.map { $0! })
        }
        var parameters = AgreementParameters(splits: options.splits, resamples: options.resamples, level: options.level, seed: options.seed)
        parameters.metric = options.metric == .nominal ? nil : options.metric.rawValue
        parameters.by = options.by
        parameters.reviews = options.reviews ? true : nil
        let progress = CountProgress("agreement of \(data.matrix.labels.count.formatted(thousands: true)) annotations on \(data.matrix.itemCount.formatted(thousands: true)) items: bootstrap resamples",
                                     total: options.resamples, observer: observer)
        progress.show(0)
        defer { observer.endProgress() }
        let (run, result) = try store.recordRun(
            parameters, dataset: datasetID, seed: Int64(bitPattern: options.seed),
            compute: { _ in
                InterAnnotatorAgreement.measure(data.matrix, resamples: options.resamples, level: options.level,
                                                seed: options.seed, disputedLimit: options.top, scale: scale, progress: { progress.show($0) })
            },
            write: { run, result in try store.writeSummary(run: run, summaryJSON(result, data: data)) })
        let shown = try store.samples(ids: result.disputed.map { data.stored.sampleIDs[$0.item] })
        return Outcome(run: run, dataset: name, result: result, annotators: data.stored.annotators, labels: data.stored.labels,
                       disputed: zip(shown, result.disputed).map { ($0, data.describeCounts($1.counts)) }, metric: options.metric.rawValue,
                       labelCounts: labelCounts(data.matrix), groups: groups,
                       groupAlpha: groups.map { groupAlphas(data.matrix, values: $0.values) } ?? [:])
    }

    /// Krippendorff's α (nominal) among the annotators of each attribute value (nil: fewer than
    /// two annotators there, or no disagreement to measure).
    static func groupAlphas(_ matrix: AnnotationMatrix, values: [String?]) -> [String: Double?] {
        var out: [String: Double?] = [:]
        for value in Set(values.compactMap { $0 }) {
            let members = Set(values.indices.filter { values[$0] == value }.map(Int32.init))
            out[value] = members.count < 2 ? .some(nil) : .some(InterAnnotatorAgreement.krippendorffAlpha(matrix.restricted(to: members)))
        }
        return out
    }

    /// Each annotator's value of the attribute `by` (`dq ingest --annotator-meta`), or an error
    /// naming the attributes the annotators have when none has `by`.
    static func annotatorGroups(store: Store, dataset: Int64, name: String, annotators: [String], by: String) throws -> [String?] {
        let attributes = try store.annotatorAttributes(dataset: dataset)
        let values = annotators.map { attributes[$0]?[by] }
        guard values.contains(where: { $0 != nil }) else {
            let known = Set(attributes.values.flatMap(\.keys)).sorted()
            throw OptionError("{by} \(by): no annotator of \(name) has that attribute"
                              + (known.isEmpty ? "; ingest them with --annotator-meta COLUMN" : " (known: \(known.joined(separator: ", ")))"))
        }
        return values
    }

    /// How many times each annotator gave each label.
    static func labelCounts(_ matrix: AnnotationMatrix) -> [[Int]] {
        var counts = [[Int]](repeating: [Int](repeating: 0, count: matrix.labelCount), count: matrix.annotatorCount)
        for (annotator, label) in zip(matrix.annotators, matrix.labels) { counts[Int(annotator)][Int(label)] += 1 }
        return counts
    }

    static func summaryJSON(_ result: InterAnnotatorAgreement.Result, data: AnnotatedSamples) -> JSONValue {
        func stat(_ s: InterAnnotatorAgreement.Statistic) -> JSONValue {
            .object([("estimate", s.estimate.map { .number($0) } ?? .null), ("low", s.low.map { .number($0) } ?? .null),
                     ("high", s.high.map { .number($0) } ?? .null)])
        }
        return .object([
            ("items", .number(Double(result.items))), ("pairable_items", .number(Double(result.pairableItems))),
            ("annotations", .number(Double(result.annotations))),
            ("krippendorff_alpha", stat(result.alpha)), ("krippendorff_alpha_scaled", result.scaledAlpha.map(stat) ?? .null),
            ("fleiss_kappa", stat(result.fleiss)), ("light_kappa", stat(result.meanCohen)),
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
