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
        columns.append(contentsOf: row.indices)
        values.append(contentsOf: row.values)
        rowStart.append(columns.count)
    }

    package mutating func append(contentsOf other: SparseRows) {
        let offset = columns.count
        columns.append(contentsOf: other.columns)
        values.append(contentsOf: other.values)
        rowStart.append(contentsOf: other.rowStart.dropFirst().map { $0 + offset })
    }
}

extension HashedNGrams {
    /// The feature vectors of many inputs as one matrix, hashed in chunks split between the
    /// cores (`cores`); row i is `features(inputs[i].text, pair: inputs[i].pair)`.
    package func rows(_ inputs: [(text: String, pair: String?)], cores: Int = 2) -> SparseRows {
        let chunk = 4096
        let chunks = (inputs.count + chunk - 1) / chunk
        guard chunks > 1, cores > 1 else {
            var out = SparseRows()
            for input in inputs { out.append(features(input.text, pair: input.pair)) }
            return out
        }
        // Each worker takes every `cores`-th chunk; chunks are joined in order afterwards.
        let parts = ConcurrentSlots<SparseRows>(count: chunks)
        let me = self
        DispatchQueue.concurrentPerform(iterations: cores) { worker in
            for c in stride(from: worker, to: chunks, by: cores) {
                var out = SparseRows()
                for i in (c * chunk)..<min(inputs.count, (c + 1) * chunk) {
                    out.append(me.features(inputs[i].text, pair: inputs[i].pair))
                }
                parts.store(c, out)
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
