import DQReports
import DQStore

/// `--by annotator` for the per-sample analyses: which annotators labelled each sample, and a
/// table per annotator over the samples they labelled (slices overlap: a sample is in the slice
/// of every annotator who labelled it).
enum AnnotatorSlices {
    /// The annotators of each annotated sample of a dataset; no annotations is an error.
    static func members(store: Store, dataset: Int64, name: String) throws -> [Int64: [String]] {
        let stored = try store.annotations(dataset: dataset)
        guard !stored.sampleIDs.isEmpty else { throw RunError.noAnnotations(dataset: name) }
        var members: [Int64: [String]] = [:]
        for k in stored.item.indices {
            members[stored.sampleIDs[Int(stored.item[k])], default: []].append(stored.annotators[Int(stored.annotator[k])])
        }
        return members
    }

    /// Positions in `ids` of each annotator's samples, annotators by name.
    static func slices(_ ids: [Int64?], members: [Int64: [String]]) -> [(annotator: String, positions: [Int])] {
        var positions: [String: [Int]] = [:]
        for (i, id) in ids.enumerated() {
            guard let id else { continue }
            for name in members[id] ?? [] { positions[name, default: []].append(i) }
        }
        return positions.keys.sorted().map { ($0, positions[$0]!) }
    }
}
