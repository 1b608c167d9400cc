import Foundation

/// The content hashes of a dataset's stored rows, used to skip rows that are already stored.
///
/// Each ingest stores the hashes of the rows it added as one blob of little-endian
/// UInt64s (table `content_hashes`). Loading them all is one sequential read of 8 bytes a row,
/// and checking a row is a hash-set lookup; this is several times cheaper for large ingests than
/// keeping a unique B-tree index on the samples table, which SQLite updates at a random place
/// for every row.
///
/// The set is an open-addressing table with linear probing, indexed by the hash's low bits:
/// the keys are already uniformly mixed 64-bit hashes, so hashing them again (as `Set` does,
/// with SipHash) only costs time.
struct ContentHashSet {
    private var slots: [UInt64]
    private var count = 0
    /// 0 marks an empty slot, so the hash 0 is remembered apart.
    private var hasZero = false
    /// Hashes added since loading, in the order they were added (when `remembersAdded`).
    private(set) var added: [UInt64] = []
    private var remembersAdded = true

    /// An empty set that does not keep the list of added hashes.
    init() {
        slots = [UInt64](repeating: 0, count: 1 << 16)
        remembersAdded = false
    }

    var isEmpty: Bool { count == 0 && !hasZero }

    /// The hashes of every row stored for `dataset`.
    init(database: Database, dataset: Int64) throws {
        slots = [UInt64](repeating: 0, count: 1 << 16)
        for row in try database.rows("SELECT hashes FROM content_hashes WHERE dataset_id = ?", [.integer(dataset)]) {
            guard case .blob(let bytes) = row[0] else { continue }
            bytes.withUnsafeBytes { raw in
                for i in stride(from: 0, to: raw.count - 7, by: 8) {
                    _ = place(UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)))
                }
            }
        }
    }

    /// Makes room for `extra` more hashes at once, sparing the table the doublings (each a
    /// pass of cache misses over every hash so far) it would go through to reach that size.
    mutating func reserve(_ extra: Int) {
        var size = slots.count
        while 2 * (count + extra + 1) > size { size *= 2 }
        if size > slots.count { rebuild(size: size) }
        if remembersAdded { added.reserveCapacity(added.count + extra) }
    }

    /// Reads the slot at which each of `hashes` would start its search, so that a batch's cache
    /// misses (the table is far larger than the caches, and each lookup lands at a random place)
    /// are waited for together rather than one lookup at a time. The returned value only keeps
    /// the reads from being optimised away.
    func touch(_ hashes: [UInt64]) -> UInt64 {
        let mask = slots.count - 1
        var sink: UInt64 = 0
        slots.withUnsafeBufferPointer { slots in
            for hash in hashes { sink &+= slots[Int(truncatingIfNeeded: hash) & mask] }
        }
        return sink
    }

    /// Adds `hash`; false when it was already there.
    mutating func insert(_ hash: UInt64) -> Bool {
        guard place(hash) else { return false }
        if remembersAdded { added.append(hash) }
        return true
    }

    /// Puts `hash` in the table; false when it was there.
    private mutating func place(_ hash: UInt64) -> Bool {
        if hash == 0 {
            defer { hasZero = true }
            return !hasZero
        }
        if 2 * (count + 1) > slots.count { grow() }
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        while true {
            let slot = slots[i]
            if slot == hash { return false }
            if slot == 0 {
                slots[i] = hash
                count += 1
                return true
            }
            i = (i + 1) & mask
        }
    }

    private mutating func grow() { rebuild(size: slots.count * 2) }

    private mutating func rebuild(size: Int) {
        let old = slots
        slots = [UInt64](repeating: 0, count: size)
        count = 0
        for hash in old where hash != 0 { _ = place(hash) }
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
