import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

/// The parameters of a `dq suspects` run.
package struct SuspectsParameters: RunParameters {
    package static let kind = RunKind.suspects
    /// The run each signal came from, by kind (raw value).
    package var sources: [String: Int64]
    /// The `dq evaluate` run whose fitted fusion scored the samples; nil: the rank average.
    package var calibratedBy: Int64?
    /// The list's length and the rule that set it.
    package var length: Int?
    package var lengthRule: String?
    // Recorded by the earlier, flag-merging dq suspects.
    package var minSignals: Int?
    package var rrfK: Double?
}

/// `dq suspects`: the latest run of every label-finding analysis merged into one ranked list,
/// as long as the number of label errors the data plausibly holds (`SuspectScoring`).
package enum SuspectsRun {
    package struct Options: Sendable {
        /// The list's length; nil: the estimated number of label errors.
        package var top: Int?
        /// Every sample, ranked.
        package var all = false

        package init() {}
    }

    /// The kinds of run whose results become signals, in signal order.
    package static let sourceKinds: [RunKind] = [.pvi, .cartography, .inconsistent, .conflicts]

    package struct Entry: Sendable {
        package var sampleID: Int64
        package var score: Double
        /// The estimated probability that the label is wrong (calibrated fusion only).
        package var probability: Double?
        package var suggestedLabel: String?
        /// Every signal's word on the sample, in signal order.
        package var reasons: [SuspectRow.Reason]
    }

    package struct Outcome {
        package var run: Int64
        package var suspects: [Entry]
        /// The runs used, in signal order.
        package var sources: [(kind: RunKind, run: Int64)]
        /// Analyses not run yet.
        package var missing: [RunKind]
        package var samples: [Int64: Sample]
        package var calibratedBy: Int64?
        /// When a `dq evaluate` calibration exists but could not be used: its run and the signals it needs that are missing.
        package var calibrationUnusable: (run: Int64, missing: [String])?
        package var lengthRule: String
    }

    package static func run(store: Store, dataset selection: DatasetSelection, options: Options) throws -> Outcome {
        let dataset = try store.resolve(DatasetSelection(name: selection.name))
        let all = try store.samples(dataset: dataset.id)
        let samples = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        var runs: [RunKind: Int64] = [:]
        var missing: [RunKind] = []
        for kind in sourceKinds {
            if let run = try store.defaultRun(dataset: dataset.id, kind: kind) { runs[kind] = run.id } else { missing.append(kind) }
        }
        let annotated = try store.annotationCount(dataset: dataset.id) > 0
        guard !runs.isEmpty || annotated else { throw RunError.nothingToMerge(dataset: dataset.name) }

        // The samples judged: those the model run scored, else those the data map covers, else all.
        let pviRows = try runs[.pvi].map { try store.pviRows(run: $0) } ?? []
        let points = try runs[.cartography].map { try store.cartographyPoints(run: $0) } ?? []
        let ids = !pviRows.isEmpty ? pviRows.map(\.sampleID) : !points.isEmpty ? points.map(\.sampleID) : all.map(\.id)
        let position = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        let n = ids.count
        var signals: [SuspectScoring.Signal] = []
        var suggestions: [[String?]] = []

        // Every model family's latest PVI run on the same samples is a source of its own (bow,
        // embeddings, BERT): independent models are what lifts the fused list above each one.
        var modelRuns: [(run: Int64, rows: [PVIRow])] = []
        if let run = runs[.pvi] {
            modelRuns.append((run, pviRows))
            var seen: Set<String> = [try store.run(run).parameters(PVIParameters.self).model.model]
            for other in try store.runs(dataset: dataset.id, kind: .pvi) where other.status == .succeeded && other.id != run {
                let parameters = try other.parameters(PVIParameters.self)
                guard parameters.transform == nil, parameters.model.isTrained, seen.insert(parameters.model.model).inserted else { continue }
                let rows = try store.pviRows(run: other.id)
                guard rows.count == n, rows.allSatisfy({ position[$0.sampleID] != nil }) else { continue }
                modelRuns.append((other.id, rows))
            }
        }
        // The list's length: confident learning's count of label errors on each model's
        // probabilities and on their mean, whichever is smallest. A model's confusions inflate
        // the count (a weak model's confident joint counts many correct labels as errors), so
        // the smallest count is the least inflated: on MultiNLI the mean of bow and the
        // embeddings probe counts fewest, on TREC with a from-scratch tiny-bert, bow alone.
        // Per model run: its labels, and each sample's given label and probabilities in its order (sample positions).
        var probabilitiesOf: [(model: String, labels: [String], given: [Int], probabilities: [Double])] = []
        for (run, rows) in modelRuns {
            let parameters = try store.run(run).parameters(PVIParameters.self)
            let labels = parameters.labels
            let model = parameters.model.model
            var selfConfidence = [Double](repeating: 0, count: n), pvi = selfConfidence
            var pviReasons = [String](repeating: "", count: n), clReasons = pviReasons
            var suggested = [String?](repeating: nil, count: n)
            var given = [Int](repeating: 0, count: n), probabilities = [Double](repeating: 0, count: n * labels.count)
            for row in rows {
                let i = position[row.sampleID]!
                guard let y = labels.firstIndex(of: row.label), row.probabilities.count == labels.count else {
                    throw StoreError.inconsistent("run \(run): sample \(row.sampleID) has label \(row.label) or probabilities outside the run's labels")
                }
                pvi[i] = -row.pvi
                selfConfidence[i] = 1 - row.probabilities[y]
                let other = (0..<labels.count).filter { $0 != y }.max { row.probabilities[$0] < row.probabilities[$1] }!
                suggested[i] = labels[other]
                pviReasons[i] = String(format: "%@ PVI %.2f bits", model, row.pvi)
                clReasons[i] = String(format: "%@: p(%@) %.3f, p(%@) %.3f", model, row.label, row.probabilities[y], labels[other], row.probabilities[other])
                given[i] = y
                probabilities.replaceSubrange(i * labels.count..<(i + 1) * labels.count, with: row.probabilities)
            }
            signals.append(.init(name: "\(model) PVI", source: model, suspicion: pvi, sparse: false, reasons: pviReasons))
            signals.append(.init(name: "confident learning (\(model))", source: model, suspicion: selfConfidence, sparse: false, reasons: clReasons))
            suggestions.append(suggested)
            probabilitiesOf.append((model, labels, given, probabilities))
        }
        func labelIssues(given: [Int], probabilities: [Double], classes: Int) -> Int {
            ConfidentLearning.findLabelIssues(ConfidentLearning.Input(labels: given, probabilities: probabilities, classes: classes)).estimatedIssues
        }
        var estimates: [(count: Int, what: String)] = []
        if let first = probabilitiesOf.first, first.labels.count >= 2 && n > 0 {
            estimates = probabilitiesOf.map { (labelIssues(given: $0.given, probabilities: $0.probabilities, classes: $0.labels.count), "\($0.model)'s probabilities") }
            if probabilitiesOf.count > 1 {
                // The mean, in the first run's label order.
                let k = first.labels.count
                var mean = [Double](repeating: 0, count: n * k)
                for run in probabilitiesOf {
                    let column = run.labels.map { first.labels.firstIndex(of: $0) }
                    for i in 0..<n {
                        for (j, c) in column.enumerated() { if let c { mean[i * k + c] += run.probabilities[i * run.labels.count + j] / Double(probabilitiesOf.count) } }
                    }
                }
                estimates.append((labelIssues(given: first.given, probabilities: mean, classes: k), "the \(probabilitiesOf.count) models' mean probabilities"))
            }
        }
        var sources = sourceKinds.flatMap { kind -> [(kind: RunKind, run: Int64)] in
            kind == .pvi ? modelRuns.map { (kind: .pvi, run: $0.run) } : runs[kind].map { [(kind: kind, run: $0)] } ?? []
        }
        if !points.isEmpty {
            var suspicion = [Double](repeating: 0, count: n)
            var reasons = [String](repeating: "not in the data map", count: n)
            for p in points {
                guard let i = position[p.sampleID] else { continue }
                suspicion[i] = 1 - p.confidence
                reasons[i] = String(format: "cartography confidence %.2f", p.confidence) + (p.regions.isEmpty ? "" : " (\(p.regions.names))")
            }
            signals.append(.init(name: "cartography", source: "cartography", suspicion: suspicion, sparse: false, reasons: reasons))
        }
        if let run = runs[.inconsistent] {
            var suspicion = [Double](repeating: 0, count: n)
            var reasons = [String](repeating: "no other label's specifications match", count: n)
            var suggested = [String?](repeating: nil, count: n)
            for row in try store.specificationSuspects(run: run) {
                guard let i = position[row.sampleID], row.score > suspicion[i] else { continue }
                suspicion[i] = row.score
                suggested[i] = row.suggestedLabel
                reasons[i] = "matches \(row.suggestedLabel)'s specifications (" + row.evidence.map { "\($0.spec): rank \($0.rank)" }.joined(separator: ", ") + ")"
            }
            signals.append(.init(name: "specifications", source: "specifications", suspicion: suspicion, sparse: true, reasons: reasons))
            suggestions.insert(suggested, at: 0)
        }
        if let run = runs[.conflicts] {
            var suspicion = [Double](repeating: 0, count: n)
            var reasons = [String](repeating: "no conflicting duplicate", count: n)
            var suggested = [String?](repeating: nil, count: n)
            for pair in try store.conflicts(run: run) {
                for (me, other) in [(pair.sampleA, pair.sampleB), (pair.sampleB, pair.sampleA)] {
                    guard let i = position[me], pair.similarity > suspicion[i], let partner = samples[other] else { continue }
                    suspicion[i] = pair.similarity
                    suggested[i] = partner.label
                    reasons[i] = String(format: "%@ duplicate of %@ labelled %@ (similarity %.2f)", pair.kind.rawValue, partner.displayID, partner.label, pair.similarity)
                }
            }
            signals.append(.init(name: "conflicting duplicates", source: "conflicts", suspicion: suspicion, sparse: true, reasons: reasons))
            suggestions.append(suggested)
        }

        // Annotators who gave another label than the sample's: the share of them is the
        // suspicion (dense when every judged sample has two or more annotations).
        if annotated {
            let stored = try store.annotations(dataset: dataset.id)
            var consensus: [Int64: String] = [:]
            var consensusMethod = ""
            if let run = try store.latestRun(dataset: dataset.id, kind: .consensus) {
                consensusMethod = try run.parameters(ConsensusParameters.self).method.rawValue
                for row in try store.consensusRows(run: run.id) { consensus[row.sampleID] = row.label }
                sources.append((.consensus, run.id))
            }
            var suspicion = [Double](repeating: 0, count: n)
            var reasons = [String](repeating: "no annotations", count: n)
            var suggested = [String?](repeating: nil, count: n)
            var multiply = 0
            var start = 0
            for (item, sampleID) in stored.sampleIDs.enumerated() {
                var end = start
                while end < stored.item.count && Int(stored.item[end]) == item { end += 1 }
                defer { start = end }
                guard let i = position[sampleID], let sample = samples[sampleID] else { continue }
                var counts: [String: Int] = [:]
                for k in start..<end { counts[stored.labels[Int(stored.label[k])], default: 0] += 1 }
                let m = end - start
                if m >= 2 { multiply += 1 }
                let agreeing = counts[sample.label] ?? 0
                suspicion[i] = 1 - Double(agreeing) / Double(m)
                let described = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                reasons[i] = "annotators: " + described.map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
                if let label = consensus[sampleID] {
                    reasons[i] += " (\(consensusMethod) consensus \(label))"
                    if label != sample.label { suggested[i] = label }
                } else if let top = described.first, top.key != sample.label {
                    suggested[i] = top.key
                }
            }
            signals.append(.init(name: "annotator disagreement", source: "annotators", suspicion: suspicion, sparse: multiply < n, reasons: reasons))
            suggestions.insert(suggested, at: 0)
        }

        let (calibration, evaluateRun) = try Self.calibration(store: store, dataset: dataset.id)
        let ranking = SuspectScoring.rank(signals, calibration: calibration)
        let calibratedBy = ranking.probability == nil ? nil : evaluateRun
        let unusable = calibration.flatMap { c -> (run: Int64, missing: [String])? in
            guard calibratedBy == nil, let evaluateRun else { return nil }
            let names = c.features.map { $0.hasSuffix(": tail") ? String($0.dropLast(": tail".count)) : $0 }
            return (evaluateRun, names.filter { name in !signals.contains { $0.name == name } }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } })
        }
        // A calibrated fusion adds its own estimate: the sum of the probabilities that labels are
        // wrong. It assumes errors at about the share dq evaluate planted, so it is the smaller
        // where the models are too weak for confident learning's count (MultiNLI: about 1,000
        // against 3,500 for 982 planted) and the larger where they read the labels well.
        if let probability = ranking.probability, let evaluateRun, !estimates.isEmpty {
            let rate = try store.run(evaluateRun).parameters(EvaluateParameters.self).rate
            estimates.append((Int(probability.reduce(0, +).rounded()),
                              "the calibrated probabilities' sum (it assumes about the \((rate * 100).formatted(digits: 0))% of errors dq evaluate run \(evaluateRun) planted)"))
        }
        let estimate = estimates.min { $0.count < $1.count }
        let annotatorSuggestions = annotated ? suggestions[0] : []
        let flaggedBySparse = (0..<n).filter { i in
            signals.contains { $0.sparse && $0.source != "annotators" && $0.suspicion[i] > 0 } || (annotated && annotatorSuggestions[i] != nil)
        }.count
        let (length, rule): (Int, String) = options.all ? (n, "every sample (--all)")
            : options.top.map { (min($0, n), "--top \($0)") }
            ?? estimate.map { estimate in
                (estimate.count, estimates.count == 1
                    ? "confident learning's estimate of the label errors (cleanlab's num_label_issues) on \(estimate.what)"
                    : "the smallest estimate of the label errors, \(estimate.count): " + estimates.map { "\($0.count) by "
                        + ($0.what.hasPrefix("the calibrated") ? $0.what : "confident learning (cleanlab's num_label_issues) on \($0.what)") }
                        .joined(separator: "; "))
            }
            ?? (flaggedBySparse, annotated ? "the samples a specification or a duplicate flags, or whose annotators' consensus (or majority) is another label"
                : "the samples a specification or a duplicate flags")
        let suspects = ranking.order.prefix(length).map { i in
            Entry(sampleID: ids[i], score: ranking.score[i], probability: ranking.probability?[i],
                  suggestedLabel: suggestions.lazy.compactMap { $0[i] }.first,
                  reasons: signals.map { SuspectRow.Reason(signal: $0.name, reason: $0.reasons[i]) })
        }
        // The default run under its kind; further model runs under "pvi 2", "pvi 3", ….
        var keys: [String: Int] = [:]
        var parameters = SuspectsParameters(sources: Dictionary(uniqueKeysWithValues: sources.map { source in
            keys[source.kind.rawValue, default: 0] += 1
            let count = keys[source.kind.rawValue]!
            return (count == 1 ? source.kind.rawValue : "\(source.kind.rawValue) \(count)", source.run)
        }))
        (parameters.calibratedBy, parameters.length, parameters.lengthRule) = (calibratedBy, length, rule)
        let (run, _) = try store.recordRun(
            parameters, dataset: dataset.id, seed: nil, compute: { _ in () },
            write: { run, _ in
                try store.writeSuspects(run: run, suspects.enumerated().map { position, s in
                    SuspectRow(sampleID: s.sampleID, position: position + 1, score: s.score, suggestedLabel: s.suggestedLabel, reasons: s.reasons,
                               probability: s.probability)
                })
            })
        return Outcome(run: run, suspects: suspects, sources: sources, missing: missing, samples: samples, calibratedBy: calibratedBy,
                       calibrationUnusable: unusable, lengthRule: rule)
    }

    /// The fusion the dataset's latest `dq evaluate` run fitted, with that run's id.
    static func calibration(store: Store, dataset: Int64) throws -> (SuspectScoring.Calibration?, Int64?) {
        guard let run = try store.defaultRun(dataset: dataset, kind: .evaluate), let summary = try store.summary(run: run.id),
              case .array(let names)? = summary["fusion_features"], case .array(let weights)? = summary["fusion_weights"] else { return (nil, nil) }
        let features = names.compactMap(\.scalarText)
        let values = weights.compactMap { if case .number(let w) = $0 { w } else { nil } }
        guard features.count == names.count, values.count == features.count + 1 else { return (nil, nil) }
        return (SuspectScoring.Calibration(features: features, model: LogisticFusion.Model(weights: values)), run.id)
    }
}

extension SuspectsRun.Outcome {
    /// The first `top` suspects with their reasons.
    package func table(top: Int) -> Table {
        let used = sources.map { "\($0.kind.rawValue) run \($0.run)" }.joined(separator: ", ")
        let method = calibratedBy.map { "scored by the fusion dq evaluate run \($0) fitted on planted errors; probability: that the label is wrong" }
            ?? calibrationUnusable.map {
                "scored by the rank average of the model-based signals: dq evaluate run \($0.run) fitted its fusion on signals this dataset has no run for "
                    + "(\($0.missing.joined(separator: ", "))); run the analyses it used (for embeddings: dq pvi --model embeddings:DIR) or dq evaluate again"
            }
            ?? "scored by the rank average of the model-based signals (no dq evaluate run to calibrate on: run it for probabilities)"
        return Table(
            name: "suspects", title: "Suspects, run \(run): \(suspects.count) samples (from \(used))",
            columns: ["#", "id", "given", "suggested", calibratedBy == nil ? "score" : "probability", "reasons", "text"],
            rows: suspects.prefix(top).enumerated().map { position, s in
                let sample = samples[s.sampleID]
                return [.int(position + 1), .text(sample?.displayID ?? "#\(s.sampleID)"), .text(sample?.label ?? ""), .optional(s.suggestedLabel),
                        .real(s.probability ?? s.score, digits: 3), .text(s.reasons.map(\.reason).joined(separator: "; ")), .text(sample?.text ?? "")]
            },
            note: "The list's length: \(lengthRule). Samples \(method). "
                + (missing.isEmpty ? "" : "Not run yet: \(missing.map(\.rawValue).joined(separator: ", ")). ")
                + "Hand them to annotators: dq export suspects --format csv|labelstudio|doccano --out FILE")
    }

    /// The whole list, as `--out` writes it.
    package var sampleTable: Table {
        Table(name: "suspects", title: "Suspects", columns: ["rank", "id", "given", "suggested", "probability", "score", "reasons"],
              rows: suspects.enumerated().map { position, s in
                  let sample = samples[s.sampleID]
                  return [.int(position + 1), .text(sample?.displayID ?? "#\(s.sampleID)"), .text(sample?.label ?? ""), .optional(s.suggestedLabel),
                          s.probability.map { .real($0) } ?? .missing, .real(s.score), .text(s.reasons.map(\.reason).joined(separator: "; "))]
              })
    }
}
