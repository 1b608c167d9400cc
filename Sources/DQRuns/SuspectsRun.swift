import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

/// The parameters of a `dq suspects` run.
public struct SuspectsParameters: RunParameters {
    public static let kind = RunKind.suspects
    /// The run each signal came from, by kind (raw value).
    public var sources: [String: Int64]
    public var minSignals: Int
    public var rrfK: Double
}

/// `dq suspects`: the latest run of every label-finding analysis merged into one ranked list.
public enum SuspectsRun {
    public struct Options: Sendable {
        /// Keep samples that at least this many analyses flag.
        public var minSignals = 1

        public init() {}
    }

    /// The kinds of run whose results become signals, in signal order.
    public static let sourceKinds: [RunKind] = [.pvi, .cartography, .labelIssues, .inconsistent, .conflicts]

    public struct Outcome {
        public var run: Int64
        public var suspects: [SuspectMerging.Suspect]
        /// The runs used, in signal order.
        public var sources: [(kind: RunKind, run: Int64)]
        /// Analyses not run yet.
        public var missing: [RunKind]
        public var samples: [Int64: Sample]
    }

    public static func run(store: Store, dataset selection: DatasetSelection, options: Options) throws -> Outcome {
        let dataset = try store.resolve(DatasetSelection(name: selection.name))
        let samples = Dictionary(uniqueKeysWithValues: try store.samples(dataset: dataset.id).map { ($0.id, $0) })
        var signals: [SuspectMerging.Signal] = []
        var sources: [(kind: RunKind, run: Int64)] = []
        var missing: [RunKind] = []
        for kind in sourceKinds {
            guard let run = try store.defaultRun(dataset: dataset.id, kind: kind) else {
                missing.append(kind)
                continue
            }
            sources.append((kind, run.id))
            signals.append(try signal(kind, run: run.id, store: store, samples: samples))
        }
        guard !signals.isEmpty else { throw RunError.nothingToMerge(dataset: dataset.name) }
        let rrfK = 60.0
        let parameters = SuspectsParameters(sources: Dictionary(uniqueKeysWithValues: sources.map { ($0.kind.rawValue, $0.run) }),
                                            minSignals: options.minSignals, rrfK: rrfK)
        let (run, suspects) = try store.recordRun(
            parameters, dataset: dataset.id, seed: nil,
            compute: { _ in SuspectMerging.merge(signals, k: rrfK, minSignals: options.minSignals) },
            write: { run, suspects in
                try store.writeSuspects(run: run, suspects.enumerated().map { position, s in
                    SuspectRow(sampleID: s.sampleID, position: position + 1, score: s.score, suggestedLabel: s.suggestedLabel,
                               reasons: zip(s.signals, s.reasons).map { SuspectRow.Reason(signal: $0, reason: $1) })
                })
            })
        return Outcome(run: run, suspects: suspects, sources: sources, missing: missing, samples: samples)
    }

    /// One analysis's flags, most suspect first.
    static func signal(_ kind: RunKind, run: Int64, store: Store, samples: [Int64: Sample]) throws -> SuspectMerging.Signal {
        switch kind {
        case .pvi:
            let rows = try store.pviRows(run: run).filter { $0.pvi < 0 }.sorted { $0.pvi < $1.pvi }
            return .init(name: "pvi", flags: rows.map {
                .init(sampleID: $0.sampleID, suggestedLabel: $0.predicted, reason: String(format: "PVI %.2f bits, model predicts %@", $0.pvi, $0.predicted))
            })
        case .cartography:
            func order(_ regions: CartographyRegions) -> Int { regions.contains(.hard) ? 0 : 1 }
            let points = try store.cartographyPoints(run: run).filter { !$0.regions.isDisjoint(with: [.hard, .ambiguous]) }
                .sorted { (order($0.regions), $0.confidence) < (order($1.regions), $1.confidence) }
            return .init(name: "cartography", flags: points.map {
                .init(sampleID: $0.sampleID, suggestedLabel: nil,
                      reason: String(format: "%@ (confidence %.2f)", $0.regions.subtracting(.easy).names, $0.confidence))
            })
        case .labelIssues:
            return .init(name: "confident learning", flags: try store.labelIssues(run: run).map {
                .init(sampleID: $0.sampleID, suggestedLabel: $0.suggestedLabel,
                      reason: String(format: "confident learning prefers %@ (quality %.2f)", $0.suggestedLabel, $0.quality))
            })
        case .inconsistent:
            let rows = try store.specificationSuspects(run: run).sorted { ($0.position, $0.suggestedLabel) < ($1.position, $1.suggestedLabel) }
            return .init(name: "specifications", flags: rows.map { row in
                let evidence = JSONValue.object(row.evidence.map { ($0.spec, .number(Double($0.rank))) }).jsonText
                return .init(sampleID: row.sampleID, suggestedLabel: row.suggestedLabel,
                             reason: "matches \(row.suggestedLabel)'s specifications \(evidence)")
            })
        case .conflicts:
            var flags: [SuspectMerging.Flag] = []
            for pair in try store.conflicts(run: run) {
                for (me, other) in [(pair.sampleA, pair.sampleB), (pair.sampleB, pair.sampleA)] where samples[me] != nil {
                    let partner = samples[other]
                    flags.append(.init(sampleID: me, suggestedLabel: partner?.label,
                                       reason: "\(pair.kind.rawValue) duplicate of \(partner?.displayID ?? "#\(other)") labelled \(partner?.label ?? "?")"))
                }
            }
            return .init(name: "conflicts", flags: flags)
        case .divergence, .suspects, .selection, .evaluate:
            return .init(name: kind.rawValue, flags: [])
        }
    }
}

extension SuspectsRun.Outcome {
    /// The first `top` suspects with their reasons.
    public func table(top: Int) -> Table {
        let used = sources.map { "\($0.kind.rawValue) run \($0.run)" }.joined(separator: ", ")
        return Table(
            name: "suspects", title: "Suspects, run \(run): \(suspects.count) samples flagged (from \(used))",
            columns: ["#", "id", "given", "suggested", "score", "signals", "reasons", "text"],
            rows: suspects.prefix(top).enumerated().map { position, s in
                let sample = samples[s.sampleID]
                return [.int(position + 1), .text(sample?.displayID ?? "#\(s.sampleID)"), .text(sample?.label ?? ""), .optional(s.suggestedLabel),
                        .real(s.score, digits: 4), .int(s.signals.count), .text(s.reasons.joined(separator: "; ")), .text(sample?.text ?? "")]
            },
            note: (missing.isEmpty ? "" : "Not run yet: \(missing.map(\.rawValue).joined(separator: ", ")). ")
                + "Hand them to annotators: dq export suspects --format csv|labelstudio|doccano --out FILE")
    }
}
