import DQText

/// What `Store.ingest` does with a row read from a file.
enum RowDisposition: UInt8 {
    /// A bad row: stored as rejected.
    case rejected
    /// Stored before, by this file or an earlier ingest into the dataset: counted, not stored.
    case duplicate
    /// Stored as a sample.
    case new
    /// Stored as a sample, and the first row of the dataset with its label: the label is added too.
    case newWithNewLabel
}

/// Decides what becomes of each row of an ingest, on the thread that reads the file (see
/// `RowPipeline`), so that the thread writing to SQLite only binds and steps.
///
/// It owns the dataset's content hashes and labels while the file is read: the reading thread
/// uses it until the pipeline has stopped, then the caller saves `hashes`.
final class RowTriage: @unchecked Sendable {
    private(set) var hashes: ContentHashSet
    /// The dataset's labels (as stored, a combination for multi-label data), each with the
    /// number of new rows that carry it.
    private var labels = ByteStringCounts()
    /// The ids of the rows stored so far, as hashes; nil when the dataset held samples before
    /// this ingest (whose ids are not loaded).
    private var ids: ContentHashSet?
    /// Whether two stored samples of the dataset may share an id: the dataset held samples
    /// before, or two new rows' ids hash alike. False means they certainly do not.
    private(set) var mayRepeatIDs: Bool
    /// The hash state after the split, the first part of every row's content hash.
    private let splitHash: StableHash
    /// The content hashes of the batch being classified.
    private var batchHashes: [UInt64] = []
    /// What `ContentHashSet.touch` read; kept only so that its reads are not optimised away.
    private var touched: UInt64 = 0

    /// `expectedRows`: how many rows the file holds, when it says (the tables are sized for
    /// them at once).
    init(hashes: ContentHashSet, labels: [String], split: String, expectedRows: Int? = nil) {
        self.hashes = hashes
        ids = hashes.isEmpty ? ContentHashSet() : nil
        if let expectedRows {
            self.hashes.reserve(expectedRows)
            ids?.reserve(expectedRows)
        }
        mayRepeatIDs = !hashes.isEmpty
        var hash = StableHash()
        hash.combineOptional(split)
        splitHash = hash
        for var label in labels { label.withUTF8 { _ = self.labels.insert($0, counting: 0) } }
    }

    /// The new rows of each label, for the labels that have any; meant for after the reading.
    var newRowsByLabel: [String: Int] { labels.counts }

    /// Sets `dispositions` to what becomes of each row of `rows`, in order: a row whose content
    /// hash was seen before is a duplicate, and a new row whose label was not seen before adds it.
    func classify(_ rows: LabelledRowBatch, into dispositions: inout [RowDisposition]) {
        dispositions.removeAll(keepingCapacity: true)
        rows.withFields { fields in
            /// The label of a row that can be stored; nil for a rejected one. Both passes below
            /// decide by it, so the n-th hash is the n-th such row's.
            func storable(_ row: Int) -> UnsafeBufferPointer<UInt8>? { rows.rejected(row) == nil ? fields[.label, row] : nil }
            // The batch's content hashes first, and their slots read together: the lookups
            // below then find them in the cache (one miss at a time, they were 15% of reading).
            batchHashes.removeAll(keepingCapacity: true)
            for row in 0..<rows.count where storable(row) != nil {
                batchHashes.append(contentHash(fields, row: row, line: rows.lines[row]))
            }
            touched &+= hashes.touch(batchHashes)
            var next = 0
            for row in 0..<rows.count {
                guard let label = storable(row) else {
                    dispositions.append(.rejected)
                    continue
                }
                let hash = batchHashes[next]
                next += 1
                guard hashes.insert(hash) else {
                    dispositions.append(.duplicate)
                    continue
                }
                dispositions.append(labels.insert(label, counting: 1) ? .newWithNewLabel : .new)
                if !mayRepeatIDs, let id = fields[.externalID, row] {
                    var hash = StableHash()
                    hash.combineOptional(utf8: id)
                    if !ids!.insert(hash.finalize()) { mayRepeatIDs = true }
                }
            }
        }
    }

    /// The identity of a stored row, a `StableHash` of: split, id (`line:N` when the row has
    /// none, N its line), text, text pair, label. Ingesting the same file again thus adds
    /// nothing, while equal rows on different lines of a file without ids are different samples.
    private func contentHash(_ fields: LabelledRowBatch.Fields, row: Int, line: Int) -> UInt64 {
        var hash = splitHash
        if let id = fields[.externalID, row] {
            hash.combineOptional(utf8: id)
        } else {
            var id = "line:\(line)"
            id.withUTF8 { hash.combineOptional(utf8: $0) }
        }
        hash.combineOptional(utf8: fields[.text, row])
        hash.combineOptional(utf8: fields[.textPair, row])
        hash.combineOptional(utf8: fields[.label, row])
        return hash.finalize()
    }
}

/// A set of byte strings that is asked with bytes, without making a `String`, with a count for
/// each: each is filed under its `StableHash`, and strings that share a hash are told apart by
/// their bytes.
private struct ByteStringCounts {
    private var entries: [(bytes: [UInt8], count: Int)] = []
    /// Indices into `entries` by hash.
    private var byHash: [UInt64: [Int]] = [:]
    /// The entry last asked for.
    private var last: Int?

    /// Adds `count` to the count of `bytes`; true when they were not there before.
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>, counting count: Int) -> Bool {
        // A dataset has a few labels, and each row looks one up: comparing the bytes with the
        // last one asked for spares most rows a hash and a dictionary lookup.
        if let last, entries[last].bytes.elementsEqual(bytes) {
            entries[last].count += count
            return false
        }
        var hash = StableHash()
        hash.combine(buffer: bytes)
        let key = hash.finalize()
        if let at = byHash[key]?.first(where: { entries[$0].bytes.elementsEqual(bytes) }) {
            entries[at].count += count
            last = at
            return false
        }
        byHash[key, default: []].append(entries.count)
        last = entries.count
        entries.append((Array(bytes), count))
        return true
    }

    /// The strings counted more than zero times, with their counts.
    var counts: [String: Int] {
        Dictionary(entries.filter { $0.count > 0 }.map { (String(decoding: $0.bytes, as: UTF8.self), $0.count) }, uniquingKeysWith: +)
    }
}
