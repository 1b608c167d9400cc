import DQAnalyses
import DQStore

/// `dq stats`: label distribution, lengths, exact and conflicting duplicates of one dataset, or
/// of several pooled (conflicts across them too). Not a recorded run: it reads the samples only.
package enum StatsRun {
    /// The checks of `dq stats`'s options: one dataset or several, and a count of groups to list.
    package static func check(dataset: String?, datasets: [String]?, top: Int) throws(OptionError) {
        if dataset != nil && datasets != nil { throw OptionError("give {dataset} or {datasets}, not both") }
        try OptionError.check(top, atLeast: 0, "top")
    }

    /// One dataset (`dataset`) or several with a shared label space (`pooled`), each with the
    /// splits `dataset.splits` names; every split is checked against every dataset.
    package static func run(store: Store, dataset selection: DatasetSelection, pooled: [String]? = nil) throws -> (stats: DatasetStats, datasets: [String]) {
        let resolved = try (pooled ?? [selection.name].compactMap { $0 }).nilIfEmpty.map { names in
            try names.map { try store.resolve(DatasetSelection(name: $0, splits: selection.splits, labels: selection.labels)) }
        } ?? [try store.resolve(selection)]
        if resolved.count > 1 {
            let labelSets = try resolved.map { Set(try store.labels(dataset: $0.id)) }
            if labelSets.dropFirst().reduce(labelSets[0], { $0.intersection($1) }).isEmpty {
                throw DatasetStatsError.noSharedLabels(resolved.map(\.name))
            }
        }
        let multiLabel = try resolved.contains { try store.isMultiLabel(dataset: $0.id) }
        let stats = try DatasetStats.compute(resolved.map { ($0.name, StoreSamples(store: store, dataset: $0) as any SampleSource) }, multiLabel: multiLabel)
        return (stats, resolved.map(\.name))
    }
}

extension Array {
    /// nil for an empty array.
    var nilIfEmpty: [Element]? { isEmpty ? nil : self }
}
