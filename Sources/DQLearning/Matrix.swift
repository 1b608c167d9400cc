/// A row-major Float32 matrix in memory it owns. A class, so layers can hand activations to
/// each other and keep them for the backward pass without copies.
public final class Matrix: @unchecked Sendable {
    public let rows: Int
    public let columns: Int
    public let data: UnsafeMutablePointer<Float>

    public var count: Int { rows * columns }

    /// A zero matrix.
    public init(rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0)
        self.rows = rows
        self.columns = columns
        data = .allocate(capacity: max(1, rows * columns))
        data.initialize(repeating: 0, count: max(1, rows * columns))
    }

    public convenience init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "expected \(rows * columns) values, got \(values.count)")
        self.init(rows: rows, columns: columns)
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
    }

    deinit { data.deallocate() }

    public subscript(row: Int, column: Int) -> Float {
        get { data[row * columns + column] }
        set { data[row * columns + column] = newValue }
    }

    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    public var buffer: UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(start: data, count: count) }

    public func zero() { data.update(repeating: 0, count: count) }

    public func copy() -> Matrix {
        let out = Matrix(rows: rows, columns: columns)
        out.data.update(from: data, count: count)
        return out
    }

    /// Row `r` as a pointer to its first element.
    public func row(_ r: Int) -> UnsafeMutablePointer<Float> { data + r * columns }
}

extension Matrix {
    /// out = self · otherᵀ-or-not (see `gemm`), a new matrix.
    public func multiplied(by other: Matrix, transposeSelf: Bool = false, transposeOther: Bool = false) -> Matrix {
        let m = transposeSelf ? columns : rows
        let k = transposeSelf ? rows : columns
        let n = transposeOther ? other.rows : other.columns
        precondition((transposeOther ? other.columns : other.rows) == k, "inner dimensions differ")
        let out = Matrix(rows: m, columns: n)
        gemm(transA: transposeSelf, transB: transposeOther, m: m, n: n, k: k, alpha: 1,
             a: data, lda: columns, b: other.data, ldb: other.columns, beta: 0, c: out.data, ldc: n)
        return out
    }
}
