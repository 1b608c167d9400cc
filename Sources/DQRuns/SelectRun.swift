import DQReports
import DQStore
import DQText

/// `dq select`: a training subset chosen by PVI or by cartography region, recorded.
package enum SelectRun {
    package typealias Region = CartographyRegion

    /// A share ("10%") or a number ("500") of samples.
    package enum Amount: Sendable, Equatable, CustomStringConvertible {
        case share(Double)
        case count(Int)

        /// Parses "10%" (0–100) or "500"; nil otherwise.
        package init?(_ text: String) {
            if text.hasSuffix("%"), let p = Double(text.dropLast()), p >= 0, p <= 100 {
                self = .share(p / 100)
            } else if let n = Int(text), n >= 0 {
                self = .count(n)
            } else {
                return nil
            }
        }

        /// How many of `total` samples.
        package func of(_ total: Int) -> Int {
            switch self {
            case .share(let p): return Int((p * Double(total)).rounded())
            case .count(let n): return min(n, total)
            }
        }

        package var description: String {
            switch self {
            case .share(let p): return "\((p * 100).formatted(digits: p * 100 == (p * 100).rounded() ? 0 : 2))%"
            case .count(let n): return String(n)
            }
        }
    }

    package enum Rule: Sendable, Equatable {
        /// Drop the lowest-PVI samples; keep the rest.
        case dropLowest(Amount)
        /// Keep only the lowest-PVI samples.
        case keepHardest(Amount)
        /// Keep one cartography region.
        case region(CartographyRegion)

        var sourceKind: RunKind {
            if case .region = self { return .cartography }
            return .pvi
        }

        /// The one rule given; none or several is an error.
        package init(dropLowest: Amount?, keepHardest: Amount?, region: CartographyRegion?) throws(OptionError) {
            switch (dropLowest, keepHardest, region) {
            case let (amount?, nil, nil): self = .dropLowest(amount)
            case let (nil, amount?, nil): self = .keepHardest(amount)
            case let (nil, nil, region?): self = .region(region)
            default: throw OptionError("give exactly one rule: {dropLowest}, {keepHardest} or {region}")
            }
        }
    }

    package struct Outcome {
        package var run: Int64
        package var sourceRun: Int64
        package var sourceKind: RunKind
        package var rule: String
        /// The run the selection was made from, described.
        package var sourceDescribed: String
        /// The kept samples as the dataset CSV.
        package var csv: String
        package var kept: Int
    }

    /// Chooses the samples; `write` receives the CSV inside the run's transaction, so the
    /// file and the stored selection exist together or not at all.
    package static func run(store: Store, dataset selection: DatasetSelection, sourceRun: Int64?, rule: Rule, out: String,
                           write: (String) throws -> Void) throws -> Outcome {
        let dataset = try store.resolve(selection)
        let kind = rule.sourceKind
        let source = try store.requiredRun(sourceRun, kind: kind, dataset: dataset)
        let all = try store.samples(dataset, allSplits: true)
        let points = kind == .cartography ? try store.cartographyPoints(run: source.id) : []
        // Lowest PVI first, ties by sample.
        let rows = kind == .pvi ? try store.pviRows(run: source.id).sorted { ($0.pvi, $0.sampleID) < ($1.pvi, $1.sampleID) } : []
        // With --split, the run must have scored those splits alone: a PVI or data map fitted with
        // other splits' samples would carry them into the selection. So every candidate is of them.
        if let splits = dataset.splits {
            let split = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0.split) })
            let others = Set((rows.map(\.sampleID) + points.map(\.sampleID)).compactMap { split[$0] }).subtracting(splits).sorted()
            if !others.isEmpty { throw RunError.runCoversOtherSplits(run: source.described, splits: splits, others: others) }
        }
        let kept: [Int64]
        let description: String
        switch rule {
        case .region(let region):
            kept = points.filter { $0.regions.contains(region) }.map(\.sampleID)
            description = "region \(region.rawValue)"
        case .dropLowest(let amount):
            let n = amount.of(rows.count)
            kept = rows.dropFirst(n).map(\.sampleID)
            description = "drop the \(n) lowest-PVI samples (\(amount))"
        case .keepHardest(let amount):
            let n = amount.of(rows.count)
            kept = rows.prefix(n).map(\.sampleID)
            description = "keep the \(n) lowest-PVI samples (\(amount))"
        }
        let keep = Set(kept)
        let samples = all.filter { keep.contains($0.id) }
        let csv = Table.render([ExportRun.table(samples, corrected: nil)], as: .csv, guardFormulas: false)
        let parameters = SelectionParameters(sourceRun: source.id, sourceKind: kind, rule: description, kept: samples.count, out: out)
        let (run, _) = try store.recordRun(
            parameters, dataset: dataset.id, labelVersion: dataset.labelVersion, seed: nil, compute: { _ in samples },
            write: { run, samples in
                try store.writeSelection(run: run, samples: samples.map(\.id))
                try write(csv)
            })
        return Outcome(run: run, sourceRun: source.id, sourceKind: kind, rule: description, sourceDescribed: source.described, csv: csv,
                       kept: samples.count)
    }
}
