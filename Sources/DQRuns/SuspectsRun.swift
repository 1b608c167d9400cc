import DQAnalyses
import DQLearning
import DQStore
import DQText
import Foundation

/// `dq suspects`: the latest run of every label-finding analysis merged into one ranked list
/// (`SuspectScoring`), as long as the estimated number of label errors (`ErrorCount`:
/// confident learning's count on the mean of the usable models, corrected by how it rose with
/// `dq evaluate`'s planted errors). The runs' rows are loaded once (`Inputs`), the list is built
/// from them, and recorded as a run.
package enum SuspectsRun {
    package struct Options: Sendable {
        /// The list's length; nil: the estimated number of label errors.
        package var top: Int?
        /// Every sample, ranked.
        package var all = false
        /// Instead of the list: a random sample of this many, half from the list and half from
        /// the rest, for people to review (`Audit`).
        package var audit: Int?
        /// The seed of the audit's draw.
        package static let auditSeed: UInt64 = 13
        /// List samples a review has already decided on (corrected or kept) too.
        package var includeReviewed = false
        /// How many suspects the command prints (all are stored).
        package var show = 20

        package init() {}

        package init(top: Int?, all: Bool, audit: Int? = nil, includeReviewed: Bool = false, show: Int = 20) {
            (self.top, self.all, self.audit, self.includeReviewed, self.show) = (top, all, audit, includeReviewed, show)
        }

        package func validate() throws(OptionError) {
            try OptionError.check(show, atLeast: 0, "show")
            if let top { try OptionError.check(top, atLeast: 1, "top") }
            if let audit { try OptionError.check(audit, atLeast: 1, "audit") }
            if [top != nil, all, audit != nil].filter({ $0 }).count > 1 { throw OptionError("{top}, {all} and {audit} do not go together") }
        }
    }

    /// The kinds of run whose results become signals, in signal order.
    package static let sourceKinds: [RunKind] = [.pvi, .cartography, .inconsistent, .conflicts]

    package struct Entry: Sendable {
        package var sampleID: Int64
        package var score: Double
        /// The probability that the label is wrong, calibrated on an audit's reviews (else nil).
        package var probability: Double?
        package var suggestedLabel: String?
        /// How ambiguous the sample is (`Ambiguity`): 1 when the models or annotators split evenly.
        package var ambiguity: Double
        /// Every signal's word on the sample, in signal order.
        package var reasons: [SuspectRow.Reason]

        package enum Group: String, Sendable { case likelyError = "likely error", ambiguous }

        /// Ambiguous samples are shown apart from likely errors.
        package var group: Group { ambiguity >= Ambiguity.threshold ? .ambiguous : .likelyError }
    }
    package struct Outcome {
        package var run: Int64
        package var suspects: [Entry]
        /// The runs used, in signal order.
        package var sources: [(kind: RunKind, run: Int64)]
        /// Each of them described: model, splits, start.
        package var sourceRuns: [String]
        /// Analyses not run yet.
        package var missing: [RunKind]
        package var samples: [Int64: Sample]
        package var calibratedBy: Int64?
        /// When a `dq evaluate` calibration exists but could not be used: its run and the signals it needs that are missing.
        package var calibrationUnusable: (run: Int64, missing: [String])?
        /// When the fusion found evaluate's held-out planted errors less well than the rank
        /// average (mean average precision of each), and so was not used.
        package var calibrationBeaten: (run: Int64, fusion: Double, rankAverage: Double)?
        package var lengthRule: String
        /// The estimated number of label errors (nil: no model run, or the length was given).
        package var estimate: ErrorCount.Estimate?
        /// Each model source's strength, in source order.
        package var strengths: [(model: String, strength: ModelStrength)]
        /// The `dq evaluate` run whose planted errors corrected the count.
        package var countCheckedBy: Int64?
        /// This run is an audit sample: what was drawn.
        package var audit: AuditParameters?
        /// The latest earlier audit, and what its reviews say.
        package var auditReport: AuditReport?
        /// P(label wrong) calibrated on that audit's reviews (then each entry's `probability`).
        package var calibratedOnAudit: Audit.Calibration?
        /// Samples the list left out because a review already decided on them.
        package var reviewedLeftOut = 0
        /// The labels the list judged (`ResolvedDataset.labelsRead`).
        package var labelsRead = "the given labels"
        /// Warnings about the sources beyond the models' strengths (multi-label labels too weak to judge).
        package var warnings: [String] = []
        /// Multi-label data: how the list was scored and what its ambiguity means (else nil).
        package var multiLabelNotes: (scoring: String, ambiguity: String)?
    }

    /// What the reviews of an audit sample say.
    package struct AuditReport: Sendable {
        package var run: Int64
        package var list: Audit.Stratum
        package var rest: Audit.Stratum
        package var estimate: Audit.Estimate
        /// Each reviewed sample: whether its label was wrong, and how many samples it stands for.
        package var reviews: [Int64: (wrong: Bool, weight: Double)]
    }

    package static func run(store: Store, dataset selection: DatasetSelection, options: Options, observer: RunObserver = .silent) throws -> Outcome {
        try options.validate()
        let dataset = try store.resolve(selection)
        if try store.isMultiLabel(dataset: dataset.id) { return try multiLabel(store: store, dataset: dataset, options: options) }
        let inputs = try Inputs.load(store: store, dataset: dataset)
        var parameters = SuspectsParameters(sources: inputs.sourceKeys)
        let auditReport = try latestAudit(store: store, dataset: dataset.id)
        let bow = try inputs.sources.lazy.filter { $0.kind == .pvi }.map { try store.run($0.run) }
            .first { try $0.parameters(PVIParameters.self).model.model == "bow" }
        let (run, list) = try store.recordRun(
            parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: nil,
            compute: { _ in
                var list = try inputs.list(options, audit: auditReport, observer: observer)
                if let bow { try inputs.explain(&list.entries, byWordsOf: bow, observer: observer) }
                return list
            },
            write: { run, list in
                (parameters.calibratedBy, parameters.length, parameters.lengthRule) = (list.calibratedBy, list.entries.count, list.rule)
                parameters.estimate = list.estimate.map { [$0.count, $0.low, $0.high] }
                parameters.audit = list.audit
                try store.updateParameters(run: run, parameters)
                try store.writeSuspects(run: run, list.entries.enumerated().map { position, s in
                    SuspectRow(sampleID: s.sampleID, position: position + 1, score: s.score, suggestedLabel: s.suggestedLabel, reasons: s.reasons,
                               probability: s.probability, ambiguity: s.ambiguity)
                })
            })
        return Outcome(run: run, suspects: list.entries, sources: inputs.sources, sourceRuns: try inputs.sources.map { try store.run($0.run).described },
                       missing: inputs.missing, samples: inputs.samples,
                       calibratedBy: list.calibratedBy, calibrationUnusable: list.unusable,
                       calibrationBeaten: inputs.calibrationBeaten, lengthRule: list.rule, estimate: list.estimate,
                       strengths: inputs.views.map { ($0.model, $0.strength) }, countCheckedBy: inputs.response?.run, audit: list.audit,
                       auditReport: auditReport, calibratedOnAudit: list.calibratedOnAudit, reviewedLeftOut: list.reviewedLeftOut,
                       labelsRead: dataset.labelsRead)
    }

    /// The latest audit sample of the dataset, with its reviews: those imported since it was drawn.
    static func latestAudit(store: Store, dataset: Int64) throws -> AuditReport? {
        for run in try store.runs(dataset: dataset, kind: .suspects) where run.status == .succeeded {
            guard let audit = try run.parameters(SuspectsParameters.self).audit else { continue }
            let decisions = try store.reviewDecisions(dataset: dataset, samples: Set(audit.fromList + audit.fromRest), since: run.startedAt)
            func stratum(_ ids: [Int64], size: Int) -> Audit.Stratum {
                let reviewed = ids.compactMap { decisions[$0] }
                return Audit.Stratum(size: size, reviewed: reviewed.count, wrong: reviewed.filter { $0 }.count)
            }
            let (list, rest) = (stratum(audit.fromList, size: audit.listSize), stratum(audit.fromRest, size: audit.restSize))
            var reviews: [Int64: (wrong: Bool, weight: Double)] = [:]
            for (ids, part) in [(audit.fromList, list), (audit.fromRest, rest)] {
                for id in ids { if let wrong = decisions[id] { reviews[id] = (wrong, Double(part.size) / Double(part.reviewed)) } }
            }
            return AuditReport(run: run.id, list: list, rest: rest, estimate: Audit.estimate(list: list, rest: rest), reviews: reviews)
        }
        return nil
    }
}

extension SuspectsRun {
    /// Everything a suspects list is built from, read from the store once: the samples judged
    /// (those the model run scored, else those the data map covers, else all; only the splits
    /// asked for), and each source run's rows as signals aligned to them.
    struct Inputs {
        var samples: [Int64: Sample]
        /// The samples judged, in order: signal position i is `ids[i]`.
        var ids: [Int64]
        var sources: [(kind: RunKind, run: Int64)] = []
        var missing: [RunKind] = []
        var views: [SuspectScoring.Signal.ModelView] = []
        var signals: [SuspectScoring.Signal] = []
        /// Suggested labels, one list per signal that suggests, the first that has one wins.
        var suggestions: [[String?]] = []
        /// Whether the dataset has annotations (then annotators' majorities also lengthen the list).
        var annotated = false
        /// Each sample's ambiguity from the annotators and the data map (the models' is added in `list`).
        var ambiguitySources: [[Double?]] = []
        var calibration: (fusion: SuspectScoring.Calibration, run: Int64, heldOut: (fusion: Double, rankAverage: Double)?)?
        /// A fusion not used because the rank average found held-out planted errors better.
        var calibrationBeaten: (run: Int64, fusion: Double, rankAverage: Double)?
        /// How confident learning's count rose with the latest `dq evaluate` run's planted errors.
        var response: (response: ErrorCount.Response, run: Int64)?
        /// Samples a review has decided on (corrected or kept).
        var reviewed: Set<Int64> = []

        static func load(store: Store, dataset: ResolvedDataset) throws -> Inputs {
            let all = try store.samples(dataset, allSplits: true)
            let samples = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
            var runs: [RunKind: RunRecord] = [:]
            var missing: [RunKind] = []
            for kind in SuspectsRun.sourceKinds {
                if let run = try store.defaultRun(dataset: dataset.id, kind: kind) { runs[kind] = run } else { missing.append(kind) }
            }
            let annotated = try store.annotationCount(dataset: dataset.id) > 0
            guard !runs.isEmpty || annotated else { throw RunError.nothingToMerge(dataset: dataset.name) }
            let pviRows = try runs[.pvi].map { try store.pviRows(run: $0.id) } ?? []
            let points = try runs[.cartography].map { try store.cartographyPoints(run: $0.id) } ?? []
            let scored = !pviRows.isEmpty ? pviRows.map(\.sampleID) : !points.isEmpty ? points.map(\.sampleID) : all.map(\.id)
            let ids = dataset.splits.map { splits in scored.filter { samples[$0].map { splits.contains($0.split) } ?? false } } ?? scored
            if ids.isEmpty, let splits = dataset.splits {
                guard let run = runs[.pvi] ?? runs[.cartography] else { throw RunError.noSamples(dataset: dataset.name, splits: splits) }
                throw RunError.splitNotScored(splits: splits, dataset: dataset.name, kind: run.kind, run: run.id)
            }
            var inputs = Inputs(samples: samples, ids: ids, missing: missing, annotated: annotated)
            inputs.reviewed = try store.reviewedSamples(dataset: dataset.id)
            let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
            if let run = runs[.pvi] { try inputs.addModels(store: store, dataset: dataset.id, first: (run, pviRows), position: position) }
            if let run = runs[.cartography] { inputs.addCartography(points, run: run.id, position: position) }
            if let run = runs[.inconsistent] { try inputs.addSpecifications(try store.specificationSuspects(run: run.id), run: run.id, position: position) }
            if let run = runs[.conflicts] { try inputs.addConflicts(try store.conflicts(run: run.id), run: run.id, position: position) }
            if annotated { try inputs.addAnnotators(store: store, dataset: dataset.id, position: position) }
            inputs.calibration = try calibration(store: store, dataset: dataset.id)
            if let c = inputs.calibration, let held = c.heldOut, held.fusion < held.rankAverage {
                (inputs.calibration, inputs.calibrationBeaten) = (nil, (c.run, held.fusion, held.rankAverage))
            }
            if let run = try store.defaultRun(dataset: dataset.id, kind: .evaluate),
               let response = EvaluateRun.response(try store.evaluationCounts(run: run.id), classes: try run.parameters(EvaluateParameters.self).labels.count) {
                inputs.response = (response, run.id)
            }
            return inputs
        }

        /// Every model family's latest PVI run on the same samples is a source of its own (bow,
        /// embeddings, BERT): independent models are what lifts the fused list above each one.
        mutating func addModels(store: Store, dataset: Int64, first: (run: RunRecord, rows: [PVIRow]), position: [Int64: Int]) throws {
            var modelRuns = [(first.run, try first.run.parameters(PVIParameters.self), first.rows)]
            var seen: Set<String> = [modelRuns[0].1.model.model]
            let scored = Set(first.rows.map(\.sampleID))
            for other in try store.runs(dataset: dataset, kind: .pvi) where other.status == .succeeded && other.id != first.run.id {
                let parameters = try other.parameters(PVIParameters.self)
                guard parameters.transform == nil, parameters.model.isTrained, seen.insert(parameters.model.model).inserted else { continue }
                let rows = try store.pviRows(run: other.id)
                guard rows.count == first.rows.count, Set(rows.map(\.sampleID)) == scored else { continue }
                modelRuns.append((other, parameters, rows))
            }
            for (run, parameters, rows) in modelRuns {
                let view = try Self.view(rows, run: run.id, model: parameters.model.model, labels: parameters.labels, position: position)
                let runnerUp = view.runnerUp
                signals += SuspectScoring.Signal.model(view, runnerUp: runnerUp)
                suggestions.append(runnerUp.map { view.labels[$0] })
                views.append(view)
                sources.append((.pvi, run.id))
            }
            if let (run, parameters, _) = modelRuns.first(where: { $0.1.model.model == "embeddings" }) {
                try addNeighbours(store: store, run: run, parameters: parameters)
            }
        }

        /// The labels of each sample's nearest neighbours in the space of the encoder an
        /// embeddings PVI run used, from the vectors that run stored; nothing when they are gone.
        mutating func addNeighbours(store: Store, run: RunRecord, parameters: PVIParameters) throws {
            guard let probe = try? parameters.model.family(seed: 0, run: run.id) as? EmbeddingProbeFamily else { return }
            let key = probe.encoderKey
            probe.kept = (lookup: { try store.embeddings(encoder: key, texts: $0) }, keep: { _ in })
            // Only stored vectors: a suspects list never embeds texts.
            probe.onEmbed = { _, _ in throw RunError.cannotRead(file: probe.directory, what: "stored embeddings of") }
            guard let vectors = try? probe.vectors(ids.map { (samples[$0]!.text, samples[$0]!.textPair) }) else { return }
            let labelIndex = Dictionary(uniqueKeysWithValues: parameters.labels.enumerated().map { ($1, $0) })
            let given = ids.map { labelIndex[samples[$0]!.label] ?? 0 }
            let nearest = Neighbours.nearest(vectors, k: Neighbours.defaultK)
            let (suspicion, rival) = Neighbours.disagreement(nearest, labels: given, classes: parameters.labels.count)
            let reasons = ids.indices.map { i -> String in
                guard let r = rival[i], let near = nearest[i].first(where: { given[$0.index] == r }), let neighbour = samples[ids[near.index]] else {
                    return String(format: "embedding neighbours: %.0f%% carry another label", suspicion[i] * 100)
                }
                let count = nearest[i].filter { given[$0.index] == r }.count
                // At 0.95 or more the two texts say the same thing: a near-duplicate with another label.
                let duplicate = near.similarity >= Neighbours.duplicateSimilarity ? "a near-duplicate by embedding has another label; " : ""
                return duplicate + String(format: "%d of %d nearest texts are %@ (%@: \"%@\", similarity %.2f)", count, nearest[i].count,
                                          parameters.labels[r], neighbour.displayID, String(neighbour.text.prefix(60)), near.similarity)
            }
            signals.append(.neighbours(suspicion: suspicion, reasons: reasons, explain: true))
            suggestions.append(rival.map { $0.map { parameters.labels[$0] } })
        }

        /// One model run's rows in signal positions (rows of samples outside the selection are left out).
        static func view(_ rows: [PVIRow], run: Int64, model: String, labels: [String], position: [Int64: Int]) throws -> SuspectScoring.Signal.ModelView {
            let n = position.count, k = labels.count
            var view = SuspectScoring.Signal.ModelView(model: model, labels: labels, given: .init(repeating: 0, count: n),
                                                       probabilities: .init(repeating: 0, count: n * k), pvi: .init(repeating: 0, count: n))
            for row in rows {
                guard let i = position[row.sampleID] else { continue }
                guard let y = labels.firstIndex(of: row.label), row.probabilities.count == k else {
                    throw StoreError.inconsistent("run \(run): sample \(row.sampleID) has label \(row.label) or probabilities outside the run's labels")
                }
                (view.given[i], view.pvi[i]) = (y, row.pvi)
                view.probabilities.replaceSubrange(i * k..<(i + 1) * k, with: row.probabilities)
            }
            return view
        }

        mutating func addCartography(_ points: [CartographyRow], run: Int64, position: [Int64: Int]) {
            var confidence = [Double?](repeating: nil, count: ids.count), regions = [String?](repeating: nil, count: ids.count)
            for p in points {
                guard let i = position[p.sampleID] else { continue }
                (confidence[i], regions[i]) = (p.confidence, p.regions.isEmpty ? nil : p.regions.names)
            }
            signals.append(.cartography(confidence: confidence, regions: regions, explain: true))
            var variability = [Double?](repeating: nil, count: ids.count)
            for p in points { if let i = position[p.sampleID] { variability[i] = p.variability } }
            ambiguitySources.append(Ambiguity.dataMap(variability: variability))
            sources.append((.cartography, run))
        }

        mutating func addSpecifications(_ rows: [SpecificationSuspectRow], run: Int64, position: [Int64: Int]) throws {
            var score = [Double](repeating: 0, count: ids.count)
            var reasons = [String?](repeating: nil, count: ids.count), suggested = [String?](repeating: nil, count: ids.count)
            for row in rows {
                guard let i = position[row.sampleID], row.score > score[i] else { continue }
                (score[i], suggested[i]) = (row.score, row.suggestedLabel)
                reasons[i] = "matches \(row.suggestedLabel)'s specifications (" + row.evidence.map { "\($0.spec): rank \($0.rank)" }.joined(separator: ", ") + ")"
            }
            signals.append(.specifications(score: score, reasons: reasons, explain: true))
            suggestions.insert(suggested, at: 0)
            sources.append((.inconsistent, run))
        }

        mutating func addConflicts(_ pairs: [ConflictRow], run: Int64, position: [Int64: Int]) throws {
            var similarity = [Double](repeating: 0, count: ids.count)
            var reasons = [String?](repeating: nil, count: ids.count), suggested = [String?](repeating: nil, count: ids.count)
            for pair in pairs {
                for (me, other) in [(pair.sampleA, pair.sampleB), (pair.sampleB, pair.sampleA)] {
                    guard let i = position[me], pair.similarity > similarity[i], let partner = samples[other] else { continue }
                    (similarity[i], suggested[i]) = (pair.similarity, partner.label)
                    reasons[i] = String(format: "%@ duplicate of %@ labelled %@ (similarity %.2f)", pair.kind.rawValue, partner.displayID, partner.label, pair.similarity)
                }
            }
            signals.append(.conflicts(similarity: similarity, reasons: reasons, explain: true))
            suggestions.append(suggested)
            sources.append((.conflicts, run))
        }

        /// Annotators who gave another label than the sample's: the share of them is the
        /// suspicion (dense when every judged sample has two or more annotations); the latest
        /// consensus run's label, else the annotators' majority, is the suggestion.
        mutating func addAnnotators(store: Store, dataset: Int64, position: [Int64: Int]) throws {
            let stored = try store.annotations(dataset: dataset)
            var consensus: [Int64: String] = [:], method = ""
            if let run = try store.latestRun(dataset: dataset, kind: .consensus) {
                method = try run.parameters(ConsensusParameters.self).method.rawValue
                for row in try store.consensusRows(run: run.id) { consensus[row.sampleID] = row.label }
                sources.append((.consensus, run.id))
            }
            let n = ids.count
            var suspicion = [Double](repeating: 0, count: n), reasons = [String](repeating: "no annotations", count: n)
            var suggested = [String?](repeating: nil, count: n)
            var several = 0, start = 0
            var labelCounts = [[Int]](repeating: [], count: n)
            for (item, sampleID) in stored.sampleIDs.enumerated() {
                var end = start
                while end < stored.item.count && Int(stored.item[end]) == item { end += 1 }
                defer { start = end }
                guard let i = position[sampleID], let sample = samples[sampleID] else { continue }
                var counts: [String: Int] = [:]
                for k in start..<end { counts[stored.labels[Int(stored.label[k])], default: 0] += 1 }
                if end - start >= 2 { several += 1 }
                labelCounts[i] = Array(counts.values)
                suspicion[i] = 1 - Double(counts[sample.label] ?? 0) / Double(end - start)
                let described = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                reasons[i] = "annotators: " + described.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
                if let label = consensus[sampleID] {
                    reasons[i] += " (\(method) consensus \(label))"
                    if label != sample.label { suggested[i] = label }
                } else if let top = described.first, top.key != sample.label {
                    suggested[i] = top.key
                }
            }
            signals.append(.init(id: .annotators, suspicion: suspicion, sparse: several < n, reasons: reasons))
            ambiguitySources.append(Ambiguity.annotators(counts: labelCounts))
            suggestions.insert(suggested, at: 0)
        }

        /// The fusion the dataset's latest `dq evaluate` run fitted, with that run.
        /// `heldOut`: the mean average precision of the fusion and of the rank average on the
        /// planted errors of repeats the fusion was not fitted on (nil with one repeat).
        static func calibration(store: Store, dataset: Int64) throws
            -> (fusion: SuspectScoring.Calibration, run: Int64, heldOut: (fusion: Double, rankAverage: Double)?)? {
            guard let run = try store.defaultRun(dataset: dataset, kind: .evaluate) else { return nil }
            let rows = try store.fusion(run: run.id)
            guard let intercept = rows.first, intercept.feature == "intercept" else { return nil }
            let features = try rows.dropFirst().map { row -> Feature in
                guard let signal = SignalID(kind: row.signal ?? "", model: row.model), row.feature == "rank" || row.feature == "tail" else {
                    throw StoreError.inconsistent("run \(run.id): unknown fusion feature \(row.feature) of \(row.signal ?? "no signal")")
                }
                return row.feature == "rank" ? .rank(signal) : .tail(signal)
            }
            let fusion = SuspectScoring.Calibration(features: features, model: LogisticFusion.Model(weights: rows.map(\.weight)))
            let metrics = try store.evaluationMetrics(run: run.id)
            func meanAP(_ signal: String) -> Double? {
                let values = metrics.filter { $0.signal == signal }.map(\.averagePrecision)
                return values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
            }
            let heldOut = meanAP(EvaluateRun.calibrated).flatMap { f in meanAP(EvaluateRun.merged).map { (f, $0) } }
            return (fusion, run.id, heldOut)
        }

        /// The list: ranked by the calibrated fusion when every signal it needs is here (and it
        /// was not beaten on held-out repeats), else by the rank average; as long as `options`
        /// say, else the estimated number of label errors (`errorCount`), else what the sparse
        /// signals flag; or, with `options.audit`, a random sample of the list and of the rest.
        /// With `audit`'s reviews, each entry gets P(label wrong).
        func list(_ options: Options, audit: AuditReport? = nil, observer: RunObserver = .silent) throws -> List {
            let ranking = SuspectScoring.rank(signals, calibration: calibration?.fusion)
            // With reviews of an audit sample: P(label wrong) from each sample's rank.
            let ranks = DetectionMetrics.rankNormalised(ranking.score)
            let audited = audit.map { a in ids.indices.filter { a.reviews[ids[$0]] != nil } } ?? []
            let onAudit = audit.flatMap { a in
                Audit.calibrate(rank: audited.map { ranks[$0] }, wrong: audited.map { a.reviews[ids[$0]]!.wrong },
                                weight: audited.map { a.reviews[ids[$0]]!.weight }, n: ids.count)
            }
            let calibratedBy = ranking.probability == nil ? nil : calibration?.run
            let unusable = calibration.flatMap { c -> (run: Int64, missing: [String])? in
                calibratedBy != nil ? nil : (c.run, c.fusion.signals.filter { id in !signals.contains { $0.id == id } }.map(\.name))
            }
            let n = ids.count
            let usable = usableModels()
            var length: Int, rule: String, estimate: ErrorCount.Estimate?
            if options.all {
                (length, rule) = (n, "every sample (--all)")
            } else if let top = options.top {
                (length, rule) = (min(top, n), "--top \(top)")
            } else if !views.isEmpty && options.audit == nil {
                (length, rule, estimate) = errorCount(usable, observer: observer)
            } else {
                let flagged = (0..<n).filter { i in
                    signals.contains { $0.sparse && $0.id != .annotators && $0.suspicion[i] > 0 } || (annotated && suggestions[0][i] != nil)
                }.count
                (length, rule) = (flagged, annotated ? "the samples a specification or a duplicate flags, or whose annotators' consensus (or majority) is another label"
                    : "the samples a specification or a duplicate flags")
            }
            // Samples a review decided on leave the list (the default length shrinks; --top and
            // --all count the others), unless asked for.
            var chosen = Array(ranking.order.prefix(length))
            var reviewedLeftOut = 0
            if !options.includeReviewed && !reviewed.isEmpty {
                let open = ranking.order.filter { !reviewed.contains(ids[$0]) }
                let kept = options.all || options.top != nil ? Array(open.prefix(length)) : chosen.filter { !reviewed.contains(ids[$0]) }
                reviewedLeftOut = options.all || options.top != nil ? ids.count { reviewed.contains($0) } : chosen.count - kept.count
                chosen = kept
            }
            var drawn: AuditParameters?
            if let count = options.audit {
                // The list as it would be by default, then a random sample of it and of the rest.
                let listLength = views.isEmpty ? length : errorCount(usable, observer: observer).length
                let draw = Audit.draw(list: listLength, total: n, count: count, seed: Options.auditSeed)
                chosen = (draw.list + draw.rest).map { ranking.order[$0] }
                drawn = AuditParameters(listSize: listLength, restSize: n - listLength, fromList: draw.list.map { ids[ranking.order[$0]] },
                                        fromRest: draw.rest.map { ids[ranking.order[$0]] }, seed: Options.auditSeed)
                rule = "an audit sample: \(draw.list.count) drawn at random from the \(listLength) samples of the list and \(draw.rest.count) from "
                    + "the other \(n - listLength) (seed \(Options.auditSeed)). Review every one, without looking at the scores, and import the "
                    + "decisions, kept labels included (dq corrections import); dq suspects then estimates the error rate and the list's precision and recall"
            }
            let ambiguity = self.ambiguity(usable)
            let entries = chosen.map { i in
                Entry(sampleID: ids[i], score: ranking.score[i], probability: onAudit?.probability(rank: ranks[i], n: ids.count),
                      suggestedLabel: suggestions.lazy.compactMap { $0[i] }.first, ambiguity: ambiguity[i],
                      reasons: signals.map { SuspectRow.Reason(signal: $0.name, reason: $0.reasons[i]) })
            }
            return List(entries: entries, calibratedBy: calibratedBy, unusable: unusable, rule: rule, estimate: estimate, audit: drawn,
                        calibratedOnAudit: onAudit, reviewedLeftOut: drawn == nil ? reviewedLeftOut : 0)
        }

        /// The model views that learned something usable about the labels, and the mean of their
        /// probabilities; nil when none did.
        func usableModels() -> (views: [SuspectScoring.Signal.ModelView], mean: [Double])? {
            let usable = views.filter { !$0.strength.learnedNothing }
            return usable.isEmpty ? nil : (usable, SuspectScoring.Signal.ModelView.meanProbabilities(usable))
        }

        /// Each sample's ambiguity: from the mean of the usable models' probabilities, the
        /// annotators and the data map.
        func ambiguity(_ usable: (views: [SuspectScoring.Signal.ModelView], mean: [Double])?) -> [Double] {
            var sources = ambiguitySources
            if let usable, let first = usable.views.first {
                sources.append(Ambiguity.models(probabilities: usable.mean, given: first.given, classes: first.labels.count))
            }
            return sources.isEmpty ? [Double](repeating: 0, count: ids.count) : Ambiguity.combine(sources)
        }

        /// The estimated number of label errors: confident learning's count on the mean of the
        /// models that learned something usable, with a bootstrap interval, corrected by the
        /// latest `dq evaluate` run's planted errors. No usable model: an empty list.
        func errorCount(_ usable: (views: [SuspectScoring.Signal.ModelView], mean: [Double])?, observer: RunObserver) -> (length: Int, rule: String, estimate: ErrorCount.Estimate?) {
            guard let usable, let first = usable.views.first, first.labels.count >= 2 else {
                return (0, "none: no model learned anything usable about the labels (the interval of its V-information includes 0), "
                        + "so its suspicions are noise", nil)
            }
            let progress = CountProgress("counting label errors: bootstrap resamples", total: 100, observer: observer)
            defer { observer.endProgress() }
            let raw = ErrorCount.bootstrap(given: first.given, probabilities: usable.mean, classes: first.labels.count, progress: { progress.show($0) })
            let estimate = ErrorCount.estimate(raw: raw, response: response?.response)
            let on = usable.views.count == 1 ? "\(first.model)'s probabilities"
                : "the mean of \(usable.views.map(\.model).joined(separator: ", "))'s probabilities"
            var rule = "the estimated number of label errors, \(estimate.count) (95% interval \(estimate.low)–\(estimate.high)): confident learning's "
                + "count (cleanlab's num_label_issues) on \(on), \(raw.count)"
            if let correction = estimate.correction, let run = response?.run {
                let share = correction.slope.formatted(digits: 2)
                rule += estimate.tooWeakToCount
                    ? ", which found only \(share) of the errors dq evaluate run \(run) planted: the models are too weak to count errors, "
                        + "so the length is a guess; set it with --top N"
                    : ", divided by \(share), the share of the errors dq evaluate run \(run) planted that the count found"
            } else {
                rule += "; dq evaluate checks how the count follows planted errors"
            }
            return (estimate.count, rule, estimate)
        }

        struct List {
            var entries: [Entry]
            var calibratedBy: Int64?
            var unusable: (run: Int64, missing: [String])?
            var rule: String
            var estimate: ErrorCount.Estimate?
            var audit: AuditParameters?
            var calibratedOnAudit: Audit.Calibration?
            var reviewedLeftOut = 0
        }

        /// At most this many judged samples get the words behind each suggestion (one bow fit on them).
        static let wordsUpTo = 200_000

        /// Why each suggestion: the words that pull a bow model, fitted on every judged sample with
        /// `run`'s settings, towards the suggested label and away from the given one
        /// (`TokenArtefacts.pulls`), as a reason of their own.
        func explain(_ entries: inout [Entry], byWordsOf run: RunRecord, observer: RunObserver) throws {
            let parameters = try run.parameters(PVIParameters.self)
            let index = Dictionary(uniqueKeysWithValues: parameters.labels.enumerated().map { ($1, $0) })
            let judged = ids.compactMap { samples[$0] }.filter { index[$0.label] != nil }
            guard let seed = run.seed else { return }  // a run that trained nothing (imported probabilities)
            guard judged.count <= Self.wordsUpTo else {
                return observer.note("the words behind each suggestion are left out above \(Self.wordsUpTo.formatted(thousands: true)) samples (dq artefacts lists each label's)")
            }
            let wanted = entries.indices.compactMap { i -> (entry: Int, item: (sample: Sample, from: Int, toward: Int))? in
                guard let sample = samples[entries[i].sampleID], let from = index[sample.label],
                      let toward = entries[i].suggestedLabel.flatMap({ index[$0] }), from != toward else { return nil }
                return (i, (sample, from, toward))
            }
            guard !wanted.isEmpty else { return }
            observer.progress("fitting bow on \(judged.count.formatted(thousands: true)) samples for the words behind each suggestion")
            defer { observer.endProgress() }
            let model = try parameters.model.family(seed: UInt64(bitPattern: seed), run: run.id)
                .fit(judged.map { TextExample(text: $0.text, pair: $0.textPair, label: index[$0.label]!) }, classes: parameters.labels.count,
                     seed: UInt64(bitPattern: seed), progress: { _ in })
            for (k, words) in TokenArtefacts.pulls(model: model, samples: wanted.map(\.item)).enumerated() where !words.isEmpty {
                let i = wanted[k].entry
                entries[i].reasons.append(SuspectRow.Reason(signal: "words", reason: "words toward \(entries[i].suggestedLabel!): " + words.joined(separator: ", ")))
            }
        }

        /// The runs used, each under its kind; further model runs under "pvi 2", "pvi 3", ….
        var sourceKeys: [String: Int64] {
            var keys: [String: Int] = [:]
            return Dictionary(uniqueKeysWithValues: sources.map { source in
                keys[source.kind.rawValue, default: 0] += 1
                let count = keys[source.kind.rawValue]!
                return (count == 1 ? source.kind.rawValue : "\(source.kind.rawValue) \(count)", source.run)
            })
        }
    }
}
