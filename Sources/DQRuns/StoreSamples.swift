import DQAnalyses
import DQStore
import DQText

/// A dataset's selected splits in the store, as the `SampleSource` that analyses stream.
/// Each share reads its own range of store ids through a connection of its own (with a small
/// page cache: each page is read once), so shares can be read on separate threads.
/// With corrected labels (`relabelled`), each sample's label is its corrected one, and the byte
/// path goes through `Sample`s (corrections are few; the plain path stays fast).
struct StoreSamples: SampleSource {
    let store: Store
    let dataset: Int64
    let splits: [String]?
    var relabelled: [Int64: String] = [:]

    init(store: Store, dataset: ResolvedDataset) {
        (self.store, self.dataset, self.splits, relabelled) = (store, dataset.id, dataset.splits, dataset.relabelled)
    }

    init(store: Store, dataset: Int64, splits: [String]?) {
        (self.store, self.dataset, self.splits) = (store, dataset, splits)
    }

    func forEachSample(_ body: (Sample) throws -> Void) throws {
        try store.forEachSample(dataset: dataset, splits: splits) { try body($0.relabelled(by: relabelled)) }
    }

    func forEachSampleBytes(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        guard relabelled.isEmpty else { return try bytesThroughSamples(body) }
        try store.forEachSampleBytes(ids: try store.sampleIDRanges(dataset: dataset, splits: splits), body)
    }

    func count() throws -> Int {
        try store.sampleIDRanges(dataset: dataset, splits: splits).reduce(0) { $0 + $1.count }
    }

    func shares(_ parts: Int) throws -> [any SampleSource & Sendable] {
        StoreSamples.cut(try store.sampleIDRanges(dataset: dataset, splits: splits), into: parts).map { Share(path: store.path, ranges: $0, relabelled: relabelled) }
    }

    /// `ranges` cut into `parts` lists of ranges holding about equal numbers of ids, in order
    /// (the earlier parts the smaller).
    static func cut(_ ranges: [ClosedRange<Int64>], into parts: Int) -> [[ClosedRange<Int64>]] {
        let total = Int64(ranges.reduce(0) { $0 + $1.count })
        var out = [[ClosedRange<Int64>]](repeating: [], count: max(parts, 1))
        var part = 0, taken: Int64 = 0
        for range in ranges {
            var lower = range.lowerBound
            while lower <= range.upperBound {
                // The part's share ends after ⌊total·(part+1)/parts⌋ ids.
                let end = total * Int64(part + 1) / Int64(out.count)
                let room = end - taken
                if room <= 0 && part < out.count - 1 {
                    part += 1
                    continue
                }
                let upper = part == out.count - 1 ? range.upperBound : min(range.upperBound, lower + room - 1)
                out[part].append(lower...upper)
                taken += upper - lower + 1
                lower = upper + 1
            }
        }
        return out
    }

    /// A share of the samples: store ids read through a connection of its own.
    struct Share: SampleSource, Sendable {
        let path: String
        let ranges: [ClosedRange<Int64>]
        var relabelled: [Int64: String] = [:]

        private func open() throws -> Store { try Store(path: path, pageCacheKiB: 2048) }

        func forEachSample(_ body: (Sample) throws -> Void) throws {
            try open().forEachSample(ids: ranges) { try body($0.relabelled(by: relabelled)) }
        }

        func forEachSampleBytes(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
            guard relabelled.isEmpty else { return try bytesThroughSamples(body) }
            try open().forEachSampleBytes(ids: ranges, body)
        }

        func count() throws -> Int { ranges.reduce(0) { $0 + $1.count } }

        func shares(_ parts: Int) throws -> [any SampleSource & Sendable] {
            StoreSamples.cut(ranges, into: parts).map { Share(path: path, ranges: $0, relabelled: relabelled) }
        }
    }
}

extension SampleSource {
    /// The byte path through `forEachSample`: each sample's text, text pair and label as UTF-8.
    func bytesThroughSamples(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try forEachSample { sample in
            let text = Array(sample.text.utf8), pair = sample.textPair.map { Array($0.utf8) }, label = Array(sample.label.utf8)
            try text.withUnsafeBufferPointer { t in
                try label.withUnsafeBufferPointer { l in
                    if let pair { try pair.withUnsafeBufferPointer { try body(t, $0, l) } } else { try body(t, nil, l) }
                }
            }
        }
    }
}

extension Sample {
    /// The sample with its label in a label version's `labels`, when it has one there.
    func relabelled(by labels: [Int64: String]) -> Sample {
        guard let label = labels[id] else { return self }
        var sample = self
        sample.label = label
        return sample
    }
}

extension PVIRow: PVIScored {}
