import Foundation

/// A row-major Float32 matrix in memory it owns. A class, so layers can hand activations to
/// each other and keep them for the backward pass without copies.
package final class Matrix: @unchecked Sendable {
    package let rows: Int
    package let columns: Int
    package let data: UnsafeMutablePointer<Float>

    package var count: Int { rows * columns }

    /// A zero matrix.
    package convenience init(rows: Int, columns: Int) {
        self.init(rows: rows, columns: columns, uninitialized: ())
        data.initialize(repeating: 0, count: max(1, rows * columns))
    }

    /// A matrix whose values are garbage until written: for outputs that are written whole.
    package init(rows: Int, columns: Int, uninitialized: Void) {
        precondition(rows >= 0 && columns >= 0)
        self.rows = rows
        self.columns = columns
        data = BufferPool.shared.take(max(1, rows * columns))
    }

    package convenience init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "expected \(rows * columns) values, got \(values.count)")
        self.init(rows: rows, columns: columns, uninitialized: ())
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { BufferPool.shared.give(data, count: max(1, count)) }

    package subscript(row: Int, column: Int) -> Float {
        get { data[row * columns + column] }
        set { data[row * columns + column] = newValue }
    }

    package var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    package func zero() { data.update(repeating: 0, count: count) }

    package func copy() -> Matrix {
        let out = Matrix(rows: rows, columns: columns, uninitialized: ())
        out.data.update(from: data, count: count)
        return out
    }

    /// Row `r` as a pointer to its first element.
    package func row(_ r: Int) -> UnsafeMutablePointer<Float> { data + r * columns }
}

/// Recycles the memory of freed matrices by exact size. A training step frees and allocates
/// the same activation shapes every time; without recycling, the allocator maps and
/// page-faults them in anew each step (a tenth of inference time in profiles).
final class BufferPool: @unchecked Sendable {
    static let shared = BufferPool()
    /// At most this many floats are kept idle (256 MiB).
    private let limit = 64 << 20
    private var idle: [Int: [UnsafeMutablePointer<Float>]] = [:]
    private var idleFloats = 0
    private let lock = NSLock()

    func take(_ count: Int) -> UnsafeMutablePointer<Float> {
        lock.lock()
        if let pointer = idle[count]?.popLast() {
            idleFloats -= count
            lock.unlock()
            return pointer
        }
        lock.unlock()
        return .allocate(capacity: count)
    }

    func give(_ pointer: UnsafeMutablePointer<Float>, count: Int) {
        lock.lock()
        defer { lock.unlock() }
        guard idleFloats + count <= limit else {
            pointer.deallocate()
            return
        }
        idle[count, default: []].append(pointer)
        idleFloats += count
    }
}
