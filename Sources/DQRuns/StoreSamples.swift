import DQAnalyses
import DQStore
import DQText

/// A dataset's selected splits in the store, as the `SampleSource` that analyses stream.
/// Each share reads its own range of store ids through a connection of its own (with a small
/// page cache: each page is read once), so shares can be read on separate threads.
struct StoreSamples: SampleSource {
    let store: Store
    let dataset: Int64
    let splits: [String]?

    init(store: Store, dataset: ResolvedDataset) {
        (self.store, self.dataset, self.splits) = (store, dataset.id, dataset.splits)
    }

    init(store: Store, dataset: Int64, splits: [String]?) {
        (self.store, self.dataset, self.splits) = (store, dataset, splits)
    }

    func forEachSample(_ body: (Sample) throws -> Void) throws {
        try store.forEachSample(dataset: dataset, splits: splits, body)
    }

    func forEachSampleBytes(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try store.forEachSampleBytes(ids: try store.sampleIDRanges(dataset: dataset, splits: splits), body)
    }

    func count() throws -> Int {
        try store.sampleIDRanges(dataset: dataset, splits: splits).reduce(0) { $0 + $1.count }
    }

    func shares(_ parts: Int) throws -> [any SampleSource & Sendable] {
        StoreSamples.cut(try store.sampleIDRanges(dataset: dataset, splits: splits), into: parts).map { Share(path: store.path, ranges: $0) }
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

        private func open() throws -> Store { try Store(path: path, pageCacheKiB: 2048) }

        func forEachSample(_ body: (Sample) throws -> Void) throws {
            try open().forEachSample(ids: ranges, body)
        }

        func forEachSampleBytes(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>) throws -> Void) throws {
            try open().forEachSampleBytes(ids: ranges, body)
        }

        func count() throws -> Int { ranges.reduce(0) { $0 + $1.count } }

        func shares(_ parts: Int) throws -> [any SampleSource & Sendable] {
            StoreSamples.cut(ranges, into: parts).map { Share(path: path, ranges: $0) }
        }
    }
}

extension PVIRow: PVIScored {}
