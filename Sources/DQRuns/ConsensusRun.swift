import DQAnalyses
import DQReports
import DQStore
import DQText

/// `dq consensus`: one label per annotated sample from its annotators, with the quality of
/// each consensus and of each annotator; optionally saved as a new dataset whose labels are the
/// consensus, for every other analysis to use.
package enum ConsensusRun {
    package typealias Method = Consensus.Method

    package struct Options: Sendable {
        package var dataset: String?
        package var splits: [String]?
        /// nil: CROWDLAB when there are probabilities (--probs or --run), else Dawid–Skene.
        package var method: Consensus.Method?
        /// Out-of-sample probabilities in `dq label-issues --probs` format (id, label, one column per label).
        package var probs: String?
        /// A PVI run whose probabilities CROWDLAB uses (nil with `method` crowdlab: the latest).
        package var pviRun: Int64?
        /// Save the consensus as a new dataset of this name.
        package var saveAs: String?
        package var top = 20
        /// An annotator attribute (`dq ingest --annotator-meta`): each group's own majority too.
        package var by: String?

        package init() {}

        package init(dataset: String?, splits: [String]?, method: Consensus.Method?, probs: String?, pviRun: Int64?, saveAs: String?, top: Int,
                     by: String? = nil) {
            (self.dataset, self.splits, self.method, self.probs, self.pviRun, self.saveAs, self.top) = (dataset, splits, method, probs, pviRun, saveAs, top)
            self.by = by
        }

        package func validate() throws(OptionError) {
            if probs != nil && pviRun != nil { throw OptionError("give {probs} or {pviRun}, not both") }
            if let method, method != .crowdlab, probs != nil || pviRun != nil {
                throw OptionError("{probs} and {pviRun} are CROWDLAB's; leave them out with {method} \(method.rawValue)")
            }
            if let saveAs, saveAs.isBlank { throw OptionError("{saveAs} must not be empty") }
            if let saveAs, let problem = Names.problem(saveAs) { throw OptionError("{saveAs} '\(saveAs.visibleEscaped)' cannot be a dataset's name: \(problem)") }
            try OptionError.check(top, atLeast: 0, "top")
        }
    }

    package struct Outcome {
        package var run: Int64
        package var dataset: String
        package var method: Consensus.Method
        package var result: Consensus.Result
        package var labels: [String]
        package var annotators: [String]
        package var samples: [Sample]
        /// The annotations, for the labels given to each item.
        var annotations: AnnotatedSamples
        package var savedAs: String?
        package var top: Int
        package var probabilitiesFrom: String?
        /// With `by`: the attribute, and each group's majority against the consensus.
        package var groups: (attribute: String, groups: [Group])?
    }

    /// A group of annotators sharing an attribute value, and the majority of their own labels.
    package struct Group: Sendable {
        package var value: String
        package var annotators: Int
        /// Items the group labelled, and the share whose group majority is the consensus.
        package var items: Int
        package var agreement: Double
        /// Each label's share of the group's majorities.
        package var labelShares: [Double]
    }

    /// Each group's majority vote (cleanlab's tie-breaking) on the items it labelled, against
    /// the consensus of all annotators.
    static func groupConsensus(_ matrix: AnnotationMatrix, values: [String?], consensus: [Int]) -> [Group] {
        Set(values.compactMap { $0 }).sorted().map { value in
            let members = Set(values.indices.filter { values[$0] == value }.map(Int32.init))
            let sub = matrix.restricted(to: members)
            let vote = Consensus.majorityVote(sub)
            let items = (0..<sub.itemCount).filter { sub.count($0) > 0 }
            var counts = [Int](repeating: 0, count: matrix.labelCount)
            for i in items { counts[vote[i]] += 1 }
            let share = { (count: Int) in items.isEmpty ? Double.nan : Double(count) / Double(items.count) }
            return Group(value: value, annotators: members.count, items: items.count, agreement: share(items.count { vote[$0] == consensus[$0] }),
                         labelShares: counts.map(share))
        }
    }

    package static func run(store: Store, options: Options, observer: RunObserver = .silent) throws -> Outcome {
        try options.validate()
        let dataset = try store.resolve(DatasetSelection(name: options.dataset, splits: options.splits))
        let (datasetID, name) = (dataset.id, dataset.name)
        var data = try AnnotatedSamples(store: store, dataset: datasetID, name: name, splits: dataset.splits)
        let groupValues = try options.by.map { try AgreementRun.annotatorGroups(store: store, dataset: datasetID, name: name, annotators: data.stored.annotators, by: $0) }
        let method = options.method ?? (options.probs != nil || options.pviRun != nil ? .crowdlab : .dawidSkene)
        var parameters = ConsensusParameters(method: method, splits: options.splits, labels: data.stored.labels, savedAs: options.saveAs)
        parameters.by = options.by
        if let saveAs = options.saveAs, try store.datasetID(named: saveAs) != nil { throw StoreError.datasetExists(saveAs) }

        // CROWDLAB's probabilities, over the labels in their column order.
        var probabilities: [[Double]]?
        var probabilitiesFrom: String?
        if method == .crowdlab {
            (probabilities, probabilitiesFrom) = try crowdlabProbabilities(store: store, dataset: dataset, options: options, data: &data, parameters: &parameters)
        }
        let matrix = data.matrix
        // With one annotation an item, annotators cannot be compared: CROWDLAB is refused (as in
        // cleanlab), and Dawid–Skene's posteriors of 1.0 say nothing.
        if (0..<matrix.itemCount).allSatisfy({ matrix.count($0) == 1 }) {
            if method == .crowdlab { throw RunError.oneAnnotationPerItem(dataset: name, method: "CROWDLAB") }
            if method == .dawidSkene {
                observer.note("every item has one annotation: Dawid–Skene cannot tell an annotator's errors from the items' labels there, "
                              + "so its posteriors (all 1.0) mean nothing")
            }
        }
        observer.progress("consensus (\(method.rawValue)): \(matrix.labels.count) annotations of \(matrix.itemCount) items")
        defer { observer.endProgress() }
        let labels = data.stored.labels
        let annotatorIDs = try store.annotatorIDs(dataset: datasetID)
        let (run, result) = try store.recordRun(
            parameters, dataset: datasetID, seed: nil,
            compute: { _ -> Consensus.Result in
                switch method {
                case .majority: return Consensus.majority(matrix, probabilities: probabilities)
                case .dawidSkene: return Consensus.dawidSkene(matrix)
                case .crowdlab: return Consensus.crowdlab(matrix, probabilities: probabilities!)
                }
            },
            write: { run, result in
                try store.writeConsensus(
                    run: run,
                    samples: data.samples.indices.map { i in
                        ConsensusRow(sampleID: data.samples[i].id, label: labels[result.label[i]], quality: result.quality[i],
                                     agreement: result.agreement[i], annotations: result.annotations[i])
                    },
                    annotators: result.annotators.map {
                        AnnotatorQualityRow(annotatorID: annotatorIDs[data.stored.annotators[$0.annotator]]!, quality: $0.quality,
                                            agreement: $0.agreement, worstLabel: $0.worstLabel.map { labels[$0] }, items: $0.items)
                    })
                let changed = data.samples.indices.filter { labels[result.label[$0]] != data.samples[$0].label }.count
                var summary: [(key: String, value: JSONValue)] = [
                    ("method", .string(method.rawValue)), ("items", .number(Double(data.samples.count))),
                    ("changed", .number(Double(changed))),
                ]
                if let weight = result.modelWeight { summary.append(("model_weight", .number(weight))) }
                if let iterations = result.iterations { summary.append(("iterations", .number(Double(iterations)))) }
                try store.writeSummary(run: run, .object(summary))
            })
        if let saveAs = options.saveAs {
            var consensus: [Int64: String] = [:]
            for (i, sample) in data.samples.enumerated() { consensus[sample.id] = labels[result.label[i]] }
            try store.deriveDataset(saveAs, from: datasetID, samples: data.samples.map(\.id), labels: consensus,
                                    origin: "dq consensus run \(run) (\(method.rawValue)) of \(name)")
        }
        return Outcome(run: run, dataset: name, method: method, result: result, labels: labels, annotators: data.stored.annotators,
                       samples: data.samples, annotations: data,
                       savedAs: options.saveAs, top: options.top, probabilitiesFrom: probabilitiesFrom,
                       groups: options.by.flatMap { by in groupValues.map { (by, groupConsensus(matrix, values: $0, consensus: result.label)) } })
    }

    /// CROWDLAB's probabilities for each annotated sample, from `--probs` or a PVI run, with
    /// the annotations relabelled in the probabilities' label order; and where they came from.
    static func crowdlabProbabilities(store: Store, dataset: ResolvedDataset, options: Options, data: inout AnnotatedSamples,
                                      parameters: inout ConsensusParameters) throws -> ([[Double]], String) {
        var labels: [String], probabilitiesFrom: String
        var byID: [Int64: [Double]] = [:]
        if let probs = options.probs {
            let file = try ImportedProbabilities.readGiven(path: probs)
            labels = file.classes
            let idOf = Dictionary(data.samples.map { ($0.displayID, $0.id) }) { a, _ in a }
            for row in file.rows { if let id = idOf[row.id] { byID[id] = row.probabilities } }
            parameters.probs = probs
            probabilitiesFrom = probs
        } else {
            let record = try store.requiredRun(options.pviRun, kind: .pvi, dataset: dataset)
            labels = try record.parameters(PVIParameters.self).labels
            for row in try store.pviRows(run: record.id) { byID[row.sampleID] = row.probabilities }
            parameters.pviRun = record.id
            probabilitiesFrom = record.described
        }
        let missing = data.samples.filter { byID[$0.id] == nil }
        guard missing.isEmpty else {
            throw InputError(file: options.probs ?? "PVI run \(parameters.pviRun!)",
                             message: "no probabilities for \(missing.count) of the \(data.samples.count) annotated samples (first: "
                                 + missing.prefix(5).map(\.displayID).joined(separator: ", ") + "); CROWDLAB needs one row per annotated sample")
        }
        let unknown = Set(data.stored.labels).subtracting(labels)
        let used = Set(data.stored.label.map { data.stored.labels[Int($0)] })
        if let label = used.intersection(unknown).sorted().first {
            throw InputError(file: options.probs ?? "PVI run \(parameters.pviRun!)",
                             message: "annotators gave the label '\(label)', which has no probability column (columns: \(labels.joined(separator: ", ")))")
        }
        // Relabel the annotations in the probabilities' order.
        let slot = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, Int32($0)) })
        data.stored.label = data.stored.label.map { slot[data.stored.labels[Int($0)]]! }
        data.stored.labels = labels
        data.matrix = AnnotationMatrix(itemCount: data.stored.sampleIDs.count, annotatorCount: data.stored.annotators.count,
                                       labelCount: labels.count, item: data.stored.item, annotator: data.stored.annotator, label: data.stored.label)
        parameters.labels = labels
        return (data.samples.map { byID[$0.id]! }, probabilitiesFrom)
    }
}
