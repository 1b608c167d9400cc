import DQAnalyses
import DQReports
import DQStore
import DQText

/// `dq label-issues`: confident learning on out-of-sample probabilities.
package enum LabelIssuesRun {
    package typealias Filter = ConfidentLearning.Filter
    package typealias RankBy = ConfidentLearning.RankBy

    package struct Options: Sendable {
        /// The `dq pvi` run; nil: the dataset's latest on untransformed inputs.
        package var pviRun: Int64?
        /// A CSV of probabilities (columns id, label, one per label) instead of a run, or a
        /// NumPy `.npy` array of n × K probabilities (float32 or float64), streamed.
        package var probabilities: String?
        /// With a `.npy` `probabilities`: the given labels, 0..<K, as a `.npy` integer array or a
        /// CSV with a `label` column.
        package var labelsFile: String?
        package var filter: ConfidentLearning.Filter = .pruneByNoiseRate
        package var rankBy: ConfidentLearning.RankBy = .selfConfidence
        package var minExamplesPerClass = 1
        /// Also count the issues over each annotator's samples (`--by annotator`).
        package var byAnnotator = false

        /// With `multiLabel`: the samples' label lists and per-label probabilities (a CSV, or a
        /// multi-label dataset's one-vs-rest PVI runs).
        package var multiLabel = false

        package func validate(dataset: String?) throws(OptionError) {
            if pviRun != nil && probabilities != nil { throw OptionError("give {pviRun} or {probabilities}, not both") }
            if labelsFile != nil && probabilities == nil { throw OptionError("{labelsFile} goes with {probabilities} FILE.npy") }
            try OptionError.check(minExamplesPerClass, in: 0...1_000_000_000, "minExamplesPerClass")
            if multiLabel && byAnnotator { throw OptionError("{byAnnotator} is for single-label data") }
            if multiLabel && (labelsFile != nil || pviRun != nil || (probabilities == nil && dataset == nil)) {
                throw OptionError("{multiLabel} reads a CSV ({probabilities} FILE with columns id, labels and one probability per label) or a multi-label dataset's PVI runs ({dataset} NAME)")
            }
        }

        /// Confident learning with these settings.
        func find(in input: ConfidentLearning.Input) -> ConfidentLearning.Result {
            ConfidentLearning.findLabelIssues(input, filter: filter, rankBy: rankBy, minExamplesPerClass: minExamplesPerClass)
        }

        package init(pviRun: Int64? = nil, probabilities: String? = nil, filter: ConfidentLearning.Filter = .pruneByNoiseRate,
                    rankBy: ConfidentLearning.RankBy = .selfConfidence, minExamplesPerClass: Int = 1) {
            (self.pviRun, self.probabilities, self.filter, self.rankBy, self.minExamplesPerClass) = (pviRun, probabilities, filter, rankBy, minExamplesPerClass)
        }
    }

    package struct Outcome {
        package var run: Int64
        package var result: ConfidentLearning.Result
        /// Each row's given label, an index into `labels`.
        package var given: [Int]
        /// The store id of each row of `input`; nil for a file read without a dataset.
        package var sampleIDs: [Int64?]
        /// Each row's id as the user knows it.
        package var displayIDs: [String]
        package var labels: [String]
        package var samples: [Int64: Sample]
        /// With `byAnnotator`: the annotators of each annotated sample.
        package var annotatorsOf: [Int64: [String]]? = nil
    }

    package static func run(store: Store, dataset selection: DatasetSelection, options: Options, observer: RunObserver = .silent) throws -> Outcome {
        guard options.byAnnotator else { return try runUnsliced(store: store, dataset: selection, options: options, observer: observer) }
        let dataset = try store.resolve(DatasetSelection(name: selection.name, labels: selection.labels))
        let annotatorsOf = try AnnotatorSlices.members(store: store, dataset: dataset.id, name: dataset.name)
        var outcome = try runUnsliced(store: store, dataset: selection, options: options, observer: observer)
        outcome.annotatorsOf = annotatorsOf
        return outcome
    }

    private static func runUnsliced(store: Store, dataset selection: DatasetSelection, options: Options, observer: RunObserver) throws -> Outcome {
        if let probs = options.probabilities, NumPyArray.isNumPy(path: probs) {
            guard selection.name == nil else {
                throw OptionError("\(probs): a .npy array has no sample ids, so it is judged on its own: leave out {dataset}")
            }
            return try streamed(probs, store: store, options: options, observer: observer)
        }
        if options.labelsFile != nil {
            throw OptionError("{labelsFile} goes with {probabilities} FILE.npy (a CSV of probabilities has its own label column)")
        }
        if let probs = options.probabilities {
            // Labels and probabilities are enough: with no dataset named and none in the store,
            // the file is judged on its own (as cleanlab judges its arrays).
            if selection.name == nil, try store.datasetNames().isEmpty {
                return try standalone(probs, store: store, options: options)
            }
        }
        let dataset = try store.resolve(selection)
        if try store.isMultiLabel(dataset: dataset.id) { throw RunError.needsMultiLabel(dataset: dataset.name) }
        // Only the splits asked for are judged; ids of the file are checked against the whole dataset.
        let all = try store.samples(dataset, allSplits: true)
        let samples = Dictionary(uniqueKeysWithValues: all.filter { dataset.splits?.contains($0.split) ?? true }.map { ($0.id, $0) })
        var labels = try store.labels(dataset: dataset.id)
        var ids: [Int64] = []
        var given: [Int] = []
        var probabilities: [Double] = []
        var parameters = LabelIssuesParameters(filterBy: options.filter, rankBy: options.rankBy,
                                               minExamplesPerClass: options.minExamplesPerClass, labels: labels)
        if let probs = options.probabilities {
            let file = try ImportedProbabilities.readGiven(path: probs)
            let byDisplayID = Dictionary(all.map { ($0.displayID, $0.id) }) { a, _ in a }
            let unknown = file.rows.map(\.id).filter { byDisplayID[$0] == nil }
            guard unknown.isEmpty else {
                throw InputError(file: probs, message: "\(unknown.count) ids are not samples of \(dataset.name) (first: \(unknown.prefix(5).joined(separator: ", ")))")
            }
            // The class order is the file's column order, which confident learning depends on.
            labels = file.classes
            let indices = try file.labelIndices()
            for (row, y) in zip(file.rows, indices).sorted(by: { byDisplayID[$0.0.id]! < byDisplayID[$1.0.id]! })
            where samples[byDisplayID[row.id]!] != nil {
                ids.append(byDisplayID[row.id]!)
                given.append(y)
                probabilities += row.probabilities
            }
            parameters.probs = probs
            parameters.labels = labels
        } else {
            let record = try store.requiredRun(options.pviRun, kind: .pvi, dataset: dataset)
            observer.note("the probabilities of \(record.described)")
            if let asked = dataset.splits, let covered = record.made.splits, !Set(covered).isSubset(of: asked) {
                observer.note("warning: that run also scored split \(Set(covered).subtracting(asked).sorted().joined(separator: ",")); its models "
                              + "were fitted with those samples too (dq pvi --split \(asked.joined(separator: ",")) makes a run of these alone)")
            } else if let asked = dataset.splits, record.made.splits == nil {
                observer.note("warning: that run scored every split; its models were fitted with samples outside split "
                              + "\(asked.joined(separator: ",")) too (dq pvi --split \(asked.joined(separator: ",")) makes a run of these alone)")
            }
            labels = try record.parameters(PVIParameters.self).labels
            for row in try store.pviRows(run: record.id) where samples[row.sampleID] != nil {
                guard let y = labels.firstIndex(of: row.label), row.probabilities.count == labels.count else {
                    throw StoreError.inconsistent("run \(record.id): sample \(row.sampleID) has label \(row.label) or probabilities outside the run's labels")
                }
                ids.append(row.sampleID)
                given.append(y)
                probabilities += row.probabilities
            }
            parameters.pviRun = record.id
            parameters.labels = labels
            if ids.isEmpty, let splits = dataset.splits {
                throw RunError.splitNotScored(splits: splits, dataset: dataset.name, kind: .pvi, run: record.id)
            }
        }
        parameters.splits = dataset.splits
        guard labels.count >= 2, !ids.isEmpty else { throw RunError.tooFewLabels(dataset: dataset.name) }
        if ids.count < samples.count {
            observer.note("the probabilities cover \(ids.count) of the \(samples.count) samples of \(dataset.name); only those are judged")
        }
        let input = ConfidentLearning.Input(labels: given, probabilities: probabilities, classes: labels.count)
        let (run, result) = try store.recordRun(
            parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: nil,
            compute: { _ in options.find(in: input) },
            write: { run, result in
                try store.writeLabelIssues(run: run, result.ranked.enumerated().map { position, i in
                    LabelIssueRow(sampleID: ids[i], position: position + 1, givenLabel: labels[given[i]],
                                  suggestedLabel: labels[result.suggested[i]], quality: result.quality[i])
                })
                try store.writeSummary(run: run, summary(result, samples: ids.count))
            })
        return Outcome(run: run, result: result, given: given, sampleIDs: ids, displayIDs: ids.map { samples[$0]?.displayID ?? "#\($0)" },
                       labels: labels, samples: samples)
    }

    /// Confident learning on a file alone. The run is recorded with its summary; the flagged
    /// samples are not stored (they are no samples of the store), only printed and written.
    static func standalone(_ probs: String, store: Store, options: Options) throws -> Outcome {
        let file = try ImportedProbabilities.readGiven(path: probs)
        guard !file.rows.isEmpty else { throw InputError(file: probs, message: "no rows after the header") }
        let input = ConfidentLearning.Input(labels: try file.labelIndices(), probabilities: file.rows.flatMap(\.probabilities),
                                            classes: file.classes.count)
        var parameters = LabelIssuesParameters(filterBy: options.filter, rankBy: options.rankBy,
                                               minExamplesPerClass: options.minExamplesPerClass, labels: file.classes)
        parameters.probs = probs
        let (run, result) = try store.recordRun(
            parameters, dataset: nil, seed: nil,
            compute: { _ in options.find(in: input) },
            write: { run, result in try store.writeSummary(run: run, summary(result, samples: input.count)) })
        return Outcome(run: run, result: result, given: input.labels, sampleIDs: file.rows.map { _ in nil }, displayIDs: file.rows.map(\.id),
                       labels: file.classes, samples: [:])
    }

    /// Confident learning on a NumPy array of probabilities too large to hold: three passes over
    /// the file, O(n + K²) memory. Rows are named by their index (as cleanlab's result indices);
    /// labels are the column numbers 0..<K.
    static func streamed(_ probs: String, store: Store, options: Options, observer: RunObserver) throws -> Outcome {
        let array = try NumPyArray(path: probs)
        guard array.shape.count == 2, array.columns >= 2, array.rows >= 1, case .float = array.element else {
            throw InputError(file: probs, message: "expected a 2-d float32 or float64 array of n samples × K ≥ 2 classes, found \(array.descr) of shape \(array.shapeDescription)")
        }
        guard let labelsFile = options.labelsFile else {
            throw OptionError("\(probs): a .npy of probabilities needs the given labels: {labelsFile} labels.npy (integers 0..<\(array.columns)) or a CSV with a label column")
        }
        let given = try ImportedProbabilities.readLabelIndices(path: labelsFile, rows: array.rows, classes: array.columns)
        let labels = (0..<array.columns).map(String.init)
        var parameters = LabelIssuesParameters(filterBy: options.filter, rankBy: options.rankBy,
                                               minExamplesPerClass: options.minExamplesPerClass, labels: labels)
        (parameters.probs, parameters.labelsFile) = (probs, labelsFile)
        let (run, result) = try store.recordRun(
            parameters, dataset: nil, seed: nil,
            compute: { _ in
                defer { observer.endProgress() }
                return try ConfidentLearning.findLabelIssues(
                    rows: ImportedProbabilities.NumPyRows(array: array), labels: given, filter: options.filter, rankBy: options.rankBy,
                    minExamplesPerClass: options.minExamplesPerClass,
                    progress: { message in
                        try observer.checkInterrupt()
                        observer.progress("\(array.rows) × \(array.columns) \(array.descr): \(message)")
                    })
            },
            write: { run, result in try store.writeSummary(run: run, summary(result, samples: given.count)) })
        return Outcome(run: run, result: result, given: given, sampleIDs: given.map { _ in nil }, displayIDs: given.indices.map(String.init),
                       labels: labels, samples: [:])
    }

    /// The matrices are kept up to `matrixLimit` labels (K² numbers each).
    static let matrixLimit = 100

    /// What `multiLabel` returns.
    package struct MultiLabelOutcome {
        package var run: Int64
        package var result: MultiLabelConfidentLearning.Result
        package var ids: [String]
        package var labels: [String]
        package var given: [[Int]]
        package var probabilities: [Double]
    }

    /// Multi-label confident learning (cleanlab's multi-label find_label_issues) on a file of
    /// label lists and per-label probabilities (`--probs FILE`), or on a multi-label dataset's
    /// latest one-vs-rest PVI runs (one per label). The run is recorded with its summary.
    package static func multiLabel(_ probs: String?, store: Store, dataset selection: DatasetSelection, options: Options) throws -> MultiLabelOutcome {
        let file: (classes: [String], ids: [String], labels: [[Int]], probabilities: [Double])
        var runs: [String: Int64]?
        var datasetID: Int64?
        if selection.splits != nil { throw OptionError("{split} applies to single-label data; with {multiLabel} every sample is judged") }
        if let probs {
            file = try ImportedProbabilities.readMultiLabel(path: probs)
        } else {
            let dataset = try store.resolve(DatasetSelection(name: selection.name, labels: selection.labels))
            let stored = try storedOneVsRest(store: store, dataset: dataset)
            file = (stored.classes, stored.ids, stored.labels, stored.probabilities)
            runs = stored.runs
            datasetID = dataset.id
        }
        let input = MultiLabelConfidentLearning.Input(labels: file.labels, probabilities: file.probabilities, classes: file.classes.count)
        var parameters = LabelIssuesParameters(filterBy: options.filter, rankBy: options.rankBy,
                                               minExamplesPerClass: options.minExamplesPerClass, labels: file.classes)
        parameters.probs = probs
        parameters.multiLabel = true
        parameters.oneVsRestRuns = runs
        let (run, result) = try store.recordRun(
            parameters, dataset: datasetID, seed: nil,
            compute: { _ in
                MultiLabelConfidentLearning.findLabelIssues(input, filter: options.filter, rankBy: options.rankBy,
                                                            minExamplesPerClass: options.minExamplesPerClass)
            },
            write: { run, result in
                try store.writeSummary(run: run, .object([
                    ("multi_label", .bool(true)), ("issues", .number(Double(result.ranked.count))), ("samples", .number(Double(input.count))),
                    ("issues_per_label", .object(zip(file.classes, result.issuesPerLabel).map { ($0, .number(Double($1))) })),
                    ("confident_joints", .object(zip(file.classes, result.confidentJoints).map { name, joint in
                        (name, .array(joint.map { .array($0.map { .number(Double($0)) }) }))
                    })),
                ]))
            })
        return MultiLabelOutcome(run: run, result: result, ids: file.ids, labels: file.classes, given: file.labels, probabilities: file.probabilities)
    }

    /// A multi-label dataset's probabilities from its latest one-vs-rest PVI run of each label.
    static func storedOneVsRest(store: Store, dataset: ResolvedDataset) throws
        -> (classes: [String], ids: [String], labels: [[Int]], probabilities: [Double], pvi: [Double], runs: [String: Int64], sampleIDs: [Int64]) {
        guard try store.isMultiLabel(dataset: dataset.id) else { throw RunError.needsMultiLabel(dataset: dataset.name) }
        let classes = try store.labels(dataset: dataset.id)
        var latest: [String: Int64] = [:]
        for run in try store.runs(dataset: dataset.id, kind: .pvi) where run.status == .succeeded {
            if let label = try run.parameters(PVIParameters.self).oneVsRest, latest[label] == nil { latest[label] = run.id }
        }
        guard classes.allSatisfy({ latest[$0] != nil }) else { throw RunError.noRun(.pvi, dataset: dataset.name) }
        let samples = try store.samples(dataset, allSplits: true)
        let position = Dictionary(uniqueKeysWithValues: samples.enumerated().map { ($1.id, $0) })
        var probabilities = [Double](repeating: .nan, count: samples.count * classes.count), pvi = probabilities
        for (k, label) in classes.enumerated() {
            for row in try store.pviRows(run: latest[label]!) {
                guard let i = position[row.sampleID], row.probabilities.count == 2 else { continue }
                (probabilities[i * classes.count + k], pvi[i * classes.count + k]) = (row.probabilities[1], row.pvi)
            }
        }
        guard !probabilities.contains(where: \.isNaN) else {
            throw StoreError.inconsistent("the one-vs-rest PVI runs of \(dataset.name) do not cover the same samples; run dq pvi again")
        }
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let given = samples.map { sample in sample.label.split(separator: ";").compactMap { index[String($0)] }.sorted() }
        return (classes, samples.map(\.displayID), given, probabilities, pvi, latest, samples.map(\.id))
    }

    static func summary(_ result: ConfidentLearning.Result, samples: Int) -> JSONValue {
        let matrices: [(String, JSONValue)] = result.confidentJoint.count > matrixLimit ? [] : [
            ("confident_joint", .array(result.confidentJoint.map { .array($0.map { .number(Double($0)) }) })),
            ("noise_matrix", .array(result.noiseMatrix.map { .array($0.map { .number($0) }) })),
        ]
        return .object(matrices + [
            ("issues", .number(Double(result.ranked.count))), ("samples", .number(Double(samples))),
            ("estimated_issues", .number(Double(result.estimatedIssues))), ("health", .number(result.health)),
        ])
    }
}
