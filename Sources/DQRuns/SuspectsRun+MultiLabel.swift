import DQAnalyses
import DQStore
import DQText

extension SuspectsRun {
    /// Suspects of multi-label data: every label's latest one-vs-rest `dq pvi` run gives the
    /// probability that each sample has that label; multi-label confident learning (cleanlab's
    /// multilabel find_label_issues, one-vs-rest) flags the labels whose presence or absence
    /// looks wrong, and the suggestion adds or removes them. Ranked by cleanlab's multi-label
    /// quality score; as long as the number of samples it flags, unless `options` say otherwise.
    static func multiLabel(store: Store, dataset: ResolvedDataset, options: Options) throws -> Outcome {
        if options.audit != nil { throw OptionError("{audit} is for single-label data: review the top of a multi-label list instead") }
        let stored = try LabelIssuesRun.storedOneVsRest(store: store, dataset: dataset)
        let samples = Dictionary(uniqueKeysWithValues: try store.samples(dataset, allSplits: true).map { ($0.id, $0) })
        // With --split: only those splits' samples are judged (each label's model scored them all).
        let kept = stored.sampleIDs.indices.filter { i in dataset.splits.map { $0.contains(samples[stored.sampleIDs[i]]!.split) } ?? true }
        if kept.isEmpty, let splits = dataset.splits { throw RunError.noSamples(dataset: dataset.name, splits: splits) }
        let k = stored.classes.count
        let input = MultiLabelConfidentLearning.Input(labels: kept.map { stored.labels[$0] },
                                                      probabilities: kept.flatMap { i in stored.probabilities[(i * k)..<((i + 1) * k)] }, classes: k)
        let ids = kept.map { stored.sampleIDs[$0] }
        let reviewed = options.includeReviewed ? [] : try store.reviewedSamples(dataset: dataset.id)
        let sources = stored.classes.map { (label: $0, run: stored.runs[$0]!) }
        var parameters = SuspectsParameters(sources: Dictionary(uniqueKeysWithValues: sources.map { ("pvi (\($0.label))", $0.run) }))
        var rule = "", reviewedLeftOut = 0, weak: [Int] = []
        let (run, entries) = try store.recordRun(
            parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: nil,
            compute: { _ -> [Entry] in
                let result = MultiLabelConfidentLearning.findLabelIssues(input)
                weak = MultiLabelConfidentLearning.implausibleLabels(input, result: result)
                // Ranked: the flagged samples, and with --all or --top every other one after them.
                // Ordered by the sample's lowest per-label PVI (the labels left out aside), which ranks
                // flipped memberships better than cleanlab's quality score (dq evaluate; docs/commands/suspects.md).
                let judged = weak.count == k ? Array(0..<k) : (0..<k).filter { !weak.contains($0) }
                let suspicion = kept.map { i in -judged.map { stored.pvi[i * k + $0] }.min()! }
                let ranked = MultiLabelConfidentLearning.suspects(input, result: result, all: options.all || options.top != nil, ignoring: Set(weak),
                                                                  suspicion: suspicion)
                var list = ranked.filter { !reviewed.contains(ids[$0.sample]) }
                reviewedLeftOut = ranked.count - list.count
                if options.all {
                    rule = "every sample (--all)"
                } else if let top = options.top {
                    (list, rule) = (Array(list.prefix(top)), "--top \(top)")
                } else {
                    let issues = ranked.count
                    rule = "the \(issues.formatted(thousands: true)) samples multi-label confident learning flags (cleanlab's multilabel "
                        + "find_label_issues, one-vs-rest on every label's probabilities)"
                        + (weak.isEmpty ? "" : " in a label whose model can tell it from its absence (of \(result.ranked.count.formatted(thousands: true)) flagged in any label)")
                }
                return list.map { s in entry(s, input: input, classes: stored.classes, id: ids[s.sample]) }
            },
            write: { run, entries in
                (parameters.length, parameters.lengthRule) = (entries.count, rule)
                try store.updateParameters(run: run, parameters)
                try store.writeSuspects(run: run, entries.enumerated().map { position, s in
                    SuspectRow(sampleID: s.sampleID, position: position + 1, score: s.score, suggestedLabel: s.suggestedLabel, reasons: s.reasons,
                               ambiguity: s.ambiguity)
                })
            })
        var warning = weak.isEmpty ? [] : ["Warning: the flags of \(weak.map { stored.classes[$0] }.joined(separator: ", ")) reach half of the "
            + "samples on the label's rarer side: its model cannot tell the label from its absence, so they are mostly its confusion, and the "
            + "list leaves them out (dq pvi --table v_information_labels shows each label's model; a stronger one, --model embeddings:DIR, may judge them)."]
        if options.top == nil && !options.all && 3 * (entries.count + reviewedLeftOut) > ids.count {
            warning.append("Warning: the list holds \((entries.count + reviewedLeftOut).formatted(thousands: true)) of the \(ids.count.formatted(thousands: true)) samples; error rates that high are rare in "
                + "curated data (Northcutt et al., 2021, found 3.3% on average in ten benchmark test sets), so unless this data is known to be that "
                + "noisy, many of these flags are the one-vs-rest models' confusion: review the top of the list (--top N), or judge with a stronger "
                + "model (dq pvi --model embeddings:DIR).")
        }
        return Outcome(run: run, suspects: entries, sources: sources.map { (.pvi, $0.run) },
                       sourceRuns: try sources.map { try store.run($0.run).described + " for \($0.label)" }, missing: [], samples: samples,
                       calibratedBy: nil, calibrationUnusable: nil, calibrationBeaten: nil, lengthRule: rule, estimate: nil, strengths: [],
                       countCheckedBy: nil, audit: nil, auditReport: nil, calibratedOnAudit: nil, reviewedLeftOut: reviewedLeftOut,
                       labelsRead: dataset.labelsRead, warnings: warning,
                       multiLabelNotes: (scoring: "ordered and scored by minus the "
                                            + "lowest of their labels' PVI (bits; higher = likelier wrong), which ranks flipped memberships better than "
                                            + "cleanlab's quality score in dq evaluate; suggested: the labels with each doubted one added or removed",
                                         ambiguity: "Ambiguity: how near ½ the model's probability of the doubted label is (1 − |2p − 1|), 0 to 1: "
                                            + "at \(Ambiguity.threshold.formatted(digits: 2)) or above the model is unsure either way. "))
    }

    /// A multi-label suspect as an entry: the suggested label list, and a reason per doubted label.
    private static func entry(_ s: MultiLabelConfidentLearning.Suspect, input: MultiLabelConfidentLearning.Input, classes: [String], id: Int64) -> Entry {
        let given = input.labels[s.sample]
        let p = { (k: Int) in input.probabilities[s.sample * input.classes + k].formatted(digits: 3) }
        let reasons = s.remove.map { SuspectRow.Reason(signal: "pvi (\(classes[$0]))", reason: "\(classes[$0]): labelled, p \(p($0)); remove?") }
            + s.add.map { SuspectRow.Reason(signal: "pvi (\(classes[$0]))", reason: "\(classes[$0]): not labelled, p \(p($0)); add?") }
        let doubted = !s.add.isEmpty || !s.remove.isEmpty
        return Entry(sampleID: id, score: s.score, probability: nil,
                     suggestedLabel: doubted ? s.suggested(given: given).map { classes[$0] }.sorted().joined(separator: ";") : nil,
                     ambiguity: s.ambiguity, reasons: reasons)
    }
}
