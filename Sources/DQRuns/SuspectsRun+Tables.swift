import DQReports

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
