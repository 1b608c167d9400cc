import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

/// `dq check`: the main job in one command. Ingests the files (rows already stored are
/// skipped), then runs what finds wrong labels, each analysis reused when the store already
/// has a run of it and the ingest added nothing: bow PVI, the MiniLM probe when that encoder is
/// on the machine (`dq models fetch minilm`), label-pair divergence, confident learning,
/// conflicting duplicates, `dq evaluate`, agreement when there are annotators, and
/// `dq suspects`; then the report and the review file. Multi-label data gets PVI,
/// multi-label confident learning, `dq evaluate` with flipped memberships and its suspects.
package enum CheckRun {
    /// How much work: `fast` skips the encoder and the permutation baselines and evaluates twice;
    /// `thorough` evaluates five times, with the encoder too.
    package enum Preset: String, CaseIterable, Sendable { case fast, standard, thorough }

    package struct Options: Sendable {
        package var ingest = IngestRun.Options()
        package var preset = Preset.standard
        /// The folder for the report and the review file; nil: the store's folder.
        package var outputDirectory: String?

        package init(ingest: IngestRun.Options = IngestRun.Options(), preset: Preset = .standard) {
            (self.ingest, self.preset) = (ingest, preset)
        }

        package func validate(files: [String]) throws(OptionError) {
            try ingest.validate()
            if files.count > 1 && ingest.dataset == nil {
                throw OptionError("several files go into one dataset: name it with {dataset}")
            }
        }
    }

    /// One analysis of the check: the run it made or reused.
    package struct Step: Sendable {
        package var name: String
        package var run: Int64?
        package var reused: Bool
        package var seconds: Double
    }

    package struct Outcome {
        package var dataset: String
        package var samples: Int
        package var ingests: [IngestSummary]
        package var steps: [Step]
        package var suspects: SuspectsRun.Outcome?
        package var multiLabelFlagged: (flagged: Int, of: Int)?
        /// The label pairs hardest to tell apart (lowest divergence beyond the size baseline).
        package var hardestPairs: [DivergenceRow]
        /// Annotators least in agreement with the others (mean Cohen's κ), worst first.
        package var weakestAnnotators: [(name: String, kappa: Double)]
        package var reportPath: String
        package var reviewPath: String?
    }

    package static func run(store: Store, storePath: String, files: [String], options: Options, observer: RunObserver = .silent) throws -> Outcome {
        try options.validate(files: files)
        let ingests = try IngestRun.run(store: store, files: files, options: options.ingest, observer: observer)
        guard let name = ingests.first?.dataset else { throw OptionError("give at least one file") }
        let selection = DatasetSelection(name: name)
        let dataset = try store.resolve(selection)
        let fresh = ingests.allSatisfy { $0.rowsNew == 0 && ($0.annotationsNew ?? 0) == 0 }
        var check = Work(store: store, dataset: dataset, reuse: fresh, observer: observer)
        let directory = options.outputDirectory ?? (URL(fileURLWithPath: storePath).deletingLastPathComponent().path)
        var outcome = Outcome(dataset: name, samples: try store.samples(dataset: dataset.id).count, ingests: ingests, steps: [], suspects: nil,
                              multiLabelFlagged: nil, hardestPairs: [], weakestAnnotators: [],
                              reportPath: directory + "/" + name + "-report.html", reviewPath: nil)
        do {
            try analyse(&check, selection: selection, preset: options.preset, outcome: &outcome)
        } catch let error as PVIEstimation.EstimationError {
            switch error {
            case .tooFewSamples, .tooFewGroups: throw RunError.tooSmallToCheck(dataset: name, cause: error.description)
            default: throw error
            }
        }
        try OutputFiles.write(try ReportRun.run(store: store, dataset: selection, top: 50).render(), to: outcome.reportPath)
        outcome.steps = check.steps
        return outcome
    }

    /// The analyses of the dataset: multi-label or single-label.
    static func analyse(_ check: inout Work, selection: DatasetSelection, preset: Preset, outcome: inout Outcome) throws {
        let (store, observer, dataset) = (check.store, check.observer, check.dataset)
        if try store.isMultiLabel(dataset: dataset.id) {
            try check.step("pvi (bow, one-vs-rest per label)", kind: .pvi) { try PVIRun.run(store: store, dataset: selection, options: PVIRun.Options(), observer: observer).run }
            let issues = try LabelIssuesRun.multiLabel(nil, store: store, dataset: selection, options: LabelIssuesRun.Options())
            check.steps.append(Step(name: "label-issues (multi-label)", run: issues.run, reused: false, seconds: 0))
            outcome.multiLabelFlagged = (issues.result.ranked.count, issues.ids.count)
            try check.step("evaluate (flipped memberships)", kind: .evaluate) {
                var evaluate = EvaluateRun.Options()
                evaluate.repeats = preset == .fast ? 2 : preset == .thorough ? 5 : 3
                return try EvaluateRun.run(store: store, dataset: selection, options: evaluate, observer: observer).run
            }
            try suspectsAndReview(&check, selection: selection, outcome: &outcome)
        } else {
            try singleLabel(&check, selection: selection, preset: preset, outcome: &outcome)
        }
    }

    static func singleLabel(_ check: inout Work, selection: DatasetSelection, preset: Preset, outcome: inout Outcome) throws {
        let (store, observer, name) = (check.store, check.observer, check.dataset.name)
        try check.step("pvi (bow)", kind: .pvi, matching: { try $0.parameters(PVIParameters.self).model.model == "bow" }) {
            try PVIRun.run(store: store, dataset: selection, options: PVIRun.Options(), observer: observer).run
        }
        let encoder = preset == .fast ? nil : PretrainedModels.encoder("minilm")
        if let encoder {
            try check.step("pvi (embeddings:minilm)", kind: .pvi, matching: { try $0.parameters(PVIParameters.self).model.model == "embeddings" }) {
                var options = PVIRun.Options()
                options.model = ModelSettings(model: ModelChoice("embeddings:" + encoder))
                return try PVIRun.run(store: store, dataset: selection, options: options, observer: observer).run
            }
        }
        var divergence = DivergenceRun.Options()
        if preset == .fast { divergence.permutations = 0 }
        try check.step("divergence", kind: .divergence) { try DivergenceRun.run(store: store, dataset: selection, options: divergence).run }
        if let run = check.steps.last?.run {
            outcome.hardestPairs = try DivergenceRun.hardestPairs(store: store, run: run)
        }
        try check.step("label-issues", kind: .labelIssues) { try LabelIssuesRun.run(store: store, dataset: selection, options: LabelIssuesRun.Options()).run }
        try check.step("conflicts", kind: .conflicts) {
            var options = ConflictsRun.Options()
            options.datasets = [name]
            return try ConflictsRun.run(store: store, options: options).run
        }
        try check.step("evaluate", kind: .evaluate) {
            var options = EvaluateRun.Options()
            options.repeats = preset == .fast ? 2 : preset == .thorough ? 5 : 3
            options.embedModel = encoder
            return try EvaluateRun.run(store: store, dataset: selection, options: options, observer: observer).run
        }
        if try store.annotationCount(dataset: check.dataset.id) > 0 {
            var options = AgreementRun.Options()
            (options.dataset, options.resamples) = (check.dataset.name, preset == .fast ? 200 : 1000)
            let agreement = try AgreementRun.run(store: store, options: options, observer: observer)
            check.steps.append(Step(name: "agreement", run: agreement.run, reused: false, seconds: 0))
            let kappas = agreement.result.perAnnotator.compactMap { a -> (name: String, kappa: Double)? in
                a.meanCohen.estimate.map { (agreement.annotators[a.annotator], $0) }
            }
            outcome.weakestAnnotators = Array(kappas.sorted { $0.kappa < $1.kappa }.prefix(3))
        }
        try suspectsAndReview(&check, selection: selection, outcome: &outcome)
    }

    /// The suspects list, made anew, and the review file of it beside the report.
    static func suspectsAndReview(_ check: inout Work, selection: DatasetSelection, outcome: inout Outcome) throws {
        let suspects = try SuspectsRun.run(store: check.store, dataset: selection, options: SuspectsRun.Options(), observer: check.observer)
        check.steps.append(Step(name: "suspects", run: suspects.run, reused: false, seconds: 0))
        outcome.suspects = suspects
        let review = try ExportRun.suspects(store: check.store, dataset: selection, run: suspects.run, top: nil, format: .csv)
        let reviewPath = URL(fileURLWithPath: outcome.reportPath).deletingLastPathComponent().path + "/" + check.dataset.name + "-review.csv"
        try OutputFiles.write(review.text, to: reviewPath)
        outcome.reviewPath = reviewPath
    }

    /// The steps of one check, each run or reused.
    struct Work {
        let store: Store
        let dataset: ResolvedDataset
        /// The ingest added nothing: a stored run of a step may stand.
        let reuse: Bool
        let observer: RunObserver
        var steps: [Step] = []

        /// Runs `work` unless `reuse` and the dataset has a succeeded run of `kind` that `matching` accepts.
        mutating func step(_ name: String, kind: RunKind, matching: (RunRecord) throws -> Bool = { _ in true }, _ work: () throws -> Int64) throws {
            let stored = try store.runs(dataset: dataset.id, kind: kind).filter { $0.status == .succeeded }
            if reuse, let run = try stored.first(where: matching) {
                observer.note("\(name): run \(run.id) of \(run.startedAt), reused (the ingest added nothing)")
                steps.append(Step(name: name, run: run.id, reused: true, seconds: 0))
                return
            }
            observer.note("\(name)…")
            let start = Date()
            let run = try work()
            observer.endProgress()
            steps.append(Step(name: name, run: run, reused: false, seconds: Date().timeIntervalSince(start)))
        }
    }
}
