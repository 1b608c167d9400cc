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
    private var labels = ByteStringSet()
    /// The ids of the rows stored so far, as hashes; nil when the dataset held samples before
    /// this ingest (whose ids are not loaded).
    private var ids: ContentHashSet?
    /// Whether two stored samples of the dataset may share an id: the dataset held samples
    /// before, or two new rows' ids hash alike. False means they certainly do not.
    private(set) var mayRepeatIDs: Bool
    /// The hash state after the split, the first part of every row's content hash.
    private let splitHash: StableHash

    init(hashes: ContentHashSet, labels: [String], split: String) {
        self.hashes = hashes
        ids = hashes.isEmpty ? ContentHashSet() : nil
        mayRepeatIDs = !hashes.isEmpty
        var hash = StableHash()
        hash.combineOptional(split)
        splitHash = hash
        for var label in labels { label.withUTF8 { _ = self.labels.insert($0) } }
    }

    /// Sets `dispositions` to what becomes of each row of `rows`, in order: a row whose content
    /// hash was seen before is a duplicate, and a new row whose label was not seen before adds it.
    func classify(_ rows: LabelledRowBatch, into dispositions: inout [RowDisposition]) {
        dispositions.removeAll(keepingCapacity: true)
        rows.withFields { fields in
            for row in 0..<rows.count {
                guard rows.rejected(row) == nil, let label = fields[.label, row] else {
                    dispositions.append(.rejected)
                    continue
                }
                guard hashes.insert(contentHash(fields, row: row, line: rows.lines[row])) else {
                    dispositions.append(.duplicate)
                    continue
                }
                dispositions.append(labels.insert(label) ? .newWithNewLabel : .new)
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

/// A set of byte strings that is asked with bytes, without making a `String`: each is filed
/// under its `StableHash`, and strings that share a hash are told apart by their bytes.
private struct ByteStringSet {
    private var buckets: [UInt64: [[UInt8]]] = [:]

    /// Adds `bytes`; false when they were there.
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var hash = StableHash()
        hash.combine(buffer: bytes)
        let key = hash.finalize()
        if let bucket = buckets[key], bucket.contains(where: { $0.elementsEqual(bytes) }) { return false }
        buckets[key, default: []].append(Array(bytes))
        return true
    }
}
