import Dispatch
import Foundation

/// Sparse feature vectors of many rows in one compressed-sparse-row matrix: three flat arrays
/// instead of two small arrays per row, so a million rows cost a few allocations, not millions.
/// Row i's nonzeros are `columns[rowStart[i]..<rowStart[i + 1]]` with their `values`, its
/// indices sorted and distinct (as in `SparseVector`).
package struct SparseRows: Sendable, Equatable {
    package private(set) var rowStart: [Int] = [0]
    package private(set) var columns: [Int32] = []
    package private(set) var values: [Float] = []

    package init() {}

    package init(_ rows: [SparseVector]) {
        reserve(rows: rows.count, nonzeros: rows.reduce(0) { $0 + $1.indices.count })
        for row in rows { append(row) }
    }

    package var count: Int { rowStart.count - 1 }
    package var nonzeros: Int { columns.count }

    package subscript(row: Int) -> SparseVector {
        let range = rowStart[row]..<rowStart[row + 1]
        return SparseVector(indices: Array(columns[range]), values: Array(values[range]))
    }

    package mutating func reserve(rows: Int, nonzeros: Int) {
        rowStart.reserveCapacity(rows + 1)
        columns.reserveCapacity(nonzeros)
        values.reserveCapacity(nonzeros)
    }

    package mutating func append(_ row: SparseVector) {
        row.indices.withUnsafeBufferPointer { indices in row.values.withUnsafeBufferPointer { append(indices, $0) } }
    }

    mutating func append(_ indices: UnsafeBufferPointer<Int32>, _ values: UnsafeBufferPointer<Float>) {
        columns.append(contentsOf: indices)
        self.values.append(contentsOf: values)
        rowStart.append(columns.count)
    }

    package mutating func append(contentsOf other: SparseRows) {
        let offset = columns.count
        columns.append(contentsOf: other.columns)
        values.append(contentsOf: other.values)
        rowStart.append(contentsOf: other.rowStart.dropFirst().map { $0 + offset })
    }
}

/// Rows of sparse features that can be read more than once, any contiguous range at a time
/// and from several threads at once: what `GroupedRows` lays out by feature. `SparseRows` holds
/// its rows; `HashedInputs` hashes them again at each reading, so that a million rows are never
/// held twice (once by row and once by feature).
package protocol SparseRowSource: Sendable {
    var count: Int { get }
    /// Calls `body(row, indices, values)` for each row of `range`, in order, on the calling
    /// thread; the buffers are valid only during the call.
    func forEachRow(in range: Range<Int>, _ body: (Int, UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Float>) -> Void)
}

extension SparseRows: SparseRowSource {
    package func forEachRow(in range: Range<Int>, _ body: (Int, UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Float>) -> Void) {
        columns.withUnsafeBufferPointer { columns in
            values.withUnsafeBufferPointer { values in
                for row in range {
                    let entries = rowStart[row]..<rowStart[row + 1]
                    body(row, UnsafeBufferPointer(rebasing: columns[entries]), UnsafeBufferPointer(rebasing: values[entries]))
                }
            }
        }
    }
}

/// Texts (and pairs) as the rows of their `HashedNGrams` features, hashed at each reading.
package struct HashedInputs: SparseRowSource {
    package let features: HashedNGrams
    package let count: Int
    private let input: @Sendable (Int) -> (text: String, pair: String?)

    package init(_ features: HashedNGrams, count: Int, input: @escaping @Sendable (Int) -> (text: String, pair: String?)) {
        self.features = features
        self.count = count
        self.input = input
    }

    package func forEachRow(in range: Range<Int>, _ body: (Int, UnsafeBufferPointer<Int32>, UnsafeBufferPointer<Float>) -> Void) {
        var hasher = NGramHasher()
        for row in range {
            let (text, pair) = input(row)
            hasher.hash(text, pair: pair, with: features) { body(row, $0, $1) }
        }
    }
}

extension HashedNGrams {
    /// The feature vectors of many inputs as one matrix, hashed in chunks split between the
    /// cores (`cores`); row i is `features(inputs[i].text, pair: inputs[i].pair)`.
    package func rows(_ inputs: [(text: String, pair: String?)], cores: Int = 2) -> SparseRows {
        let source = HashedInputs(self, count: inputs.count) { inputs[$0] }
        let chunk = 4096
        let chunks = (inputs.count + chunk - 1) / chunk
        @Sendable func hashed(_ range: Range<Int>) -> SparseRows {
            var out = SparseRows()
            source.forEachRow(in: range) { _, indices, values in out.append(indices, values) }
            return out
        }
        guard chunks > 1, cores > 1 else { return hashed(0..<inputs.count) }
        // Each worker takes every `cores`-th chunk; chunks are joined in order afterwards.
        let parts = ConcurrentSlots<SparseRows>(count: chunks)
        DispatchQueue.concurrentPerform(iterations: cores) { worker in
            for c in stride(from: worker, to: chunks, by: cores) {
                parts.store(c, hashed((c * chunk)..<min(inputs.count, (c + 1) * chunk)))
            }
        }
        // Joined into arrays of the exact size, each chunk freed once copied.
        var all = SparseRows()
        all.reserve(rows: inputs.count, nonzeros: parts.values.reduce(0) { $0 + $1.nonzeros })
        for c in 0..<chunks { all.append(contentsOf: parts.take(c)) }
        return all
    }
}

/// Slots written by concurrent workers, one slot each, read after they have all finished.
package final class ConcurrentSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]
    private let lock = NSLock()

    package init(count: Int) { slots = Array(repeating: nil, count: count) }

    package func store(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// The values stored, in slot order (empty slots left out).
    package var values: [Value] { slots.compactMap { $0 } }

    /// The value of a slot, leaving it empty.
    package func take(_ index: Int) -> Value {
        defer { slots[index] = nil }
        return slots[index]!
    }
}
