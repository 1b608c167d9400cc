import DQAnalyses
import DQReports

extension SuspectsRun.Outcome {
    /// The first `top` suspects with their reasons.
    package func table(top: Int) -> Table {
        let used = sources.map { "\($0.kind.rawValue) run \($0.run)" }.joined(separator: ", ")
        let runsUsed = sourceRuns.isEmpty ? "" : "Runs used (the latest of each \(multiLabelNotes == nil ? "kind" : "label")): "
            + sourceRuns.joined(separator: "; ") + ". "
        let fused: String = calibratedBy.map {
            "scored by the fusion dq evaluate run \($0) fitted on planted errors: a suspicion score, higher is likelier wrong; it is not "
                + "the probability that the label is wrong (it was fitted to find planted errors at the rates evaluate planted)"
        }
            ?? calibrationBeaten.map {
                "scored by the rank average of the model-based signals: the fusion dq evaluate run \($0.run) fitted ranked its held-out planted "
                    + "errors less well than the rank average (average precision \($0.fusion.formatted(digits: 3)) against "
                    + "\($0.rankAverage.formatted(digits: 3)))"
            }
            ?? calibrationUnusable.map {
                "scored by the rank average of the model-based signals: dq evaluate run \($0.run) fitted its fusion on signals this dataset has no run for "
                    + "(\($0.missing.joined(separator: ", "))); run the analyses it used (for embeddings: dq pvi --model embeddings:DIR) or dq evaluate again"
            }
            ?? "scored by the rank average of the model-based signals (no dq evaluate run: run it to calibrate the fusion and to check the count)"
        let method = multiLabelNotes?.scoring ?? fused
        return Table(
            name: "suspects", title: "Suspects, run \(run): \(suspects.count.formatted(thousands: true)) samples (from \(used))",
            columns: ["#", "id", "given", "suggested", "score"] + (calibratedOnAudit == nil ? [] : ["P(wrong)"]) + ["ambiguity", "reasons", "text"],
            rows: suspects.prefix(top).enumerated().map { position, s in
                let sample = samples[s.sampleID]
                return [.int(position + 1), .text(sample?.displayID ?? "#\(s.sampleID)"), .text(sample?.label ?? ""), .optional(s.suggestedLabel),
                        .real(s.score, digits: 3)] + (calibratedOnAudit == nil ? [] : [s.probability.map { .real($0, digits: 3) } ?? .missing])
                    + [.text(s.group == .ambiguous ? "\(s.ambiguity.formatted(digits: 2)) ambiguous"
                            : s.ambiguity.formatted(digits: 2)), .text(s.reasons.map(\.reason).joined(separator: "; ")), .text(sample?.text ?? "")]
            },
            note: (weakModels + warnings).map { $0 + " " }.joined() + runsUsed + "Labels judged: \(labelsRead). The list's length: \(lengthRule). "
                + (reviewedLeftOut == 0 ? "" : "\(reviewedLeftOut) sample\(reviewedLeftOut == 1 ? "" : "s") a review already decided on "
                    + "(corrected or kept) left out (--include-reviewed lists them). ")
                + "Samples \(method). " + ambiguityNote
                + (calibratedOnAudit.map { c in
                    "P(wrong): the probability that the label is wrong, calibrated on the \(c.reviewed) reviewed samples of audit run "
                        + "\(auditReport?.run ?? 0) (a logistic regression on the score's rank, each review weighted by the samples it stands for); "
                        + "its leave-one-out calibration error is \(c.error.formatted(digits: 3)). "
                } ?? "")
                + (missing.isEmpty ? "" : "Not run yet: \(missing.map(\.rawValue).joined(separator: ", ")). ")
                + "Hand them to annotators: dq export suspects --format csv|labelstudio|doccano|argilla --out FILE")
    }

    /// What the reviews of the latest audit sample say, when there is one.
    package var auditTable: Table? {
        guard let report = auditReport else { return nil }
        let e = report.estimate
        func row(_ name: String, _ s: Audit.Stratum) -> [Cell] {
            [.text(name), .int(s.size), .int(s.reviewed), .int(s.wrong), s.reviewed > 0 ? .real(s.share, digits: 3) : .missing]
        }
        let total = report.list.size + report.rest.size
        let rate = { (x: Double) in (x / Double(max(total, 1)) * 100).formatted(digits: 1) + "%" }
        let verdict = e.complete
            ? "Estimated wrong labels: \(Int(e.errors.rounded())) of \(total) (\(rate(e.errors)); 95% interval \(Int(e.low.rounded()))–"
                + "\(Int(e.high.rounded())), \(rate(e.low))–\(rate(e.high))). The list of run \(report.run): precision "
                + "\(e.precision.formatted(digits: 2))" + (e.recall.map { ", recall \($0.formatted(digits: 2))" } ?? "") + "."
            : "Not every part of the sample has a review yet: import the reviews of both parts (dq corrections import) for an estimate."
        return Table(
            name: "audit", title: "Audit of suspects run \(report.run): reviewed samples drawn at random",
            columns: ["part", "samples", "reviewed", "wrong", "share wrong"],
            rows: [row("the list", report.list), row("the rest", report.rest)],
            note: verdict + " Stratified estimate (each part's share wrong times its size), normal interval; a review counts when it was "
                + "imported after the audit was drawn, kept labels included.")
    }

    /// How many listed samples are ambiguous rather than likely errors, and what that means.
    private var ambiguityNote: String {
        if let multiLabelNotes { return multiLabelNotes.ambiguity }
        let ambiguous = suspects.filter { $0.group == .ambiguous }.count
        return "Ambiguity: how evenly the models split between the given label and its strongest rival (and the annotators and the data map, "
            + "where there are any), "
            + "0 to 1; \(ambiguous) of the \(suspects.count) are at \(Ambiguity.threshold.formatted(digits: 2)) or above: two labels are "
            + "plausible there, so review them as ambiguous items, not as errors to correct. "
    }

    /// A sentence for each model source too weak to judge labels, and what to do.
    package var weakModels: [String] {
        strengths.compactMap { model, s in
            let figures = "accuracy \(s.accuracy.formatted(digits: 3)) against \(s.priorAccuracy.formatted(digits: 3)) for always "
                + "predicting the commonest label; V-information \(s.vInformation.formatted(digits: 3)) bits, 95% interval "
                + "\(s.low.formatted(digits: 3)) to \(s.high.formatted(digits: 3))"
            if s.learnedNothing {
                return "Warning: \(model) learned nothing usable about the labels (\(figures)): its suspicions are noise and it does not size the "
                    + "list. Check that the label column is the right one, or use a stronger model (dq pvi --model embeddings:DIR); --top N ranks anyway."
            }
            return s.nearPrior ? "Warning: \(model) barely beats always predicting the commonest label (\(figures)); its suspicions are weak evidence." : nil
        }
    }

    /// The whole list, as `--out` writes it.
    package var sampleTable: Table {
        Table(name: "suspects", title: "Suspects", columns: ["rank", "id", "given", "suggested", "score", "p_wrong", "ambiguity", "group", "reasons"],
              rows: suspects.enumerated().map { position, s in
                  let sample = samples[s.sampleID]
                  return [.int(position + 1), .text(sample?.displayID ?? "#\(s.sampleID)"), .text(sample?.label ?? ""), .optional(s.suggestedLabel),
                          .real(s.score), s.probability.map { .real($0) } ?? .missing, .real(s.ambiguity), .text(s.group.rawValue), .text(s.reasons.map(\.reason).joined(separator: "; "))]
              }).withTexts(suspects.map { samples[$0.sampleID] })
    }
}
