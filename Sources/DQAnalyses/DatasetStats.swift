import DQText

/// What `dq stats` reports about one or more datasets.
package struct DatasetStats: Sendable {
    package struct LabelCount: Sendable, Equatable {
        package var label: String
        package var count: Int
        package var share: Double
    }

    /// Text length in whitespace tokens (text and text pair together) for one label, or for
    /// all samples when `label` is nil. Quantiles interpolate linearly between order statistics
    /// (numpy's default, Hyndman & Fan type 7).
    package struct LengthSummary: Sendable, Equatable {
        package var label: String?
        package var min: Int
        package var median: Double
        package var p95: Double
        package var max: Int
    }

    /// A sample as a member of a duplicate group.
    package struct Member: Sendable, Equatable {
        package var dataset: String
        package var id: String
        package var label: String
    }

    /// Samples whose texts are equal: exactly (for exact duplicates), or after
    /// `TextNormalisation.duplicateKey` (for conflicts).
    package struct DuplicateGroup: Sendable, Equatable {
        package var text: String
        package var textPair: String?
        package var members: [Member]

        package var labels: [String] { members.map(\.label).uniqued() }
        package var datasets: [String] { members.map(\.dataset).uniqued() }
    }

    package var sampleCount: Int
    package var labels: [LabelCount]
    package var lengths: [LengthSummary]
    /// Groups of two or more samples with identical text (and text pair).
    package var exactDuplicates: [DuplicateGroup]
    /// Groups whose normalised texts are equal but whose labels differ.
    package var conflicts: [DuplicateGroup]
    /// Multi-label data: `labels` counts each single label in every sample that carries it.
    package var multiLabel = false
}

package enum DatasetStatsError: Error, CustomStringConvertible, Equatable {
    case noSharedLabels([String])

    package var description: String {
        switch self {
        case .noSharedLabels(let names):
            return "datasets \(names.joined(separator: ", ")) share no label, so conflicts across them mean nothing; compare datasets with a common label space"
        }
    }
}

extension DatasetStats {
    /// Computes the statistics of the given datasets' samples (several: conflicts across them
    /// too). Reads each source twice, holding per sample only a length and two hashes, so
    /// memory grows with the number of samples, not with their text. With `multiLabel`, a
    /// label is a `;`-joined list and each single label is counted in every sample carrying it.
    package static func compute(_ datasets: [(name: String, samples: any SampleSource)], multiLabel: Bool) throws -> DatasetStats {

        // Pass 1: label counts, lengths, and how often each exact and normalised text occurs.
        var labelOrder: [String] = []
        var labelCounts: [String: Int] = [:]
        var lengthsByLabel: [String: [Int]] = [:]
        var exactCounts: [UInt64: Int] = [:]
        var normalisedLabels: [UInt64: String] = [:]
        var conflicting: Set<UInt64> = []
        var total = 0
        var allLengths: [Int] = []
        for (_, samples) in datasets {
            try samples.forEachSample { sample in
                total += 1
                let length = TextNormalisation.whitespaceTokenCount(sample.text)
                    + (sample.textPair.map(TextNormalisation.whitespaceTokenCount) ?? 0)
                let names = !multiLabel ? [sample.label]
                    : sample.label.isEmpty ? ["(no label)"] : sample.label.split(separator: ";").map(String.init)
                allLengths.append(length)
                for name in names {
                    if labelCounts[name] == nil { labelOrder.append(name) }
                    labelCounts[name, default: 0] += 1
                    lengthsByLabel[name, default: []].append(length)
                }
                exactCounts[exactKey(sample), default: 0] += 1
                let key = normalisedKey(sample)
                if let seen = normalisedLabels[key] {
                    if seen != sample.label { conflicting.insert(key) }
                } else {
                    normalisedLabels[key] = sample.label
                }
            }
        }
        normalisedLabels = [:]

        // Pass 2: collect the members of repeated texts.
        var exactGroups: [UInt64: DuplicateGroup] = [:]
        var exactOrder: [UInt64] = []
        var conflictGroups: [UInt64: DuplicateGroup] = [:]
        var conflictOrder: [UInt64] = []
        for (name, samples) in datasets {
            try samples.forEachSample { sample in
                let member = Member(dataset: name, id: sample.displayID, label: sample.label)
                let exact = exactKey(sample)
                if exactCounts[exact, default: 0] > 1 {
                    if exactGroups[exact] == nil {
                        exactOrder.append(exact)
                        exactGroups[exact] = DuplicateGroup(text: sample.text, textPair: sample.textPair, members: [])
                    }
                    exactGroups[exact]!.members.append(member)
                }
                let key = normalisedKey(sample)
                if conflicting.contains(key) {
                    if conflictGroups[key] == nil {
                        conflictOrder.append(key)
                        conflictGroups[key] = DuplicateGroup(text: sample.text, textPair: sample.textPair, members: [])
                    }
                    conflictGroups[key]!.members.append(member)
                }
            }
        }

        let labelRows = labelOrder.map { label in
            LabelCount(label: label, count: labelCounts[label]!, share: Double(labelCounts[label]!) / Double(max(total, 1)))
        }
        var lengths = labelOrder.map { summarise(lengthsByLabel[$0]!, label: $0) }
        if total > 0 { lengths.append(summarise(allLengths, label: nil)) }
        var stats = DatasetStats(
            sampleCount: total, labels: labelRows, lengths: lengths,
            exactDuplicates: exactOrder.map { exactGroups[$0]! },
            conflicts: conflictOrder.map { conflictGroups[$0]! })
        stats.multiLabel = multiLabel
        return stats
    }

    static func exactKey(_ sample: Sample) -> UInt64 {
        var hash = StableHash()
        hash.combineOptional(sample.text)
        hash.combineOptional(sample.textPair)
        return hash.finalize()
    }

    static func normalisedKey(_ sample: Sample) -> UInt64 {
        var hash = StableHash()
        hash.combineOptional(TextNormalisation.duplicateKey(sample.text))
        hash.combineOptional(sample.textPair.map(TextNormalisation.duplicateKey))
        return hash.finalize()
    }

    static func summarise(_ values: [Int], label: String?) -> LengthSummary {
        let sorted = values.sorted()
        return LengthSummary(
            label: label, min: sorted.first ?? 0, median: Quantile.linear(sorted, 0.5),
            p95: Quantile.linear(sorted, 0.95), max: sorted.last ?? 0)
    }
}

/// Quantiles of sorted data.
package enum Quantile {
    /// The q-quantile (0 ≤ q ≤ 1) of ascending `sorted` values by linear interpolation between
    /// order statistics at position q·(n−1): numpy's default (Hyndman & Fan type 7).
    package static func linear<T: BinaryInteger>(_ sorted: [T], _ q: Double) -> Double {
        linear(sorted.map(Double.init), q)
    }

    package static func linear(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = q * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }
}

extension Array where Element: Hashable {
    /// The elements in first-seen order without repeats.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
