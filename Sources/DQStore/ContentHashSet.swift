import Foundation

/// The content hashes of a dataset's stored rows, used to skip rows that are already stored.
///
/// Each ingest stores the hashes of the rows it added as one blob of little-endian
/// UInt64s (table `content_hashes`). Loading them all is one sequential read of 8 bytes a row,
/// and checking a row is a hash-set lookup; this is several times cheaper for large ingests than
/// keeping a unique B-tree index on the samples table, which SQLite updates at a random place
/// for every row.
struct ContentHashSet {
    private var known: Set<UInt64>
    /// Hashes added since loading, in the order they were added.
    private(set) var added: [UInt64] = []

    /// The hashes of every row stored for `dataset`.
    init(database: Database, dataset: Int64) throws {
        known = []
        for row in try database.rows("SELECT hashes FROM content_hashes WHERE dataset_id = ?", [.integer(dataset)]) {
            guard case .blob(let bytes) = row[0] else { continue }
            known.reserveCapacity(known.count + bytes.count / 8)
            bytes.withUnsafeBytes { raw in
                for i in stride(from: 0, to: raw.count - 7, by: 8) {
                    known.insert(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                }
            }
        }
    }

    /// Adds `hash`; false when it was already there.
    mutating func insert(_ hash: UInt64) -> Bool {
        guard known.insert(hash).inserted else { return false }
        added.append(hash)
        return true
    }

    /// Stores the hashes added since loading as the blob of `ingest`.
    func save(database: Database, dataset: Int64, ingest: Int64) throws {
        var bytes = [UInt8]()
        bytes.reserveCapacity(added.count * 8)
        for hash in added {
            withUnsafeBytes(of: hash.littleEndian) { bytes.append(contentsOf: $0) }
        }
        try database.run(
            "INSERT INTO content_hashes (ingest_id, dataset_id, hashes) VALUES (?, ?, ?)",
            [.integer(ingest), .integer(dataset), .blob(bytes)])
    }
}
