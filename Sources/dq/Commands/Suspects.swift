import ArgumentParser
import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

struct Suspects: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "One ranked list of the samples most likely mislabelled, from every analysis run so far.",
        discussion: """
            Merges the latest run of each analysis of the dataset: negative PVI (`dq pvi`), the \
            hard-to-learn and ambiguous regions (`dq cartography`), confident learning \
            (`dq label-issues`), specification mismatches (`dq inconsistent`) and conflicting \
            duplicates (`dq conflicts`). Each is a ranking; reciprocal rank fusion merges them, so \
            samples several analyses flag come first. Each row gives its reasons and the label \
            most of them suggest. The list is stored as a run: `dq export suspects` hands it to \
            annotators.

            Examples:
              dq suspects --dataset trec
              dq suspects --dataset trec --min-signals 2 --top 100 --format csv
            """
    )

    @OptionGroup var selection: DatasetOptions

    @Option(help: "How many suspects to print (all are stored).")
    var top = 30

    @Option(name: .customLong("min-signals"), help: "Keep samples that at least this many analyses flag.")
    var minSignals = 1

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        let store = try store.open()
        let (datasetID, datasetName) = try store.defaultDataset(selection.dataset)
        let samples = Dictionary(uniqueKeysWithValues: try store.samples(dataset: datasetID).map { ($0.id, $0) })
        var signals: [SuspectMerging.Signal] = []
        var sources: [(key: String, value: JSONValue)] = []
        var missing: [String] = []
        func latest(_ kind: String) throws -> RunRecord? {
            let run = try store.defaultRun(dataset: datasetID, kind: kind)
            if let run { sources.append((kind, .number(Double(run.id)))) } else { missing.append(kind) }
            return run
        }
        if let run = try latest("pvi") {
            let rows = try store.pviRows(run: run.id).filter { $0.pvi < 0 }.sorted { $0.pvi < $1.pvi }
            signals.append(.init(name: "pvi", flags: rows.map {
                .init(sampleID: $0.sampleID, suggestedLabel: $0.predicted, reason: String(format: "PVI %.2f bits, model predicts %@", $0.pvi, $0.predicted))
            }))
        }
        if let run = try latest("cartography") {
            let points = try store.cartographyPoints(run: run.id).filter { $0.region == "hard-to-learn" || $0.region == "ambiguous" }
                .sorted { ($0.region == "hard-to-learn" ? 0 : 1, $0.confidence) < ($1.region == "hard-to-learn" ? 0 : 1, $1.confidence) }
            signals.append(.init(name: "cartography", flags: points.map {
                .init(sampleID: $0.sampleID, suggestedLabel: nil, reason: String(format: "%@ (confidence %.2f)", $0.region, $0.confidence))
            }))
        }
        if let run = try latest("label-issues") {
            signals.append(.init(name: "confident learning", flags: try store.labelIssues(run: run.id).map {
                .init(sampleID: $0.sampleID, suggestedLabel: $0.suggestedLabel,
                      reason: String(format: "confident learning prefers %@ (quality %.2f)", $0.suggestedLabel ?? "?", $0.score))
            }))
        }
        if let run = try latest("inconsistent") {
            let rows = try store.specSuspects(run: run.id).sorted { ($0.position, $0.suggestedLabel ?? "") < ($1.position, $1.suggestedLabel ?? "") }
            signals.append(.init(name: "specifications", flags: rows.map {
                .init(sampleID: $0.sampleID, suggestedLabel: $0.suggestedLabel, reason: "matches \($0.suggestedLabel ?? "?")'s specifications \($0.evidence)")
            }))
        }
        if let run = try latest("conflicts") {
            var flags: [SuspectMerging.Flag] = []
            for pair in try store.conflicts(run: run.id) {
                for (me, other) in [(pair.sampleA, pair.sampleB), (pair.sampleB, pair.sampleA)] where samples[me] != nil {
                    let partner = samples[other]
                    flags.append(.init(sampleID: me, suggestedLabel: partner?.label,
                                       reason: "\(pair.kind) duplicate of \(partner?.displayID ?? "#\(other)") labelled \(partner?.label ?? "?")"))
                }
            }
            signals.append(.init(name: "conflicts", flags: flags))
        }
        guard !signals.isEmpty else {
            throw CommandError("dataset \(datasetName) has no analysis to merge yet: run dq pvi, dq cartography, dq label-issues, dq inconsistent or dq conflicts first")
        }
        let parameters: JSONValue = .object([("sources", .object(sources)), ("min_signals", .number(Double(minSignals))), ("rrf_k", .number(60))])
        let (run, suspects) = try store.recordRun(
            kind: "suspects", dataset: datasetID, parameters: parameters, seed: nil,
            compute: { _ in SuspectMerging.merge(signals, minSignals: minSignals) },
            write: { run, suspects in
                try store.writeSuspects(run: run, suspects.enumerated().map { position, s in
                    FlaggedSample(sampleID: s.sampleID, position: position + 1, score: s.score, suggestedLabel: s.suggestedLabel,
                                  evidence: Suspects.evidence(signals: s.signals, reasons: s.reasons))
                })
            })
        let used = sources.map { "\($0.key) run \($0.value.scalarText ?? "")" }.joined(separator: ", ")
        try output.emit([Table(
            name: "suspects", title: "Suspects, run \(run): \(suspects.count) samples flagged (from \(used))",
            columns: ["#", "id", "given", "suggested", "score", "signals", "reasons", "text"],
            rows: suspects.prefix(top).enumerated().map { position, s in
                let sample = samples[s.sampleID]
                return [.int(position + 1), .text(sample?.displayID ?? "#\(s.sampleID)"), .text(sample?.label ?? ""), .optional(s.suggestedLabel),
                        .real(s.score, digits: 4), .int(s.signals.count), .text(s.reasons.joined(separator: "; ")), .text(sample?.text ?? "")]
            },
            note: (missing.isEmpty ? "" : "Not run yet: \(missing.joined(separator: ", ")). ") + "Hand them to annotators: dq export suspects --format csv|labelstudio|doccano --out FILE")])
    }

    /// A suspect's stored evidence: a JSON array of {signal, reason}.
    static func evidence(signals: [String], reasons: [String]) -> String {
        JSONValue.array(zip(signals, reasons).map { .object([("signal", .string($0)), ("reason", .string($1))]) }).jsonText
    }

    /// The reasons of stored evidence, for people: "reason; reason".
    static func reasons(fromEvidence evidence: String) -> String {
        guard case .array(let items)? = try? JSONValue.parse(evidence) else { return evidence }
        return items.compactMap { $0["reason"]?.scalarText }.joined(separator: "; ")
    }
}
